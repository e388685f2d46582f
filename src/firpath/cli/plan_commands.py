"""`firpath plan FLEET --out PLAN`: an upgrade plan for every device of a fleet."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import escape, handles_errors, out, print_json
from firpath.cli.progress import stage_progress
from firpath.domain.fleet_plan import LATEST
from firpath.services.fleet_plan import STAGES, FleetSummary, plan_fleet


def render_summary(summary: FleetSummary, out_file: Path) -> None:
    """Devices per status, then the device models with the most stranded devices."""
    table = Table("status", "devices", "share", title=f"{summary.devices:,} devices planned")
    for status, count in summary.by_status.items():
        share = count / summary.devices if summary.devices else 0.0
        table.add_row(status, f"{count:,}", f"{share:.1%}")
    out.print(table)
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
                m.device_model, f"{m.no_path:,}", f"{m.incomplete_data:,}", f"{m.devices:,}"
            )
        out.print(worst)
    out.print(
        f"wrote {escape(str(out_file))} ({summary.distinct_firmware:,} distinct firmware "
        f"planned once each, target {escape(summary.target)})"
    )


@handles_errors()
def plan(
    ctx: typer.Context,
    fleet: Annotated[Path, typer.Argument(help="fleet file, .csv or .parquet")],
    out_file: Annotated[Path, typer.Option("--out", help="plan file, .csv or .parquet")],
    target: Annotated[
        str, typer.Option("--target", help="latest (each model's newest) or a CPL Entry ID")
    ] = LATEST,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable summary.")] = False,
) -> None:
    """Plan every device of FLEET to its target; one output row per input row, in order."""
    with stage_progress(out.is_terminal and not as_json, STAGES, out) as on_stage:
        summary = plan_fleet(
            settings(ctx).engine(), fleet, out_file, target=target, on_stage=on_stage
        )
    if as_json:
        print_json(asdict(summary))
        return
    render_summary(summary, out_file)
