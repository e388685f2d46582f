"""Why a fleet plan is what it is: version names, one reason and whose contact to show,
worked out once per distinct firmware (every device on it shares them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from firpath.domain import values
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import FieldInvalid
from firpath.domain.firmware_lookup import FirmwareGiven, Match, Resolution, name_key
from firpath.domain.fleet_plan import FleetPlanner
from firpath.domain.path_explanation import explain, version_label
from firpath.domain.values import entry_id_order

SHOWN_CHARS: Final = 40  # of a value a row gave, quoted in a reason
_COUNTS: Final = {2: "two", 3: "three", 4: "four", 5: "five"}


@dataclass(frozen=True, slots=True)
class PlanExplanation:
    """The explained columns of one plan, and the manufacturer whose contact goes with it."""

    current_version_name: str | None
    target_version_name: str | None
    step_version_names: str | None  # the steps' version names joined by ';', like `steps`
    reason: str
    manufacturer_id: str | None  # of the device model (or the one the row gave)


def version_name(entry: CplEntry) -> str:
    """The firmware version name people use, else the hex version."""
    return entry.firmware_version_name or entry.firmware_version


def device_model_label(model: DeviceModel, model_entries: Iterable[CplEntry]) -> str:
    """`Halden Meters Smart Meter X (1234/0001/0002)`: the names of the model's newest entry
    that states them, then the ids."""
    named = [e for e in model_entries if e.manufacturer_name or e.model_name]
    if not named:
        return str(model)
    newest = max(named, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))
    names = " ".join(n for n in (newest.manufacturer_name, newest.model_name) if n)
    return f"{names} ({model})"


def _shown(raw: str) -> str:
    text = raw.strip()
    return repr(text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "...")


def _count(n: int) -> str:
    return _COUNTS.get(n, str(n))


class PlanExplainer:
    """Explains the plans of one FleetPlanner, once per entry (or per row value given)."""

    def __init__(self, planner: FleetPlanner) -> None:
        self.planner = planner
        self._by_entry: dict[str, PlanExplanation] = {}

    def explain(self, match: Match, given: FirmwareGiven) -> PlanExplanation:
        """The explanation of the plan of a resolved (or unresolved) firmware."""
        if match.resolution is Resolution.FOUND and match.entry is not None:
            cached = self._by_entry.get(match.entry.cpl_entry_id)
            if cached is None:
                cached = self._for_entry(match.entry)
                self._by_entry[match.entry.cpl_entry_id] = cached
            return cached
        if match.resolution is Resolution.AMBIGUOUS and match.device_model is not None:
            if self.planner.alike_plan(match.candidates) is not None:
                return self._alike(match.candidates)
            return self._ambiguous(match.device_model, match.candidates)
        return PlanExplanation(
            None, None, None, self.unknown_reason(given), _manufacturer_given(given)
        )

    def _for_entry(self, entry: CplEntry) -> PlanExplanation:
        result = self.planner.path_of(entry)
        target = result.target
        if target is not None and target.device_model != entry.device_model:
            reason = (
                f"Device model {entry.device_model} is not the target's model "
                f"{target.device_model} (target {target.cpl_entry_id}): firmware never changes "
                "hardware, so no image can take this device there."
            )
        else:
            reason = explain(result, self.planner.index.graphs[entry.device_model])
        return PlanExplanation(
            version_name(entry),
            version_name(target) if target else None,
            ";".join(version_name(e) for e in result.steps) or None,
            reason,
            entry.manufacturer_id,
        )

    def _alike(self, candidates: tuple[str, ...]) -> PlanExplanation:
        """Builds of one version that plan alike: the plan of the first, said of all."""
        entry = self.planner.index.by_id[candidates[0]]
        first = self._by_entry.get(entry.cpl_entry_id) or self._for_entry(entry)
        reason = (
            f"The version runs as {_count(len(candidates))} builds ({', '.join(candidates)}); "
            f"each gets the same answer. {first.reason}"
        )
        return dataclasses.replace(first, reason=reason)

    def _ambiguous(self, model: DeviceModel, candidates: tuple[str, ...]) -> PlanExplanation:
        builds = [self.planner.index.by_id[c] for c in candidates]
        names = {version_name(b) for b in builds}
        target = self.planner.target_for(model)
        reason = (
            f"Firmware {version_label(builds[0])} of device model {model} is "
            f"{_count(len(builds))} builds ({', '.join(candidates)}): give "
            "manufacturer_image_hash to pick one."
        )
        return PlanExplanation(
            names.pop() if len(names) == 1 else builds[0].firmware_version,
            version_name(target) if target else None,
            None,
            reason,
            model.manufacturer_id,
        )

    def unknown_reason(self, given: FirmwareGiven) -> str:
        """Why nothing on the CPL matches what the row gave, naming what it gave."""
        if given.by_entry_id:
            if not given.cpl_entry_id.strip():
                return "The row gives no CPL Entry ID."
            try:
                key = values.cpl_entry_id(given.cpl_entry_id)
            except FieldInvalid as err:
                it = "it " if err.message.startswith("must") else ""
                return (
                    f"The row's CPL Entry ID {_shown(given.cpl_entry_id)} is not valid: "
                    f"{it}{err.message}."
                )
            return f"No CPL entry has ID {key}."
        return self._unknown_model_version(given)

    def _unknown_model_version(self, given: FirmwareGiven) -> str:
        named = given.firmware_version_name.strip() if given.by_name else ""
        fields: list[tuple[str, str, Callable[[str], str]]] = [
            ("manufacturer_id", given.manufacturer_id, values.manufacturer_id),
            ("model_id", given.model_id, values.model_id),
            ("hardware_version", given.hardware_version, values.hardware_version),
        ]
        if named:  # a name is any text: only a firmware_version is checked as hex
            fields.append(("firmware_version_name", named, str.strip))
        else:
            fields.append(("firmware_version", given.firmware_version, values.firmware_version))
        blank = [name for name, raw, _ in fields if not raw.strip()]
        if blank:
            return f"The row gives no {', '.join(blank)}."
        if given.manufacturer_image_hash.strip():
            fields.append(
                (
                    "manufacturer_image_hash",
                    given.manufacturer_image_hash,
                    values.image_hash_or_prefix,  # whole or its start, as planning reads it
                )
            )
        parsed: list[str] = []
        bad: list[str] = []
        for name, raw, parse in fields:
            try:
                parsed.append(parse(raw))
            except FieldInvalid as err:
                bad.append(f"{name} {_shown(raw)} {err.message}")
        if bad:
            return f"The row's {'; '.join(bad)}."
        model = DeviceModel(parsed[0], parsed[1], parsed[2])
        version = parsed[3]
        if model not in self.planner.index.graphs:
            return f"Device model {model} is not on the CPL."
        index = self.planner.index
        builds = sorted(
            index.by_name.get((model, name_key(named)), [])
            if named
            else index.by_version.get((model, version), []),
            key=lambda e: entry_id_order(e.cpl_entry_id),
        )
        if not builds and named:
            return f"Device model {model} has no firmware named {_shown(named)} on the CPL."
        if not builds:
            return f"Device model {model} has no firmware {version} on the CPL."
        wanted = parsed[4]
        on_cpl = ", ".join(
            f"{b.cpl_entry_id} (hash {b.manufacturer_image_hash[:12]})" for b in builds
        )
        whole = len(wanted) == 64
        hash_given = f"image hash {wanted[:12]}..." if whole else f"an image hash starting {wanted}"
        return (
            f"No build of firmware {version_label(builds[0])} of device model {model} has "
            f"{hash_given}: the CPL has {on_cpl}."
        )


def _manufacturer_given(given: FirmwareGiven) -> str | None:
    """The manufacturer id a row gave, when it is a valid one."""
    if given.by_entry_id:
        return None
    try:
        return values.manufacturer_id(given.manufacturer_id)
    except FieldInvalid:
        return None
