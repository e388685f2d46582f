"""What a signed FIR export vouches for: the manifest (the file's SHA-256, format, entry count,
registry revision, export time and signing key), its canonical bytes, and the signature
document (`FILE.sig`) that carries it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Final

from firpath.domain.errors import NotVerified, UnreadableFile

ALGORITHM: Final = "Ed25519"
FORMATS: Final = ("csv", "xlsx", "json")
KEY_ID_HEX: Final = 16  # hex digits of the SHA-256 of the raw public key
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(rf"[0-9a-f]{{{KEY_ID_HEX}}}")


def key_id(raw_public_key: bytes) -> str:
    """A public key's short name: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(raw_public_key).hexdigest()[:KEY_ID_HEX]


@dataclass(frozen=True, slots=True)
class ExportManifest:
    """What one signed export was: its file, content hash, format and registry state."""

    file: str
    sha256: str
    format: str
    entry_count: int
    registry_revision: int
    exported_at: str  # UTC, ISO-8601
    key_id: str

    def canonical_bytes(self) -> bytes:
        """The bytes the signature is over: sorted keys, no spaces, UTF-8."""
        return json.dumps(
            asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def as_dict(self) -> dict[str, object]:
        """The manifest as plain data for JSON output."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SignatureDocument:
    """A detached signature: the manifest and the Ed25519 signature over its canonical bytes."""

    manifest: ExportManifest
    signature: bytes

    def to_bytes(self) -> bytes:
        """The `.sig` file's content (JSON)."""
        document = {
            "manifest": self.manifest.as_dict(),
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "algorithm": ALGORITHM,
        }
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()


def parse_signature_document(content: bytes, name: str) -> SignatureDocument:
    """The signature document in `content` (the file `name`): UnreadableFile when it is not
    JSON at all (a wrong or cut-off file: get it again), NotVerified when it is JSON but not as
    a firpath signature file has it (altered: it vouches for nothing)."""
    advice = (
        "give the .sig file written with the export (`firpath export --sign`, or the "
        "X-Firpath-Signature header)"
    )

    def refuse(why: str) -> NotVerified:
        return NotVerified(
            f"{name} does not verify: {why} (an altered firpath signature file, or not one at "
            f"all); {advice}"
        )

    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UnreadableFile(
            f"{name} is not a firpath signature file (not JSON: a wrong or cut-off file); " + advice
        ) from None
    if not isinstance(document, dict) or set(document) != {"manifest", "signature", "algorithm"}:
        raise refuse("it needs exactly manifest, signature and algorithm")
    if document["algorithm"] != ALGORITHM:
        raise refuse(f"algorithm {str(document['algorithm'])[:40]!r}, not {ALGORITHM}")
    signature = document["signature"]
    try:
        raw = base64.b64decode(signature, validate=True) if isinstance(signature, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 64:
        raise refuse("the signature is not 64 bytes of base64")
    return SignatureDocument(_manifest(document["manifest"], refuse), raw)


_TEXT_FIELDS: Final = ("file", "sha256", "format", "exported_at", "key_id")
_COUNT_FIELDS: Final = ("entry_count", "registry_revision")


def _manifest(given: Any, refuse: Callable[[str], NotVerified]) -> ExportManifest:
    names = set(_TEXT_FIELDS) | set(_COUNT_FIELDS)
    if not isinstance(given, dict) or set(given) != names:
        raise refuse("its manifest needs exactly " + ", ".join(sorted(names)))
    for field in _TEXT_FIELDS:
        if not isinstance(given[field], str):
            raise refuse(f"manifest {field} is not text")
    for field in _COUNT_FIELDS:
        value = given[field]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise refuse(f"manifest {field} is not a whole number")
    if not _SHA256.fullmatch(given["sha256"]):
        raise refuse("manifest sha256 is not 64 lower-case hex digits")
    if not _KEY_ID.fullmatch(given["key_id"]):
        raise refuse(f"manifest key_id is not {KEY_ID_HEX} lower-case hex digits")
    if given["format"] not in FORMATS:
        raise refuse("manifest format is not one of " + ", ".join(FORMATS))
    return ExportManifest(**given)
