"""`firpath impact`: entries and devices exposed to a ZigBee chipset/stack vulnerability."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import JsonFlag, err, escape, handles_errors, out, print_json
from firpath.documents import impact_document
from firpath.domain.impact import (
    ExposedEntry,
    Exposure,
    ModelImpact,
    PatternMiss,
    VulnerabilityQuery,
)
from firpath.domain.path_explanation import entry_label
from firpath.domain.upgrade_graph import PathStatus
from firpath.error_codes import EXIT_NO_MATCH

_FIELD_NAMES = {
    "zigbee_chipset_vendor": "ZigBee chipset vendor",
    "zigbee_stack_version": "ZigBee stack version",
}


def miss_text(miss: PatternMiss, not_provided: int) -> str:
    """Why nothing matched, the closest stated values, and how many entries do not say."""
    what = _FIELD_NAMES[miss.field]
    closest = (
        "the closest stated values are " + ", ".join(repr(v) for v in miss.closest)
        if miss.closest
        else "no stated value is close"
    )
    return escape(
        f"no entry states a {what} matching {miss.pattern!r}: {closest} "
        f"(matching is whole-value and case-insensitive; * is a wildcard, e.g. "
        f"'{miss.pattern.strip('*')}*'); {not_provided} in-scope entries do not state "
        f"their {what} (unknown exposure)"
    )


def remediation_text(x: ExposedEntry, fix_on_cpl: bool = True) -> str:
    """One cell: where the device can go, or why it cannot."""
    r = x.remediation
    if r.status is PathStatus.NO_PATH and not fix_on_cpl:
        return "[red]no fixed firmware on the CPL[/] (ask the manufacturer)"
    if r.status is PathStatus.OK and r.target is not None:
        steps = f"{r.hops} step{'s' if r.hops != 1 else ''}"
        return f"[green]{escape(entry_label(r.target))} in {steps}[/]"
    if r.status is PathStatus.INCOMPLETE_DATA:
        return f"[yellow]incomplete_data[/] (ask about {', '.join(r.missing_data[:5])})"
    return "[red]no_path[/] (site visit)"


def model_table(m: ModelImpact) -> Table:
    """The exposed entries of one device model."""
    first = m.entries[0].entry
    title = escape(
        f"{m.device_model} {first.manufacturer_name or ''} {first.model_name or ''}".strip()
    )
    table = Table(
        "CPL Entry ID",
        "firmware",
        "status",
        "exposure",
        "vendor / stack",
        "OTA remediation",
        title=title,
        title_justify="left",
    )
    for x in m.entries:
        e = x.entry
        table.add_row(
            e.cpl_entry_id,
            escape(f"{e.firmware_version_name or ''} ({e.firmware_version})".strip()),
            e.status.value,
            "[red]affected[/]" if x.exposure is Exposure.AFFECTED else "[yellow]unknown[/]",
            escape(f"{e.zigbee_chipset_vendor or '?'} / {e.zigbee_stack_version or '?'}"),
            remediation_text(x, m.fix_on_cpl),
        )
    return table


@handles_errors()
def impact(
    ctx: typer.Context,
    chipset_vendor: Annotated[
        str | None,
        typer.Option(
            "--chipset-vendor", metavar="PATTERN", help="e.g. 'Silicon Labs' or 'silicon*'"
        ),
    ] = None,
    stack_version: Annotated[
        str | None, typer.Option("--stack-version", metavar="PATTERN", help="e.g. 'EmberZNet 6.*'")
    ] = None,
    fleet: Annotated[
        Path | None,
        typer.Option("--fleet", metavar="FLEET", help="count devices of this fleet file"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Entries and devices carrying a ZigBee chipset/stack, and whether OTA can fix them."""
    from firpath.services.impact import assess_impact

    query = VulnerabilityQuery(chipset_vendor, stack_version)
    report = assess_impact(settings(ctx).engine(), query, fleet)
    if as_json:
        print_json(impact_document(report))
        if report.misses:
            raise typer.Exit(EXIT_NO_MATCH)
        return
    if report.misses:
        for miss in report.misses:
            err.print(miss_text(miss, report.not_provided.get(miss.field, 0)))
        raise typer.Exit(EXIT_NO_MATCH)
    unknown_only = [m for m in report.models if not m.affected]
    for m in report.models:
        if m.affected:
            out.print(model_table(m))
    if unknown_only:
        names = ", ".join(str(m.device_model) for m in unknown_only[:5])
        more = f" and {len(unknown_only) - 5} more" if len(unknown_only) > 5 else ""
        out.print(
            f"{len(unknown_only)} other device models have only entries of unknown exposure "
            f"(their ZigBee fields are not provided): {names}{more}; all listed with --json"
        )
    s = report.summary
    out.print(
        f"{s['affected_entries']} affected entries ({s['affected_active']} active, "
        f"{s['affected_removed']} removed) in {s['models']} device models; "
        f"{s['affected_remediable']} can reach an unaffected firmware over the air; "
        f"{s['models_without_fix_on_cpl']} device models have no unaffected firmware on the "
        "CPL at all (ask their manufacturers); "
        f"{s['unknown_exposure_entries']} entries of unknown exposure (ZigBee fields not provided)"
    )
    for name, count in report.not_provided.items():
        out.print(f"{count} in-scope entries do not state their {_FIELD_NAMES[name]}")
    if report.fleet_devices is not None:
        table = Table("devices", "count", title="fleet")
        for name, count in report.fleet_devices.items():
            table.add_row(name, f"{count:,}")
        out.print(table)
