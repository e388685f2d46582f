"""The audit trail's hash chain and its replay: pure functions over rows read back.

Every change batch and every audit record is a link: its hash covers its own fields and the
hash of the link before it, in chain order (`seq` 1, 2, 3...; a batch, then its records).
Editing, deleting or inserting a link breaks the chain at that link. Replaying the records
rebuilds what every entry and manufacturer should look like; a stored value that differs was
changed outside the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

GENESIS: Final = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One row of the chain as stored: which table and id, its position, hash and content."""

    table: str  # "change_batches" or "audit_log"
    row_id: int
    seq: int | None
    stored_hash: str | None
    content: tuple[Any, ...]  # every field the hash covers, in a fixed order


def utc_text(at: dt.datetime) -> str:
    """A timestamp as the chain hashes it: UTC, microseconds (naive values are UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> str:
    """JSON text that is the same for equal values, whatever produced them."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _frame(value: Any) -> str:
    """One field as unambiguous text: a type tag, then (for text) its length and itself."""
    if value is None:
        return "n"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        return f"i{value};"
    if isinstance(value, str):
        return f"s{len(value)}:{value}"
    return _frame(canonical(value))  # a JSON value (a batch summary): its canonical text


def link_hash(previous: str, table: str, seq: int, content: Sequence[Any]) -> str:
    """The hash of one link: SHA-256 over the previous hash, the table, position and fields."""
    parts = [previous, _frame(table), _frame(seq)]
    for value in content:  # text and None inline: this runs for every row of a big import
        if value.__class__ is str:
            parts.append(f"s{len(value)}:{value}")
        elif value is None:
            parts.append("n")
        else:
            parts.append(_frame(value))
    return hashlib.sha256("".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Something wrong with the stored log: a link edited, deleted, forged or out of place."""

    kind: str  # edited | deleted | forged | unchained | changed_outside_log
    table: str
    row_id: str
    message: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What walking the chain found."""

    links: int
    head_seq: int
    head_hash: str
    problems: list[ChainProblem] = field(default_factory=list)


def walk_chain(links: Iterable[ChainLink]) -> ChainCheck:
    """Check every link against its predecessor, in `seq` order; links without a position
    are reported as unchained (legacy rows are left out by the caller)."""
    ordered: list[ChainLink] = []
    problems: list[ChainProblem] = []
    for link in links:
        if link.seq is None or link.stored_hash is None:
            problems.append(
                ChainProblem(
                    "unchained",
                    link.table,
                    str(link.row_id),
                    "has no place in the hash chain: written outside firpath",
                )
            )
        else:
            ordered.append(link)
    ordered.sort(key=lambda x: (x.seq or 0, x.table, x.row_id))
    previous, expected = GENESIS, 1
    for link in ordered:
        seq = link.seq or 0
        if seq < expected:
            problems.append(
                ChainProblem(
                    "forged",
                    link.table,
                    str(link.row_id),
                    f"takes chain position {seq}, which another row already has",
                )
            )
            continue
        if seq > expected:
            gap = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            problems.append(
                ChainProblem(
                    "deleted",
                    link.table,
                    str(link.row_id),
                    f"chain position {gap} is missing before this row: rows were deleted",
                )
            )
        if link_hash(previous, link.table, seq, link.content) != link.stored_hash:
            problems.append(
                ChainProblem(
                    "edited",
                    link.table,
                    str(link.row_id),
                    "its hash does not match its content and the row before it: "
                    "edited, or inserted out of turn",
                )
            )
        previous, expected = link.stored_hash or "", seq + 1
    return ChainCheck(len(ordered), expected - 1, previous, problems)


Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """One audit record as the replay needs it."""

    audit_id: int
    entity: str
    entity_id: str
    action: str  # create | update | baseline
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def replay(
    changes: Iterable[LoggedChange], stored: Mapping[tuple[str, str], Record]
) -> list[ChainProblem]:
    """Rebuild every entity from the log (in order) and compare it with what is stored."""
    state: dict[tuple[str, str], Record] = {}
    problems: list[ChainProblem] = []
    flagged: set[tuple[str, str]] = set()

    def problem(key: tuple[str, str], message: str) -> None:
        if key not in flagged:
            flagged.add(key)
            problems.append(ChainProblem("changed_outside_log", key[0], key[1], message))

    for change in changes:
        key = (change.entity, change.entity_id)
        after = dict(change.after or {})
        if change.action in ("create", "baseline"):
            state[key] = after
            continue
        current = state.get(key)
        if current is None:
            problem(key, f"audit record {change.audit_id} updates it, but no record creates it")
            current = state[key] = {}
        for name, old in (change.before or {}).items():
            if current.get(name, old) != old:
                problem(
                    key,
                    f"audit record {change.audit_id} says {name} was {old!r}, but the log "
                    f"before it has {current.get(name)!r}: it was changed outside the log",
                )
        current.update(after)
    for key in sorted(set(state) | set(stored)):
        logged, actual = state.get(key), stored.get(key)
        if actual is None:
            problem(key, "the log has it, but it is not stored: deleted outside the log")
        elif logged is None:
            problem(key, "it is stored, but no audit record creates it: added outside the log")
        else:
            differing = sorted(n for n in actual if logged.get(n, actual[n]) != actual[n])
            if differing:
                name = differing[0]
                problem(
                    key,
                    f"stored {name} is {actual[name]!r} but the log says "
                    f"{logged.get(name)!r}"
                    + (f" (and {len(differing) - 1} more field(s))" if len(differing) > 1 else "")
                    + ": changed outside the log",
                )
    return problems
