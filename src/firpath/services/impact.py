"""The Security Sub-Committee's question: who carries this ZigBee chipset/stack, and can it be
fixed over the air? Optionally counted over a fleet file."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from firpath.domain.entry import DeviceModel
from firpath.domain.firmware_lookup import FirmwareIndex, Match, Resolution
from firpath.domain.impact import (
    Exposure,
    ModelImpact,
    ModelRemedies,
    PatternMiss,
    VulnerabilityQuery,
    assess_model,
    fields_not_provided,
    pattern_misses,
)
from firpath.domain.upgrade_graph import PathStatus
from firpath.io.fleet_file import read_fleet
from firpath.services.fleet_firmware import distinct_firmware, resolve_key
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries


class DeviceExposure(StrEnum):
    """Where one device of a fleet stands against a vulnerability."""

    REMEDIABLE = "affected_remediable"  # affected, an unaffected active entry is reachable OTA
    STRANDED = "affected_no_path"  # affected, no OTA route: a site visit
    INCOMPLETE = "affected_incomplete_data"  # affected, missing upgrade-from data may hide a route
    UNKNOWN_EXPOSURE = "unknown_exposure"  # its entry does not state the ZigBee fields asked about
    UNAFFECTED = "unaffected"
    UNKNOWN_FIRMWARE = "unknown_firmware"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class ImpactReport:
    """Exposed entries by device model, and (with a fleet) devices by exposure."""

    query: VulnerabilityQuery
    models: list[ModelImpact]
    fleet_devices: dict[str, int] | None = None
    summary: dict[str, int] = field(default_factory=dict)
    not_provided: dict[str, int] = field(default_factory=dict)  # in-scope entries, per field
    misses: list[PatternMiss] = field(default_factory=list)  # patterns matching no stated value


def _entry_exposure(model: ModelRemedies, entry_id: str) -> DeviceExposure:
    exposure = model.exposure[entry_id]
    if exposure is Exposure.UNAFFECTED:
        return DeviceExposure.UNAFFECTED
    if exposure is Exposure.UNKNOWN:
        return DeviceExposure.UNKNOWN_EXPOSURE
    status = model.remediation(entry_id).status
    return {
        PathStatus.OK: DeviceExposure.REMEDIABLE,
        PathStatus.NO_PATH: DeviceExposure.STRANDED,
    }.get(status, DeviceExposure.INCOMPLETE)


def _device_exposure(match: Match, remedies: dict[DeviceModel, ModelRemedies]) -> DeviceExposure:
    if match.resolution is Resolution.UNKNOWN_FIRMWARE or match.device_model is None:
        return DeviceExposure.UNKNOWN_FIRMWARE
    model = remedies[match.device_model]
    if match.entry is not None:
        return _entry_exposure(model, match.entry.cpl_entry_id)
    # two builds share the version: when they stand the same way, so does the device
    kinds = {_entry_exposure(model, eid) for eid in match.candidates}
    return kinds.pop() if len(kinds) == 1 else DeviceExposure.AMBIGUOUS


def _count_fleet(
    fleet_path: Path, index: FirmwareIndex, remedies: dict[DeviceModel, ModelRemedies]
) -> dict[str, int]:
    fleet = read_fleet(fleet_path)
    found = distinct_firmware(fleet)
    tally = {e.value: 0 for e in DeviceExposure}
    for key, devices in zip(found.keys.iter_rows(), found.devices, strict=True):
        kind = _device_exposure(resolve_key(index, fleet, key), remedies)
        tally[kind.value] += int(devices)
    return tally


def assess_impact(
    engine: Engine, query: VulnerabilityQuery, fleet_path: Path | None = None
) -> ImpactReport:
    """Every exposed entry grouped by device model with OTA remediation; devices with a fleet."""
    with read_transaction(engine) as conn:
        stored = entries.load_all(conn)
    index = FirmwareIndex(stored.values())
    remedies = {model: ModelRemedies(graph, query) for model, graph in index.graphs.items()}
    found = [m for model in sorted(index.graphs) if (m := assess_model(remedies[model]))]
    # models with affected entries first; those of only unknown exposure after them
    models = sorted(
        found, key=lambda m: not any(x.exposure is Exposure.AFFECTED for x in m.entries)
    )
    exposed = [x for m in models for x in m.entries]
    summary = {
        "models": sum(m.affected for m in models),
        "unknown_exposure_models": sum(not m.affected for m in models),
        "models_without_fix_on_cpl": sum(m.affected and not m.fix_on_cpl for m in models),
        "affected_entries": sum(x.exposure is Exposure.AFFECTED for x in exposed),
        "affected_active": sum(
            x.exposure is Exposure.AFFECTED and x.entry.is_active for x in exposed
        ),
        "affected_removed": sum(
            x.exposure is Exposure.AFFECTED and not x.entry.is_active for x in exposed
        ),
        "affected_remediable": sum(
            x.exposure is Exposure.AFFECTED and x.remediation.status is PathStatus.OK
            for x in exposed
        ),
        "unknown_exposure_entries": sum(x.exposure is Exposure.UNKNOWN for x in exposed),
    }
    fleet = _count_fleet(fleet_path, index, remedies) if fleet_path is not None else None
    return ImpactReport(
        query,
        models,
        fleet,
        summary,
        fields_not_provided(query, stored.values()),
        pattern_misses(query, stored.values()),
    )
