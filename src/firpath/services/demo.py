"""Loading the demo CPL: initialise the database and import the generated catalogue."""

from __future__ import annotations

from typing import Final

from sqlalchemy import Engine

from firpath.samples.catalogue import demo_catalogue as demo_catalogue
from firpath.services.database import initialise
from firpath.services.import_cpl import import_entries
from firpath.services.manufacturer_contacts import save_contacts

DEMO_ENTRIES: Final = 1600


def load_demo(engine: Engine, entries: int = DEMO_ENTRIES, seed: int = 231, *, actor: str) -> int:
    """Initialise the database and load the demo CPL through the import rules; returns its size."""
    initialise(engine)
    catalogue = demo_catalogue(entries, seed)
    save_contacts(
        engine,
        catalogue.manufacturers,
        rows=len(catalogue.manufacturers),
        source="demo",
        actor=actor,
    )
    import_entries(engine, catalogue.entries, source="demo", actor=actor)
    return len(catalogue.entries)
