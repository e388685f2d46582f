"""Writing output files with a clear error instead of a traceback."""

from __future__ import annotations

from pathlib import Path

from firpath.domain.errors import UnwritableFile


def write_file(path: Path, content: bytes) -> None:
    """Write bytes to `path`, or raise UnwritableFile naming it and why."""
    try:
        path.write_bytes(content)
    except OSError as err:
        raise UnwritableFile(f"{path}: cannot be written ({err.strerror})") from None
