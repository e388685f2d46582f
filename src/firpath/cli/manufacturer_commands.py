"""`firpath manufacturers import|export|list`: manufacturer contact details."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from firpath.cli.context import cli_actor, settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    pass

app = typer.Typer(help="Manufacturers and whom to contact there.", no_args_is_help=True)


@app.command("import")
@handles_errors()
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="contacts file (.csv or .xlsx)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add or update manufacturers' contact details, all rows or none."""
    from firpath.services.manufacturer_contacts import import_contacts

    report = import_contacts(settings(ctx).engine(), file, actor=cli_actor(), dry_run=dry_run)
    if as_json:
        print_json(asdict(report))
        return
    out.print(
        f"{escape(file.name)}: {report.rows} rows: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged" + (" (dry run, nothing written)" if dry_run else "")
    )


@app.command("export")
@handles_errors()
def export(
    ctx: typer.Context,
    out_file: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="Write here (CSV).")
    ] = None,
) -> None:
    """Export manufacturers and contacts as CSV."""
    from firpath.io.files import write_file
    from firpath.services.manufacturer_contacts import export_contacts

    content = export_contacts(settings(ctx).engine())
    if out_file is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    write_file(out_file, content)
    out.print(f"wrote {escape(str(out_file))}")


@app.command("list")
@handles_errors()
def list_(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List manufacturers with their contacts."""
    from firpath.services.manufacturer_contacts import list_manufacturers

    items = list_manufacturers(settings(ctx).engine())
    if as_json:
        print_json({"manufacturers": [m.as_dict() for m in items]})
        return
    table = Table("id", "name", "contact", "e-mail", "phone", title=f"{len(items)} manufacturers")
    for m in items:
        table.add_row(
            m.manufacturer_id,
            *(
                escape(v or "")
                for v in (m.manufacturer_name, m.contact_name, m.contact_email, m.contact_phone)
            ),
        )
    out.print(table)
