"""`firpath verify-image FILE [--from ID]`: is this OTA image the CPL entry it should be?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.error_codes import EXIT_NO_MATCH

if TYPE_CHECKING:  # loaded by the command, not at start-up
    from firpath.services.image_check import ImageCheck

_COLOURS = {"match": "green", "mismatch": "red", "no_match": "red"}


def _header_table(header: dict[str, Any], document: dict[str, Any]) -> Table:
    table = Table("OTA header", "value", show_header=True)
    named = (
        ("manufacturer code", header["manufacturer_code"], None),
        ("image type", header["image_type"], header["image_type_name"]),
        ("file version", header["file_version"], None),
        ("ZigBee stack version", header["stack_version"], header["stack_version_name"]),
        ("header string", f"“{header['header_string']}”", None),
        ("total image size", f"{header['total_image_size']:,} octets", None),
        (
            "header version / length",
            f"{header['header_version']} / {header['header_length']}",
            None,
        ),
        ("field control", header["field_control"], None),
        (
            "security credential version",
            header["security_credential_version"],
            header["security_credential_version_name"],
        ),
        ("upgrade file destination", header["upgrade_file_destination"], None),
        ("minimum hardware version", header["minimum_hardware_version"], None),
        ("maximum hardware version", header["maximum_hardware_version"], None),
    )
    for label, value, meaning in named:
        if value is not None:
            table.add_row(label, escape(f"{value} ({meaning})" if meaning else str(value)))
    layout = document["image"]
    where = (
        "directly after the header (GBCS)"
        if layout["framing"] == "gbcs"
        else "in sub-element 0000 ("
        + ", ".join(f"{e['tag']} {e['name']} {e['length']:,}" for e in layout["sub_elements"])
        + ")"
    )
    table.add_row("Upgrade Image", f"{layout['upgrade_image_size']:,} octets, {where}")
    table.add_row("Manufacturer Image", f"{layout['manufacturer_image_size']:,} octets")
    return table


def render_image_check(check: ImageCheck, document: dict[str, Any]) -> None:
    """The header, the hash, the match in the CPL's terms, warnings and the next step."""
    match = document["match"]
    out.print(_header_table(document["header"], document))
    out.print(f"manufacturer image hash: {document['manufacturer_image_hash']}")
    status = match["status"]
    entry = f" — CPL entry {match['cpl_entry_id']}" if match["cpl_entry_id"] else ""
    out.print(f"verdict: [bold {_COLOURS[status]}]{status}[/]{escape(entry)}")
    if match["problems"]:
        table = Table("CPL column", "image", "CPL")
        for p in match["problems"]:
            table.add_row(p["field"], p["image"], p["cpl"])
        out.print(table)
    out.print(escape(match["summary"]))
    for warning in document["warnings"]:
        out.print(f"[bold yellow]warning:[/] {escape(warning)}")
    step = document["next_step"]
    if step is not None:
        verdict = "[green]next step[/]" if step["is_next_step"] else "[red]not the next step[/]"
        out.print(f"for a meter on {escape(step['from'])}: {verdict}")
        out.print(escape(step["reason"]))
    if not check.safe_to_send:
        out.print(escape(f"Contact at the manufacturer: {check.contact or 'none on file'}"))


@handles_errors()
def verify_image(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A ZigBee OTA upgrade image.")],
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="ID",
            help="What the meter runs now (a CPL Entry ID or MFR/MODEL/HW@VERSION): also say "
            "whether this image is its next step, and if not which image is.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check an OTA image against the CPL (exit 0 a match to an active entry, and the next step
    with --from; 3 mismatch, no match, removed or not the next step; 1 unreadable)."""
    from firpath.image_document import image_check_document
    from firpath.io.sheets import open_binary
    from firpath.services.image_check import check_image

    with open_binary(file) as stream:
        check = check_image(settings(ctx).engine(), stream, str(file), source)
    document = image_check_document(check)
    if as_json:
        print_json(document)
    else:
        render_image_check(check, document)
    if not check.safe_to_send:
        raise typer.Exit(EXIT_NO_MATCH)
