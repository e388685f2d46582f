"""Upgrade paths from the warm per-model graphs, the Cincinnati-shaped graph, and impact."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from firpath.api.auth import Caller, allowed
from firpath.api.params import FIRMWARE, TEXT
from firpath.api.shapes import SIGNED_IN, Impact, PathAnswer, answers
from firpath.documents import impact_document, path_document
from firpath.domain.account import Permission
from firpath.domain.fleet_plan import LATEST
from firpath.error_codes import exit_code_for_status

router = APIRouter(tags=["paths"])
Planner = Annotated[Caller, Depends(allowed(Permission.PLAN, "plan upgrade paths"))]
Analyst = Annotated[Caller, Depends(allowed(Permission.IMPACT, "run impact queries"))]

_FROM_HELP = "CPL Entry ID, or MFR/MODEL/HW@VERSION (name or hex), #HASHPREFIX for twin builds"


@router.get(
    "/paths",
    summary="The fewest-steps order of images from FROM to TO (or latest)",
    response_model=None,
    responses=answers(PathAnswer, *SIGNED_IN, 404, 409),
)
async def find_path(
    caller: Planner,
    source: Annotated[
        str,
        Query(
            alias="from",
            max_length=200,
            pattern=FIRMWARE,
            description=_FROM_HELP,
            examples=["10039", "1555/0100/0003@3.2.0"],
        ),
    ],
    target: Annotated[
        str,
        Query(
            alias="to",
            max_length=200,
            pattern=FIRMWARE,
            description="or latest",
            examples=["latest"],
        ),
    ] = LATEST,
) -> JSONResponse:
    # answered in memory from the worker's catalogue at the revision read for this request
    from firpath.services.paths import find_path_in

    answer = find_path_in(caller.warm.catalogue(caller.state), source, target)
    document = path_document(answer)
    document["exit_code"] = exit_code_for_status(answer.result.status.value)
    return JSONResponse(document)


@router.get(
    "/impact",
    summary="Entries and device models exposed to a ZigBee flaw",
    response_model=None,
    responses=answers(Impact, *SIGNED_IN),
)
def impact(
    caller: Analyst,
    chipset_vendor: Annotated[
        str | None, Query(description="`*` wildcards", examples=["silicon*"], **TEXT)
    ] = None,
    stack_version: Annotated[
        str | None, Query(description="`*` wildcards", examples=["EmberZNet 6.*"], **TEXT)
    ] = None,
) -> dict[str, Any]:
    from firpath.domain.impact import VulnerabilityQuery
    from firpath.services.impact import assess_impact

    query = VulnerabilityQuery(chipset_vendor or None, stack_version or None)
    return impact_document(assess_impact(caller.warm.engine, query))
