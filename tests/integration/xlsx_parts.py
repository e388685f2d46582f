"""XLSX files written part by part, for shapes a spreadsheet program would not save.

Each part is written as XML text, so a test can make a formula without a saved value, a
sheet with a false dimension, or a 100 MB workbook in a second.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}</Types>"
)
SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_row(number: int, cells: Sequence[str]) -> str:
    """One row of inline-string cells (empty strings are left out)."""
    parts = [f'<row r="{number}">']
    for position, value in enumerate(cells, start=1):
        if value:
            ref = f"{column_letters(position)}{number}"
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
    parts.append("</row>")
    return "".join(parts)


def write_xlsx_parts(
    path: Path,
    rows_xml: Iterable[str],
    *,
    dimension: str | None = None,
    shared_strings: Sequence[str] | None = None,
    extra_parts: dict[str, bytes] | None = None,
) -> Path:
    """A one-sheet workbook whose sheetData holds `rows_xml` as given."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        shared = SHARED_TYPE if shared_strings is not None else ""
        book.writestr("[Content_Types].xml", CONTENT_TYPES.format(shared=shared))
        book.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><sheets><sheet name="CPL" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        strings_rel = (
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_strings is not None
            else ""
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f"{strings_rel}</Relationships>",
        )
        if shared_strings is not None:
            with book.open("xl/sharedStrings.xml", "w") as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
                for value in shared_strings:
                    part.write(f"<si><t>{escape(value)}</t></si>".encode())
                part.write(b"</sst>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for xml in rows_xml:
                part.write(xml.encode())
            part.write(b"</sheetData></worksheet>")
        for name, content in (extra_parts or {}).items():
            book.writestr(name, content)
    return path
