"""What a person picks, step by step, to ask for an upgrade path without knowing any ID:
manufacturer, device model, hardware version, the firmware the meter runs, and the target.

Each step offers the options the steps before it allow, and checks what was given against
them, with a message saying what is wrong and what to do (a stale or shared address too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from firpath.domain import values
from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import FieldInvalid, clip
from firpath.domain.firmware_ref import HASH_SHOWN
from firpath.domain.fleet_plan import LATEST
from firpath.domain.path_explanation import entry_label, version_label
from firpath.domain.values import entry_id_order

STEPS: Final = ("manufacturer", "model", "hardware", "firmware", "to")


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a step: the value sent and the label people read."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the finder: its options, what is chosen, and what is wrong with what was
    given (None: nothing)."""

    name: str
    options: tuple[Option, ...]
    chosen: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class FirmwareChoice:
    """The steps shown (in order, up to the first one still to choose or wrong), and when all
    are chosen the source entry and the target (`latest` or a CPL Entry ID)."""

    steps: list[Step] = field(default_factory=list)
    source: CplEntry | None = None
    target: str | None = None

    @property
    def errors(self) -> dict[str, str]:
        """The message of each step given a value it cannot take."""
        return {s.name: s.error for s in self.steps if s.error}

    def chosen(self, name: str) -> str | None:
        """The value chosen at step `name` (None: not chosen, or not reached)."""
        return next((s.chosen for s in self.steps if s.name == name), None)


def _maker_name(catalogue: Catalogue, manufacturer_id: str, sample: CplEntry) -> str:
    maker = catalogue.manufacturer(manufacturer_id)
    named = maker.manufacturer_name if maker is not None else None
    return named or sample.manufacturer_name or f"Manufacturer {manufacturer_id}"


def manufacturer_label(catalogue: Catalogue, model: DeviceModel) -> str:
    """`Northbridge Metering (1000)`: the manufacturer of a device model by name, with its id."""
    sample = catalogue.model_entries(model)[0]
    return f"{_maker_name(catalogue, model.manufacturer_id, sample)} ({model.manufacturer_id})"


def build_label(entry: CplEntry, twins: bool) -> str:
    """`3.4.0 (01030400)`, with the hash prefix when another build shares the version and
    `removed` when the build is off the CPL."""
    label = version_label(entry)
    if twins:
        label += f", hash {entry.manufacturer_image_hash[:HASH_SHOWN]}"
    if not entry.is_active:
        label += " — removed from the CPL"
    return label


def _by_label(options: list[Option]) -> tuple[Option, ...]:
    return tuple(sorted(options, key=lambda o: (o.label.casefold(), o.value)))


def _builds(entries: list[CplEntry]) -> tuple[Option, ...]:
    versions: dict[str, int] = {}
    for e in entries:
        versions[e.firmware_version] = versions.get(e.firmware_version, 0) + 1
    ordered = sorted(entries, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))
    return tuple(
        Option(e.cpl_entry_id, build_label(e, versions[e.firmware_version] > 1)) for e in ordered
    )


_ID_NAMES: Final = {
    "manufacturer": "manufacturer id",
    "model": "model id",
    "hardware": "hardware version",
}


def _hex4(name: str, value: str) -> tuple[str | None, str | None]:
    """The 4-hex-digit id given (None, None: nothing given), or what is wrong with it."""
    if not value:
        return None, None
    try:
        return values.normalise_hex(name, value, 4), None
    except FieldInvalid:
        return None, f"“{clip(value, 40)}” is not a {_ID_NAMES[name]}: that is 4 hexadecimal digits"


def _entry_id(value: str) -> tuple[str | None, str | None]:
    """The CPL Entry ID given (None, None: nothing given), or what is wrong with it."""
    if not value:
        return None, None
    try:
        return values.cpl_entry_id(value), None
    except FieldInvalid as err:
        return None, f"“{clip(value, 40)}” is not a CPL Entry ID: it {err.message}"


_FROM_LIST: Final = "choose one from the list"


class _Finder:
    """The steps for one set of given values, walked in order until one is still to choose."""

    def __init__(self, catalogue: Catalogue, given: Mapping[str, str]) -> None:
        self.catalogue = catalogue
        self.given = {k: given.get(k, "").strip() for k in STEPS}
        self.steps: list[Step] = []
        self.alone: str | None = None  # what is wrong with a firmware given alone
        self.models = catalogue.device_models()

    def step(
        self,
        name: str,
        options: tuple[Option, ...],
        value: str | None,
        error: str | None,
        auto: bool = True,
    ) -> str | None:
        """Add a step; the value chosen (None: the finder stops here)."""
        if value is None and error is None and auto and len(options) == 1:
            value = options[0].value  # the only option: chosen for the person
        chosen = value if error is None else None
        self.steps.append(Step(name, options, chosen, error))
        return chosen

    def run(self) -> FirmwareChoice:
        g = self.given
        if g["firmware"] and not (g["manufacturer"] or g["model"] or g["hardware"]):
            # a firmware alone (the entry page's link): the rest follows from it
            found_id, self.alone = _entry_id(g["firmware"])
            found = self.catalogue.entry(found_id) if found_id else None
            if found is not None:
                g["manufacturer"], g["model"], g["hardware"] = found.device_model
            elif self.alone is None:
                self.alone = f"CPL entry {found_id} is not on the CPL"
        makers = self.manufacturers()
        maker_id = self.step(
            "manufacturer",
            _by_label(list(makers.values())),
            *self.pick(
                "manufacturer", makers, lambda v: f"manufacturer {v} has no device on the CPL"
            ),
        )
        if maker_id is None:
            return self.stop(("model", "hardware", "firmware", "to"), "manufacturer")
        maker = makers[maker_id].label
        names = self.model_names(maker_id)
        model_id = self.step(
            "model",
            _by_label(list(names.values())),
            *self.pick("model", names, lambda v: f"model {v} is not a model of {maker}"),
        )
        if model_id is None:
            return self.stop(("hardware", "firmware", "to"), "model")
        hardware = {
            m.hardware_version: Option(m.hardware_version, m.hardware_version)
            for m in self.models
            if m.manufacturer_id == maker_id and m.model_id == model_id
        }
        hardware_version = self.step(
            "hardware",
            tuple(hardware.values()),
            *self.pick(
                "hardware",
                hardware,
                lambda v: f"hardware version {v} is not one of {names[model_id].label} by {maker}",
            ),
        )
        if hardware_version is None:
            return self.stop(("firmware", "to"), "hardware version")
        model = DeviceModel(maker_id, model_id, hardware_version)
        return self.firmware(model, f"{names[model_id].label} hardware {hardware_version}")

    def pick(
        self, name: str, options: Mapping[str, Option], unknown: Callable[[str], str]
    ) -> tuple[str | None, str | None]:
        """The value given for step `name` if it is one of `options`, else what is wrong."""
        value, error = _hex4(name, self.given[name])
        if value is not None and value not in options:
            return None, f"{unknown(value)}: {_FROM_LIST}"
        return value, error

    def manufacturers(self) -> dict[str, Option]:
        makers: dict[str, Option] = {}
        for m in self.models:
            if m.manufacturer_id not in makers:
                label = manufacturer_label(self.catalogue, m)
                makers[m.manufacturer_id] = Option(m.manufacturer_id, label)
        return makers

    def model_names(self, maker_id: str) -> dict[str, Option]:
        names: dict[str, Option] = {}
        for m in self.models:
            if m.manufacturer_id == maker_id and m.model_id not in names:
                entries = self.catalogue.model_entries(m)
                newest = max(entries, key=lambda e: entry_id_order(e.cpl_entry_id))
                name = newest.model_name or f"Model {m.model_id}"
                names[m.model_id] = Option(m.model_id, f"{name} ({m.model_id})")
        return names

    def firmware(self, model: DeviceModel, model_label: str) -> FirmwareChoice:
        """The step of the firmware the meter runs, then the target."""
        entries = self.catalogue.model_entries(model)
        value, error = _entry_id(self.given["firmware"])
        if value is not None:
            source = self.catalogue.entry(value)
            if source is None:
                value, error = None, f"CPL entry {value} is not on the CPL: {_FROM_LIST}"
            elif source.device_model != model:
                value, error = (
                    None,
                    (
                        f"CPL entry {entry_label(source)} is firmware of "
                        f"{source.manufacturer_name or source.manufacturer_id}'s "
                        f"{source.model_name or 'device model'} ({source.device_model}), "
                        f"not of {model_label}: {_FROM_LIST}"
                    ),
                )
        firmware_id = self.step("firmware", _builds(entries), value, error, auto=False)
        if firmware_id is None:
            return self.stop(("to",), "firmware the meter runs")
        source = self.catalogue.entry(firmware_id)
        assert source is not None
        return FirmwareChoice(self.steps, source, self.target(source, entries))

    def target(self, source: CplEntry, entries: list[CplEntry]) -> str | None:
        """The step of the target: latest (the default) or a later active build."""
        latest = self.catalogue.graph(source.device_model).latest()
        later = [e for e in entries if e.is_active and e.firmware_number > source.firmware_number]
        latest_label = (
            f"Latest: {version_label(latest)}" if latest is not None else "Latest (none active)"
        )
        options = (Option(LATEST, latest_label), *_builds(later))
        text = self.given["to"]
        if not text or text.lower() == LATEST:
            return self.step("to", options, LATEST, None)
        value, error = _entry_id(text)
        if value is not None:
            error = self.target_problem(source, value)
        return self.step("to", options, value, error)

    def target_problem(self, source: CplEntry, target_id: str) -> str | None:
        """What makes `target_id` no target for a meter on `source` (None: nothing)."""
        goal = self.catalogue.entry(target_id)
        choose = "choose a later version or latest"
        if goal is None:
            return f"CPL entry {target_id} is not on the CPL: {choose}"
        if goal.device_model != source.device_model:
            return (
                f"CPL entry {target_id} is firmware of device model {goal.device_model}, not of "
                f"{source.device_model}: firmware never changes hardware; {choose}"
            )
        if not goal.is_active:
            return (
                f"{entry_label(goal)} is removed from the CPL, so it is never installed: {choose}"
            )
        if goal.firmware_number <= source.firmware_number:
            return (
                f"{entry_label(goal)} is not later than the firmware "
                f"the meter runs, {version_label(source)}: {choose}"
            )
        return None

    def stop(self, later: tuple[str, ...], before: str) -> FirmwareChoice:
        """The finder stops at a step still to choose or wrong: a value given for a later
        step is not silently dropped, it is named at this step."""
        last = self.steps[-1]
        if last.error is None:
            message: str | None
            if self.alone is not None:
                message = (
                    f"{self.alone}: find the firmware the meter runs by choosing its {before} first"
                )
            else:
                message = next(
                    (
                        f"choose the {before} first: the {name} given, "
                        f"“{clip(self.given[name], 40)}”, depends on it"
                        for name in later
                        if self.given[name] and self.given[name].lower() != LATEST
                    ),
                    None,
                )
            if message is not None:
                self.steps[-1] = Step(last.name, last.options, None, message)
        return FirmwareChoice(self.steps)


def choose_firmware(catalogue: Catalogue, given: Mapping[str, str]) -> FirmwareChoice:
    """The finder's steps for what was `given` (step name -> text, `to`: `latest` or an ID)."""
    return _Finder(catalogue, given).run()
