"""The files of a signed export: the export's SHA-256 read in chunks, its `.sig` beside it."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Final

from firpath.domain.errors import UnreadableFile, UnwritableFile

CHUNK: Final = 1024 * 1024
MAX_SIGNATURE_BYTES: Final = 64 * 1024  # a signature file is well under 1 KB


def signature_path(export: Path) -> Path:
    """Where the signature of the export file `export` goes: beside it, `.sig` added."""
    return export.with_name(export.name + ".sig")


def file_sha256(path: Path) -> str:
    """The SHA-256 (hex) of the file at `path`, read a chunk at a time."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path}: is a folder, not an exported file") from None
    except OSError as err:
        raise UnreadableFile(f"{path}: cannot be read ({err.strerror})") from None
    return digest.hexdigest()


def read_signature_file(path: Path) -> bytes:
    """The bytes of the signature file `path` (refused when larger than any signature)."""
    try:
        with path.open("rb") as file:
            content = file.read(MAX_SIGNATURE_BYTES + 1)
    except FileNotFoundError:
        raise UnreadableFile(
            f"signature {path}: no such file (give --signature, or put FILE.sig beside FILE)"
        ) from None
    except OSError as err:
        raise UnreadableFile(f"signature {path}: cannot be read ({err.strerror})") from None
    if len(content) > MAX_SIGNATURE_BYTES:
        raise UnreadableFile(f"signature {path}: too large for a firpath signature file")
    return content


def write_signed_export(path: Path, content: bytes, signature: bytes) -> Path:
    """Write the export to `path` and its signature beside it; both or (as far as the disk
    allows) neither. Returns the signature's path."""
    sig = signature_path(path)
    try:
        sig.unlink(missing_ok=True)  # an older signature must not sit beside the new file
        path.write_bytes(content)
    except OSError as err:
        raise UnwritableFile(f"{path}: cannot be written ({err.strerror})") from None
    try:
        sig.write_bytes(signature)
    except OSError as err:
        with contextlib.suppress(OSError):  # an export without its signature must not stay
            path.unlink()
        raise UnwritableFile(f"{sig}: cannot be written ({err.strerror})") from None
    return sig
