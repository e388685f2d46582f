"""Planning a fleet: one plan per (device model, current entry), shared by every device on it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import NotFound
from firpath.domain.firmware_lookup import FirmwareIndex, Match, Resolution
from firpath.domain.firmware_ref import parse_firmware_ref, resolve_in_model
from firpath.domain.path_explanation import entry_label
from firpath.domain.upgrade_graph import PathResult, PathStatus

LATEST: Final = "latest"


class DeviceStatus(StrEnum):
    """What the plan says for one device."""

    UP_TO_DATE = "up_to_date"
    UPGRADE = "upgrade"
    NO_PATH = "no_path"
    INCOMPLETE_DATA = "incomplete_data"
    UNKNOWN_FIRMWARE = "unknown_firmware"
    AMBIGUOUS = "ambiguous"


_FROM_PATH: Final = {
    PathStatus.UP_TO_DATE: DeviceStatus.UP_TO_DATE,
    PathStatus.OK: DeviceStatus.UPGRADE,
    PathStatus.NO_PATH: DeviceStatus.NO_PATH,
    PathStatus.INCOMPLETE_DATA: DeviceStatus.INCOMPLETE_DATA,
}


@dataclass(frozen=True, slots=True)
class DevicePlan:
    """The plan for every device running the same firmware (a row of the plan file)."""

    status: DeviceStatus
    current_entry_id: str | None = None
    target_entry_id: str | None = None
    hops: int | None = None
    steps: str = ""  # CPL Entry IDs joined by ';'
    device_model: str | None = None
    missing_data: tuple[str, ...] = ()  # incomplete_data: entries whose upgrade-from to ask for
    other_model: bool = False  # no_path because the target is of another device model
    past_target: bool = False  # no_path because the device runs newer firmware than the target


UNKNOWN_PLAN: Final = DevicePlan(DeviceStatus.UNKNOWN_FIRMWARE)


def _target_entry(index: FirmwareIndex, target: str) -> CplEntry:
    """The entry a plan's target names: a CPL Entry ID or MFR/MODEL/HW@VERSION[#HASH]."""
    ref = parse_firmware_ref(target, "target")
    if ref.entry_id is None:
        assert ref.device_model is not None
        graph = index.graphs.get(ref.device_model)
        return resolve_in_model(ref, graph.entries.values() if graph else (), "target")
    found = index.by_id.get(ref.entry_id)
    if found is None:
        raise NotFound(f"target CPL entry {ref.entry_id} is not on the CPL")
    return found


class FleetPlanner:
    """Plans devices against `latest` of their model or one target entry, caching per entry."""

    def __init__(self, index: FirmwareIndex, target: str = LATEST) -> None:
        self.index = index
        self.target: CplEntry | None = None
        if target.strip().lower() != LATEST:
            self.target = _target_entry(index, target)
        self._plans: dict[str, DevicePlan] = {}

    @property
    def warnings(self) -> list[str]:
        """What the user should know about the target before reading the plan."""
        if self.target is not None and not self.target.is_active:
            return [
                f"target {entry_label(self.target)} is removed from the CPL: it is never "
                "installed, so only devices already running it are up to date and every other "
                "device is no_path"
            ]
        return []

    def target_for(self, model: DeviceModel) -> CplEntry | None:
        """The entry devices of `model` should reach (None: nothing to reach)."""
        if self.target is not None:
            return self.target
        graph = self.index.graphs.get(model)
        return graph.latest() if graph else None

    def for_entry(self, entry: CplEntry) -> DevicePlan:
        """The plan for devices running `entry` (computed once per entry)."""
        cached = self._plans.get(entry.cpl_entry_id)
        if cached is None:
            cached = self._plan(entry)
            self._plans[entry.cpl_entry_id] = cached
        return cached

    def for_match(self, match: Match) -> DevicePlan:
        """The plan for a resolved (or unresolved) firmware."""
        if match.resolution is Resolution.FOUND and match.entry is not None:
            return self.for_entry(match.entry)
        if match.resolution is Resolution.AMBIGUOUS and match.device_model is not None:
            alike = self.alike_plan(match.candidates)
            if alike is not None:
                return alike
            target = self.target_for(match.device_model)
            return DevicePlan(
                DeviceStatus.AMBIGUOUS,
                target_entry_id=target.cpl_entry_id if target else None,
                device_model=str(match.device_model),
            )
        return UNKNOWN_PLAN

    def alike_plan(self, candidates: tuple[str, ...]) -> DevicePlan | None:
        """When every build a version names gets the same plan (twins of the latest version
        are all up to date), that plan, its current entry being the builds joined by `;`;
        otherwise None: the build matters and the device is ambiguous."""
        plans = [self.for_entry(self.index.by_id[c]) for c in candidates]
        first = plans[0]
        if any(
            dataclasses.replace(p, current_entry_id=None)
            != dataclasses.replace(first, current_entry_id=None)
            for p in plans[1:]
        ):
            return None
        return dataclasses.replace(first, current_entry_id=";".join(candidates))

    def path_of(self, entry: CplEntry) -> PathResult:
        """The path answer for devices running `entry` (no_path when the target is of another
        device model, or the model has no active entry)."""
        model = entry.device_model
        target = self.target_for(model)
        if target is None or target.device_model != model:
            return PathResult(PathStatus.NO_PATH, entry, target)
        graph = self.index.graphs[model]
        if self.target is None:
            return graph.plan_to_latest(entry.cpl_entry_id)
        return graph.plan_path(entry.cpl_entry_id, target.cpl_entry_id)

    def _plan(self, entry: CplEntry) -> DevicePlan:
        result = self.path_of(entry)
        status = _FROM_PATH[result.status]
        target = result.target
        hops = (
            len(result.steps) if status in (DeviceStatus.UPGRADE, DeviceStatus.UP_TO_DATE) else None
        )
        return DevicePlan(
            status,
            entry.cpl_entry_id,
            target.cpl_entry_id if target else None,
            hops,
            ";".join(e.cpl_entry_id for e in result.steps),
            str(entry.device_model),
            result.missing_data,
            other_model=target is not None and target.device_model != entry.device_model,
            past_target=status is DeviceStatus.NO_PATH
            and target is not None
            and target.device_model == entry.device_model
            and entry.firmware_number > target.firmware_number,
        )
