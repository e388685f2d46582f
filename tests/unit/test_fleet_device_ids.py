"""Empty and repeated device ids of a fleet (issue 8, item 5), counted cheaply, checked
against a brute-force count: sorted ids, shuffled ids and hash collisions alike."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firpath.services.fleet_device_ids import EXAMPLES, DeviceIdCounts, count_device_ids

ids = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "\t", "\u00a0", "  \u3000", "d1", "d2", "D1", " d1", "é", "~"]),
    st.text(max_size=4),
)


def brute_force(values: list[str | None]) -> DeviceIdCounts:
    seen: set[str] = set()
    empty, repeats = 0, []
    for value in values:
        if value is None or not value.strip():
            empty += 1
        elif value in seen:
            repeats.append(value)
        seen.add(value or "")
    repeated = list(dict.fromkeys(repeats))
    return DeviceIdCounts(empty, len(repeats), repeated[:EXAMPLES], len(repeated))


@settings(max_examples=300, deadline=None)
@given(st.lists(ids, max_size=30), st.booleans())
def test_counts_match_a_brute_force_count(values: list[str | None], in_order: bool) -> None:
    if in_order:  # exported sorted by id: the neighbour check
        values = sorted(values, key=lambda v: (v is not None, (v or "").encode()))
    assert count_device_ids(pl.Series(values, dtype=pl.String)) == brute_force(values)


def test_ids_whose_hashes_collide_are_still_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    real_hash = pl.Series.hash
    monkeypatch.setattr(pl.Series, "hash", lambda self, seed=0: real_hash(self, seed) * 0)
    shuffled = pl.Series(["b", "a", "c", "a", "d"])  # every id has the same hash
    assert count_device_ids(shuffled) == DeviceIdCounts(0, 1, ["a"], 1)


def test_a_few_repeated_ids_are_named_in_the_order_they_repeat() -> None:
    values = ["x", "b", "a", "b", "a", "b"] + [f"r{i}" for i in range(9) for _ in (0, 1)]
    counts = count_device_ids(pl.Series(values))
    assert (counts.duplicates, counts.repeated) == (3 + 9, 2 + 9)
    assert counts.duplicate_examples == ["b", "a", "r0", "r1", "r2"][:EXAMPLES]


def test_a_fleet_of_distinct_ids_has_nothing_to_report() -> None:
    ids_in_order = pl.Series([f"D{i:010d}" for i in range(1000)])
    assert count_device_ids(ids_in_order) == DeviceIdCounts()
    assert count_device_ids(ids_in_order.shuffle(seed=1)) == DeviceIdCounts()
