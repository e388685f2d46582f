"""The 64-bit firmware keys of a fleet: equal rows share a key, different rows never do."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from firpath.services.fleet_firmware import _packed

COLUMNS = ["a", "b", "c"]
cells = st.one_of(st.none(), st.sampled_from(["0001", "0002", "ABCD", "", "x"]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=40))
def test_packed_keys_are_equal_exactly_when_rows_are_equal(
    rows: list[tuple[str | None, ...]],
) -> None:
    frame = pl.DataFrame(rows, schema=COLUMNS, orient="row").with_columns(
        pl.col(c).cast(pl.Categorical) for c in COLUMNS
    )
    key = _packed(frame, COLUMNS)
    assert key is not None
    by_key: dict[int, tuple[str | None, ...]] = {}
    for k, row in zip(key.to_list(), rows, strict=True):
        assert by_key.setdefault(k, row) == row
    assert key.n_unique() == len(set(rows))


def test_codes_too_wide_for_64_bits_are_not_packed() -> None:
    many = [f"v{i}" for i in range(70_000)]  # 17 bits per column, 4 columns = 68 bits
    frame = pl.DataFrame({c: many for c in "wxyz"}).with_columns(pl.all().cast(pl.Categorical))
    assert _packed(frame, list("wxyz")) is None
