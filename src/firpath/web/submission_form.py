"""The submission form: what a person types, as the payload the submit service reads; the
earlier firmware of the device model to choose *upgrade from* among; and the service's
defects as messages next to the fields they are about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from starlette.datastructures import FormData

from firpath.domain import values
from firpath.domain.account import Account, Role
from firpath.domain.band import BAND_OPTIONS, ZigbeeBand
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import Defect, FieldInvalid, InvalidInput
from firpath.domain.firmware_ref import HASH_SHOWN
from firpath.domain.upgrade_from_forms import UPGRADE_FROM_FORMS
from firpath.domain.values import DeviceType, entry_id_order

# Every field a submitter sets, in the order of the form (SECAS sets the CPL Entry ID, the
# date added and the status when it approves).
TEXT_FIELDS: Final = (
    "device_type",
    "manufacturer_id",
    "manufacturer_name",
    "model_id",
    "model_name",
    "hardware_version",
    "firmware_version",
    "firmware_version_name",
    "manufacturer_image_hash",
    "release_date",
    "release_notes",
    "smets_chts_version",
    "gbcs_version",
    "zigbee_chipset_vendor",
    "zigbee_stack_version",
    "zigbee_band",
    "notes",
)
UPGRADE_FROM: Final = "upgrade_from"  # the multi-select of earlier entries (CPL Entry IDs)
UPGRADE_CHOICE: Final = "upgrade_from_choice"  # which form *upgrade from* takes
LOAD_BUTTON: Final = "Show this model's firmware"  # fills the list without JavaScript
LABELS: Final[dict[str, str]] = {
    "device_type": "Device type",
    "manufacturer_id": "Manufacturer ID",
    "manufacturer_name": "Manufacturer name",
    "model_id": "Model ID",
    "model_name": "Model name",
    "hardware_version": "Hardware version",
    "firmware_version": "Firmware version (hex)",
    "firmware_version_name": "Firmware version name",
    "manufacturer_image_hash": "Manufacturer image hash",
    "release_date": "Release date",
    "release_notes": "Release notes",
    "smets_chts_version": "SMETS/CHTS version",
    "gbcs_version": "GBCS version",
    "zigbee_chipset_vendor": "ZigBee chipset vendor",
    "zigbee_stack_version": "ZigBee stack version",
    "zigbee_band": "ZigBee band join option",
    "notes": "Notes",
    UPGRADE_FROM: "Upgrade from",
}
DEVICE_TYPE_NAMES: Final[dict[DeviceType, str]] = {
    DeviceType.ESME: "Electricity Smart Metering Equipment",
    DeviceType.GSME: "Gas Smart Metering Equipment",
    DeviceType.CH: "Communications Hub",
    DeviceType.PPMID: "Prepayment Meter Interface Device",
    DeviceType.HCALCS: "HAN Connected Auxiliary Load Control Switch",
    DeviceType.SAPC: "Standalone Auxiliary Proportional Controller",
    DeviceType.IHD: "In-Home Display",
    DeviceType.GPF: "Gas Proxy Function",
    DeviceType.CAD: "Consumer Access Device",
    DeviceType.ALT_HAN: "Alternative HAN device",
}
_WEB_FORMS: Final = (
    "earlier versions of this device model chosen in the list, N/A (nothing may be upgraded "
    "to it) or every earlier active version"
)


class UpgradeChoice(StrEnum):
    """The forms *upgrade from* takes on the page."""

    ENTRIES = "entries"  # the earlier entries chosen in the list
    NOT_APPLICABLE = "na"  # nothing may be upgraded to it
    ALL_EARLIER = "all_earlier"  # every earlier active version, when SECAS approves
    NOT_STATED = "not_stated"  # allowed only outside the device types of the new rules


@dataclass(frozen=True, slots=True)
class SubmissionForm:
    """What was typed into the form, kept as typed."""

    values: Mapping[str, str]
    choice: UpgradeChoice = UpgradeChoice.ENTRIES
    chosen: tuple[str, ...] = ()

    @classmethod
    def posted(cls, form: FormData) -> SubmissionForm:
        """The form as posted (unknown fields ignored)."""
        typed = {name: _text(form.get(name)) for name in TEXT_FIELDS}
        raw_choice = _text(form.get(UPGRADE_CHOICE))
        try:
            choice = UpgradeChoice(raw_choice)
        except ValueError:
            choice = UpgradeChoice.ENTRIES
        picked = (_text(v).strip() for v in form.getlist(UPGRADE_FROM))
        chosen = tuple(dict.fromkeys(v for v in picked if v))
        return cls(typed, choice, chosen)

    @classmethod
    def blank(cls, account: Account, given: Mapping[str, str]) -> SubmissionForm:
        """An empty form; the device model's fields may be given (e.g. from an entry's
        page), and a manufacturer acting for one id has it filled in."""
        typed = {name: "" for name in TEXT_FIELDS}
        for name in ("device_type", "manufacturer_id", "model_id", "hardware_version"):
            typed[name] = given.get(name, "")[:40]
        own = sorted(account.manufacturer_ids)
        if account.role is Role.MANUFACTURER and len(own) == 1:
            typed["manufacturer_id"] = own[0]
        return cls(typed)

    def payload(self) -> dict[str, object]:
        """The submission as the submit service (and the JSON API) takes it."""
        body: dict[str, object] = dict(self.values)
        upgrade_from: object
        if self.choice is UpgradeChoice.NOT_APPLICABLE:
            upgrade_from = "N/A"
        elif self.choice is UpgradeChoice.ALL_EARLIER:
            upgrade_from = {"all_earlier": True}
        elif self.choice is UpgradeChoice.NOT_STATED:
            upgrade_from = None
        else:
            upgrade_from = list(self.chosen)  # none chosen: refused, and said so below
        body[UPGRADE_FROM] = upgrade_from
        return body

    def device_model(self) -> DeviceModel | None:
        """The device model the three id fields name, if each is valid."""
        try:
            return DeviceModel(
                values.manufacturer_id(self.values.get("manufacturer_id", "")),
                values.model_id(self.values.get("model_id", "")),
                values.hardware_version(self.values.get("hardware_version", "")),
            )
        except FieldInvalid:
            return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class FirmwareOption:
    """One earlier entry of the device model, as the *upgrade from* list shows it."""

    entry_id: str
    label: str
    selected: bool


def firmware_options(entries: Iterable[CplEntry], chosen: Sequence[str]) -> list[FirmwareOption]:
    """The device model's entries, newest first, by version name and hex (with a hash prefix
    where two builds share a version), then the chosen IDs the model does not have."""
    builds = sorted(
        entries, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)), reverse=True
    )
    names = Counter(e.firmware_version_name for e in builds if e.firmware_version_name)
    hexes = Counter(e.firmware_version for e in builds)
    wanted = set(chosen)
    options = []
    for e in builds:
        twin = hexes[e.firmware_version] > 1 or names.get(e.firmware_version_name or "", 0) > 1
        label = f"{e.firmware_version_name or '(no name)'} = {e.firmware_version}"
        if twin:
            label += f", hash {e.manufacturer_image_hash[:HASH_SHOWN]}"
        label += f", entry {e.cpl_entry_id}"
        if not e.is_active:
            label += f" ({e.status.value})"
        options.append(FirmwareOption(e.cpl_entry_id, label, e.cpl_entry_id in wanted))
    known = {o.entry_id for o in options}
    for entry_id in chosen:
        if entry_id not in known:
            label = f"entry {entry_id} (chosen before; not of this device model)"
            options.append(FirmwareOption(entry_id, label, True))
    return options


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a drop-down: its value, its text, and whether it is chosen."""

    value: str
    text: str
    selected: bool


def device_type_choices(typed: str) -> list[Choice]:
    """The device types, by code and name."""
    key = typed.strip().upper()
    return [
        Choice(t.value, f"{t.value} — {DEVICE_TYPE_NAMES[t]}", key == t.value) for t in DeviceType
    ]


def band_choices(typed: str) -> list[Choice]:
    """The six band options, each with what it means."""
    key = typed.strip()
    return [
        Choice(b.value, f"{b.label} — {b.description}", key in (b.value, b.label))
        for b in BAND_OPTIONS
    ]


def band_descriptions() -> list[tuple[str, str]]:
    """Each band option's label and meaning, for the list below the drop-down."""
    return [(b.label, b.description) for b in BAND_OPTIONS]


def maker_choices(account: Account, typed: str, names: Mapping[str, str | None]) -> list[Choice]:
    """The manufacturer ids a manufacturer account may submit for, with their names."""
    key = typed.strip().upper()
    return [
        Choice(m, f"{m} — {names.get(m) or 'name not on the CPL yet'}", key == m)
        for m in sorted(account.manufacturer_ids)
    ]


@dataclass
class FormErrors:
    """Messages by field (shown next to it) and those about no one field (shown on top)."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        """One message, at `name` when that is a field of the form."""
        if name in LABELS:
            self.by_field.setdefault(name, []).append(message)
        else:
            self.general.append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def summary(self) -> list[tuple[str, str]]:
        """(field, first message) per field with an error, in the order of the form."""
        order = [*TEXT_FIELDS[:-1], UPGRADE_FROM, TEXT_FIELDS[-1]]  # as the page shows them
        return [(n, self.by_field[n][0]) for n in order if n in self.by_field]


def form_errors(err: InvalidInput, form: SubmissionForm) -> FormErrors:
    """The service's defects, each at the field it names, in the form's words."""
    found = FormErrors()
    none_chosen = form.choice is UpgradeChoice.ENTRIES and not form.chosen
    if none_chosen:
        found.add(
            UPGRADE_FROM,
            f"{LABELS[UPGRADE_FROM]}: choose at least one earlier version in the list (the "
            f"button {LOAD_BUTTON!r} fills it), or choose N/A, every earlier active version, "
            "or not stated",
        )
    for defect in err.defects:
        if defect.field == UPGRADE_FROM and none_chosen:
            continue  # said above, in the form's words
        found.add(defect.field, _message(defect))
    for more in err.more:
        where = LABELS.get(more.field or "", more.field or "")
        found.general.append(f"{more.count} more: {where} {more.message}")
    return found


def _message(defect: Defect) -> str:
    """A defect as one line naming the field and the value typed."""
    label = LABELS.get(defect.field or "", defect.field or "")
    text = defect.message.replace(UPGRADE_FROM_FORMS, _WEB_FORMS).replace(
        '{"all_earlier": true}', "every earlier active version"
    )
    if defect.value:
        return f"{label} “{defect.value}”: {text}" if label else f"“{defect.value}”: {text}"
    return f"{label}: {text}" if label else text


def band_label(code: str) -> str:
    """A band code as people read it (empty: not provided)."""
    try:
        return ZigbeeBand(code).label
    except ValueError:
        return code
