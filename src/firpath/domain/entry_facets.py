"""The choices a list of entries can be narrowed by, each with how many entries it holds:
device type, manufacturer, model, status, chipset vendor, stack version, band, missing data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from firpath.domain.band import ZigbeeBand
from firpath.domain.completeness import ANY_FIELD, MISSING_CHOICES
from firpath.domain.entry import CplEntry
from firpath.domain.values import DeviceType, EntryStatus

MISSING_LABELS: Final[dict[str, str]] = {
    "upgrade_from": "Upgrade From",
    "zigbee_chipset_vendor": "ZigBee Chipset Vendor",
    "zigbee_stack_version": "ZigBee Stack Version",
    "zigbee_band": "ZigBee Band Join Option",
    ANY_FIELD: "Any new field",
}


@dataclass(frozen=True, slots=True)
class Choice:
    """One value to narrow by: what is sent, what people read, how many entries have it, and
    the group it is listed under (a model's manufacturer; "" for none)."""

    value: str
    label: str
    count: int
    group: str = ""


@dataclass(frozen=True, slots=True)
class EntryFacets:
    """Every facet's choices, in the order people look for them."""

    device_type: tuple[Choice, ...]
    manufacturer: tuple[Choice, ...]
    model: tuple[Choice, ...]  # value: manufacturer id/model id
    status: tuple[Choice, ...]
    chipset_vendor: tuple[Choice, ...]
    stack_version: tuple[Choice, ...]
    band: tuple[Choice, ...]
    missing: tuple[Choice, ...]


def manufacturer_label(name: str | None, manufacturer_id: str) -> str:
    """A manufacturer as people read it: `Name (ID)`, or the ID when no name is known."""
    return f"{name} ({manufacturer_id})" if name else f"manufacturer {manufacturer_id}"


def _most_used(pairs: Counter[tuple[str, str | None]]) -> dict[str, str]:
    """Each key's most used name (entries of one model may spell it differently)."""
    best: dict[str, tuple[int, str]] = {}
    for (key, name), n in pairs.items():
        if name and (key not in best or n > best[key][0]):
            best[key] = (n, name)
    return {k: name for k, (_, name) in best.items()}


def entry_facets(entries: Iterable[CplEntry]) -> EntryFacets:
    """The facets of `entries`: the choices present, each with its count."""
    listed = list(entries)
    types = Counter(e.device_type.value for e in listed)
    maker_names = Counter((e.manufacturer_id, e.manufacturer_name) for e in listed)
    makers = Counter(e.manufacturer_id for e in listed)
    model_names = Counter((f"{e.manufacturer_id}/{e.model_id}", e.model_name) for e in listed)
    models: Counter[str] = Counter()
    for (key, _), n in model_names.items():
        models[key] += n
    statuses = Counter(e.status.value for e in listed)
    vendors = Counter(e.zigbee_chipset_vendor for e in listed if e.zigbee_chipset_vendor)
    stacks = Counter(e.zigbee_stack_version for e in listed if e.zigbee_stack_version)
    bands = Counter(e.zigbee_band.value for e in listed if e.zigbee_band is not None)
    gaps = [e.missing_new_fields for e in listed]
    missing = Counter(field for fields in gaps for field in fields)
    missing[ANY_FIELD] = sum(1 for fields in gaps if fields)
    maker_name = _most_used(maker_names)
    model_name = _most_used(model_names)

    def maker(mid: str) -> str:
        return manufacturer_label(maker_name.get(mid), mid)

    def model_label(key: str) -> str:
        return f"{model_name.get(key) or 'model ' + key.split('/')[1]} ({key})"

    def by_text(counts: Counter[str]) -> tuple[Choice, ...]:
        return tuple(
            Choice(v, v, n) for v, n in sorted(counts.items(), key=lambda i: (i[0].lower(), i[0]))
        )

    return EntryFacets(
        device_type=tuple(Choice(t.value, t.value, types[t.value]) for t in DeviceType if types[t]),
        manufacturer=tuple(
            Choice(m, maker(m), makers[m])
            for m in sorted(makers, key=lambda m: (maker(m).lower(), m))
        ),
        model=tuple(
            Choice(key, model_label(key), models[key], maker(key.split("/")[0]))
            for key in sorted(
                models, key=lambda k: (maker(k.split("/")[0]).lower(), model_label(k).lower(), k)
            )
        ),
        status=tuple(Choice(s.value, s.value, statuses[s.value]) for s in EntryStatus),
        chipset_vendor=by_text(vendors),
        stack_version=by_text(stacks),
        band=tuple(Choice(b.value, b.label, bands[b.value]) for b in ZigbeeBand if bands[b]),
        missing=tuple(Choice(f, MISSING_LABELS[f], missing[f]) for f in MISSING_CHOICES),
    )
