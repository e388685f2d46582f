"""`/impact` (SSC and SECAS): which device models carry a ZigBee chipset/stack, and whether
their devices can be moved to unaffected firmware over the air — the same report as
`GET /api/v1/impact` and `firpath impact`, grouped by device model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from firpath.api.auth import Caller
from firpath.domain.account import Permission
from firpath.domain.catalogue import Catalogue
from firpath.domain.control_chars import find_control, visible
from firpath.domain.errors import FieldInvalid
from firpath.domain.impact import (
    ExposedEntry,
    ModelImpact,
    Outcome,
    PatternMiss,
    VulnerabilityQuery,
    count_outcomes,
)
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.path_explanation import version_label
from firpath.domain.upgrade_graph import PathStatus
from firpath.web.auth import page
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)

Analyst = Annotated[Caller, Depends(page(Permission.IMPACT, "run ZigBee impact queries"))]

MAX_PATTERN: Final = 200  # as the API's query parameters
# the form's fields, and the field of a CPL entry each one matches
FIELDS: Final = {
    "chipset_vendor": "zigbee_chipset_vendor",
    "stack_version": "zigbee_stack_version",
}
FIELD_LABELS: Final = {
    "chipset_vendor": "ZigBee chipset vendor",
    "stack_version": "ZigBee stack version",
}
_FORM_FIELD: Final = {entry_field: form for form, entry_field in FIELDS.items()}
# what each outcome means, and what to do about it
OUTCOMES: Final = {
    Outcome.REMEDIABLE: (
        "OTA-remediable",
        "Affected, and an unaffected active firmware is reachable over the air.",
        "Schedule the upgrade: the entry's page plans the steps.",
    ),
    Outcome.STRANDED: (
        "Stranded",
        "Affected, with no route over the air to an unaffected firmware on the CPL.",
        "A site visit (exchange the device), or ask the manufacturer for a fixed release.",
    ),
    Outcome.INCOMPLETE: (
        "Route unknown",
        "Affected; data missing from the CPL (upgrade from, or a later version's ZigBee "
        "fields) may hide a route.",
        "Ask the manufacturer to fill in the entries named in the row.",
    ),
    Outcome.UNKNOWN_EXPOSURE: (
        "Exposure unknown",
        "The entry does not state the ZigBee field(s) asked about, so it may be affected.",
        "Ask the manufacturer to back-fill the entry (see Completeness).",
    ),
}


@dataclass(frozen=True, slots=True)
class ModelView:
    """One device model's exposed entries with its names and whom to ask."""

    impact: ModelImpact
    manufacturer: Manufacturer
    model_name: str | None
    outcomes: dict[Outcome, int]

    @property
    def anchor(self) -> str:
        m = self.impact.device_model
        return f"model-{m.manufacturer_id}-{m.model_id}-{m.hardware_version}"


@dataclass(frozen=True, slots=True)
class MissView:
    """A pattern that matches no stated value, the closest values as queries to run instead."""

    label: str
    pattern: str
    closest: list[tuple[str, str]]  # (value, the query with the pattern replaced by it)
    not_provided: int


def _read_form(request: Request) -> tuple[dict[str, str], dict[str, str]]:
    """The form's values as typed and a message per field that cannot be asked."""
    given: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, label in FIELD_LABELS.items():
        value = request.query_params.get(name, "")
        given[name] = value
        if len(value) > MAX_PATTERN:
            errors[name] = f"{label} “{value[:40]}…”: at most {MAX_PATTERN} characters"
        elif (found := find_control(value)) is not None:
            shown = visible(found.group(), one_line=True)
            errors[name] = f"{label} “{visible(value, one_line=True)}”: holds {shown}, not allowed"
    return given, errors


def _query(given: dict[str, str], errors: dict[str, str]) -> VulnerabilityQuery | None:
    """The query the form asks (None: nothing asked yet, or a field in error)."""
    if errors or not any(given.values()):
        return None
    try:
        return VulnerabilityQuery(given["chipset_vendor"] or None, given["stack_version"] or None)
    except FieldInvalid as err:
        name = _FORM_FIELD.get(err.field, "chipset_vendor")
        errors[name] = f"{FIELD_LABELS[name]} “{err.value}”: {err.message}"
        return None


def _stated_values(catalogue: Catalogue) -> dict[str, list[str]]:
    """Every stated chipset vendor and stack version (the form suggests them)."""
    stated: dict[str, set[str]] = {name: set() for name in FIELDS}
    for model in catalogue.device_models():
        for e in catalogue.model_entries(model):
            for name, entry_field in FIELDS.items():
                value = getattr(e, entry_field)
                if value is not None:
                    stated[name].add(value)
    return {name: sorted(values, key=str.lower) for name, values in stated.items()}


def _model_view(m: ModelImpact, catalogue: Catalogue) -> ModelView:
    first = m.entries[0].entry
    known = catalogue.manufacturer(m.device_model.manufacturer_id)
    maker = known or Manufacturer(m.device_model.manufacturer_id, first.manufacturer_name)
    return ModelView(m, maker, first.model_name, m.outcomes)


def _miss_view(miss: PatternMiss, given: dict[str, str], not_provided: int) -> MissView:
    name = _FORM_FIELD[miss.field]
    closest = [
        (value, urlencode({k: (value if k == name else v) for k, v in given.items() if v}))
        for value in miss.closest
        if "*" not in value  # a stated value with a star would be read as a wildcard
    ]
    return MissView(FIELD_LABELS[name], miss.pattern, closest, not_provided)


def remediation_text(x: ExposedEntry, fix_on_cpl: bool) -> str:
    """Where a device on the entry can go over the air, or why it cannot (one line); for an
    entry of unknown exposure, what to ask first and where its devices could go if affected."""
    r = x.remediation
    if r.status is PathStatus.OK and r.target is not None:
        steps = f"{r.hops} step{'s' if r.hops != 1 else ''}"
        route = f"to {r.target.cpl_entry_id}, version {version_label(r.target)}, in {steps}"
    elif r.status is PathStatus.INCOMPLETE_DATA:
        more = f" and {len(r.missing_data) - 5} more" if len(r.missing_data) > 5 else ""
        route = f"ask the manufacturer about {', '.join(r.missing_data[:5])}{more}"
    elif not fix_on_cpl:
        route = "no unaffected firmware of this model is on the CPL: ask the manufacturer"
    else:
        route = "no route over the air: a site visit"
    if x.outcome is Outcome.UNKNOWN_EXPOSURE:
        return f"ask the manufacturer for its ZigBee data; if affected: {route}"
    return route


@router.get("/impact")
def impact_page(request: Request, caller: Analyst) -> Response:
    from firpath.services.impact import assess_impact

    given, errors = _read_form(request)
    query = _query(given, errors)
    catalogue = caller.warm.catalogue(caller.state)
    context: dict[str, Any] = {
        "given": given,
        "errors": errors,
        "labels": FIELD_LABELS,
        "stated": _stated_values(catalogue),
        "outcomes": OUTCOMES,
        "Outcome": Outcome,
        "report": None,
    }
    if query is None:
        return render(
            request,
            caller,
            "impact.html",
            title="ZigBee impact",
            status=422 if errors else 200,
            **context,
        )
    report = assess_impact(caller.warm.engine, query)
    views = [_model_view(m, catalogue) for m in report.models]
    exposed = [x for m in report.models for x in m.entries]
    context |= {
        "report": report,
        "affected": [v for v in views if v.impact.affected],
        "unknown_only": [v for v in views if not v.impact.affected],
        "unknown_count": sum(len(v.impact.entries) for v in views if not v.impact.affected),
        "totals": count_outcomes(exposed),
        "misses": [
            _miss_view(miss, given, report.not_provided.get(miss.field, 0))
            for miss in report.misses
        ],
        "not_provided": {
            FIELD_LABELS[_FORM_FIELD[f]]: count for f, count in report.not_provided.items()
        },
        "remediation_text": remediation_text,
        "version_label": version_label,
    }
    return render(request, caller, "impact.html", title="ZigBee impact", **context)
