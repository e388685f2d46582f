"""Device ids of a fleet that need a look: empty ones and ones given twice (every such row
is planned all the same, one plan row per file row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import polars as pl

EXAMPLES: Final = 5  # duplicated device ids named in the summary
# only spaces, as Python's str.strip() sees them (Unicode White_Space and \x1c-\x1f)
BLANK_PATTERN: Final = r"^[\s\x1c-\x1f]*$"
_SEED: Final = 0x5EED


@dataclass(frozen=True, slots=True)
class DeviceIdCounts:
    """Rows with no device id, rows repeating an earlier row's device id, how many device
    ids are repeated, and the first few of them in the order they first repeat."""

    empty: int = 0
    duplicates: int = 0
    duplicate_examples: list[str] = field(default_factory=list)
    repeated: int = 0


def _may_be_blank(lowest: object, highest: object) -> bool:
    """Whether text of spaces only can lie between the lowest and highest id: it sorts below
    "!" (ASCII spaces and controls) or at U+0080 and above."""
    return str(lowest) < "!" or str(highest) >= "\x80"


def count_device_ids(device_id: pl.Series) -> DeviceIdCounts:
    """Count the empty (missing or only spaces) and the repeated device ids.

    Cheap when there are none, which is the usual case: ids in sorted order (as exports
    often are) are compared with their neighbours; otherwise the ids' 64-bit hashes are
    sorted, and only ids whose hash repeats are compared as text.
    """
    ids = device_id.drop_nulls() if device_id.null_count() else device_id
    empty = device_id.len() - ids.len()
    if ids.is_empty():
        return DeviceIdCounts(empty)
    in_order = ids.is_sorted()  # stops at the first pair out of order
    first, last = (ids[0], ids[-1]) if in_order else (ids.min(), ids.max())
    if _may_be_blank(first, last):
        blank = ids.str.contains(BLANK_PATTERN)
        if blank.any():
            empty += int(blank.sum())
            ids = ids.filter(~blank)
    if in_order:
        # lazily: the eager comparison of a many-chunk column with its shift is ~4x slower
        frame = ids.alias("id").to_frame().lazy()
        same = pl.col("id") == pl.col("id").shift(1)
        if not frame.select(same.any()).collect().item():
            return DeviceIdCounts(empty)
        repeats = frame.filter(same).collect().to_series()
    else:
        hashes = ids.hash(_SEED)
        ordered = hashes.sort()
        shared = ordered.filter(ordered == ordered.shift(1))
        if shared.is_empty():
            return DeviceIdCounts(empty)
        candidates = ids.filter(hashes.is_in(shared.unique().implode()))
        repeats = candidates.filter(~candidates.is_first_distinct())
    if repeats.is_empty():
        return DeviceIdCounts(empty)
    repeated = repeats.unique(maintain_order=True)
    return DeviceIdCounts(empty, repeats.len(), repeated.head(EXAMPLES).to_list(), repeated.len())
