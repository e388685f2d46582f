"""`firpath users` and `firpath tokens`: accounts, roles and bearer tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.domain.errors import FieldInvalid

users_app = typer.Typer(help="Accounts: add, list, disable.", no_args_is_help=True)
tokens_app = typer.Typer(help="Bearer tokens for the API: create, revoke.", no_args_is_help=True)


def read_password(prompt: str = "Password") -> str:
    """A password from standard input (one line) or, on a terminal, asked twice."""
    if sys.stdin is not None and not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise FieldInvalid("password", "", "give the password on standard input")
        return password
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@users_app.command("add")
@handles_errors()
def add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    role: Annotated[
        str,
        typer.Option("--role", metavar="ROLE", help="secas, ssc, supplier, manufacturer or reader"),
    ],
    manufacturer_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--manufacturer-id", metavar="ID", help="For a manufacturer: an id it acts for."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add an account (password from standard input, or asked twice)."""
    from firpath.domain.account import Role, acting_for, check_password, email_address
    from firpath.services.accounts import add_user

    # bad input is refused before the password is asked
    email_address(email)
    acting_for(Role.parse(role), manufacturer_ids or [])
    password = check_password(read_password())
    account = add_user(settings(ctx).engine(), email, role, password, manufacturer_ids or [])
    if as_json:
        print_json(
            {
                "email": account.email,
                "role": account.role.value,
                "manufacturer_ids": sorted(account.manufacturer_ids),
            }
        )
        return
    ids = f" for {', '.join(sorted(account.manufacturer_ids))}" if account.manufacturer_ids else ""
    out.print(f"added {escape(account.email)} ({account.role.value}{ids})")


@users_app.command("list")
@handles_errors()
def list_(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every account: email, role, manufacturer ids, whether disabled."""
    from firpath.services.accounts import list_users

    found = list_users(settings(ctx).engine())
    if as_json:
        print_json(
            {
                "users": [
                    {
                        "email": u.account.email,
                        "role": u.account.role.value,
                        "manufacturer_ids": sorted(u.account.manufacturer_ids),
                        "disabled": u.account.disabled,
                        "created_at": u.created_at.isoformat(),
                    }
                    for u in found
                ]
            }
        )
        return
    table = Table("email", "role", "manufacturer ids", "state", title=f"{len(found)} accounts")
    for u in found:
        table.add_row(
            escape(u.account.email),
            u.account.role.value,
            ", ".join(sorted(u.account.manufacturer_ids)),
            "disabled" if u.account.disabled else "active",
        )
    out.print(table)


@users_app.command("disable")
@handles_errors()
def disable(ctx: typer.Context, email: Annotated[str, typer.Argument(metavar="EMAIL")]) -> None:
    """Disable an account: no sign-in, its tokens and sessions stop working."""
    from firpath.services.accounts import disable_user

    account = disable_user(settings(ctx).engine(), email)
    out.print(f"disabled {escape(account.email)}: its tokens and sessions no longer work")


@tokens_app.command("create")
@handles_errors()
def create(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    as_json: JsonFlag = False,
) -> None:
    """A new bearer token for EMAIL, printed once (only its hash is stored)."""
    from firpath.services.accounts import create_token

    issued = create_token(settings(ctx).engine(), email)
    if as_json:
        print_json({"token": issued.token, "label": issued.label, "email": issued.account.email})
        return
    typer.echo(issued.token)
    typer.echo(
        f"(bearer token for {issued.account.email}, shown once; revoke with "
        f"`firpath tokens revoke {issued.account.email} --label {issued.label}`)",
        err=True,
    )


@tokens_app.command("revoke")
@handles_errors()
def revoke(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    label: Annotated[
        str | None,
        typer.Option("--label", metavar="LABEL", help="Only this token (its first characters)."),
    ] = None,
) -> None:
    """Revoke EMAIL's bearer tokens (all, or the one with --label)."""
    from firpath.services.accounts import revoke_tokens

    count = revoke_tokens(settings(ctx).engine(), email, label)
    out.print(f"revoked {count} token(s) of {escape(email.strip().lower())}")
