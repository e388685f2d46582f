"""Back-fill progress: which in-scope entries state each of the four new fields, by group."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from firpath.domain.entry import NEW_FIELDS, CplEntry
from firpath.domain.errors import FieldInvalid
from firpath.domain.values import IN_SCOPE_DEVICE_TYPES, DeviceType

ANY_FIELD: Final = "any"
MISSING_CHOICES: Final = (*NEW_FIELDS, ANY_FIELD)


def parse_missing_field(value: str) -> str:
    """A "missing what" choice: one of the four new fields or `any` (case ignored)."""
    key = value.strip().lower().replace("-", "_")
    if key in MISSING_CHOICES:
        return key
    raise FieldInvalid("missing", value, f"must be one of {', '.join(MISSING_CHOICES)}")


def misses(entry: CplEntry, field: str) -> bool:
    """Whether the entry misses `field` (`any`: at least one of the four new fields)."""
    missing = entry.missing_new_fields
    return bool(missing) if field == ANY_FIELD else field in missing


class Grouping(StrEnum):
    """What a completeness report is broken down by."""

    MANUFACTURER = "manufacturer"
    DEVICE_TYPE = "device-type"


@dataclass(frozen=True, slots=True)
class Tally:
    """How many in-scope entries state each new field, and how many state all four."""

    entries: int
    provided: tuple[int, ...]  # per field, in NEW_FIELDS order
    complete: int

    def count(self, field: str) -> int:
        """How many entries state `field`."""
        return self.provided[NEW_FIELDS.index(field)]

    def share(self, field: str) -> float | None:
        """The fraction of entries that state `field` (None when there are no entries)."""
        return self.count(field) / self.entries if self.entries else None

    @property
    def complete_share(self) -> float | None:
        """The fraction of entries that state all four fields (None when there are none)."""
        return self.complete / self.entries if self.entries else None


@dataclass(frozen=True, slots=True)
class CompletenessGroup:
    """The tally of one manufacturer id or one device type."""

    key: str
    tally: Tally


@dataclass(frozen=True, slots=True)
class Completeness:
    """Back-fill progress per group and overall, over in-scope device types only."""

    by: Grouping
    groups: tuple[CompletenessGroup, ...]
    total: Tally
    out_of_scope: int  # entries of device types for which the new fields are optional

    def worst_first(self) -> tuple[CompletenessGroup, ...]:
        """The groups, the least complete first (then the fewest fields stated, then by key)."""

        def order(group: CompletenessGroup) -> tuple[float, float, str]:
            t = group.tally
            if not t.entries:
                return (1.0, 1.0, group.key)
            return (t.complete / t.entries, sum(t.provided) / t.entries, group.key)

        return tuple(sorted(self.groups, key=order))


def percent(count: int, entries: int) -> str:
    """A share in whole percent as people read it: 100% only when all, 0% only when none."""
    if not entries:
        return "-"
    share = 100 * count / entries
    if 0 < share < 1:
        return "<1%"
    if 99 < share < 100:
        return ">99%"
    return f"{round(share)}%"


class _Counts:
    """A tally being counted (frozen into a `Tally` at the end)."""

    def __init__(self) -> None:
        self.entries = 0
        self.missing: Counter[str] = Counter()
        self.complete = 0

    def add(self, entry: CplEntry) -> None:
        missing = entry.missing_new_fields
        self.entries += 1
        self.missing.update(missing)
        if not missing:
            self.complete += 1

    def freeze(self) -> Tally:
        provided = tuple(self.entries - self.missing[f] for f in NEW_FIELDS)
        return Tally(self.entries, provided, self.complete)


_TYPE_ORDER: Final = {t.value: i for i, t in enumerate(DeviceType)}


def tally_completeness(entries: Iterable[CplEntry], by: Grouping) -> Completeness:
    """Count, per group and overall, the in-scope entries stating each new field."""
    groups: dict[str, _Counts] = {}
    total = _Counts()
    out_of_scope = 0
    for entry in entries:
        if entry.device_type not in IN_SCOPE_DEVICE_TYPES:
            out_of_scope += 1
            continue
        key = entry.manufacturer_id if by is Grouping.MANUFACTURER else entry.device_type.value
        counts = groups.get(key)
        if counts is None:
            counts = groups[key] = _Counts()
        counts.add(entry)
        total.add(entry)
    order = sorted(groups, key=_TYPE_ORDER.__getitem__ if by is Grouping.DEVICE_TYPE else None)
    return Completeness(
        by=by,
        groups=tuple(CompletenessGroup(k, groups[k].freeze()) for k in order),
        total=total.freeze(),
        out_of_scope=out_of_scope,
    )
