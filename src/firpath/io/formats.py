"""Which file format an output gets: `--format`, the `--out` extension, and their agreement."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from firpath.domain.errors import FieldInvalid

ExportFormat = Literal["csv", "xlsx", "json"]


def choose_format(given: str | None, out: Path | None, allowed: Sequence[str], default: str) -> str:
    """The format asked for; the extension of `out` decides when none is given, and must agree
    with one that is."""
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    if given is not None:
        fmt = given.lower()
        if fmt not in allowed:
            raise FieldInvalid("--format", given, "must be one of " + ", ".join(allowed))
        if suffix and suffix != fmt:
            raise FieldInvalid(
                "--format",
                given,
                f"disagrees with the --out file's extension .{suffix}: give one or make them agree",
            )
        return fmt
    if out is None:
        return default
    if suffix not in allowed:
        raise FieldInvalid(
            "--out",
            out.name,
            "has no known extension: name it ." + ", .".join(allowed) + " or give --format",
        )
    return suffix
