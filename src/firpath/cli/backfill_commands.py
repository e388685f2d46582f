"""`firpath completeness` and `firpath chase-list`: back-fill progress and chasing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.documents import completeness_document
from firpath.domain.completeness import Completeness, Grouping, Tally, percent
from firpath.domain.entry import NEW_FIELDS
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.values import IN_SCOPE_DEVICE_TYPES, DeviceType

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    from firpath.services.backfill import CompletenessReport

FIELD_HEADINGS = {
    "upgrade_from": "upgrade from",
    "zigbee_chipset_vendor": "chipset vendor",
    "zigbee_stack_version": "stack version",
    "zigbee_band": "band",
}
OUT_OF_SCOPE = ", ".join(t.value for t in DeviceType if t not in IN_SCOPE_DEVICE_TYPES)


def _contact(m: Manufacturer | None) -> str:
    if m is None:
        return "[yellow]not provided[/]"
    parts = [m.contact_name or "", f"<{m.contact_email}>" if m.contact_email else ""]
    text = " ".join(p for p in parts if p)
    return escape(text) if text else "[yellow]not provided[/]"


def _row(tally: Tally) -> list[str]:
    cells = [f"{tally.entries:,}"]
    for f in NEW_FIELDS:
        cells.append(f"{tally.count(f):,} ({percent(tally.count(f), tally.entries)})")
    cells.append(f"{tally.complete:,} ({percent(tally.complete, tally.entries)})")
    return cells


def completeness_table(report: CompletenessReport) -> Table:
    """The report as a table: one row per group, then the totals."""
    done: Completeness = report.completeness
    by_manufacturer = done.by is Grouping.MANUFACTURER
    table = Table(
        title="Back-fill progress: in-scope entries stating each SECMP0231 field",
        caption=(
            f"{done.out_of_scope:,} entries of {OUT_OF_SCOPE} not counted "
            "(the new fields are optional for them)"
        ),
    )
    table.add_column(
        "manufacturer" if by_manufacturer else "device type", overflow="fold", min_width=12
    )
    table.add_column("entries", justify="right")
    for f in NEW_FIELDS:
        table.add_column(FIELD_HEADINGS[f], justify="right")
    table.add_column("complete", justify="right")
    if by_manufacturer:
        table.add_column("contact", overflow="fold", min_width=16)
    for group in done.groups:
        if by_manufacturer:
            m = report.manufacturers.get(group.key)
            name = escape(f"{group.key} {(m.manufacturer_name if m else None) or ''}".strip())
            table.add_row(name, *_row(group.tally), _contact(m))
        else:
            table.add_row(group.key, *_row(group.tally))
    table.add_section()
    table.add_row("[bold]all[/]", *_row(done.total), *([""] if by_manufacturer else []))
    return table


@handles_errors()
def completeness_command(
    ctx: typer.Context,
    by: Annotated[
        Grouping,
        typer.Option(
            "--by", metavar="manufacturer|device-type", help="Group by manufacturer or device type."
        ),
    ] = Grouping.MANUFACTURER,
    as_json: JsonFlag = False,
) -> None:
    """Back-fill progress: how many in-scope entries state each of the four new fields."""
    from firpath.services.backfill import completeness

    report = completeness(settings(ctx).engine(), by)
    if as_json:
        print_json(completeness_document(report))
        return
    out.print(completeness_table(report))


@handles_errors()
def chase_list_command(
    ctx: typer.Context,
    manufacturer_id: Annotated[
        str, typer.Option("--manufacturer-id", metavar="ID", help="Whose entries (4 hex digits).")
    ],
    out_file: Annotated[
        Path,
        typer.Option(
            "--out", metavar="FILE", help="FILE.csv or FILE.xlsx (with a drop-down and help)."
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Write a manufacturer's entries missing data, to fill in and import again."""
    from firpath.io.chase_list_file import chase_list_format, render_chase_list
    from firpath.io.files import write_file
    from firpath.services.backfill import chase_list

    fmt = chase_list_format(out_file)
    chase = chase_list(settings(ctx).engine(), manufacturer_id)
    content = render_chase_list(
        chase.entries, fmt, heading=chase.heading, references=chase.references
    )
    write_file(out_file, content)
    m = chase.manufacturer
    if as_json:
        print_json(
            m.as_dict()
            | {
                "file": str(out_file),
                "entries": len(chase.entries),
                "entry_ids": [e.cpl_entry_id for e in chase.entries],
            }
        )
        return
    who = escape(f"manufacturer {m.manufacturer_id} {m.manufacturer_name or ''}".strip())
    where = escape(str(out_file))
    if not chase.entries:
        out.print(f"wrote {where} with the header only: {who} has no in-scope entries missing data")
        return
    missing = Counter(f for e in chase.entries for f in e.missing_new_fields)
    detail = ", ".join(f"{FIELD_HEADINGS[f]} {missing[f]}" for f in NEW_FIELDS if missing[f])
    out.print(
        f"wrote {where}: {len(chase.entries)} entries of {who} missing data ({detail}); "
        f"contact: {_contact(m)}"
    )
