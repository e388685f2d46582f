"""Upgrade paths from the warm per-model graphs, the Cincinnati-shaped graph, and impact."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from firpath.api.auth import Caller, allowed, authorised
from firpath.documents import impact_document, path_document
from firpath.domain.account import Permission
from firpath.domain.catalogue import Catalogue
from firpath.domain.fleet_plan import LATEST
from firpath.error_codes import exit_code_for_status

router = APIRouter(tags=["paths"])
Planner = Annotated[Caller, Depends(allowed(Permission.PLAN, "plan upgrade paths"))]
Analyst = Annotated[Caller, Depends(allowed(Permission.IMPACT, "run impact queries"))]

_FROM_HELP = "CPL Entry ID, or MFR/MODEL/HW@VERSION (name or hex), #HASHPREFIX for twin builds"


@router.get("/paths", summary="The fewest-steps order of images from FROM to TO (or latest)")
async def find_path(
    request: Request,
    source: Annotated[
        str, Query(alias="from", min_length=1, max_length=200, description=_FROM_HELP)
    ],
    target: Annotated[str, Query(alias="to", min_length=1, max_length=200)] = LATEST,
) -> Response:
    # answered in memory from the worker's catalogue at the revision read for this request;
    # the same question at the same revision gets the same bytes. The hottest route checks
    # its caller inline: the same check as `allowed`, without a dependency to solve.
    caller = authorised(request, Permission.PLAN, "plan upgrade paths")
    catalogue = caller.warm.catalogue(caller.state)
    answers = caller.warm.answers(catalogue)
    key = ("path", source, target)
    body = answers.get(key)
    if body is None:
        body = _path_body(catalogue, source, target)
        answers[key] = body
    return Response(body, media_type="application/json")


def _path_body(catalogue: Catalogue, source: str, target: str) -> bytes:
    from firpath.services.paths import find_path_in

    answer = find_path_in(catalogue, source, target)
    document = path_document(answer)
    document["exit_code"] = exit_code_for_status(answer.result.status.value)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@router.get("/impact", summary="Entries and device models exposed to a ZigBee flaw")
def impact(
    caller: Analyst,
    chipset_vendor: Annotated[str | None, Query(max_length=200)] = None,
    stack_version: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    from firpath.domain.impact import VulnerabilityQuery
    from firpath.services.impact import assess_impact

    query = VulnerabilityQuery(chipset_vendor or None, stack_version or None)
    return impact_document(assess_impact(caller.warm.engine, query))
