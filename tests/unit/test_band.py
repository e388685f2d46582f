"""ZigBee band join options: six labels and codes, legacy CPL values, and what is refused."""

from __future__ import annotations

import pytest

from firpath.domain.band import BAND_OPTIONS, ZigbeeBand, parse_band
from firpath.domain.errors import FieldInvalid
from firpath.domain.values import DeviceType

EN_DASH = "\u2013"
EM_DASH = "\u2014"

SIX = [
    ("2.4 GHz Only", "2_4GHZ_ONLY", ZigbeeBand.ONLY_2_4GHZ),
    ("Sub-GHz Only", "SUB_GHZ_ONLY", ZigbeeBand.SUB_GHZ_ONLY),
    (f"Multi MAC Selection {EN_DASH} Auto", "MULTI_MAC_AUTO", ZigbeeBand.MULTI_MAC_AUTO),
    (f"Multi MAC Selection {EN_DASH} Manual", "MULTI_MAC_MANUAL", ZigbeeBand.MULTI_MAC_MANUAL),
    (f"Multi MAC Selection {EN_DASH} Either", "MULTI_MAC_EITHER", ZigbeeBand.MULTI_MAC_EITHER),
    ("Dual Band", "DUAL_BAND", ZigbeeBand.DUAL_BAND),
]
SIX_IDS = [code for _, code, _ in SIX]


@pytest.mark.parametrize(("label", "code", "band"), SIX, ids=SIX_IDS)
def test_each_option_has_its_label_and_code(label: str, code: str, band: ZigbeeBand) -> None:
    assert band.label == label
    assert band.value == code
    assert band.is_complete


@pytest.mark.parametrize(("label", "code", "band"), SIX, ids=SIX_IDS)
def test_each_label_parses(label: str, code: str, band: ZigbeeBand) -> None:
    assert parse_band(label, DeviceType.CH) is band


@pytest.mark.parametrize(("label", "code", "band"), SIX, ids=SIX_IDS)
def test_each_code_parses(label: str, code: str, band: ZigbeeBand) -> None:
    assert parse_band(code, DeviceType.CH) is band


@pytest.mark.parametrize(("label", "code", "band"), SIX, ids=SIX_IDS)
def test_case_is_ignored_in_labels_and_codes(label: str, code: str, band: ZigbeeBand) -> None:
    assert parse_band(label.upper(), DeviceType.CH) is band
    assert parse_band(label.lower(), DeviceType.CH) is band
    assert parse_band(code.lower(), DeviceType.CH) is band


@pytest.mark.parametrize(("label", "code", "band"), SIX, ids=SIX_IDS)
def test_spacing_is_ignored_in_labels_and_codes(label: str, code: str, band: ZigbeeBand) -> None:
    assert parse_band(f"  {label}  ", DeviceType.CH) is band
    assert parse_band(label.replace(" ", ""), DeviceType.CH) is band
    assert parse_band(label.replace(" ", "   "), DeviceType.CH) is band
    assert parse_band(f"\t{code} ", DeviceType.CH) is band


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        ("Multi MAC Selection - Auto", ZigbeeBand.MULTI_MAC_AUTO),
        ("Multi MAC Selection-Manual", ZigbeeBand.MULTI_MAC_MANUAL),
        (f"Multi MAC Selection {EM_DASH} Either", ZigbeeBand.MULTI_MAC_EITHER),
        ("multi mac selection - either", ZigbeeBand.MULTI_MAC_EITHER),
        (f"Sub{EN_DASH}GHz Only", ZigbeeBand.SUB_GHZ_ONLY),
        ("2.4GHz only", ZigbeeBand.ONLY_2_4GHZ),
    ],
)
def test_hyphen_and_dash_are_the_same_in_labels(raw: str, band: ZigbeeBand) -> None:
    assert parse_band(raw, DeviceType.ESME) is band


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        ("Single Band (2.4GHz)", ZigbeeBand.ONLY_2_4GHZ),
        ("single band (2.4 GHz)", ZigbeeBand.ONLY_2_4GHZ),
        ("Single Band (Sub-GHz)", ZigbeeBand.SUB_GHZ_ONLY),
        (f"SINGLE BAND (SUB{EN_DASH}GHZ)", ZigbeeBand.SUB_GHZ_ONLY),
    ],
)
@pytest.mark.parametrize("device_type", [DeviceType.ESME, DeviceType.CH, None])
def test_legacy_single_band_values_map_to_the_new_options(
    raw: str, band: ZigbeeBand, device_type: DeviceType | None
) -> None:
    assert parse_band(raw, device_type) is band


@pytest.mark.parametrize("raw", ["Dual Band", "dual band", " DUAL  BAND "])
def test_legacy_dual_band_on_a_communications_hub_is_dual_band(raw: str) -> None:
    assert parse_band(raw, DeviceType.CH) is ZigbeeBand.DUAL_BAND


@pytest.mark.parametrize(
    "device_type",
    [DeviceType.ESME, DeviceType.GSME, DeviceType.PPMID, DeviceType.IHD, DeviceType.CAD, None],
)
def test_legacy_dual_band_on_another_device_is_multi_mac_unstated(
    device_type: DeviceType | None,
) -> None:
    band = parse_band("Dual Band", device_type)
    assert band is ZigbeeBand.MULTI_MAC_UNSTATED
    assert band.is_complete is False
    assert "not stated" in band.label


def test_dual_band_code_is_always_the_new_option_even_off_a_hub() -> None:
    # rule 5 refuses it on a non-CH; parsing must not hide the mistake
    assert parse_band("DUAL_BAND", DeviceType.ESME) is ZigbeeBand.DUAL_BAND


def test_multi_mac_unstated_round_trips_by_code_and_label() -> None:
    unstated = ZigbeeBand.MULTI_MAC_UNSTATED
    assert parse_band(unstated.value, DeviceType.ESME) is unstated
    assert parse_band(unstated.label, DeviceType.ESME) is unstated


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
@pytest.mark.parametrize("device_type", [DeviceType.ESME, DeviceType.CH, None])
def test_empty_band_is_not_provided(raw: str, device_type: DeviceType | None) -> None:
    assert parse_band(raw, device_type) is None


@pytest.mark.parametrize(
    "raw",
    [
        "5 GHz Only",
        "Single Band",
        "Multi MAC",
        "Multi MAC Selection",
        "Triple Band",
        "2_4GHZ",
        "N/A",
    ],
)
def test_unknown_band_is_refused_listing_the_options(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_band(raw, DeviceType.ESME)
    assert caught.value.field == "zigbee_band"
    assert caught.value.value == raw
    assert "unknown band option" in caught.value.message
    for _, code, _ in SIX:
        assert code in caught.value.message


def test_the_six_options_a_new_entry_may_take_each_say_what_they_mean() -> None:
    assert [b.value for b in BAND_OPTIONS] == [
        "2_4GHZ_ONLY",
        "SUB_GHZ_ONLY",
        "MULTI_MAC_AUTO",
        "MULTI_MAC_MANUAL",
        "MULTI_MAC_EITHER",
        "DUAL_BAND",
    ]
    meanings = [b.description for b in ZigbeeBand]
    assert all(meanings) and len(set(meanings)) == len(meanings)
    assert "Communications Hubs only" in ZigbeeBand.DUAL_BAND.description
