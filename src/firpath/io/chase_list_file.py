"""The chase list: a manufacturer's entries missing data, as CSV or XLSX to fill in and return.

A returned chase list is read by the ordinary CPL reader, which recognises it by its header
(`is_backfill_header`) and marks its records as a back-fill.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Literal

from firpath.domain.backfill import BAND_CHOICES, CHASE_LIST_FIELDS, IDENTIFYING_FIELDS
from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import NEW_FIELDS, CplEntry
from firpath.domain.errors import FieldInvalid
from firpath.domain.record import entry_to_record
from firpath.domain.values import DeviceType
from firpath.io.columns import CPL_ALL_COLUMNS, LABELS, match_header
from firpath.io.sheets import write_csv

ChaseListFormat = Literal["csv", "xlsx"]
CHASE_LIST_COLUMNS: Final = CHASE_LIST_FIELDS
REFERENCE_COLUMNS: Final = (*IDENTIFYING_FIELDS, "upgrade_from")
BACKFILL: Final = "backfill"
SHEET_TITLES: Final = ("Chase list", "How to fill", "Model entries")


def chase_list_format(path: Path) -> ChaseListFormat:
    """`csv` or `xlsx`, by the file's extension; anything else is refused."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise FieldInvalid("out", str(path), "a chase list is written as .csv or .xlsx")


def is_backfill_header(names: Sequence[str]) -> bool:
    """Whether a CPL header is a chase list's: the CPL Entry ID, at least one of the four new
    fields, and otherwise identifying columns only (any other CPL column makes it a CPL file)."""
    header, _ = match_header(names, CPL_ALL_COLUMNS, ())
    given = {column for column in header.columns if column}  # unknown ones are reported later
    return (
        "cpl_entry_id" in given
        and not given.isdisjoint(NEW_FIELDS)
        and given <= set(CHASE_LIST_COLUMNS)
    )


def _cells(entry: CplEntry, columns: Sequence[str]) -> list[str]:
    """An entry's cells: stated values as people write them (the band as its label), and
    blank where the entry misses a new field (so a filled cell is the one thing that changes)."""
    record = entry_to_record(entry)
    missing = entry.missing_new_fields
    if entry.zigbee_band is not None:
        record["zigbee_band"] = entry.zigbee_band.label
    return ["" if column in missing else record[column] for column in columns]


def render_chase_list(
    chase: Sequence[CplEntry],
    fmt: ChaseListFormat,
    *,
    heading: str,
    references: Sequence[CplEntry] = (),
) -> bytes:
    """The chase list as CSV or XLSX bytes; XLSX adds how to fill it and `references`, the
    entries of the same device models that *upgrade from* may name."""
    rows = [_cells(e, CHASE_LIST_COLUMNS) for e in chase]
    if fmt == "csv":
        return write_csv(CHASE_LIST_COLUMNS, rows)
    return _workbook(rows, heading, [_cells(e, REFERENCE_COLUMNS) for e in references])


def instructions(heading: str, entries: int) -> list[str]:
    """The lines of the 'How to fill' sheet."""
    return [
        heading,
        f"{entries} entries miss at least one of the four fields SECMP0231 asks for.",
        "",
        "Fill in the four yellow columns on the first sheet, then return the file to SECAS.",
        "Leave a cell blank to leave that field unchanged. Do not change the other columns,",
        "add rows or rename the columns: every other column is checked against the CPL and",
        "a difference refuses the whole file. Rows may be deleted.",
        "",
        f"{LABELS['upgrade_from']} (upgrade_from): the CPL Entry IDs of the earlier firmware",
        "that may be upgraded directly to this entry, separated by ';' (e.g. 10231;10232).",
        "They must be entries of the same device model (manufacturer, model and hardware",
        "version); the sheet 'Model entries' lists them. Write N/A when nothing may be",
        "upgraded to this entry (a first release, or a new base).",
        f"{LABELS['zigbee_chipset_vendor']} (zigbee_chipset_vendor): the ZigBee chipset vendor.",
        f"{LABELS['zigbee_stack_version']} (zigbee_stack_version): the ZigBee stack version.",
        f"{LABELS['zigbee_band']} (zigbee_band): choose one of the six options in the list:",
        *(f"    {label}" for label in BAND_CHOICES),
        "    Dual Band (both bands at once) is for Communications Hubs (CH) only.",
    ]


NON_HUB_BAND_CHOICES: Final = tuple(
    label for label in BAND_CHOICES if label != ZigbeeBand.DUAL_BAND.label
)


def _workbook(rows: list[list[str]], heading: str, references: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLES[0]  # the importer reads the first sheet only
    _fill(sheet, CHASE_LIST_COLUMNS, rows)
    to_fill = PatternFill("solid", fgColor="FFF2CC")
    for position, column in enumerate(CHASE_LIST_COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 18 if column in NEW_FIELDS else 14
        if column in NEW_FIELDS:
            sheet.cell(row=1, column=position).fill = to_fill
    ids = CHASE_LIST_COLUMNS.index("upgrade_from") + 1
    # IDs typed in stay text (an ID like 0101 is never turned into the number 101)
    sheet.column_dimensions[get_column_letter(ids)].number_format = "@"
    for number in range(2, len(rows) + 2):
        sheet.cell(row=number, column=ids).number_format = "@"
    band = get_column_letter(CHASE_LIST_COLUMNS.index("zigbee_band") + 1)
    # hubs may choose Dual Band; every other device gets the five options it may have
    kind = CHASE_LIST_COLUMNS.index("device_type")
    for hub, options in ((True, BAND_CHOICES), (False, NON_HUB_BAND_CHOICES)):
        choice = DataValidation(
            type="list",
            formula1='"' + ",".join(options) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="ZigBee band join option",
            error=f"Choose one of the {len(options)} join options in the list.",
        )
        for number, values in enumerate(rows, start=2):
            if (values[kind] == DeviceType.CH.value) is hub:
                choice.add(f"{band}{number}")
        if not rows and hub:  # an empty list still shows the options
            choice.add(f"{band}2")
        if choice.sqref:
            sheet.add_data_validation(choice)
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold

    guide = book.create_sheet(SHEET_TITLES[1])
    for line in instructions(heading, len(rows)):
        guide.append([line])
    guide["A1"].font = bold
    guide.column_dimensions["A"].width = 100

    model = book.create_sheet(SHEET_TITLES[2])
    _fill(model, REFERENCE_COLUMNS, references)
    for cell in model[1]:
        cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Header then rows of text cells (a value starting with '=' stays text, never a formula)."""
    sheet.append(list(header))
    for row_number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            if not value:
                continue
            cell = sheet.cell(row=row_number, column=column, value=value)
            if value.startswith("="):
                cell.data_type = "s"
