"""The `firpath` application: global options and the command table."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from firpath import __version__
from firpath.cli import entries_commands, manufacturer_commands
from firpath.cli.account_commands import tokens_app, users_app
from firpath.cli.audit_commands import audit_app, edit, history
from firpath.cli.backfill_commands import chase_list_command, completeness_command
from firpath.cli.context import settings
from firpath.cli.demo_commands import demo
from firpath.cli.image_commands import verify_image
from firpath.cli.impact_commands import impact
from firpath.cli.output import debug_enabled, err, escape
from firpath.cli.path_commands import path
from firpath.cli.plan_commands import plan
from firpath.cli.registry_commands import export, import_, init
from firpath.cli.serve_commands import serve
from firpath.cli.signing_commands import keys_app, verify_export
from firpath.error_codes import EXIT_ERROR

app = typer.Typer(
    help="firpath: the Firmware Information Repository for GB smart meters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"firpath {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database URL (else FIRPATH_DATABASE_URL, else sqlite:///firpath.db).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """firpath: CPL entries, upgrade paths and fleet plans."""
    settings(ctx).db = db


app.command("init")(init)
app.command("import")(import_)
app.command("export")(export)
app.command("verify-export")(verify_export)
app.add_typer(keys_app, name="keys")
app.command("demo")(demo)
app.command("path")(path)
app.command("plan")(plan)
app.command("impact")(impact)
app.command("verify-image")(verify_image)
app.command("edit")(edit)
app.command("history")(history)
app.add_typer(audit_app, name="audit")
app.command("completeness")(completeness_command)
app.command("chase-list")(chase_list_command)
app.add_typer(entries_commands.app, name="entries")
app.add_typer(manufacturer_commands.app, name="manufacturers")
app.command("serve")(serve)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")


USAGE_ERROR = 2  # what Typer exits with for a bad option, a missing argument, an unknown command


def main() -> None:
    """Console entry point: exit codes 0/1/3/4 only, and no traceback unless FIRPATH_DEBUG=1."""
    try:
        app()
    except SystemExit as done:
        # usage errors are bad input too (DESIGN: 1); Typer has already printed the message
        sys.exit(EXIT_ERROR if done.code == USAGE_ERROR else done.code)
    except Exception as error:  # a bug, not bad input: say so in one line
        if debug_enabled():
            raise
        err.print(
            f"[bold red]internal error:[/] {type(error).__name__}: {escape(str(error))} "
            "(set FIRPATH_DEBUG=1 for details and please report it)"
        )
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
