"""Upgrade paths from the warm per-model graphs, the Cincinnati-shaped graph, and impact."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from firpath.api.auth import SIGNED_IN_SECURITY, Caller, allowed, authorised
from firpath.api.params import FIRMWARE, HEX4, TEXT, given_once
from firpath.api.shapes import SIGNED_IN, Impact, PathAnswer, answers
from firpath.api.work_shapes import Graph
from firpath.documents import graph_document, impact_document, path_document
from firpath.domain import values
from firpath.domain.account import Permission
from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import DeviceModel
from firpath.domain.errors import FieldInvalid
from firpath.domain.fleet_plan import LATEST
from firpath.error_codes import exit_code_for_status

router = APIRouter(tags=["paths"])
Planner = Annotated[Caller, Depends(allowed(Permission.PLAN, "plan upgrade paths"))]
Reader = Annotated[Caller, Depends(allowed(Permission.READ, "read the FIR"))]
Analyst = Annotated[Caller, Depends(allowed(Permission.IMPACT, "run impact queries"))]

_FROM_HELP = "CPL Entry ID, or MFR/MODEL/HW@VERSION (name or hex), #HASHPREFIX for twin builds"


_FIRMWARE_RE: Final = re.compile(FIRMWARE)
_MAX_FIRMWARE: Final = 200


def _firmware_schema(default: str | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": _MAX_FIRMWARE, "pattern": FIRMWARE}
    return schema if default is None else schema | {"default": default}


# The hottest route reads its two parameters itself (the checks FastAPI would make from these
# declarations, without solving them on every request): the OpenAPI document says the same.
_PATH_PARAMETERS: Final[list[dict[str, Any]]] = [
    {
        "name": "from",
        "in": "query",
        "required": True,
        "description": _FROM_HELP,
        "schema": _firmware_schema(None),
        "examples": {"id": {"value": "10039"}, "version": {"value": "1555/0100/0003@3.2.0"}},
    },
    {
        "name": "to",
        "in": "query",
        "required": False,
        "description": "The target, written like from, or latest (the default)",
        "schema": _firmware_schema(LATEST),
        "examples": {"latest": {"value": LATEST}},
    },
]


def _firmware_param(request: Request, name: str, default: str | None) -> str:
    """A `from`/`to` parameter (given once: `given_once` checked that): at most 200
    characters, in the FIRMWARE form."""
    given = request.query_params.getlist(name)
    if not given:
        if default is None:
            raise FieldInvalid(name, "", "is required: a CPL Entry ID or MFR/MODEL/HW@VERSION")
        return default
    value = given[0]
    if len(value) > _MAX_FIRMWARE or _FIRMWARE_RE.fullmatch(value) is None:
        raise FieldInvalid(
            name,
            value,
            "must be a CPL Entry ID or MFR/MODEL/HW@VERSION[#HASHPREFIX] "
            f"(at most {_MAX_FIRMWARE} characters)",
        )
    return value


@router.get(
    "/paths",
    summary="The fewest-steps order of images from FROM to TO (or latest)",
    response_model=None,
    responses=answers(PathAnswer, *SIGNED_IN, 404, 409),
    openapi_extra={"security": SIGNED_IN_SECURITY, "parameters": _PATH_PARAMETERS},
)
async def find_path(request: Request) -> Response:
    # answered in memory from the worker's catalogue at the revision read for this request;
    # the same question at the same revision gets the same bytes. The hottest route checks
    # its caller inline: the same check as `allowed`, without dependencies to solve.
    caller = authorised(request, Permission.PLAN, "plan upgrade paths")
    given_once(request)
    source = _firmware_param(request, "from", None)
    target = _firmware_param(request, "to", LATEST)
    catalogue = caller.warm.catalogue(caller.state)
    cached = caller.warm.answers(catalogue)
    key = ("path", source, target)
    body = cached.get(key)
    if body is None:
        body = _path_body(catalogue, source, target)
        cached[key] = body
    return Response(body, media_type="application/json")


def _path_body(catalogue: Catalogue, source: str, target: str) -> bytes:
    from firpath.services.paths import find_path_in

    answer = find_path_in(catalogue, source, target)
    document = path_document(answer)
    document["exit_code"] = exit_code_for_status(answer.result.status.value)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


_GRAPH_HELP = """A device model's upgrade graph in the shape of a Cincinnati update graph
(OpenShift's): `{"nodes": [{"version", "payload", "metadata"}], "edges": [[from, to]],
"conditionalEdges": [...]}`.

- **nodes**: every entry of the model, removed ones too, ordered by firmware version, then CPL
  Entry ID. `version` is the firmware version in hex (`01020A03`), `payload` the manufacturer
  image hash, `metadata` (all values strings): `cpl_entry_id`, `firmware_version`,
  `firmware_version_name`, `status` (active/removed), `upgrade_from` (`not provided`, `N/A`,
  or CPL Entry IDs joined by `;`), `device_type`, `release_date`, `release_notes` (empty when
  not given).
- **Twin builds** (one firmware version, two image hashes) share `version`: tell them apart by
  `payload` or `metadata.cpl_entry_id`, and follow edges by node index, never by version.
- **edges**: `[from, to]` node indices, one per known *upgrade from* into an active entry.
  Unknown *upgrade from* (`not provided`) gives no edge.
- **conditionalEdges**: edges into a removed entry, which is never installed: one group per
  removed entry, each edge `{"from", "to", "index": [from, to]}`, with the risk
  `RemovedFromCPL` (`url`: the entry's history, which says why).
"""


def _hex4() -> Any:
    return Query(pattern=HEX4, description="4 hex digits", examples=["1555"])


@router.get(
    "/graph",
    summary="A device model's upgrade graph (Cincinnati-shaped)",
    description=_GRAPH_HELP,
    response_model=None,
    responses=answers(Graph, *SIGNED_IN, 404),
)
def graph(
    request: Request,
    caller: Reader,
    manufacturer_id: Annotated[str, _hex4()],
    model_id: Annotated[str, _hex4()],
    hardware_version: Annotated[str, _hex4()],
) -> dict[str, Any]:
    # answered from the worker's catalogue at the revision read for this request
    from firpath.services.paths import model_graph_in

    model = DeviceModel(
        values.manufacturer_id(manufacturer_id),
        values.model_id(model_id),
        values.hardware_version(hardware_version),
    )
    found = model_graph_in(caller.warm.catalogue(caller.state), model)
    api_root = str(request.url.replace(query="")).removesuffix("/graph")  # .../api/v1
    return graph_document(
        found, lambda entry_id: f"{api_root}/entries/{quote(entry_id, safe='')}/history"
    )


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
