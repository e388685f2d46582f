"""`/paths`: the path finder for a person without any ID. Manufacturer, device model, hardware
version, the firmware the meter runs and the target are chosen by name (a GET form: the
address holds the question, so it can be shared); the answer is the API's, from the same
service on the same warm catalogue."""

from __future__ import annotations

from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from firpath.api.auth import Caller
from firpath.domain.account import Permission
from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import CplEntry
from firpath.domain.path_explanation import version_label
from firpath.domain.upgrade_graph import PathStatus
from firpath.services.firmware_choices import STEPS, FirmwareChoice, choose_firmware
from firpath.web.auth import page
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
Planner = Annotated[Caller, Depends(page(Permission.PLAN, "plan upgrade paths"))]

MAX_PARAM: Final = 200  # longer text is cut before it is checked (and shown, clipped)

HEADLINES: Final = {
    PathStatus.OK: "Install these images in this order",
    PathStatus.UP_TO_DATE: "This meter is up to date",
    PathStatus.INCOMPLETE_DATA: "No path is known yet: the CPL is missing data",
    PathStatus.NO_PATH: "This meter cannot be upgraded over the air to that firmware",
}
LABELS: Final = {
    "manufacturer": "Manufacturer",
    "model": "Device model",
    "hardware": "Hardware version",
    "firmware": "Firmware the meter runs now",
    "to": "Upgrade to",
}
HINTS: Final = {
    "model": "The model name is on the meter's label and in its install records.",
    "firmware": (
        "By version name (with hex). Where two builds share a version, the start of each "
        "image hash tells them apart; builds removed from the CPL are marked."
    ),
    "to": "The latest firmware of this model, or a later version.",
}
PLACEHOLDERS: Final = {
    "manufacturer": "Choose the manufacturer",
    "model": "Choose the device model",
    "hardware": "Choose the hardware version",
    "firmware": "Choose the firmware the meter runs",
}


def _given(request: Request) -> dict[str, str]:
    """The finder's parameters as given (the first of each), cut to MAX_PARAM characters."""
    return {
        name: request.query_params.getlist(name)[0][:MAX_PARAM]
        for name in STEPS
        if request.query_params.getlist(name)
    }


def _shared_address(choice: FirmwareChoice) -> str:
    """The finder's address with every choice in it (a firmware alone is filled out)."""
    chosen = {name: choice.chosen(name) for name in STEPS}
    return "/paths?" + urlencode({k: v for k, v in chosen.items() if v}) + "#answer"


def _entry_view(entry: CplEntry) -> dict[str, Any]:
    return {"entry": entry, "version": version_label(entry)}


def _answer_context(catalogue: Catalogue, choice: FirmwareChoice) -> dict[str, Any]:
    """The path answer (the API's, from `find_path_in`) and whom to ask."""
    from firpath.documents import path_document
    from firpath.services.paths import find_path_in

    assert choice.source is not None and choice.target is not None
    answer = find_path_in(catalogue, choice.source.cpl_entry_id, choice.target)
    result = answer.result
    maker = catalogue.manufacturer(result.source.manufacturer_id)
    missing = [catalogue.entry(i) for i in result.missing_data]
    api_query = urlencode({"from": result.source.cpl_entry_id, "to": choice.target})
    return {
        "answer": answer,
        "document": path_document(answer),
        "headline": HEADLINES[result.status],
        "source": _entry_view(result.source),
        "target": _entry_view(result.target) if result.target is not None else None,
        "steps": [_entry_view(e) for e in result.steps],
        "missing": [_entry_view(e) for e in missing if e is not None],
        "maker": maker,
        "maker_name": (maker.manufacturer_name if maker else None)
        or result.source.manufacturer_name
        or result.source.manufacturer_id,
        "api_address": f"/api/v1/paths?{api_query}",
    }


@router.get("/paths")
def path_finder(request: Request, caller: Planner) -> Response:
    catalogue = caller.warm.catalogue(caller.state)
    choice = choose_firmware(catalogue, _given(request))
    context: dict[str, Any] = {
        "choice": choice,
        "errors": choice.errors,
        "labels": LABELS,
        "hints": HINTS,
        "placeholders": PLACEHOLDERS,
        "answer": None,
    }
    if choice.source is not None and choice.target is not None:
        context |= _answer_context(catalogue, choice)
        context["shared"] = _shared_address(choice)
    return render(
        request,
        caller,
        "paths.html",
        title="Find an upgrade path",
        status=422 if choice.errors else 200,
        **context,
    )
