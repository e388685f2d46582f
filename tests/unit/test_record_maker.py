"""Records are made with their text trimmed, repeated values kept once, memory counted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from firpath.domain.errors import UnreadableFile
from firpath.io import sheets
from firpath.io.sheets import RecordMaker


def test_values_are_trimmed_and_a_repeated_value_is_kept_once() -> None:
    maker = RecordMaker(Path("cpl.csv"))
    first = maker.make([("device_type", " ESME "), ("notes", "one")])
    second = maker.make([("device_type", "ESME"), ("notes", "two")])
    assert first == {"device_type": "ESME", "notes": "one"}
    assert first["device_type"] is second["device_type"]


def test_text_already_kept_is_not_counted_again() -> None:
    maker = RecordMaker(Path("cpl.csv"))
    maker.make([("status", "active")])
    one = maker.held_bytes
    maker.make([("status", "active")])
    two = maker.held_bytes
    maker.make([("status", "x" * 1000)])
    assert two - one == one - sys.getsizeof("active")
    assert maker.held_bytes - two == one - sys.getsizeof("active") + sys.getsizeof("x" * 1000)


def test_more_text_than_the_limit_is_refused_naming_the_rows_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheets, "MAX_TEXT_BYTES", 10_000)
    maker = RecordMaker(Path("big.csv"))
    with pytest.raises(UnreadableFile, match=r"big.csv: more text .* after \d+ rows"):
        for n in range(1000):
            maker.make([("notes", f"{n} unique text")])
