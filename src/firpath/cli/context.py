"""What every command shares: the database URL from `--db` and the acting user."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

import typer
from sqlalchemy import Engine

from firpath.store.engine import open_engine, resolve_url


@dataclass
class Settings:
    """Global options given before the command."""

    db: str | None = None
    _engine: Engine | None = None

    @property
    def url(self) -> str:
        """The database URL in force."""
        return resolve_url(self.db)

    def engine(self, *, create: bool = False) -> Engine:
        """The database engine (opened once); only `create` may start a new SQLite file."""
        if self._engine is None:
            self._engine = open_engine(self.db, create=create)
        return self._engine


def settings(ctx: typer.Context) -> Settings:
    """The global settings of this invocation."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def cli_actor() -> str:
    """Who is acting from the command line (FIRPATH_ACTOR, else the OS user)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return os.environ.get("FIRPATH_ACTOR") or f"cli:{user}"
