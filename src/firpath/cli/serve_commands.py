"""`firpath serve`: the API (and, with --demo, a fresh demo database and accounts)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from firpath.cli.context import cli_actor, settings
from firpath.cli.output import err, escape, handles_errors, out
from firpath.domain.errors import FieldInvalid

if TYPE_CHECKING:  # loaded by the command, not at start-up
    from sqlalchemy import Engine

APP_FACTORY = "firpath.api.server:app_from_environment"


@handles_errors()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", metavar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", min=0, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", metavar="N", min=1, max=64, help="Worker processes.")
    ] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Start on a fresh SQLite database with the demo CPL and one account per role.",
        ),
    ] = False,
    upload_limit: Annotated[
        int,
        typer.Option(
            "--upload-limit-mb",
            metavar="MB",
            min=1,
            envvar="FIRPATH_UPLOAD_LIMIT_MB",
            help="Largest fleet file accepted; uploads are kept in TMPDIR while planned.",
        ),
    ] = 2048,
    signing_key: Annotated[
        Path | None,
        typer.Option(
            "--signing-key",
            metavar="KEY",
            envvar="FIRPATH_SIGNING_KEY",
            help="Sign every /api/v1/export with this private key (from `firpath keys create`) "
            "and publish its public key at /api/v1/signing-key.",
        ),
    ] = None,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers/--no-proxy-headers",
            help="Take the client address and scheme (https) from X-Forwarded-For/-Proto when "
            "the connection comes from --forwarded-allow-ips.",
        ),
    ] = True,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="IPS",
            help="Proxies trusted for X-Forwarded-*: comma-separated addresses or networks, or "
            "* (default: FORWARDED_ALLOW_IPS, else 127.0.0.1,::1).",
        ),
    ] = None,
) -> None:
    """Serve the FIR's web pages and HTTP API until Ctrl-C."""
    import uvicorn

    trusted = _trusted_proxies(forwarded_allow_ips)
    key_id = _check_signing_key(signing_key)  # a bad key: refused before anything starts
    config = settings(ctx)
    if demo:
        config.db = _demo_database(config.db)
    engine = config.engine(create=demo)
    logins = _load_demo(engine) if demo else []
    os.environ["FIRPATH_DATABASE_URL"] = config.url
    os.environ["FIRPATH_UPLOAD_LIMIT_MB"] = str(upload_limit)
    if signing_key is None:
        os.environ.pop("FIRPATH_SIGNING_KEY", None)
    else:  # the workers read the key themselves: its path, never the key, is passed on
        os.environ["FIRPATH_SIGNING_KEY"] = str(signing_key.absolute())
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    out.print(f"firpath serving {escape(config.url)} at http://{shown}:{port}/ (Ctrl-C stops)")
    how = "an account below" if logins else "an account (`firpath users add`)"
    out.print(f"  web pages: http://{shown}:{port}/login  (sign in with {how})")
    out.print(f"  API: http://{shown}:{port}/api/v1  OpenAPI: http://{shown}:{port}/docs")
    if key_id is not None:
        out.print(
            f"  exports signed by key {key_id}: public key at http://{shown}:{port}/api/v1/"
            "signing-key"
        )
    for email, role, password in logins:
        out.print(f"  demo {role:<12} {email}  password: {password}")
    if demo:
        _write_sample_images(config.url)
    engine.dispose()
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=trusted,
        log_level="info",
        access_log=True,
        server_header=False,
    )


def _check_signing_key(path: Path | None) -> str | None:
    """The id of the signing key in `path` (None: no key), or why it cannot be used."""
    if path is None:
        return None
    from firpath.io.signing_keys import exposed_key_warning, load_signing_key

    key_id = load_signing_key(path).public.key_id
    exposed = exposed_key_warning(path)
    if exposed is not None:
        err.print(f"[bold yellow]warning:[/] {escape(exposed)}")
    return key_id


def _trusted_proxies(given: str | None) -> str | None:
    """The --forwarded-allow-ips value checked: `*`, or IP addresses and networks."""
    if given is None:
        return None
    import ipaddress

    items = [item.strip() for item in given.split(",") if item.strip()]
    if not items:
        raise FieldInvalid("--forwarded-allow-ips", given, "give addresses or networks, or *")
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise FieldInvalid(
                "--forwarded-allow-ips",
                item,
                "is not an IP address or network (like 10.0.0.5, 10.0.0.0/8 or *)",
            ) from None
    return ",".join(items)


def _demo_database(given: str | None) -> str:
    """A fresh SQLite file for --demo (the --db file, which must not exist, or a new one)."""
    if given:
        if "://" in given and not given.startswith("sqlite:///"):
            raise FieldInvalid(
                "--db", given, "--demo starts on a new SQLite file: give a new file name or no --db"
            )
        path = Path(given.removeprefix("sqlite:///"))
        if path.exists():
            raise FieldInvalid("--db", given, "exists: --demo starts on a new database file")
        return f"sqlite:///{path}"
    folder = Path(tempfile.mkdtemp(prefix="firpath-demo-"))
    return f"sqlite:///{folder / 'firpath-demo.db'}"


def _write_sample_images(url: str) -> None:
    """Sample OTA images of the demo CPL beside the demo database, to try /images/verify."""
    from firpath.cli.demo_commands import write_demo_images
    from firpath.samples.catalogue import DEMO_ENTRIES, DEMO_SEED

    folder = Path(url.removeprefix("sqlite:///")).parent / "firpath-demo-images"
    written = write_demo_images(folder, DEMO_ENTRIES, DEMO_SEED)
    out.print(f"  sample OTA images to check at /images/verify: {escape(str(folder))}")
    for name, about in written:
        out.print(f"    {escape(name)}: {escape(about)}")


def _load_demo(engine: Engine) -> list[tuple[str, str, str]]:
    from firpath.services.demo import add_demo_users, load_demo

    load_demo(engine, actor=cli_actor())
    return add_demo_users(engine)
