"""A server worker's warm state: the registry in memory and the credentials it has checked,
both refreshed the moment the database says they changed (never stale, rarely reloaded)."""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine

from firpath.domain.catalogue import Catalogue
from firpath.services.accounts import secret_hash
from firpath.services.unit_of_work import now, read_transaction
from firpath.store import accounts, entries, manufacturers
from firpath.store.accounts import Credential
from firpath.store.state_probe import StateProbe

_MAX_CREDENTIALS: Final = 10_000  # cached per worker; more than that are looked up each time
_MAX_ANSWERS: Final = 200_000  # rendered answers kept per worker for the current revision


@dataclass(frozen=True, slots=True)
class RegistryState:
    """The counters read once per request: registry and accounts revisions."""

    registry: int
    accounts: int


class WarmRegistry:
    """Per worker: the catalogue at the database's current revision, and checked credentials.

    `state()` costs one small query; the catalogue reloads only when an import, correction or
    approval (through any worker or the CLI) has moved the registry revision.

    Why the revision is enough: every change to entries or manufacturers writes a change batch
    in the same transaction, and its id is max(batch_id) + 1 taken under the registry's write
    lock (store.audit.record_batch), which is held until the commit is visible to others. So
    batch ids become visible in increasing order, a state that shows batch N shows every
    batch before it, and the revision read never goes backwards. A reload reads the revision
    and the registry in one snapshot, so the catalogue is exactly the registry at its revision.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # the catalogue and the answers rendered from it, replaced together in one assignment:
        # an answer computed from an older catalogue can never land among a newer one's
        self._current: tuple[Catalogue, dict[object, bytes]] | None = None
        self._reload = threading.Lock()
        self._credentials: dict[str, tuple[Credential, int]] = {}
        self.reloads = 0  # catalogues loaded from the database
        self.credential_lookups = 0  # tokens and sessions looked up in the database
        self._probe = StateProbe(engine)

    def state(self) -> RegistryState:
        """The registry and accounts revisions as committed now."""
        registry, accounts_revision = self._probe.read()
        return RegistryState(registry, accounts_revision)

    def catalogue(self, state: RegistryState | None = None) -> Catalogue:
        """The registry in memory, at least as new as `state` (read now when not given)."""
        wanted = (state or self.state()).registry
        current = self._current
        if current is not None and current[0].revision >= wanted:
            return current[0]
        with self._reload:
            current = self._current
            if current is not None and current[0].revision >= wanted:
                return current[0]
            with read_transaction(self.engine) as conn:
                revision, _ = accounts.read_state(conn)
                fresh = Catalogue(entries.load_all(conn), manufacturers.load_all(conn), revision)
            self._current = (fresh, {})
            self.reloads += 1
            # the catalogue lives until the next change: the collector need not walk it on every
            # collection (a pause of many milliseconds); the previous one is freed here
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            return fresh

    def answers(self, catalogue: Catalogue) -> dict[object, bytes]:
        """Rendered answers computed from `catalogue` (emptied when the registry changes; keys
        must say everything the answer depends on besides the registry)."""
        current = self._current
        if current is None or catalogue is not current[0]:  # an older catalogue: keep none
            return {}
        answers = current[1]
        if len(answers) >= _MAX_ANSWERS:
            answers.clear()
        return answers

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
        self.credential_lookups += 1
        if credential is None:
            self._credentials.pop(key, None)
            return None
        if len(self._credentials) >= _MAX_CREDENTIALS:
            self._credentials.clear()
        self._credentials[key] = (credential, state.accounts)
        return credential
