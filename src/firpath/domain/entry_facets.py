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


def _named(counts: Counter[str], names: dict[str, Counter[str]]) -> dict[str, str]:
    """Each key's most used name (entries of one model may spell it differently)."""
    return {k: names[k].most_common(1)[0][0] for k in counts if names[k]}


def entry_facets(entries: Iterable[CplEntry]) -> EntryFacets:
    """The facets of `entries`: the choices present, each with its count."""
    types: Counter[str] = Counter()
    makers: Counter[str] = Counter()
    maker_names: dict[str, Counter[str]] = {}
    models: Counter[str] = Counter()
    model_names: dict[str, Counter[str]] = {}
    statuses: Counter[str] = Counter()
    vendors: Counter[str] = Counter()
    stacks: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    for e in entries:
        types[e.device_type.value] += 1
        makers[e.manufacturer_id] += 1
        named = maker_names.setdefault(e.manufacturer_id, Counter())
        if e.manufacturer_name:
            named[e.manufacturer_name] += 1
        model = f"{e.manufacturer_id}/{e.model_id}"
        models[model] += 1
        named = model_names.setdefault(model, Counter())
        if e.model_name:
            named[e.model_name] += 1
        statuses[e.status.value] += 1
        if e.zigbee_chipset_vendor is not None:
            vendors[e.zigbee_chipset_vendor] += 1
        if e.zigbee_stack_version is not None:
            stacks[e.zigbee_stack_version] += 1
        if e.zigbee_band is not None:
            bands[e.zigbee_band.value] += 1
        gaps = e.missing_new_fields
        missing.update(gaps)
        if gaps:
            missing[ANY_FIELD] += 1
    maker_name = _named(makers, maker_names)
    model_name = _named(models, model_names)

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
