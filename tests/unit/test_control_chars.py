"""Control characters: refused in stored text, shown as escapes wherever text is printed."""

from __future__ import annotations

import json

import pytest

from firpath.domain.control_chars import find_control, json_visible, visible
from firpath.domain.errors import FieldInvalid
from firpath.domain.manufacturer import manufacturer_from_record
from firpath.domain.record import parse_text

REFUSED = [
    ("NUL", "\x00"),
    ("bell", "\x07"),
    ("backspace", "\x08"),
    ("vertical tab", "\x0b"),
    ("form feed", "\x0c"),
    ("escape", "\x1b"),
    ("unit separator", "\x1f"),
    ("DEL", "\x7f"),
    ("C1 padding", "\x80"),
    ("C1 CSI", "\x9b"),
    ("C1 APC", "\x9f"),
    ("arabic letter mark", "\u061c"),
    ("left-to-right mark", "\u200e"),
    ("right-to-left mark", "\u200f"),
    ("left-to-right embedding", "\u202a"),
    ("right-to-left override", "\u202e"),
    ("left-to-right isolate", "\u2066"),
    ("pop directional isolate", "\u2069"),
]


@pytest.mark.parametrize(("name", "char"), REFUSED)
def test_stored_text_refuses_the_control_character(name: str, char: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_text("notes", f"release{char}notes")
    assert f"U+{ord(char):04X}" in caught.value.message, name


@pytest.mark.parametrize(
    "text", ["tab\there", "two\nlines", "old\r\nline ends", "café \u2013 ünïcode 🔥"]
)
def test_stored_text_keeps_tabs_line_ends_and_ordinary_unicode(text: str) -> None:
    assert parse_text("notes", text) == text
    assert find_control(text) is None


@pytest.mark.parametrize("field", ["manufacturer_name", "contact_name", "contact_email"])
def test_manufacturer_contact_fields_refuse_control_characters(field: str) -> None:
    record = {"manufacturer_id": "1234", field: "x\u202egnp.exe"}
    manufacturer, defects = manufacturer_from_record(record, 2)
    assert manufacturer is None
    assert [d.field for d in defects] == [field]
    assert "U+202E" in defects[0].message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text", "plain text"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("evil\u202egnp.csv", "evil\\u202egnp.csv"),
        ("over\rwrite", "over\\rwrite"),
        ("c1\x9bx", "c1\\x9bx"),
        ("del\x7f", "del\\x7f"),
        ("lines\nand\ttabs", "lines\nand\ttabs"),
    ],
)
def test_visible_writes_every_control_character_as_an_escape(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_visible_on_one_line_escapes_line_feeds_and_tabs_too() -> None:
    assert visible("a\nb\tc", one_line=True) == "a\\nb\\tc"


def test_json_visible_escapes_what_json_dumps_leaves_and_keeps_the_data() -> None:
    value = "x\x7f\x85\u202e\u2066y \u2013 é"
    text = json_visible(json.dumps({"v": value}, ensure_ascii=False))
    assert not any(c in text for c in "\x7f\x85\u202e\u2066")
    assert "\u2013 é" in text
    assert json.loads(text) == {"v": value}
