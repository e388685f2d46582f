"""SECAS corrections: change one entry, with a reason, checked by every rule, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine

from firpath.domain.band import is_legacy_dual_band, legacy_dual_band_refusal
from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect, FieldInvalid, InvalidInput, NotFound, StaleRevision
from firpath.domain.record import entry_from_record, entry_to_record, parse_text
from firpath.domain.rules import check_catalogue, check_entry
from firpath.domain.values import cpl_entry_id
from firpath.io.columns import CPL_ALL_COLUMNS, LABELS, header_key
from firpath.services.unit_of_work import now, write_transaction
from firpath.store import audit, entries

SETTABLE: Final = tuple(c for c in CPL_ALL_COLUMNS if c != "cpl_entry_id")
_BY_KEY: Final = {header_key(c): c for c in SETTABLE} | {
    header_key(LABELS[c]): c for c in SETTABLE if c in LABELS
}


@dataclass(frozen=True, slots=True)
class Correction:
    """What a correction changed: each field before and after, and the entry's new revision."""

    entry_id: str
    revision: int
    changes: list[tuple[str, str, str]]  # field, before, after (as in the CPL file)
    batch_id: int | None


def settable_field(name: str) -> str:
    """The CPL column a `--set` name means (snake_case or label, case ignored)."""
    found = _BY_KEY.get(header_key(name))
    if found is None:
        raise FieldInvalid(
            "set",
            name,
            "is not a field that can be corrected; fields: " + ", ".join(SETTABLE),
        )
    return found


def correct_entry(
    engine: Engine,
    entry_id: str,
    changes: Sequence[tuple[str, str]],
    *,
    reason: str,
    actor: str,
    if_revision: int | None = None,
) -> Correction:
    """Set fields of one entry (an empty value clears it), checked by every rule, audited.

    `if_revision` refuses the change when the entry has changed since that revision was read.
    """
    key = cpl_entry_id(entry_id)
    why = parse_text("reason", reason)
    if why is None:
        raise FieldInvalid("reason", reason, "a correction needs a reason")
    if not changes:
        raise FieldInvalid("set", "", "give at least one field to change (FIELD=VALUE)")
    fields = [(settable_field(name), value) for name, value in changes]
    with write_transaction(engine) as conn:
        stored = entries.get_entry(conn, key)
        if stored is None:
            raise NotFound(f"CPL entry {key} is not on the CPL")
        revision = entries.revisions(conn, [key])[key]
        if if_revision is not None and if_revision != revision:
            raise StaleRevision(
                f"entry {key} is at revision {revision}, not {if_revision}: it changed since you "
                f"read it; nothing was saved (see `firpath history {key}`)"
            )
        corrected = _apply(stored, fields)
        universe = entries.load_all(conn)
        universe[key] = corrected
        defects = check_entry(corrected) + [
            d for d in check_catalogue(universe) if _concerns(d, corrected)
        ]
        if defects:
            raise InvalidInput(defects, f"entry {key}: correction refused, nothing saved")
        if corrected == stored:
            return Correction(key, revision, [], None)
        entries.update_entries(conn, [(corrected, revision)])
        record = audit.entry_update(stored, corrected, reason=why)
        batch = audit.record_batch(
            conn,
            audit.ChangeBatch(
                actor=actor, action="correction", command="edit", at=now(), reason=why
            ),
            [record],
            {"entry": key, "fields": sorted(record.after or {})},
        )
    before, after = record.before or {}, record.after or {}
    return Correction(key, revision + 1, [(f, before[f], after[f]) for f in after], batch)


def _apply(stored: CplEntry, fields: Sequence[tuple[str, str]]) -> CplEntry:
    record = entry_to_record(stored)
    for name, value in fields:
        record[name] = value
        # the old CPL's "Dual Band" on a meter reads as "join behaviour not stated": right for
        # importing an old CPL, but a correction states a band, so it is refused as DUAL_BAND is
        if name == "zigbee_band" and is_legacy_dual_band(value, stored.device_type):
            raise InvalidInput(
                [
                    Defect(
                        legacy_dual_band_refusal(stored.device_type),
                        None,
                        "zigbee_band",
                        stored.cpl_entry_id,
                        value,
                    )
                ],
                f"entry {stored.cpl_entry_id}: correction refused, nothing saved",
            )
    entry, problems = entry_from_record(record)
    if entry is None:
        given = {name for name, _ in fields}
        raise InvalidInput(
            [
                Defect(d.message, None, d.field, stored.cpl_entry_id, d.value)
                for d in problems
                if d.field is None or d.field in given
            ]
            or problems,
            f"entry {stored.cpl_entry_id}: correction refused, nothing saved",
        )
    return entry


def _concerns(defect: Defect, corrected: CplEntry) -> bool:
    """A catalogue defect this correction causes: about the entry, or one that names it."""
    if defect.entry_id == corrected.cpl_entry_id:
        return True
    return corrected.cpl_entry_id in (defect.value or "") or corrected.cpl_entry_id in (
        defect.message
    )
