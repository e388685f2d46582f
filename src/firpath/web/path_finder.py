"""(being written) the page module `path_finder`."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
