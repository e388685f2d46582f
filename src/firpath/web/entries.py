"""The FIR as a table: `/entries` filters by facets and text, sorts by a column, a page at a
time; `/entries.csv|xlsx|json` downloads the entries the filter matches."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Final
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from firpath.api.auth import Caller
from firpath.api.downloads import attachment
from firpath.api.entries import EXPORT_TYPES
from firpath.domain.account import Permission
from firpath.domain.catalogue import Catalogue
from firpath.domain.entry_facets import Choice, EntryFacets, entry_facets
from firpath.io.formats import ExportFormat
from firpath.web.auth import page
from firpath.web.entry_query import (
    DEFAULT_SORT,
    FILTERS,
    PER_PAGE_CHOICES,
    EntriesQuery,
    Problem,
    read_query,
)
from firpath.web.errors import error_page
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Caller, Depends(page(Permission.READ, "read the FIR"))]


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the table: its heading and the sort key its heading sorts by (if any)."""

    label: str
    sort: str | None


COLUMNS: Final = (
    Column("CPL Entry ID", "id"),
    Column("Device type", "device_type"),
    Column("Manufacturer", "manufacturer"),
    Column("Model", "model"),
    Column("Hardware version", "hardware_version"),
    Column("Firmware version", "firmware"),
    Column("Status", "status"),
    Column("Upgrade from", None),
    Column("Chipset vendor", "chipset_vendor"),
    Column("Stack version", "stack_version"),
    Column("Band", "band"),
)
_FORMATS: Final[dict[str, ExportFormat]] = {"csv": "csv", "xlsx": "xlsx", "json": "json"}
UPGRADE_FROM_SHOWN: Final = 4  # IDs listed in a cell; more link to the entry's page

# each catalogue's facets, computed once (the catalogue changes only with the registry)
_FACETS: WeakKeyDictionary[Catalogue, EntryFacets] = WeakKeyDictionary()


def facets_of(catalogue: Catalogue) -> EntryFacets:
    """The facets of every entry of `catalogue`, with counts."""
    found = _FACETS.get(catalogue)
    if found is None:
        found = entry_facets(
            e for m in catalogue.device_models() for e in catalogue.model_entries(m)
        )
        _FACETS[catalogue] = found
    return found


def _shown_values(query: EntriesQuery, facets: EntryFacets) -> list[tuple[str, str, str]]:
    """Each filter in use: its label, its value as people read it, the link removing it."""
    choices: dict[str, tuple[Choice, ...]] = {
        "device_type": facets.device_type,
        "manufacturer_id": facets.manufacturer,
        "model": facets.model,
        "band": facets.band,
        "missing": facets.missing,
    }
    shown = []
    for name, value in query.given.items():
        label = next(
            (c.label for c in choices.get(name, ()) if c.value.lower() == value.lower()), value
        )
        shown.append((FILTERS[name], label, query.link(**{name: None, "page": None})))
    return shown


@router.get("/entries")
def entries_page(request: Request, caller: Reader) -> Response:
    from firpath.services.registry import browse_entries

    query = read_query(request.query_params)
    engine = caller.warm.engine
    found = browse_entries(engine, query.flt, query.page, query.per_page, query.order)
    pages = max(1, -(-found.total // query.per_page))
    notices: list[str] = []
    if query.page > pages:
        notices.append(
            f"There is no page {query.page}: {found.total} entries make {pages} "
            f"page{'s' if pages != 1 else ''}; this is page {pages}."
        )
        query = replace(query, page=pages)
        found = browse_entries(engine, query.flt, query.page, query.per_page, query.order)
    catalogue = caller.warm.catalogue(caller.state)
    facets = facets_of(catalogue)
    return render(
        request,
        caller,
        "entries.html",
        title="Entries",
        query=query,
        found=found,
        pages=pages,
        first=(query.page - 1) * query.per_page + 1,
        last=(query.page - 1) * query.per_page + len(found.entries),
        facets=facets,
        registry_size=len(catalogue),
        columns=COLUMNS,
        default_sort=DEFAULT_SORT,
        per_page_choices=PER_PAGE_CHOICES,
        problems=query.problems,
        notices=notices,
        in_use=_shown_values(query, facets),
        upgrade_from_shown=UPGRADE_FROM_SHOWN,
    )


def _details(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"field": p.label, "value": p.shown, "message": p.message} for p in problems]


@router.get("/entries.{fmt}")
def entries_download(request: Request, fmt: str, caller: Reader) -> Response:
    from firpath.services.registry import export_cpl

    chosen = _FORMATS.get(fmt)
    if chosen is None:
        return error_page(
            request,
            404,
            f"There is no “{fmt[:20]}” download of the entries: choose CSV, XLSX or JSON "
            "(/entries.csv, /entries.xlsx or /entries.json).",
        )
    query = read_query(request.query_params)
    if query.problems:
        # a file of other entries than asked for would mislead: say what is wrong instead
        return error_page(
            request,
            400,
            "This download's filter is not valid, so no file was made. Correct it on the "
            "entries page and download again.",
            _details(query.problems),
        )
    body = export_cpl(caller.warm.engine, chosen, query.flt)
    name = "fir-entries" if query.filtered else "fir"
    return Response(
        body,
        media_type=EXPORT_TYPES[fmt],
        headers={"Content-Disposition": attachment(f"{name}.{fmt}")},
    )
