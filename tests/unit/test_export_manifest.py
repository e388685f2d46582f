"""The manifest a signed export vouches for: canonical bytes, the signature document, and a
signature that holds only over the manifest it was made for."""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firpath.domain.errors import FirpathError, NotVerified, UnreadableFile
from firpath.domain.export_manifest import (
    ExportManifest,
    SignatureDocument,
    key_id,
    parse_signature_document,
)
from firpath.io.signing_keys import SigningKey

MANIFEST = ExportManifest(
    file="fir-ü.csv",
    sha256="ab" * 32,
    format="csv",
    entry_count=1610,
    registry_revision=7,
    exported_at="2025-01-31T09:30:00Z",
    key_id="0123456789abcdef",
)


def test_canonical_bytes_sort_keys_have_no_spaces_and_keep_text_as_utf8() -> None:
    expected = (
        '{"entry_count":1610,"exported_at":"2025-01-31T09:30:00Z","file":"fir-ü.csv",'
        '"format":"csv","key_id":"0123456789abcdef","registry_revision":7,'
        f'"sha256":"{"ab" * 32}"}}'
    ).encode()
    assert MANIFEST.canonical_bytes() == expected


def test_canonical_bytes_are_what_the_brief_defines() -> None:
    manifest = MANIFEST.as_dict()
    defined = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert MANIFEST.canonical_bytes() == defined.encode()


def test_key_id_is_the_first_16_hex_of_the_sha256_of_the_raw_key() -> None:
    assert key_id(b"") == "e3b0c44298fc1c14"


def key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate())


def test_a_signature_verifies_over_its_manifest_only() -> None:
    signer = key()
    signature = signer.sign(MANIFEST.canonical_bytes())
    assert signer.public.verifies(signature, MANIFEST.canonical_bytes())
    edited = dataclasses.replace(MANIFEST, entry_count=MANIFEST.entry_count + 1)
    assert not signer.public.verifies(signature, edited.canonical_bytes())
    assert not key().public.verifies(signature, MANIFEST.canonical_bytes())


def test_a_signature_document_reads_back_as_written() -> None:
    signer = key()
    document = SignatureDocument(MANIFEST, signer.sign(MANIFEST.canonical_bytes()))
    again = parse_signature_document(document.to_bytes(), "fir.csv.sig")
    assert again == document
    written = json.loads(document.to_bytes())
    assert set(written) == {"manifest", "signature", "algorithm"}
    assert written["algorithm"] == "Ed25519"
    assert base64.b64decode(written["signature"]) == document.signature


def _document(**change: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "manifest": MANIFEST.as_dict(),
        "signature": base64.b64encode(bytes(64)).decode(),
        "algorithm": "Ed25519",
    }
    for name, value in change.items():
        if name in document:
            document[name] = value
        else:
            document["manifest"] = document["manifest"] | {name: value}
    return document


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "exactly manifest, signature and algorithm"),
        (json.dumps(_document(algorithm="RSA")).encode(), "algorithm 'RSA'"),
        (json.dumps(_document(signature="not base64!")).encode(), "64 bytes of base64"),
        (json.dumps(_document(signature="AAAA")).encode(), "64 bytes of base64"),
        (json.dumps(_document(manifest=[])).encode(), "its manifest needs exactly"),
        (json.dumps(_document(entry_count="12")).encode(), "entry_count is not a whole number"),
        (json.dumps(_document(entry_count=True)).encode(), "entry_count is not a whole number"),
        (json.dumps(_document(registry_revision=-1)).encode(), "registry_revision is not"),
        (json.dumps(_document(sha256="AB" * 32)).encode(), "sha256 is not 64 lower-case hex"),
        (json.dumps(_document(key_id="xyz")).encode(), "key_id is not 16 lower-case hex"),
        (json.dumps(_document(format="pdf")).encode(), "format is not one of csv, xlsx, json"),
        (json.dumps(_document(file=3)).encode(), "manifest file is not text"),
    ],
)
def test_a_file_that_is_not_a_signature_document_is_refused_saying_why(
    content: bytes, why: str
) -> None:
    # not JSON at all: a wrong or cut-off file (get it again); JSON but altered: not verified
    expected = UnreadableFile if why == "not JSON" else NotVerified
    with pytest.raises(FirpathError) as refused:
        parse_signature_document(content, "x.sig")
    assert type(refused.value) is expected
    message = str(refused.value)
    assert message.startswith(
        "x.sig is not a firpath signature file ("
        if why == "not JSON"
        else "x.sig does not verify: "
    )
    assert why in message
