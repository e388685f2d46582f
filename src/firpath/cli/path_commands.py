"""`firpath path FROM [TO|latest]`: the exact order of images for one meter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.documents import path_document
from firpath.domain.entry import CplEntry
from firpath.domain.fleet_plan import LATEST
from firpath.domain.path_explanation import entry_label
from firpath.domain.upgrade_graph import PathStatus
from firpath.error_codes import exit_code_for_status

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    from firpath.services.paths import PathAnswer


def render_path(answer: PathAnswer) -> None:
    """Numbered steps, or why there are none."""
    r = answer.result
    out.print(
        escape(
            f"From {entry_label(r.source)} to "
            f"{entry_label(r.target) if r.target else 'nothing (no active entry)'}, "
            f"device model {model_label(r.source)}"
        )
    )
    colour = {
        PathStatus.OK: "green",
        PathStatus.UP_TO_DATE: "green",
        PathStatus.INCOMPLETE_DATA: "yellow",
        PathStatus.NO_PATH: "red",
    }[r.status]
    out.print(f"status: [bold {colour}]{r.status.value}[/]")
    if r.steps:
        table = Table("step", "CPL Entry ID", "firmware", "hash", "status")
        for number, entry in enumerate(r.steps, start=1):
            table.add_row(
                str(number),
                entry.cpl_entry_id,
                escape(f"{entry.firmware_version_name or ''} ({entry.firmware_version})".strip()),
                entry.manufacturer_image_hash[:16] + "...",
                entry.status.value,
            )
        out.print(table)
    out.print(escape(answer.reason))
    if r.status in (PathStatus.INCOMPLETE_DATA, PathStatus.NO_PATH):
        maker = r.source.manufacturer_name or r.source.manufacturer_id
        out.print(escape(f"Contact at {maker}: {answer.contact or 'none on file'}"))


def model_label(entry: CplEntry) -> str:
    """`Halden Meters Smart Meter X (1234/0001/0002)`: names first, then the ids."""
    names = " ".join(n for n in (entry.manufacturer_name, entry.model_name) if n)
    return f"{names} ({entry.device_model})" if names else str(entry.device_model)


@handles_errors()
def path(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="FROM",
            help="What the meter runs: a CPL Entry ID, or MFR/MODEL/HW@VERSION with the version "
            "name (2.1.0) or hex (02010000); add #HASHPREFIX when two builds share a version.",
        ),
    ],
    target: Annotated[
        str,
        typer.Argument(
            metavar="[TO|latest]",
            help="The target, written like FROM, or latest (the model's newest active version).",
        ),
    ] = LATEST,
    as_json: JsonFlag = False,
) -> None:
    """The fewest-steps order of images from FROM to TO (exit 0 ok, 3 no path, 4 incomplete)."""
    from firpath.services.paths import find_path

    answer = find_path(settings(ctx).engine(), source, target)
    if as_json:
        print_json(path_document(answer))
    else:
        render_path(answer)
    code = exit_code_for_status(answer.result.status.value)
    if code:
        raise typer.Exit(code)
