"""`firpath init`, `import` and `export`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final, cast

import typer

from firpath.cli.context import cli_actor, settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.cli.progress import stage_progress

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    pass


@handles_errors()
def init(
    ctx: typer.Context,
    runtime_role: Annotated[
        str | None,
        typer.Option(
            "--runtime-role",
            metavar="ROLE",
            help="PostgreSQL: create/grant a role to run firpath as, which cannot alter "
            "tables nor update, delete or truncate the audit log.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create the database, or migrate it to the newest schema (one transaction)."""
    from firpath.services.database import initialise

    state = initialise(settings(ctx).engine(create=True), runtime_role=runtime_role)
    if as_json:
        print_json({"database": settings(ctx).url, **asdict(state)})
        return
    action = (
        "created"
        if state.before is None
        else (
            "already current" if state.before == state.revision else f"migrated from {state.before}"
        )
    )
    out.print(f"database ready ({action}, schema {state.revision}), {state.entries} entries")
    if state.runtime_role:
        out.print(
            f"runtime role {escape(state.runtime_role)}: may read and change entries, may only "
            "append to the audit log; run firpath as this role"
        )


@handles_errors()
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CPL file: .csv, .xlsx or .json")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Import or update CPL entries, all rows or none; every defect is listed."""
    from firpath.services.import_cpl import IMPORT_STAGES, import_cpl_file
    from firpath.services.progress import no_stages

    with stage_progress(out.is_terminal and not as_json, IMPORT_STAGES, out) as on_stage:
        report = import_cpl_file(
            settings(ctx).engine(),
            file,
            actor=cli_actor(),
            dry_run=dry_run,
            on_stage=on_stage or no_stages,
        )
    if as_json:
        print_json(asdict(report))
        return
    verb = "would import" if dry_run else "imported"
    if report.kind == "backfill":
        out.print(
            f"{escape(report.source)}: back-fill (chase list), {verb} {report.rows} rows: "
            f"{report.fields_filled} fields filled, {report.updated} entries updated, "
            f"{report.unchanged} unchanged" + (" (dry run, nothing written)" if dry_run else "")
        )
        return
    out.print(
        f"{escape(report.source)}: {verb} {report.rows} rows: {report.created} new, "
        f"{report.updated} updated, {report.unchanged} unchanged"
        + (
            f"; {report.kept} stored values kept where the file's cell was empty"
            if report.kept
            else ""
        )
        + (" (dry run, nothing written)" if dry_run else "")
    )


EXPORT_FORMATS: Final = ("csv", "xlsx", "json")


@handles_errors()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="csv, xlsx or json (default: the --out extension, else csv)",
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write here instead of standard output."),
    ] = None,
) -> None:
    """Export the FIR (every entry with the four new fields)."""
    from firpath.io.files import write_file
    from firpath.io.formats import ExportFormat, choose_format
    from firpath.services.registry import export_cpl

    chosen = cast(ExportFormat, choose_format(fmt, out_file, EXPORT_FORMATS, "csv"))
    content = export_cpl(settings(ctx).engine(), chosen)
    if out_file is None:
        if chosen == "xlsx" and sys.stdout.isatty():
            raise typer.BadParameter("XLSX is binary: give --out FILE", param_hint="--format")
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    write_file(out_file, content)
    out.print(f"wrote {escape(str(out_file))} ({len(content):,} bytes)")
