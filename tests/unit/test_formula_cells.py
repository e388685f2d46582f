"""CSV cells a spreadsheet would run as formulas are neutralised, and come back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firpath.io.formula_cells import neutralise, restore

TABLE = [
    ("=1+1", "'=1+1"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-5", "'-5"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'\t=cmd"),
    ("\r=cmd", "'\r=cmd"),
    ("'=already quoted", "''=already quoted"),
    ("''+two quotes", "'''+two quotes"),
    ("plain", "plain"),
    ("'just a quote", "'just a quote"),
    ("a=b", "a=b"),
    ("", ""),
    ("'", "'"),
]


@pytest.mark.parametrize(("value", "cell"), TABLE)
def test_a_risky_cell_gets_one_leading_quote_and_loses_it_on_import(value: str, cell: str) -> None:
    assert neutralise(value) == cell
    assert restore(cell) == value


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab 1"), max_size=8) | st.text(max_size=8))
def test_every_value_comes_back_exactly(value: str) -> None:
    assert restore(neutralise(value)) == value


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab 1"), max_size=8))
def test_a_neutralised_cell_never_starts_a_formula(value: str) -> None:
    assert neutralise(value)[:1] not in ("=", "+", "-", "@", "\t", "\r")
