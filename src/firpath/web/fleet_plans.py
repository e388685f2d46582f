"""(being written) the page module `fleet_plans`."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
