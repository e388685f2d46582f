"""The registry held in memory at one revision: entries, manufacturers and, built when first
asked for, each device model's upgrade graph."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.upgrade_graph import ModelGraph


class Catalogue:
    """Every entry of the registry as of `revision` (read-only; safe to share between threads)."""

    def __init__(
        self,
        entries: Mapping[str, CplEntry],
        manufacturers: Mapping[str, Manufacturer],
        revision: int,
    ) -> None:
        self.revision = revision
        self._entries = dict(entries)
        self._manufacturers = dict(manufacturers)
        by_model: dict[DeviceModel, list[CplEntry]] = defaultdict(list)
        for entry in self._entries.values():
            by_model[entry.device_model].append(entry)
        self._by_model = dict(by_model)
        self._graphs: dict[DeviceModel, ModelGraph] = {}
        self._by_hash: dict[str, list[CplEntry]] | None = None
        self._by_version: dict[tuple[str, str], list[CplEntry]] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, entry_id: str) -> CplEntry | None:
        """One entry by (normalised) CPL Entry ID."""
        return self._entries.get(entry_id)

    def model_entries(self, model: DeviceModel) -> list[CplEntry]:
        """Every entry of one device model."""
        return list(self._by_model.get(model, ()))

    def with_hash(self, image_hash: str) -> list[CplEntry]:
        """Every entry whose manufacturer image hash is `image_hash` (normalised)."""
        if self._by_hash is None:  # built once when first asked for
            by_hash: dict[str, list[CplEntry]] = defaultdict(list)
            for entry in self._entries.values():
                by_hash[entry.manufacturer_image_hash].append(entry)
            self._by_hash = dict(by_hash)
        return list(self._by_hash.get(image_hash, ()))

    def with_version(self, manufacturer_id: str, firmware_version: str) -> list[CplEntry]:
        """Every entry of one manufacturer with one firmware version (both normalised)."""
        if self._by_version is None:  # built once when first asked for
            by_version: dict[tuple[str, str], list[CplEntry]] = defaultdict(list)
            for entry in self._entries.values():
                by_version[(entry.manufacturer_id, entry.firmware_version)].append(entry)
            self._by_version = dict(by_version)
        return list(self._by_version.get((manufacturer_id, firmware_version), ()))

    def device_models(self) -> list[DeviceModel]:
        """Every device model with an entry, in id order."""
        return sorted(self._by_model)

    def manufacturer(self, manufacturer_id: str) -> Manufacturer | None:
        """The manufacturer's name and contact details."""
        return self._manufacturers.get(manufacturer_id)

    def graph(self, model: DeviceModel) -> ModelGraph:
        """The device model's upgrade graph (built once, then reused)."""
        found = self._graphs.get(model)
        if found is None:  # two threads may both build it: the same graph, no harm
            found = ModelGraph(model, self._by_model.get(model, ()))
            self._graphs[model] = found
        return found
