"""The JSON documents of `firpath.documents` as OpenAPI schemas, and the answers each route
declares: the OpenAPI document says exactly what the API sends.

Documentation only: the routes still send what `firpath.documents` builds (no second
serialisation on the hot paths). The schemathesis run and tests/integration/test_api_shapes.py
check every answer against these models, and `extra="forbid"` makes a key added to a document
without its model fail them.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    """A JSON object with exactly these keys."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# Errors


class ErrorBody(Shape):
    """What went wrong: a machine code, a message naming the field, ID and value, details."""

    code: str
    message: str
    details: list[dict[str, Any]] = Field(
        description="per problem: field, value, message (bad input: row, entry_id too; "
        "ambiguous firmware: the candidate entries)"
    )
    more: list[dict[str, Any]] | None = Field(
        None, description="bad input beyond the first defects: field, message, count"
    )


class ErrorDocument(Shape):
    """`{"error": {"code", "message", "details"}}`."""

    error: ErrorBody


# Entries


class Entry(Shape):
    """One CPL entry as in the JSON export, with the new fields it misses."""

    cpl_entry_id: str
    device_type: str
    manufacturer_id: str
    manufacturer_name: str | None
    model_id: str
    model_name: str | None
    hardware_version: str
    firmware_version: str
    firmware_version_name: str | None
    manufacturer_image_hash: str
    status: str
    upgrade_from: list[str] | str | None = Field(description='IDs, "N/A", or null (unknown)')
    zigbee_chipset_vendor: str | None
    zigbee_stack_version: str | None
    zigbee_band: str | None
    date_added: str | None
    notes: str | None
    release_date: str | None
    release_notes: str | None
    smets_chts_version: str | None
    gbcs_version: str | None
    missing: list[str]


class EntryPage(Shape):
    """One page of the entries matching every filter."""

    entries: list[Entry]
    page: int
    per_page: int
    total: int
    pages: int


class Contact(Shape):
    """A manufacturer and whom to ask there."""

    manufacturer_id: str
    manufacturer_name: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None


class EntryDetail(Entry):
    """One entry with the entries it upgrades to, its contact and its revision (the ETag)."""

    upgrade_to: list[str]
    missing_data: list[str]
    manufacturer_contact: Contact | None
    revision: int


class FieldChange(Shape):
    """One field of one change, as in the CPL file (null: not set)."""

    field: str
    before: str | None
    after: str | None


class CorrectedEntry(EntryDetail):
    """The entry after a correction, and what the correction changed."""

    changes: list[FieldChange]


class HistoryItem(Shape):
    """One change of an entry: when, who, what, why."""

    at: str
    actor: str
    action: str
    reason: str | None
    source: str | None
    command: str | None
    changes: list[FieldChange]


class History(Shape):
    """Every change of one entry, newest first."""

    cpl_entry_id: str
    history: list[HistoryItem]


# Paths and impact


class Step(Shape):
    """One image on an upgrade path."""

    cpl_entry_id: str
    firmware_version: str
    firmware_version_name: str | None
    manufacturer_image_hash: str


class PathAnswer(Shape):
    """An upgrade path (DESIGN section 6) and the exit code the command line would give."""

    status: str = Field(description="up_to_date, ok, incomplete_data or no_path")
    from_: str = Field(alias="from")
    to: str | None
    steps: list[Step]
    missing_data: list[str]
    reason: str | None
    manufacturer_name: str | None
    model_name: str | None
    contact: str | None
    exit_code: int


class ImpactQuery(Shape):
    """The patterns asked about (`*` wildcards)."""

    chipset_vendor: str | None
    stack_version: str | None


class NoMatch(Shape):
    """A pattern no stated value matches, and the closest values."""

    field: str
    pattern: str
    closest: list[str]


class Remediation(Shape):
    """How an exposed entry gets to a fixed one."""

    status: str
    target: str | None
    hops: int | None
    steps: list[str]
    missing_data: list[str]


class ExposedEntry(Shape):
    """An entry carrying (or perhaps carrying) the flaw."""

    cpl_entry_id: str
    firmware_version: str
    firmware_version_name: str | None
    status: str
    zigbee_chipset_vendor: str | None
    zigbee_stack_version: str | None
    exposure: str
    remediation: Remediation


class ExposedModel(Shape):
    """A device model with exposed entries."""

    device_model: str
    manufacturer_id: str
    model_id: str
    hardware_version: str
    fix_on_cpl: bool
    entries: list[ExposedEntry]


class Impact(Shape):
    """Entries and device models exposed to a ZigBee flaw."""

    query: ImpactQuery
    summary: dict[str, int]
    not_provided: dict[str, int]
    no_match: list[NoMatch]
    models: list[ExposedModel]
    fleet: dict[str, int] | None


# Back-fill progress


class Provided(Shape):
    """How many entries give one new field, and their share (null: no entries)."""

    count: int
    share: float | None


class Tally(Shape):
    """Entries, complete entries and each new field provided."""

    entries: int
    complete: int
    complete_share: float | None
    provided: dict[str, Provided]


class CompletenessGroup(Tally):
    """The tally of one manufacturer (with its contact) or one device type."""

    manufacturer_id: str | None = None
    manufacturer_name: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    device_type: str | None = None


class Completeness(Shape):
    """Back-fill progress by manufacturer or device type, and over all."""

    by: str
    fields: list[str]
    groups: list[CompletenessGroup]
    total: Tally
    out_of_scope_entries: int


# Accounts


class SignedIn(Shape):
    """The signed-in account."""

    email: str
    role: str
    manufacturer_ids: list[str]


class NewSession(SignedIn):
    """A session opened: the cookie is set; every change must send the CSRF token."""

    csrf_token: str
    csrf_header: str
    expires_at: str


class PublicSigningKey(Shape):
    """The key the server signs exports with: check a download with `firpath verify-export`."""

    algorithm: str = Field(description="always Ed25519")
    key_id: str = Field(description="first 16 hex digits of the SHA-256 of the raw public key")
    public_key_pem: str = Field(description="the public key, PEM (SubjectPublicKeyInfo)")


class Health(Shape):
    """The server answers."""

    status: str


# Answers a route declares

_ERRORS: Final[dict[int, str]] = {
    400: "the body is not JSON",
    401: "not signed in: no, or no valid, bearer token or session cookie",
    403: "the account's role may not do this, or a session's change lacks the CSRF token",
    404: "no such entry (or device model, firmware, or submission of yours)",
    409: "a firmware name matching two builds, a submission already decided, or a change "
    "that conflicts",
    412: "the If-Match ETag is stale: the entry changed since it was read",
    413: "the upload is larger than the server's upload limit",
    415: "a body of a media type the route does not take",
    422: "invalid input; the details name each field and value",
    428: "If-Match is required",
    429: "too many failed logins for the account: wait Retry-After seconds",
    503: "the database is busy, read-only or not ready: try again",
}
_HEADERS: Final[dict[int, dict[str, Any]]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
}
SIGNED_IN: Final = (401, 403, 422, 503)  # what any route behind sign-in may answer
ETAG: Final = {"ETag": {"description": "the entry's revision", "schema": {"type": "string"}}}
SIGNATURE: Final = {
    "X-Firpath-Signature": {
        "description": "only when the server has a signing key: base64 of the signature "
        "document; save its decoded bytes as FILE.sig and run `firpath verify-export FILE "
        "--public-key PUB` (the key: GET /api/v1/signing-key)",
        "schema": {"type": "string"},
    }
}
LOCATION: Final = {"Location": {"description": "the new resource", "schema": {"type": "string"}}}


def answers(
    model: type[BaseModel] | None,
    *statuses: int,
    headers: dict[str, Any] | None = None,
    ok: int = 200,
) -> dict[int | str, dict[str, Any]]:
    """A route's `responses`: its success `model` (with `headers`) and the error statuses it
    may give, each with the error document."""
    success: dict[str, Any] = {"description": "success"}
    if model is not None:
        success["model"] = model
    if headers:
        success["headers"] = headers
    documented: dict[int | str, dict[str, Any]] = {ok: success}
    for status in sorted(set(statuses)):
        documented[status] = {"model": ErrorDocument, "description": _ERRORS[status]}
        if status in _HEADERS:
            documented[status]["headers"] = _HEADERS[status]
    return documented
