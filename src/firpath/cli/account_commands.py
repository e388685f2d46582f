"""`firpath users` and `firpath tokens`: accounts, roles and bearer tokens."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer
from rich.table import Table

from firpath.cli.context import settings
from firpath.cli.output import JsonFlag, escape, handles_errors, out, print_json
from firpath.domain.errors import FieldInvalid

users_app = typer.Typer(
    help="Accounts: add, list, disable, enable, password.", no_args_is_help=True
)
tokens_app = typer.Typer(
    help="Bearer tokens for the API: create, list, revoke.", no_args_is_help=True
)


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


@users_app.command("enable")
@handles_errors()
def enable(ctx: typer.Context, email: Annotated[str, typer.Argument(metavar="EMAIL")]) -> None:
    """Enable a disabled account again (its tokens that are neither revoked nor expired work
    again; it signs in with its password)."""
    from firpath.services.accounts import enable_user

    enabled = enable_user(settings(ctx).engine(), email)
    address = escape(enabled.account.email)
    out.print(f"enabled {address}: it may sign in again")
    if enabled.tokens_back:
        out.print(
            f"{enabled.tokens_back} earlier token(s) of {address} work again; see them with "
            f"`firpath tokens list {address}`, revoke with `firpath tokens revoke {address}`"
        )


@users_app.command("password")
@handles_errors()
def password(ctx: typer.Context, email: Annotated[str, typer.Argument(metavar="EMAIL")]) -> None:
    """Set a new password for EMAIL (from standard input, or asked twice): its browser sessions
    end, its bearer tokens keep working."""
    from firpath.domain.account import check_password, email_address
    from firpath.services.accounts import set_password

    email_address(email)  # a bad email is refused before the password is asked
    ended = set_password(settings(ctx).engine(), email, check_password(read_password()))
    address = escape(email.strip().lower())
    out.print(
        f"new password set for {address}; {ended} browser session(s) ended, bearer tokens unchanged"
    )


@tokens_app.command("create")
@handles_errors()
def create(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    expires_days: Annotated[
        int | None,
        typer.Option(
            "--expires-days",
            metavar="DAYS",
            help="The token stops working DAYS days from now (1 to 3650; default: never).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A new bearer token for EMAIL, printed once (only its hash is stored)."""
    from firpath.services.accounts import create_token

    issued = create_token(settings(ctx).engine(), email, expires_days)
    expires = None if issued.expires_at is None else issued.expires_at.isoformat(timespec="seconds")
    if as_json:
        print_json(
            {
                "token": issued.token,
                "label": issued.label,
                "email": issued.account.email,
                "expires_at": expires,
            }
        )
        return
    typer.echo(issued.token)
    until = "never expires" if expires is None else f"expires {expires}"
    typer.echo(
        f"(bearer token for {issued.account.email}, shown once; {until}; revoke with "
        f"`firpath tokens revoke {issued.account.email} --label {issued.label}`)",
        err=True,
    )


@tokens_app.command("list")
@handles_errors()
def list_tokens(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    as_json: JsonFlag = False,
) -> None:
    """EMAIL's bearer tokens: label, created, expires, and whether active, expired or revoked
    (never the secrets)."""
    from firpath.services import accounts

    account, tokens = accounts.list_tokens(settings(ctx).engine(), email)

    def when(value: dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat(timespec="seconds")

    if as_json:
        print_json(
            {
                "email": account.email,
                "disabled": account.disabled,
                "tokens": [
                    {
                        "label": t.label,
                        "state": t.state,
                        "created_at": when(t.created_at),
                        "expires_at": when(t.expires_at),
                        "revoked_at": when(t.revoked_at),
                    }
                    for t in tokens
                ],
            }
        )
        return
    active = sum(t.state == "active" for t in tokens)
    title = f"{escape(account.email)}: {len(tokens)} token(s), {active} active"
    if account.disabled:
        title += " (the account is disabled: none works until it is enabled)"
    table = Table("label", "state", "created", "expires", "revoked", title=title)
    for t in tokens:
        table.add_row(
            escape(t.label),
            t.state,
            when(t.created_at) or "",
            when(t.expires_at) or "never",
            when(t.revoked_at) or "",
        )
    out.print(table)


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
