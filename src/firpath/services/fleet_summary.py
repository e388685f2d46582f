"""What a fleet plan found: devices per status, the device models with the most stranded
devices (by name), and what to do about each status."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from firpath.domain.fleet_plan import DevicePlan, DeviceStatus, FleetPlanner
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.plan_explanation import device_model_label
from firpath.domain.values import entry_id_order
from firpath.services.fleet_device_ids import DeviceIdCounts

OTHER_MODEL: Final = "other_device_model"  # a summary status, `no_path` in the plan file
PAST_TARGET: Final = "past_target"  # a summary status, `no_path` in the plan file
WORST_MODELS: Final = 10
NAMED_IN_A_LINE: Final = 5  # device models named in a "what to do" line
IDS_IN_A_LINE: Final = 10  # CPL Entry IDs named in a "what to do" line (all in `entry_ids`)


@dataclass(frozen=True, slots=True)
class ModelTally:
    """Devices of one device model that cannot (or may not) reach their target."""

    device_model: str
    no_path: int
    incomplete_data: int
    devices: int
    name: str = ""  # `Halden Meters Smart Meter X (1234/0001/0002)`


@dataclass(frozen=True, slots=True)
class NextStep:
    """What to do about the devices of one status (incomplete data: one per manufacturer)."""

    status: str
    devices: int
    action: str
    manufacturer_id: str | None = None
    contact: str | None = None
    entry_ids: list[str] = field(default_factory=list)  # whose upgrade-from to ask for


@dataclass(frozen=True, slots=True)
class FleetRows:
    """Rows of a fleet file that are not one plain device each: blank rows (skipped), rows
    with no device id and rows repeating one (planned all the same)."""

    blank: int = 0
    device_ids: DeviceIdCounts = field(default_factory=DeviceIdCounts)
    replaced_bytes: bool = False  # bytes that are not UTF-8 were read as U+FFFD

    def notes(self) -> list[str]:
        """One sentence for each kind of such row the file has."""
        notes: list[str] = []
        if self.replaced_bytes:
            notes.append(
                "some bytes are not UTF-8 and were read as \ufffd (such ids match nothing): "
                "if the file was saved in another encoding, save it as CSV UTF-8"
            )
        if self.blank:
            notes.append(
                f"skipped {_plural(self.blank, 'blank row')} (no device_id and no firmware): "
                "not devices, so not in the plan file"
            )
        ids = self.device_ids
        if ids.empty:
            notes.append(
                f"{_plural(ids.empty, 'row')} with firmware but no device_id: planned all the "
                "same, with an empty device_id in the plan file"
            )
        if ids.duplicates:
            shown = ", ".join(repr(e) for e in ids.duplicate_examples)
            unnamed = ids.repeated - len(ids.duplicate_examples)
            more = f" and {unnamed:,} more" if unnamed > 0 else ""
            verb = "repeats" if ids.duplicates == 1 else "repeat"
            notes.append(
                f"{_plural(ids.duplicates, 'row')} {verb} a device_id given on an earlier row "
                f"({shown}{more}): each row is planned; check the fleet file"
            )
        return notes


@dataclass(frozen=True, slots=True)
class FleetSummary:
    """What a fleet plan found.

    `by_status` counts the plan file's statuses; `other_model_devices` of its `no_path`
    devices are of another device model than an explicit target's, `past_target_devices` run
    newer firmware than an explicit target (neither is stranded).
    """

    devices: int
    mode: str
    target: str
    distinct_firmware: int
    by_status: dict[str, int]
    stranded_models: list[ModelTally] = field(default_factory=list)
    other_model_devices: int = 0
    next_steps: list[NextStep] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    explained: bool = False
    blank_rows: int = 0
    empty_device_ids: int = 0
    duplicate_device_ids: int = 0
    duplicate_examples: list[str] = field(default_factory=list)
    file_notes: list[str] = field(default_factory=list)  # a sentence per kind of odd row
    past_target_devices: int = 0

    def status_rows(self) -> list[tuple[str, int]]:
        """Devices per status; devices of other device models and devices past the target
        apart from `no_path`."""
        apart = self.other_model_devices + self.past_target_devices
        rows = [
            (s, n - apart if s == DeviceStatus.NO_PATH else n) for s, n in self.by_status.items()
        ]
        if self.other_model_devices:
            rows.append((OTHER_MODEL, self.other_model_devices))
        if self.past_target_devices:
            rows.append((PAST_TARGET, self.past_target_devices))
        return rows


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _some(items: Sequence[str], limit: int) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit:,} more" if len(items) > limit else shown


class _Models:
    """Names of device models and of their manufacturers, worked out when first needed."""

    def __init__(self, planner: FleetPlanner, manufacturers: Mapping[str, Manufacturer]) -> None:
        self.graphs = {str(m): g for m, g in planner.index.graphs.items()}
        self.manufacturers = manufacturers
        self._labels: dict[str, str] = {}

    def label(self, device_model: str) -> str:
        if device_model not in self._labels:
            graph = self.graphs.get(device_model)
            self._labels[device_model] = (
                device_model_label(graph.model, graph.entries.values()) if graph else device_model
            )
        return self._labels[device_model]

    def manufacturer_name(self, manufacturer_id: str) -> str:
        stored = self.manufacturers.get(manufacturer_id)
        if stored is not None and stored.manufacturer_name:
            return stored.manufacturer_name
        for graph in self.graphs.values():
            if graph.model.manufacturer_id == manufacturer_id:
                named = [e.manufacturer_name for e in graph.entries.values() if e.manufacturer_name]
                if named:
                    return named[0]
        return f"manufacturer {manufacturer_id}"


def summarise(
    plans: Sequence[DevicePlan],
    devices: Sequence[int],
    planner: FleetPlanner,
    manufacturers: Mapping[str, Manufacturer],
    *,
    mode: str,
    target: str,
    explained: bool = False,
    rows: FleetRows | None = None,
) -> FleetSummary:
    """The summary of a fleet plan from its per-firmware plans and their device counts."""
    rows = rows or FleetRows()
    models = _Models(planner, manufacturers)
    by_status = {s.value: 0 for s in DeviceStatus}
    other = past = 0
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # no_path, incomplete, all
    asking: dict[str, tuple[int, set[str]]] = {}  # manufacturer id -> devices, entries to ask for
    for plan, count in zip(plans, devices, strict=True):
        by_status[plan.status.value] += count
        if plan.other_model:
            other += count
            continue
        if plan.past_target:
            past += count
            continue
        if plan.device_model is None:
            continue
        tally = tallies[plan.device_model]
        tally[2] += count
        if plan.status is DeviceStatus.NO_PATH:
            tally[0] += count
        elif plan.status is DeviceStatus.INCOMPLETE_DATA:
            tally[1] += count
            maker = models.graphs[plan.device_model].model.manufacturer_id
            asked, ids = asking.get(maker, (0, set()))
            asking[maker] = (asked + count, ids | set(plan.missing_data))
    stranded = sorted(
        (
            ModelTally(m, t[0], t[1], t[2], models.label(m))
            for m, t in tallies.items()
            if t[0] + t[1] > 0
        ),
        key=lambda t: (-(t.no_path + t.incomplete_data), t.device_model),
    )
    steps = _next_steps(by_status, other, past, stranded, asking, models, planner)
    return FleetSummary(
        devices=sum(devices),
        mode=mode,
        target=target,
        distinct_firmware=len(plans),
        by_status=by_status,
        stranded_models=stranded[:WORST_MODELS],
        other_model_devices=other,
        next_steps=steps,
        warnings=planner.warnings,
        explained=explained,
        blank_rows=rows.blank,
        empty_device_ids=rows.device_ids.empty,
        duplicate_device_ids=rows.device_ids.duplicates,
        duplicate_examples=rows.device_ids.duplicate_examples,
        file_notes=rows.notes(),
        past_target_devices=past,
    )


def _next_steps(
    by_status: Mapping[str, int],
    other: int,
    past: int,
    stranded: Sequence[ModelTally],
    asking: Mapping[str, tuple[int, set[str]]],
    models: _Models,
    planner: FleetPlanner,
) -> list[NextStep]:
    """One line per non-empty status saying what to do (one per manufacturer to ask)."""
    steps: list[NextStep] = []
    for status in DeviceStatus:
        n = by_status[status.value] - (other + past if status is DeviceStatus.NO_PATH else 0)
        if n == 0:
            continue
        if status is DeviceStatus.UP_TO_DATE:
            steps.append(
                NextStep(status.value, n, "nothing to send: already on the target firmware")
            )
        elif status is DeviceStatus.UPGRADE:
            steps.append(NextStep(status.value, n, "send the images in the steps column, in order"))
        elif status is DeviceStatus.NO_PATH:
            names = [m.name for m in stranded if m.no_path]
            which = f"device model {names[0]}" if len(names) == 1 else "device models "
            if len(names) > 1:
                which += _some(names, NAMED_IN_A_LINE)
            steps.append(
                NextStep(
                    status.value, n, f"site visit needed for {_plural(n, 'device')} of {which}"
                )
            )
        elif status is DeviceStatus.INCOMPLETE_DATA:
            for maker in sorted(asking, key=lambda m: (-asking[m][0], m)):
                count, ids = asking[maker]
                stored = models.manufacturers.get(maker)
                contact = stored.contact if stored is not None else None
                ordered = sorted(ids, key=entry_id_order)
                steps.append(
                    NextStep(
                        status.value,
                        count,
                        f"ask {models.manufacturer_name(maker)} "
                        f"({contact or 'no contact details on file'}) for the upgrade-from of "
                        f"{_some(ordered, IDS_IN_A_LINE)}",
                        maker,
                        contact,
                        ordered,
                    )
                )
        elif status is DeviceStatus.AMBIGUOUS:
            steps.append(
                NextStep(status.value, n, f"add manufacturer_image_hash for {_plural(n, 'device')}")
            )
        else:
            steps.append(
                NextStep(status.value, n, f"check {_plural(n, 'row')}: firmware not on the CPL")
            )
    if past and planner.target is not None:
        target = planner.target
        steps.append(
            NextStep(
                PAST_TARGET,
                past,
                f"nothing to send to these {_plural(past, 'device')}: they already run firmware "
                f"newer than target {target.cpl_entry_id} ({target.firmware_version}), and "
                "firmware is never taken back over the air; plan them to latest to see whether "
                "they need anything",
            )
        )
    if other and planner.target is not None:
        target = planner.target
        steps.append(
            NextStep(
                OTHER_MODEL,
                other,
                f"plan these {_plural(other, 'device')} against a target of their own device "
                f"model: target {target.cpl_entry_id} is for "
                f"{models.label(str(target.device_model))} only",
            )
        )
    return steps
