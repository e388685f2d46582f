"""Errors the domain raises; each carries what it is about (row, field, ID, value)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Defect:
    """One thing wrong with one input: where it is, what value, and why."""

    message: str
    row: int | None = None
    field: str | None = None
    entry_id: str | None = None
    value: str | None = None

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
        super().__init__(f"{field} {value!r}: {message}")
        self.field = field
        self.value = value
        self.message = message


class InvalidInput(FirpathError):
    """Input that breaks one or more rules; nothing was changed."""

    def __init__(self, defects: Sequence[Defect], summary: str = "input rejected") -> None:
        self.defects = list(defects)
        self.summary = summary
        super().__init__(f"{summary}: {len(self.defects)} problem(s)")


class UnreadableFile(FirpathError):
    """A file that is not in a format firpath reads (binary, wrong encoding, damaged)."""


class NotFound(FirpathError):
    """The thing asked for does not exist."""


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
