"""Errors the domain raises; each carries what it is about (row, field, ID, value)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, Self

MAX_ECHO: Final = 80  # characters of a value echoed in an error
MAX_DEFECTS_KEPT: Final = 200  # defects kept in full; the rest are counted by kind
MAX_KINDS: Final = 50  # kinds counted one by one; the rest count as "other problems"


def clip(value: str, limit: int = MAX_ECHO) -> str:
    """`value` cut to `limit` characters, ending in "..." when cut."""
    return value if len(value) <= limit else value[: limit - 3] + "..."


@dataclass(frozen=True, slots=True)
class Defect:
    """One thing wrong with one input: where it is, what value, and why."""

    message: str
    row: int | None = None
    field: str | None = None
    entry_id: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > MAX_ECHO:
            object.__setattr__(self, "value", clip(self.value))

    def describe(self) -> str:
        """One line naming the row, field, ID and value, then what is wrong."""
        where: list[str] = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"column {self.field}")
        if self.entry_id:
            where.append(f"entry {self.entry_id}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, object]:
        """The defect as plain data for JSON output."""
        return {
            "row": self.row,
            "field": self.field,
            "entry_id": self.entry_id,
            "value": self.value,
            "message": self.message,
        }


class FirpathError(Exception):
    """Base of every error a user may see; never shown as a traceback."""


class FieldInvalid(FirpathError):
    """One value failed validation."""

    def __init__(self, field: str, value: str, message: str) -> None:
        value = clip(value)
        super().__init__(f"{field} {value!r}: {message}")
        self.field = field
        self.value = value
        self.message = message


@dataclass(frozen=True, slots=True)
class DefectCount:
    """How many defects of one kind (column and message) were found beyond those kept."""

    field: str | None
    message: str
    count: int

    def as_dict(self) -> dict[str, object]:
        """The count as plain data for JSON output."""
        return {"field": self.field, "message": self.message, "count": self.count}


class DefectLog:
    """Defects as they are found: the first `keep` in full, the rest only counted by kind.

    A file with a million bad rows must not hold a million defects: nobody reads past
    the first few hundred, and the counts say what else is wrong and how often.
    """

    def __init__(self, keep: int = MAX_DEFECTS_KEPT) -> None:
        self.kept: list[Defect] = []
        self.total = 0
        self._keep = keep
        self._kinds: Counter[tuple[str | None, str]] = Counter()
        self._other = 0

    def add(self, defect: Defect) -> None:
        """Keep `defect`, or count it once `keep` defects are kept."""
        self.total += 1
        if len(self.kept) < self._keep:
            self.kept.append(defect)
            return
        kind = (defect.field, defect.message)
        if kind in self._kinds or len(self._kinds) < MAX_KINDS:
            self._kinds[kind] += 1
        else:
            self._other += 1

    def extend(self, defects: Iterable[Defect]) -> None:
        """Add each of `defects`."""
        for defect in defects:
            self.add(defect)

    def __iadd__(self, defects: Iterable[Defect]) -> Self:
        self.extend(defects)
        return self

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def sort(self, *, key: Callable[[Defect], Any]) -> None:
        """Order the kept defects (those only counted have no order)."""
        self.kept.sort(key=key)

    def more(self) -> list[DefectCount]:
        """The defects not kept, counted by kind, most frequent first."""
        counts = [DefectCount(f, m, n) for (f, m), n in self._kinds.most_common()]
        if self._other:
            counts.append(DefectCount(None, "other problems", self._other))
        return counts


class InvalidInput(FirpathError):
    """Input that breaks one or more rules; nothing was changed.

    `defects` holds the first defects in full (at most MAX_DEFECTS_KEPT), `more` counts the
    rest by kind and `total` counts them all.
    """

    def __init__(
        self, defects: Iterable[Defect] | DefectLog, summary: str = "input rejected"
    ) -> None:
        if not isinstance(defects, DefectLog):
            log = DefectLog()
            log.extend(defects)
            defects = log
        self.defects = defects.kept
        self.more = defects.more()
        self.total = defects.total
        self.summary = summary
        super().__init__(f"{summary}: {self.total} problem(s)")


class UnreadableFile(FirpathError):
    """A file that is not in a format firpath reads (binary, wrong encoding, damaged)."""


class NotVerified(FirpathError):
    """A signature that cannot vouch for anything: its content was altered or is not one."""


class NotFound(FirpathError):
    """The thing asked for does not exist."""


class SigningKeyNotConfigured(NotFound):
    """The server signs nothing: it was started without a signing key."""


class UnwritableFile(FirpathError):
    """An output file that cannot be written."""


class StorageConflict(FirpathError):
    """The database refused a change (a concurrent change, or a constraint); nothing saved."""


class DatabaseNotReady(FirpathError):
    """The database cannot be used (not initialised, unreachable)."""


class ReadOnlyDatabase(FirpathError):
    """The database can be read but not written."""


class RegistryBusy(FirpathError):
    """Another writer held the registry's write lock for longer than firpath waits."""


class SchemaMismatch(FirpathError):
    """The database's schema is not the one this firpath writes."""


class StaleRevision(FirpathError):
    """A change was based on an older revision of an entry than the stored one."""


class PreconditionRequired(FirpathError):
    """A change must say which revision it was based on (HTTP If-Match) and did not."""


class TooLarge(FirpathError):
    """An upload larger than the server accepts."""


class AlreadyDecided(FirpathError):
    """A submission already approved or rejected: only a pending one can be decided."""
