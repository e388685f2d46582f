"""`firpath init`, `import` and `export`."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final, cast

import typer

from firpath.cli.context import cli_actor, settings
from firpath.cli.output import JsonFlag, err, escape, handles_errors, out, print_json
from firpath.cli.progress import stage_progress
from firpath.domain.errors import UnwritableFile

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    from firpath.domain.reimport import FieldChange
    from firpath.io.formats import ExportFormat


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
    admin: Annotated[
        str | None,
        typer.Option(
            "--admin",
            metavar="EMAIL",
            help="Also create a SECAS account (password from standard input or asked twice).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create the database, or migrate it to the newest schema (one transaction)."""
    from firpath.cli.account_commands import read_password
    from firpath.domain.account import check_password, email_address
    from firpath.services.accounts import add_user
    from firpath.services.database import initialise

    admin_email = email_address(admin) if admin is not None else None
    # a bad address or password is refused before the database is created or changed
    password = check_password(read_password()) if admin_email is not None else ""
    state = initialise(settings(ctx).engine(create=True), runtime_role=runtime_role)
    if admin_email is not None:
        add_user(settings(ctx).engine(), admin_email, "secas", password)
    if as_json:
        print_json({"database": settings(ctx).url, **asdict(state), "admin": admin_email})
        return
    action = (
        "created"
        if state.before is None
        else (
            "already current" if state.before == state.revision else f"migrated from {state.before}"
        )
    )
    out.print(f"database ready ({action}, schema {state.revision}), {state.entries} entries")
    if admin_email is not None:
        out.print(f"SECAS account {escape(admin_email)} added")
    if state.runtime_role:
        out.print(
            f"runtime role {escape(state.runtime_role)}: may read and change entries, may only "
            "append to the audit log; run firpath as this role"
        )


@handles_errors()
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CPL file: .csv, .xlsx or .json")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and list every change; write nothing.")
    ] = False,
    replace_corrections: Annotated[
        bool,
        typer.Option(
            "--replace-corrections",
            help="Let the file change values SECAS set by a correction (refused otherwise).",
        ),
    ] = False,
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
            replace_corrections=replace_corrections,
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
            f"; {report.kept} stored values kept where the file's cell was empty or said "
            "less (the old CPL's 'Dual Band' never replaces a stated join option)"
            if report.kept
            else ""
        )
        + (" (dry run, nothing written)" if dry_run else "")
    )
    _show_changes(report.changes, dry_run)


CHANGES_SHOWN: Final = 50


def _show_changes(changes: list[FieldChange], dry_run: bool) -> None:
    """Which fields an import changed (or would): counts per field, then the changes."""
    if not changes:
        return
    per_field = Counter(c.field for c in changes)
    out.print(
        "fields "
        + ("that would change" if dry_run else "changed")
        + ": "
        + ", ".join(f"{escape(name)} ({n})" for name, n in per_field.most_common())
    )
    for c in changes[:CHANGES_SHOWN]:
        before = escape(c.before) if c.before else "(not provided)"
        after = escape(c.after) if c.after else "(not provided)"
        out.print(f"  {escape(c.entry_id)} {escape(c.field)}: {before} → {after}")
    if len(changes) > CHANGES_SHOWN:
        out.print(f"  ... and {len(changes) - CHANGES_SHOWN} more (all with --json)")


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
    sign: Annotated[
        Path | None,
        typer.Option(
            "--sign",
            metavar="KEY",
            help="Also write FILE.sig, signed with this private key (needs --out).",
        ),
    ] = None,
) -> None:
    """Export the FIR (every entry with the four new fields)."""
    from firpath.io.files import write_file
    from firpath.io.formats import ExportFormat, choose_format

    chosen = cast(ExportFormat, choose_format(fmt, out_file, EXPORT_FORMATS, "csv"))
    if sign is not None:
        if out_file is None:
            raise UnwritableFile(
                f"--sign {sign} needs --out FILE: the signature is written to FILE.sig"
            )
        _export_signed(ctx, chosen, out_file, sign)
        return
    from firpath.services.registry import export_cpl

    content = export_cpl(settings(ctx).engine(), chosen)
    if out_file is None:
        if chosen == "xlsx" and sys.stdout.isatty():
            raise typer.BadParameter("XLSX is binary: give --out FILE", param_hint="--format")
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    write_file(out_file, content)
    out.print(f"wrote {escape(str(out_file))} ({len(content):,} bytes)")


def _export_signed(ctx: typer.Context, fmt: ExportFormat, out_file: Path, key_file: Path) -> None:
    from firpath.io.signed_files import write_signed_export
    from firpath.io.signing_keys import exposed_key_warning, load_signing_key
    from firpath.services.signed_export import export_signed

    key = load_signing_key(key_file)  # a bad key: refused before anything is written
    exposed = exposed_key_warning(key_file)
    if exposed is not None:
        err.print(f"[bold yellow]warning:[/] {escape(exposed)}")
    signed = export_signed(settings(ctx).engine(), fmt, out_file.name, key)
    content = signed.exported.content
    sig = write_signed_export(out_file, content, signed.signature.to_bytes())
    manifest = signed.signature.manifest
    out.print(
        f"wrote {escape(str(out_file))} ({len(content):,} bytes, {manifest.entry_count:,} "
        f"entries at registry revision {manifest.registry_revision})"
    )
    out.print(
        f"wrote {escape(str(sig))} (signed by key {manifest.key_id}; check with "
        f"`firpath verify-export {escape(str(out_file))} --public-key {escape(str(key_file))}.pub`)"
    )
