"""What the entries page's address asks for: filters, order and page, each value checked;
a value that is not valid is left out and named, so the page still answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode

from firpath.domain import values
from firpath.domain.control_chars import find_control, visible
from firpath.domain.errors import FieldInvalid, clip
from firpath.services.registry import entry_filter, entry_order
from firpath.store.entries import EntryFilter
from firpath.store.entry_order import EntryOrder

PER_PAGE_CHOICES: Final = (25, 50, 100, 200)
DEFAULT_PER_PAGE: Final = 50
DEFAULT_SORT: Final = "manufacturer"
MAX_PAGE: Final = 1_000_000
MAX_TEXT: Final = 200

# the filters, in the order of the form, with the label people read
FILTERS: Final[dict[str, str]] = {
    "q": "Search",
    "device_type": "Device type",
    "manufacturer_id": "Manufacturer",
    "model": "Model",
    "model_id": "Model ID",  # as the API names it (the entry page links with it)
    "hardware_version": "Hardware version",
    "status": "Status",
    "chipset_vendor": "Chipset vendor",
    "stack_version": "Stack version",
    "band": "Band",
    "missing": "Missing data",
}
LABELS: Final[dict[str, str]] = FILTERS | {
    "sort": "Sort by",
    "dir": "Sort direction",
    "page": "Page",
    "per_page": "Entries per page",
}
_TEXT: Final = ("q", "chipset_vendor", "stack_version")  # searched as given


@dataclass(frozen=True, slots=True)
class Problem:
    """A value of the address that was not valid (and so was ignored)."""

    name: str
    value: str
    message: str

    @property
    def label(self) -> str:
        """The field as people read it."""
        return LABELS[self.name]

    @property
    def shown(self) -> str:
        """The value as given, cut short, control characters as escapes."""
        return visible(clip(self.value), one_line=True)


@dataclass(frozen=True)
class EntriesQuery:
    """The checked query: the filter, the order and the page, and what was wrong with it."""

    given: dict[str, str]  # the valid filter values, as given (for the form and links)
    flt: EntryFilter
    sort: str
    descending: bool
    page: int
    per_page: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def order(self) -> EntryOrder:
        """The order to list entries in."""
        return EntryOrder(self.sort, self.descending)

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the list."""
        return bool(self.given)

    def params(self, **changes: str | int | None) -> dict[str, str]:
        """The query's parameters (defaults left out), with `changes` (None: removed)."""
        current: dict[str, str | int | None] = {
            **self.given,
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
            "dir": "desc" if self.descending else None,
            "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else None,
            "page": self.page if self.page != 1 else None,
        }
        current.update(changes)
        return {k: str(v) for k, v in current.items() if v is not None and v != ""}

    def link(self, path: str = "/entries", /, **changes: str | int | None) -> str:
        """The address of this query at `path`, with `changes`."""
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    def sort_link(self, key: str) -> str:
        """The address sorting by `key`: ascending, or the other way when already by `key`."""
        flip = key == self.sort and not self.descending
        return self.link(
            sort=key if key != DEFAULT_SORT else None, dir="desc" if flip else None, page=None
        )


def _model(value: str, manufacturer: str | None) -> tuple[str, str]:
    """A model facet value, `MANUFACTURER/MODEL` (each 4 hex digits)."""
    parts = value.split("/")
    if len(parts) != 2:
        raise FieldInvalid(
            "model", value, "must be a manufacturer ID and a model ID, like 1000/0101"
        )
    maker = values.manufacturer_id(parts[0])
    model = values.model_id(parts[1])
    if manufacturer is not None and values.manufacturer_id(manufacturer) != maker:
        raise FieldInvalid(
            "model",
            value,
            f"is a model of manufacturer {maker}, not of the manufacturer chosen "
            f"({manufacturer}): choose the model again",
        )
    return maker, model


def _whole(name: str, value: str, low: int, high: int) -> int:
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise FieldInvalid(name, value, f"must be a whole number from {low} to {high}")
    return int(value)


def read_query(params: Mapping[str, str]) -> EntriesQuery:
    """The query an address asks for: each value checked on its own, a bad one left out
    and named in `problems`."""
    problems: list[Problem] = []
    given: dict[str, str] = {}
    checked: dict[str, str] = {}
    for name in FILTERS:
        value = (params.get(name) or "").strip()
        if not value:
            continue
        try:
            if name in _TEXT:
                if len(value) > MAX_TEXT:
                    raise FieldInvalid(name, value, f"is longer than {MAX_TEXT} characters")
                if find_control(value):
                    raise FieldInvalid(name, value, "holds a control character")
            elif name == "model":
                maker, model = _model(value, checked.get("manufacturer_id"))
                checked["manufacturer_id"], checked["model_id"] = maker, model
                given[name] = value
                continue
            elif name == "model_id":
                model = values.model_id(value)
                if checked.get("model_id", model) != model:
                    raise FieldInvalid(name, value, "names another model than Model: give one")
                checked["model_id"] = model
                chosen = checked.get("manufacturer_id")
                if chosen is not None and "model" not in given:
                    given["model"] = f"{chosen}/{model}"  # the Model drop-down shows it
                elif chosen is None:
                    given[name] = value
                continue
            else:
                entry_filter(**{"text" if name == "q" else name: value})
        except FieldInvalid as exc:
            problems.append(Problem(name, value, exc.message))
            continue
        given[name] = value
        checked["text" if name == "q" else name] = value
    flt = entry_filter(**checked)

    sort, descending = DEFAULT_SORT, False
    for direction in (params.get("dir"), None):  # a bad direction: the key still counts
        try:
            order = entry_order(params.get("sort"), direction)
        except FieldInvalid as exc:
            problems.append(Problem(exc.field, params.get(exc.field) or "", exc.message))
            if exc.field == "sort":
                break
            continue
        if order is not None:
            sort, descending = order.key, order.descending
        break
    page, per_page = 1, DEFAULT_PER_PAGE
    for name in ("page", "per_page"):
        value = (params.get(name) or "").strip()
        if not value:
            continue
        try:
            if name == "page":
                page = _whole(name, value, 1, MAX_PAGE)
            elif (number := _whole(name, value, 1, max(PER_PAGE_CHOICES))) in PER_PAGE_CHOICES:
                per_page = number
            else:
                raise FieldInvalid(
                    name, value, "must be one of " + ", ".join(map(str, PER_PAGE_CHOICES))
                )
        except FieldInvalid as exc:
            problems.append(Problem(name, value, exc.message))
    return EntriesQuery(given, flt, sort, descending, page, per_page, problems)
