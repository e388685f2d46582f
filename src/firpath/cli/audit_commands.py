"""`firpath edit`, `firpath history` and `firpath audit verify`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from firpath.cli.context import cli_actor, settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.documents import history_document
from firpath.domain.errors import FieldInvalid
from firpath.error_codes import EXIT_ERROR

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    pass

PROBLEMS_SHOWN = 50
_CREATION_SHOWN = (
    "firmware_version_name",
    "firmware_version",
    "status",
    "upgrade_from",
    "zigbee_chipset_vendor",
    "zigbee_stack_version",
    "zigbee_band",
)

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


def _pairs(assignments: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for text in assignments:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise FieldInvalid("--set", text, "must be FIELD=VALUE (an empty VALUE clears it)")
        pairs.append((name.strip(), value))
    return pairs


def _shown(value: str | None) -> str:
    return "(not provided)" if value in (None, "") else escape(repr(value)[1:-1])


@handles_errors()
def edit(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="CPL Entry ID")],
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="FIELD=VALUE; repeat for more; `upgrade_from=` = not provided.",
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why (kept in the audit trail).")
    ],
    if_revision: Annotated[
        int | None,
        typer.Option(
            "--if-revision", metavar="N", help="Refuse if the entry is no longer at this revision."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Correct one entry (SECAS): every rule is checked; the reason is recorded."""
    from firpath.services.corrections import correct_entry

    done = correct_entry(
        settings(ctx).engine(),
        entry_id,
        _pairs(assignments),
        reason=reason,
        actor=cli_actor(),
        if_revision=if_revision,
    )
    if as_json:
        print_json(
            {
                "cpl_entry_id": done.entry_id,
                "revision": done.revision,
                "changes": [{"field": f, "before": b, "after": a} for f, b, a in done.changes],
            }
        )
        return
    if not done.changes:
        out.print(f"{done.entry_id}: no change (already so), revision {done.revision}")
        return
    out.print(f"corrected {done.entry_id}, now revision {done.revision}:")
    for field, before, after in done.changes:
        out.print(f"  {field}: {_shown(before)} → {_shown(after)}")


@handles_errors()
def history(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="CPL Entry ID")],
    as_json: JsonFlag = False,
) -> None:
    """Every change of one entry, newest first: when, who, why, each field before → after."""
    from firpath.services.history import entry_history

    items = entry_history(settings(ctx).engine(), entry_id)
    if as_json:
        print_json(history_document(entry_id, items))
        return
    table = Table("when (UTC)", "who", "what", "why / from", "changes", show_lines=True)
    for i in items:
        why = i.reason or (f"file {i.source}" if i.source else "")
        if i.action == "update":
            changes = "\n".join(
                f"{escape(c.field)}: {_shown(c.before)} → {_shown(c.after)}" for c in i.changes
            )
        else:  # a creation: the values that say which image and what is known of it
            changes = (
                "\n".join(
                    f"{escape(c.field)}: {_shown(c.after)}"
                    for c in i.changes
                    if c.field in _CREATION_SHOWN
                )
                + f"\n({len(i.changes)} fields; all with --json)"
            )
        table.add_row(
            i.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(i.actor),
            escape(i.action),
            escape(why),
            changes,
        )
    out.print(table)


@audit_app.command("verify")
@handles_errors()
def verify(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Check the audit hash chain and replay it against the stored entries; exit 0 if all agree."""
    from firpath.services.history import verify_audit

    result = verify_audit(settings(ctx).engine())
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "links": result.links,
                "legacy_rows": result.legacy_rows,
                "head": {"seq": result.head_seq, "hash": result.head_hash},
                "problems": [
                    {"kind": p.kind, "table": p.table, "id": p.row_id, "message": p.message}
                    for p in result.problems
                ],
            }
        )
    elif result.ok:
        out.print(
            f"audit trail verified: {result.links} links, chain head {result.head_seq} "
            f"{result.head_hash}; every stored entry and manufacturer matches the replay"
        )
    else:
        out.print(f"[bold red]audit trail NOT verified:[/] {len(result.problems)} problem(s)")
        kinds = Counter(p.kind for p in result.problems)
        out.print(", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
        table = Table("kind", "where", "id", "problem")
        for p in result.problems[:PROBLEMS_SHOWN]:
            table.add_row(p.kind, p.table, escape(p.row_id), escape(p.message))
        out.print(table)
        if len(result.problems) > PROBLEMS_SHOWN:
            out.print(f"... and {len(result.problems) - PROBLEMS_SHOWN} more (all with --json)")
    if result.legacy_rows and not as_json:
        out.print(
            f"{result.legacy_rows} rows from before the chain began (schema 0001) not checked"
        )
    if not result.ok:
        raise typer.Exit(EXIT_ERROR)
