"""`firpath entries` (list with filters) and `firpath entries show ID`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from firpath.cli.context import settings
from firpath.cli.entry_views import entries_table, entry_panel
from firpath.cli.output import JsonFlag, handles_errors, out, print_json
from firpath.documents import entries_document, entry_detail_document

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    pass

app = typer.Typer(help="Browse CPL entries.", no_args_is_help=False)


@app.callback(invoke_without_command=True)
@handles_errors()
def entries(
    ctx: typer.Context,
    device_type: Annotated[
        str | None, typer.Option("--device-type", metavar="TYPE", help="ESME, GSME, CH...")
    ] = None,
    manufacturer_id: Annotated[str | None, typer.Option("--manufacturer-id", metavar="ID")] = None,
    model_id: Annotated[str | None, typer.Option("--model-id", metavar="ID")] = None,
    hardware_version: Annotated[
        str | None, typer.Option("--hardware-version", metavar="HW")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", metavar="STATUS", help="active or removed")
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", "-t", metavar="TEXT", help="Free text search.")
    ] = None,
    missing: Annotated[
        str | None,
        typer.Option(
            "--missing",
            metavar="FIELD",
            help="Only in-scope entries missing this new field: upgrade_from, "
            "zigbee_chipset_vendor, zigbee_stack_version, zigbee_band, or any.",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, max=1_000_000, help="At most this many.")
    ] = 200,
    as_json: JsonFlag = False,
) -> None:
    """List CPL entries matching every filter given."""
    from firpath.services.registry import entry_filter, list_entries

    if ctx.invoked_subcommand is not None:
        return
    flt = entry_filter(
        device_type=device_type,
        manufacturer_id=manufacturer_id,
        model_id=model_id,
        hardware_version=hardware_version,
        status=status,
        text=text,
        missing=missing,
    )
    found = list_entries(settings(ctx).engine(), flt, limit + 1)
    shown = found[:limit]
    if as_json:
        print_json(entries_document(shown, len(found) > limit))
        return
    more = f" (first {limit}; narrow the filters or raise --limit)" if len(found) > limit else ""
    out.print(entries_table(shown, f"{len(shown)} CPL entries{more}"))


@app.command("show")
@handles_errors()
def show(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="CPL Entry ID (case ignored)")],
    as_json: JsonFlag = False,
) -> None:
    """Show one entry with its upgrade-from and upgrade-to IDs."""
    from firpath.services.registry import show_entry

    detail = show_entry(settings(ctx).engine(), entry_id)
    if as_json:
        print_json(entry_detail_document(detail))
        return
    out.print(entry_panel(detail))
