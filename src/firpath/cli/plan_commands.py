"""`firpath plan FLEET --out PLAN`: an upgrade plan for every device of a fleet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import err, escape, handles_errors, out, print_json
from firpath.cli.progress import stage_progress
from firpath.documents import fleet_summary_document
from firpath.domain.fleet_plan import LATEST

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    from firpath.services.fleet_plan import FleetSummary


def render_summary(summary: FleetSummary, out_file: Path) -> None:
    """Warnings, devices per status, the device models with the most stranded devices, then
    what to do about each status."""
    for warning in summary.warnings:
        err.print(f"[bold yellow]warning:[/] {escape(warning)}")
    table = Table("status", "devices", "share", title=f"{summary.devices:,} devices planned")
    for status, count in summary.status_rows():
        share = count / summary.devices if summary.devices else 0.0
        table.add_row(status, f"{count:,}", f"{share:.1%}")
    out.print(table)
    for note in summary.file_notes:  # blank rows, empty and repeated device ids
        out.print(f"[bold]fleet file:[/] {escape(note)}")
    if summary.stranded_models:
        worst = Table(
            "device model",
            "no_path",
            "incomplete_data",
            "devices",
            title="device models with the most stranded devices",
        )
        for m in summary.stranded_models:
            worst.add_row(
                escape(m.name or m.device_model),
                f"{m.no_path:,}",
                f"{m.incomplete_data:,}",
                f"{m.devices:,}",
            )
        out.print(worst)
    if summary.next_steps:
        out.print("[bold]what to do[/]")
        for step in summary.next_steps:
            out.print(f"  {step.status} ({step.devices:,}): {escape(step.action)}")
    explained = ", with the explanation columns" if summary.explained else ""
    out.print(
        f"wrote {escape(str(out_file))}{explained} ({summary.distinct_firmware:,} distinct "
        f"firmware planned once each, target {escape(summary.target)})"
    )


@handles_errors()
def plan(
    ctx: typer.Context,
    fleet: Annotated[
        Path, typer.Argument(metavar="FLEET", help="fleet file, .csv, .parquet or .xlsx")
    ],
    out_file: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="plan file, .csv or .parquet")
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            metavar="ID",
            help="latest (each model's newest), a CPL Entry ID or MFR/MODEL/HW@VERSION",
        ),
    ] = LATEST,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add the columns current_version_name, target_version_name, "
            "step_version_names, reason and contact to the plan.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable summary.")] = False,
) -> None:
    """Plan every device of FLEET to its target; one output row per input row, in order
    (blank rows skipped)."""
    from firpath.services.fleet_plan import STAGES, plan_fleet

    with stage_progress(out.is_terminal and not as_json, STAGES, out) as on_stage:
        summary = plan_fleet(
            settings(ctx).engine(),
            fleet,
            out_file,
            target=target,
            explain=explain,
            on_stage=on_stage,
        )
    if as_json:
        print_json(fleet_summary_document(summary))
        return
    render_summary(summary, out_file)
