"""The OpenAPI schemas of the submission documents, the Cincinnati-shaped upgrade graph and
the fleet plan's summary (`firpath.documents` builds them; see `firpath.api.shapes`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from firpath.api.shapes import Shape, Step

# Submissions


class AllEarlier(Shape):
    """Every active entry of the device model with a lower firmware version (pending)."""

    all_earlier: Literal[True]


class ProposedEntry(Shape):
    """The proposed entry as in the JSON export: `cpl_entry_id` null until approved,
    `date_added` null until approved."""

    cpl_entry_id: str | None
    device_type: str | None
    manufacturer_id: str | None
    manufacturer_name: str | None
    model_id: str | None
    model_name: str | None
    hardware_version: str | None
    firmware_version: str | None
    firmware_version_name: str | None
    manufacturer_image_hash: str | None
    status: str | None
    upgrade_from: list[str] | str | AllEarlier | None = Field(
        description='IDs, "N/A", null (unknown), or {"all_earlier": true} while pending'
    )
    zigbee_chipset_vendor: str | None
    zigbee_stack_version: str | None
    zigbee_band: str | None
    date_added: str | None
    notes: str | None
    release_date: str | None
    release_notes: str | None
    smets_chts_version: str | None
    gbcs_version: str | None


class Submission(Shape):
    """A submission: its number, state, who and when, the proposed entry and the decision."""

    id: int
    state: str = Field(description="pending, approved or rejected")
    manufacturer_id: str
    submitted_by: str
    submitted_at: str
    cpl_entry_id: str | None = Field(description="the entry it became, once approved")
    upgrade_from_given: Any = Field(description="upgrade_from as the submitter sent it")
    all_earlier: bool
    entry: ProposedEntry
    decided_by: str | None
    decided_at: str | None
    decision_reason: str | None
    checked_again_at_approval: list[str] = Field(description="pending: what approval checks")


class ResolvedFirmware(Step):
    """An earlier firmware the submission names, and the entry it was resolved to."""

    given: str
    status: str


class Submitted(Submission):
    """A new submission, how each earlier firmware it names was resolved and (for
    {"all_earlier": true}) the entries that means today."""

    upgrade_from_resolved: list[ResolvedFirmware]
    all_earlier_today: list[str] | None = Field(None, description='only with {"all_earlier": true}')


class ApprovedSubmission(Submission):
    """An approved submission and the audit batch that put its entry on the CPL."""

    batch_id: int


class Submissions(Shape):
    """Submissions, newest first."""

    submissions: list[Submission]


# The upgrade graph (Cincinnati-shaped)

IndexPair = Annotated[list[int], Field(min_length=2, max_length=2)]


class NodeMetadata(Shape):
    """A node's metadata: all strings, empty when not given."""

    cpl_entry_id: str
    firmware_version: str
    firmware_version_name: str
    status: str
    upgrade_from: str = Field(description='"not provided", "N/A" or IDs joined by ";"')
    device_type: str
    release_date: str
    release_notes: str


class Node(Shape):
    """One entry of the device model."""

    version: str = Field(description="the firmware version in hex")
    payload: str = Field(description="the manufacturer image hash")
    metadata: NodeMetadata


class ConditionalEdge(Shape):
    """An edge into a removed entry."""

    from_: str = Field(alias="from")
    to: str
    index: IndexPair


class MatchingRule(Shape):
    """When the risk applies."""

    type: str


class Risk(Shape):
    """Why conditional edges are not taken."""

    url: str
    name: str
    message: str
    matchingRules: list[MatchingRule]  # Cincinnati's key


class ConditionalEdges(Shape):
    """The edges into one removed entry and the risk of taking them."""

    edges: list[ConditionalEdge]
    risks: list[Risk]


class Graph(Shape):
    """A device model's upgrade graph."""

    nodes: list[Node]
    edges: list[IndexPair]
    conditionalEdges: list[ConditionalEdges]  # Cincinnati's key


# The fleet plan's summary


class StrandedModel(Shape):
    """Devices of one device model that cannot (or may not) reach their target."""

    device_model: str
    no_path: int
    incomplete_data: int
    devices: int
    name: str


class NextStep(Shape):
    """What to do about the devices of one status."""

    status: str
    devices: int
    action: str
    manufacturer_id: str | None
    contact: str | None
    entry_ids: list[str]


class FleetSummary(Shape):
    """What a fleet plan found, as `firpath plan --json` prints it."""

    devices: int
    mode: str
    target: str
    distinct_firmware: int
    by_status: dict[str, int]
    stranded_models: list[StrandedModel]
    other_model_devices: int
    next_steps: list[NextStep]
    warnings: list[str]
    explained: bool
    blank_rows: int
    empty_device_ids: int
    duplicate_device_ids: int
    duplicate_examples: list[str]
    file_notes: list[str]
    past_target_devices: int = Field(
        description="`no_path` devices that run newer firmware than an explicit target "
        "(nothing to send; not stranded)"
    )
