"""What every command shares: the database URL from `--db` and the acting user."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # SQLAlchemy loads only for commands that open the database
    from sqlalchemy import Engine


@dataclass
class Settings:
    """Global options given before the command."""

    db: str | None = None
    _engine: Engine | None = None

    @property
    def url(self) -> str:
        """The database URL in force."""
        from firpath.store.engine import resolve_url

        return resolve_url(self.db)

    def engine(self, *, create: bool = False) -> Engine:
        """The database engine (opened once); only `create` may start a new SQLite file."""
        if self._engine is None:
            from firpath.store.engine import open_engine

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
