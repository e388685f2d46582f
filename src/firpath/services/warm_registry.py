"""A server worker's warm state: the registry in memory and the credentials it has checked,
both refreshed the moment the database says they changed (never stale, rarely reloaded)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine

from firpath.domain.catalogue import Catalogue
from firpath.services.accounts import secret_hash
from firpath.services.unit_of_work import now, read_transaction
from firpath.store import accounts, entries, manufacturers
from firpath.store.accounts import Credential

_MAX_CREDENTIALS: Final = 10_000  # cached per worker; more than that are looked up each time


@dataclass(frozen=True, slots=True)
class RegistryState:
    """The counters read once per request: registry and accounts revisions."""

    registry: int
    accounts: int


class WarmRegistry:
    """Per worker: the catalogue at the database's current revision, and checked credentials.

    `state()` costs one small query; the catalogue reloads only when an import, correction or
    approval (through any worker or the CLI) has moved the registry revision.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._catalogue: Catalogue | None = None
        self._reload = threading.Lock()
        self._credentials: dict[str, tuple[Credential, int]] = {}
        self.reloads = 0

    def state(self) -> RegistryState:
        """The registry and accounts revisions as committed now."""
        with self.engine.connect() as conn:
            registry, accounts_revision = accounts.read_state(conn)
        return RegistryState(registry, accounts_revision)

    def catalogue(self, state: RegistryState | None = None) -> Catalogue:
        """The registry in memory, at least as new as `state` (read now when not given)."""
        wanted = (state or self.state()).registry
        current = self._catalogue
        if current is not None and current.revision >= wanted:
            return current
        with self._reload:
            current = self._catalogue
            if current is not None and current.revision >= wanted:
                return current
            with read_transaction(self.engine) as conn:
                revision, _ = accounts.read_state(conn)
                fresh = Catalogue(entries.load_all(conn), manufacturers.load_all(conn), revision)
            self._catalogue = fresh
            self.reloads += 1
            return fresh

    def credential(self, secret: str, state: RegistryState) -> Credential | None:
        """The valid token or session with this secret (cached while no account changes)."""
        key = secret_hash(secret)
        cached = self._credentials.get(key)
        at = now()
        if cached is not None and cached[1] == state.accounts:
            known = cached[0]
            if known.expires_at is None or known.expires_at > at:
                return known
        with read_transaction(self.engine) as conn:
            credential = accounts.find_credential(conn, key, at)
        if credential is None:
            self._credentials.pop(key, None)
            return None
        if len(self._credentials) >= _MAX_CREDENTIALS:
            self._credentials.clear()
        self._credentials[key] = (credential, state.accounts)
        return credential
