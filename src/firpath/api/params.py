"""What the API accepts in a URL, exactly: the OpenAPI document says it and FastAPI checks it
before a route runs (the command line is more forgiving: case, spaces, aliases)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import Path, Request

from firpath.domain.completeness import MISSING_CHOICES
from firpath.domain.control_chars import REFUSED_CLASS, WITHOUT_CONTROLS
from firpath.domain.errors import FieldInvalid

_HEX4: Final = "[0-9A-Fa-f]{4}"
# a manufacturer id, model id or hardware version: 4 hex digits
HEX4: Final = f"^{_HEX4}$"
# a CPL Entry ID in a URL path: no '/' (it would end the path segment)
ENTRY_ID: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
# a firmware: a CPL Entry ID or MFR/MODEL/HW@VERSION[#HASHPREFIX] (what it names is looked
# up: 404 when nothing matches)
# (a version: something besides white space, no control character)
_VERSION: Final = rf"[^#{REFUSED_CLASS}]*[^#\s{REFUSED_CLASS}][^#{REFUSED_CLASS}]*"
FIRMWARE: Final = (
    rf"^([A-Za-z0-9][A-Za-z0-9._/-]{{0,63}}|"
    rf"{_HEX4}/{_HEX4}/{_HEX4}@{_VERSION}(#[0-9A-Fa-f]{{1,64}})?)$"
)
# entries missing a new field: one of them, or any
MISSING: Final = "^(" + "|".join(MISSING_CHOICES) + ")$"
# searched text: no control character (stored text holds none, PostgreSQL takes no NUL)
TEXT: Final[dict[str, Any]] = {"max_length": 200, "pattern": WITHOUT_CONTROLS}

EntryId = Annotated[str, Path(pattern=ENTRY_ID, description="a CPL Entry ID", examples=["10039"])]


def given_once(request: Request) -> None:
    """Refuse a query parameter given more than once (no route takes a list: FastAPI would
    silently keep the last)."""
    for name in request.query_params:
        given = request.query_params.getlist(name)
        if len(given) > 1:
            raise FieldInvalid(name, given[0], f"give {name} once, not {len(given)} times")
