"""What kind of text a fleet file is (issue 8, item 5), told from its first bytes: the
encodings and delimiters Excel saves, and a one-line refusal for everything else."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from firpath.domain.errors import UnreadableFile
from firpath.io.columns import header_key
from firpath.io.fleet_text import text_layout

KNOWN = frozenset(
    header_key(c)
    for c in ("device_id", "cpl_entry_id", "manufacturer_id", "model_id", "firmware_version")
)
PATH = Path("fleet.csv")
HEADER = "device_id,cpl_entry_id\r\n"


@pytest.mark.parametrize(
    ("head", "encoding", "bom", "separator"),
    [
        (HEADER.encode(), "utf-8", 0, ","),
        (codecs.BOM_UTF8 + HEADER.encode(), "utf-8", 3, ","),
        (b"device_id;cpl_entry_id\r\n", "utf-8", 0, ";"),  # Excel's CSV in a European locale
        (b"device_id\tcpl_entry_id\r\n", "utf-8", 0, "\t"),
        # Excel's "Unicode text": UTF-16 LE with a byte order mark, tab-delimited
        (
            codecs.BOM_UTF16_LE + "device_id\tcpl_entry_id\r\n".encode("utf-16-le"),
            "utf-16-le",
            2,
            "\t",
        ),
        (codecs.BOM_UTF16_BE + HEADER.encode("utf-16-be"), "utf-16-be", 2, ","),
        (HEADER.encode("utf-16-le"), "utf-16-le", 0, ","),  # no byte order mark
        # the delimiter that splits the header into fleet columns wins over one inside a name
        (b"device_id;cpl_entry_id;notes, remarks\n", "utf-8", 0, ";"),
        (b'"device_id","cpl_entry_id"\n', "utf-8", 0, ","),
        (b"device_id\n", "utf-8", 0, ","),  # one column: the missing ones are named later
        ("device_id,cpl_entry_id,Zähler\n".encode(), "utf-8", 0, ","),
    ],
)
def test_the_encoding_and_delimiter_excel_writes_are_read(
    head: bytes, encoding: str, bom: int, separator: str
) -> None:
    layout = text_layout(PATH, head, KNOWN)
    assert (layout.encoding, layout.bom, layout.separator) == (encoding, bom, separator)


@pytest.mark.parametrize(
    ("head", "cr_lines"),
    [
        (b"device_id,cpl_entry_id\ra,101\rb,104\r", True),  # old Mac Excel: CR alone
        ("device_id\tcpl_entry_id\ra\t101\r".encode("utf-16-le"), True),
        (b"device_id,cpl_entry_id\r\na,101\r\n", False),
        (b"device_id,cpl_entry_id", False),
    ],
)
def test_lines_ending_in_cr_alone_are_told_apart(head: bytes, cr_lines: bool) -> None:
    layout = text_layout(PATH, head, KNOWN)
    assert layout.cr_lines is cr_lines
    assert layout.readable_as_is is (layout.encoding == "utf-8" and not cr_lines)


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"", "empty file"),
        (b"\r\n\r\n", "the first line is empty"),
        (codecs.BOM_UTF32_LE + HEADER.encode("utf-32-le"), "UTF-32 text.*save it as CSV UTF-8"),
        (codecs.BOM_UTF32_BE + HEADER.encode("utf-32-be"), "UTF-32 text.*save it as CSV UTF-8"),
        ("device_id;cpl_entry_id;Straße\n".encode("cp1252"), r"not UTF-8 text \(byte 0xDF"),
        ("Gerät;cpl_entry_id\n".encode("latin-1"), "save it as CSV UTF-8"),
        (b"device_id|cpl_entry_id\n", "separated by '|'"),
        (b"PK\x03\x04\x14\x00\x06\x00", "XLSX workbook.*name it .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", r"old Excel \.xls"),
        (b"PAR1\x15\x04", "Parquet file.*name it .parquet"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file .NUL byte at offset 8"),
    ],
)
def test_anything_else_is_refused_in_one_line(head: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message) as caught:
        text_layout(PATH, head, KNOWN)
    assert "\n" not in str(caught.value)
