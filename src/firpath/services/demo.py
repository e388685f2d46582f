"""Loading the demo CPL into an empty database, in one transaction, through the import rules."""

from __future__ import annotations

from sqlalchemy import Engine

from firpath.domain.errors import FirpathError
from firpath.samples.catalogue import DEMO_ENTRIES as DEMO_ENTRIES
from firpath.samples.catalogue import demo_catalogue as demo_catalogue
from firpath.services.database import initialise
from firpath.services.import_cpl import apply_cpl_records, entries_as_records
from firpath.services.manufacturer_contacts import save_contacts
from firpath.services.unit_of_work import write_transaction
from firpath.store import entries as stored_entries


class DatabaseNotEmpty(FirpathError):
    """The demo loads only into a database without entries."""


def load_demo(engine: Engine, entries: int = DEMO_ENTRIES, seed: int = 231, *, actor: str) -> int:
    """Initialise the database and load the demo CPL (contacts and entries, all or nothing)."""
    initialise(engine)
    catalogue = demo_catalogue(entries, seed)
    with write_transaction(engine) as conn:
        already = stored_entries.count_entries(conn)
        if already:
            raise DatabaseNotEmpty(
                f"the database already holds {already} entries: the demo loads only into an "
                "empty database (use another --db)"
            )
        save_contacts(
            conn,
            catalogue.manufacturers,
            rows=len(catalogue.manufacturers),
            source="demo",
            actor=actor,
            action="demo",
        )
        apply_cpl_records(
            conn,
            entries_as_records(catalogue.entries),
            source="demo",
            actor=actor,
            dry_run=False,
            action="demo",
        )
    return len(catalogue.entries)


# One account per role for trying the server; the passwords are printed, never for production.
DEMO_PASSWORDS: dict[str, str] = {
    "secas": "demo-secas-pass",
    "ssc": "demo-ssc-pass-1",
    "supplier": "demo-supplier-pass",
    "manufacturer": "demo-maker-pass-1",
    "reader": "demo-reader-pass",
}


def add_demo_users(engine: Engine, seed: int = 231) -> list[tuple[str, str, str]]:
    """One account per role (`ROLE@demo.firpath.example`); (email, role, password) each.

    The manufacturer account acts for the demo CPL's first manufacturer.
    """
    from firpath.services.accounts import add_user

    first_maker = demo_catalogue(DEMO_ENTRIES, seed).manufacturers[0].manufacturer_id
    made = []
    for role, password in DEMO_PASSWORDS.items():
        email = f"{role}@demo.firpath.example"
        ids = [first_maker] if role == "manufacturer" else []
        add_user(engine, email, role, password, ids)
        made.append((email, role, password))
    return made
