"""Small CPL files for the integration tests, written the way users write them."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from pathlib import Path

from firpath.io.columns import CPL_ALL_COLUMNS


def image_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def row(entry_id: str, version: str, upgrade_from: str = "N/A", **fields: str) -> dict[str, str]:
    """A valid ESME row of model 1234/0001/0002 unless fields say otherwise."""
    base = {
        "cpl_entry_id": entry_id,
        "device_type": "ESME",
        "manufacturer_id": "1234",
        "manufacturer_name": "Northbridge Metering",
        "model_id": "0001",
        "model_name": "Single Phase A",
        "hardware_version": "0002",
        "firmware_version": version,
        "firmware_version_name": f"v{version}",
        "manufacturer_image_hash": image_hash(entry_id + version),
        "status": "active",
        "upgrade_from": upgrade_from,
        "zigbee_chipset_vendor": "Silicon Labs",
        "zigbee_stack_version": "EmberZNet 6.7.8",
        "zigbee_band": "2.4 GHz Only",
        "date_added": "2025-07-01",
        "notes": "",
    }
    base.update(fields)
    return base


def write_cpl(
    path: Path,
    rows: Sequence[dict[str, str]],
    columns: Sequence[str] | None = None,
    header: Sequence[str] | None = None,
    bom: bool = False,
) -> Path:
    cols = list(columns or [c for c in CPL_ALL_COLUMNS if any(c in r for r in rows)])
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header or cols)
        for r in rows:
            writer.writerow([r.get(c, "") for c in cols])
    return path
