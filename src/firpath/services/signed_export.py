"""Signed FIR exports: export and sign in one snapshot, and check a downloaded file against
its signature and a public key."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from firpath.domain.export_manifest import (
    ExportManifest,
    SignatureDocument,
    parse_signature_document,
)
from firpath.io.formats import ExportFormat
from firpath.io.signed_files import file_sha256, read_signature_file
from firpath.io.signing_keys import SigningKey, load_verify_key

if TYPE_CHECKING:  # verifying opens no database: SQLAlchemy loads only to export
    from sqlalchemy import Engine

    from firpath.services.registry import ExportedFile


@dataclass(frozen=True, slots=True)
class SignedExport:
    """An export's bytes and the signature document that goes beside them."""

    exported: ExportedFile
    signature: SignatureDocument


@dataclass(frozen=True, slots=True)
class Verification:
    """What checking a file against its signature found: verified only without problems."""

    manifest: ExportManifest
    key_id: str  # of the public key checked against
    problems: list[str]

    @property
    def verified(self) -> bool:
        """The signature is the key's over the manifest, and the file is the one signed."""
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        """`{"verified", "manifest", "problems"}` for JSON output."""
        return {
            "verified": self.verified,
            "manifest": self.manifest.as_dict(),
            "problems": list(self.problems),
        }


def utc_text(at: dt.datetime) -> str:
    """A time as UTC ISO-8601 to the second (`2025-01-31T09:30:00Z`)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_exported(
    exported: ExportedFile, fmt: ExportFormat, file_name: str, key: SigningKey
) -> SignatureDocument:
    """The signature document of an export saved as `file_name`, signed with `key` now."""
    manifest = ExportManifest(
        file=file_name,
        sha256=hashlib.sha256(exported.content).hexdigest(),
        format=fmt,
        entry_count=exported.entry_count,
        registry_revision=exported.registry_revision,
        exported_at=utc_text(dt.datetime.now(dt.UTC)),
        key_id=key.public.key_id,
    )
    return SignatureDocument(manifest, key.sign(manifest.canonical_bytes()))


def export_signed(
    engine: Engine, fmt: ExportFormat, file_name: str, key: SigningKey
) -> SignedExport:
    """The FIR as a file's bytes and its signature, count and revision from one snapshot."""
    from firpath.services.registry import export_registry

    exported = export_registry(engine, fmt)
    return SignedExport(exported, sign_exported(exported, fmt, file_name, key))


def verify_export(file: Path, public_key: Path, signature: Path) -> Verification:
    """Check `file` against its signature document and the public key (a file, key or
    signature that cannot be read: UnreadableFile)."""
    actual = file_sha256(file)  # first: a missing FILE is named as such
    key = load_verify_key(public_key)
    document = parse_signature_document(read_signature_file(signature), str(signature))
    manifest = document.manifest
    problems: list[str] = []
    if key.key_id != manifest.key_id:
        problems.append(
            f"signature is not by this key (key id {key.key_id}, manifest says "
            f"{manifest.key_id}): check it with the public key whose id is {manifest.key_id}, "
            "if you trust that key"
        )
    elif not key.verifies(document.signature, manifest.canonical_bytes()):
        problems.append(
            f"the signature does not match its manifest (key id {key.key_id}): the manifest was "
            f"changed after signing or the signature was not made by this key; get {file.name} "
            "and its signature again from whoever published them"
        )
    if actual != manifest.sha256:
        other = (
            f", or {signature.name} is the signature of another file ({manifest.file})"
            if manifest.file != file.name
            else ""
        )
        problems.append(
            f"{file.name} changed since it was signed{other} (SHA-256 {actual} expected "
            f"{manifest.sha256}): get the file again, or give the signature made with it"
        )
    return Verification(manifest, key.key_id, problems)
