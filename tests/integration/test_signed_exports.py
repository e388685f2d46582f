"""Signed exports from the command line (issue 11, item 4): `keys create`, `export --sign` and
`verify-export`, which passes only an untampered file signed by the key it is given."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.io.signing_keys import load_signing_key, load_verify_key
from firpath.services.corrections import correct_entry
from firpath.services.registry import export_registry
from firpath.services.unit_of_work import read_transaction
from firpath.store.accounts import read_state
from tests.api_harness import DemoRegistry

runner = CliRunner()
FORMATS = ("csv", "xlsx", "json")


def firpath(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_line(text: str) -> str:
    """Console output with its soft line breaks joined."""
    return " ".join(text.split())


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "publisher.key"
    path.parent.mkdir()
    code, _, err = firpath("keys", "create", "--out", str(path))
    assert code == 0, err
    return path


def signed_export(demo: DemoRegistry, key: Path, out: Path) -> dict[str, object]:
    """Export with --sign to `out`; the manifest of its signature."""
    code, _, err = firpath("--db", demo.url, "export", "--out", str(out), "--sign", str(key))
    assert code == 0, err
    manifest: dict[str, object] = json.loads(Path(f"{out}.sig").read_bytes())["manifest"]
    return manifest


def verify(file: Path, public: Path, *extra: str) -> tuple[int, str, str]:
    return firpath("verify-export", str(file), "--public-key", str(public), *extra)


# keys create


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would make every new file readable by all."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def test_keys_create_writes_a_private_key_only_its_owner_may_read_and_the_public_key_beside_it(
    tmp_path: Path, open_umask: None
) -> None:
    path = tmp_path / "signing.key"
    code, out, _ = firpath("keys", "create", "--out", str(path))
    assert code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    public = tmp_path / "signing.key.pub"
    assert stat.S_IMODE(public.stat().st_mode) == 0o644
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    key_id = load_verify_key(public).key_id
    assert load_signing_key(path).public.key_id == key_id
    said = one_line(out)
    assert str(path) in said and str(public) in said and f"key id: {key_id}" in said
    assert f"firpath export --sign {path}" in said and f"firpath serve --signing-key {path}" in said
    assert f"publish {public}" in said


def test_keys_create_json_names_both_files_and_the_key_id(tmp_path: Path) -> None:
    path = tmp_path / "k"
    code, out, _ = firpath("keys", "create", "--out", str(path), "--json")
    assert code == 0
    made = json.loads(out)
    assert made == {
        "private_key": str(path),
        "public_key": f"{path}.pub",
        "key_id": load_verify_key(Path(f"{path}.pub")).key_id,
    }


@pytest.mark.parametrize("existing", ["signing.key", "signing.key.pub"])
def test_keys_create_never_overwrites_either_file(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).write_text("keep me")
    code, _, err = firpath("keys", "create", "--out", str(tmp_path / "signing.key"))
    assert code == 1
    assert f"{tmp_path / existing}" in err and "exists: a key is never overwritten" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]
    assert (tmp_path / existing).read_text() == "keep me"


def test_keys_create_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    code, _, err = firpath("keys", "create", "--out", str(tmp_path / "no" / "k"))
    assert code == 1 and "cannot be written" in err and "Traceback" not in err


# export --sign, then verify-export


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_signed_export_verifies_and_its_manifest_says_what_was_exported(
    demo: DemoRegistry, key: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"fir.{fmt}"
    manifest = signed_export(demo, key, out)
    with read_transaction(demo.engine) as conn:
        revision, _ = read_state(conn)
    entries = export_registry(demo.engine, "json").entry_count
    assert manifest["file"] == out.name and manifest["format"] == fmt
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["entry_count"] == entries > 1000
    assert manifest["registry_revision"] == revision > 0
    assert manifest["key_id"] == load_verify_key(Path(f"{key}.pub")).key_id
    assert str(manifest["exported_at"]).endswith("Z")

    code, said, err = verify(out, Path(f"{key}.pub"))
    assert code == 0, said + err
    said = one_line(said)
    assert said.startswith(f"verified: {out} is the export signed by key {manifest['key_id']}")
    assert f"format: {fmt.upper()}" in said and f"entries: {entries:,}" in said
    assert f"registry revision: {revision}" in said
    assert f"exported: {manifest['exported_at']} (UTC)" in said

    code, said, _ = verify(out, Path(f"{key}.pub"), "--json")
    assert code == 0
    assert json.loads(said) == {"verified": True, "manifest": manifest, "problems": []}


def test_the_revision_signed_is_the_registry_the_entries_were_read_at(
    demo: DemoRegistry, key: Path, tmp_path: Path
) -> None:
    before = signed_export(demo, key, tmp_path / "before.csv")
    correct_entry(demo.engine, "10039", [("notes", "signed")], reason="test", actor="t")
    after = signed_export(demo, key, tmp_path / "after.csv")
    assert int(str(after["registry_revision"])) > int(str(before["registry_revision"]))
    assert after["entry_count"] == before["entry_count"]
    assert "signed" in (tmp_path / "after.csv").read_text()
    assert "signed" not in (tmp_path / "before.csv").read_text()


def test_a_one_byte_change_to_the_file_is_refused(
    demo: DemoRegistry, key: Path, tmp_path: Path
) -> None:
    out = tmp_path / "fir.csv"
    manifest = signed_export(demo, key, out)
    content = bytearray(out.read_bytes())
    content[len(content) // 2] ^= 0x01
    out.write_bytes(bytes(content))
    code, said, _ = verify(out, Path(f"{key}.pub"))
    assert code == 3
    said = one_line(said)
    actual = hashlib.sha256(content).hexdigest()
    assert said.startswith(f"NOT VERIFIED: {out} against {out}.sig")
    assert (
        f"fir.csv changed since it was signed (SHA-256 {actual} expected {manifest['sha256']})"
        in said
    )
    assert "signature is not by this key" not in said
    code, said, _ = verify(out, Path(f"{key}.pub"), "--json")
    answer = json.loads(said)
    assert code == 3 and answer["verified"] is False and answer["manifest"] == manifest
    assert len(answer["problems"]) == 1 and "changed since it was signed" in answer["problems"][0]


def test_the_signature_of_another_export_is_refused(
    demo: DemoRegistry, key: Path, tmp_path: Path
) -> None:
    csv_file, json_file = tmp_path / "fir.csv", tmp_path / "fir.json"
    signed_export(demo, key, csv_file)
    other = signed_export(demo, key, json_file)
    code, said, _ = verify(csv_file, Path(f"{key}.pub"), "--signature", f"{json_file}.sig")
    assert code == 3
    said = one_line(said)
    actual = hashlib.sha256(csv_file.read_bytes()).hexdigest()
    assert (
        f"fir.csv changed since it was signed, or fir.json.sig is the signature of another "
        f"file (fir.json) (SHA-256 {actual} expected {other['sha256']})" in said
    )


def test_a_wrong_public_key_is_refused(demo: DemoRegistry, key: Path, tmp_path: Path) -> None:
    out = tmp_path / "fir.xlsx"
    manifest = signed_export(demo, key, out)
    stranger = tmp_path / "stranger.key"
    assert firpath("keys", "create", "--out", str(stranger))[0] == 0
    theirs = load_verify_key(Path(f"{stranger}.pub")).key_id
    code, said, _ = verify(out, Path(f"{stranger}.pub"))
    assert code == 3
    assert (
        f"signature is not by this key (key id {theirs}, manifest says {manifest['key_id']})"
        in one_line(said)
    )
    assert "changed since it was signed" not in said


def test_an_edited_manifest_is_refused(demo: DemoRegistry, key: Path, tmp_path: Path) -> None:
    out = tmp_path / "fir.json"
    signed_export(demo, key, out)
    sig = Path(f"{out}.sig")
    document = json.loads(sig.read_bytes())
    document["manifest"]["entry_count"] += 1
    sig.write_text(json.dumps(document))
    code, said, _ = verify(out, Path(f"{key}.pub"))
    assert code == 3
    said = one_line(said)
    assert "the signature does not match its manifest" in said
    assert "changed since it was signed" not in said  # the file itself is untouched


def test_an_edited_signature_is_refused(demo: DemoRegistry, key: Path, tmp_path: Path) -> None:
    out = tmp_path / "fir.csv"
    signed_export(demo, key, out)
    sig = Path(f"{out}.sig")
    document = json.loads(sig.read_bytes())
    text = document["signature"]
    document["signature"] = ("B" if text[0] == "A" else "A") + text[1:]
    sig.write_text(json.dumps(document))
    code, said, _ = verify(out, Path(f"{key}.pub"))
    assert code == 3 and "the signature does not match its manifest" in one_line(said)


# bad input: exit 1, one clear message, nothing written


def rsa_key_pem() -> bytes:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def ec_public_pem() -> bytes:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def encrypted_key_pem(key: Path) -> bytes:
    return load_signing_key(key).key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"a password"),
    )


BAD_KEYS = {
    "missing": (None, "no such file"),
    "folder": (b"", "cannot be read"),
    "text": (b"just some text\n", "is not a PEM private key"),
    "public key": (b"PUBLIC", "is a public key; give the private key file"),
    "rsa": (b"RSA", "is an RSA key, not Ed25519"),
    "password": (b"PASSWORD", "is protected by a password"),
    "broken pem": (
        b"-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n",
        "is not a readable PEM private key",
    ),
}


@pytest.mark.parametrize("bad", list(BAD_KEYS))
def test_a_bad_signing_key_is_refused_naming_the_file_and_nothing_is_written(
    demo: DemoRegistry, key: Path, tmp_path: Path, bad: str
) -> None:
    content, message = BAD_KEYS[bad]
    given = tmp_path / "given.key"
    if bad == "folder":
        given.mkdir()
    elif content == b"PUBLIC":
        given = Path(f"{key}.pub")
    elif content == b"RSA":
        given.write_bytes(rsa_key_pem())
    elif content == b"PASSWORD":
        given.write_bytes(encrypted_key_pem(key))
    elif content is not None:
        given.write_bytes(content)
    out = tmp_path / "fir.csv"
    code, said, err = firpath("--db", demo.url, "export", "--out", str(out), "--sign", str(given))
    assert code == 1, said
    assert one_line(err).startswith(f"error: signing key {given}: {message}")
    assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert not out.exists() and not Path(f"{out}.sig").exists()


def test_sign_without_out_is_refused(demo: DemoRegistry, key: Path) -> None:
    code, said, err = firpath("--db", demo.url, "export", "--sign", str(key))
    assert code == 1 and said == ""
    said = one_line(err)
    assert said.startswith(f"error: --sign {key} needs --out FILE")
    assert said.endswith("the signature is written to FILE.sig")


@pytest.fixture
def signed(demo: DemoRegistry, key: Path, tmp_path: Path) -> Path:
    out = tmp_path / "fir.csv"
    signed_export(demo, key, out)
    return out


@pytest.mark.parametrize(
    ("public", "message"),
    [
        ("missing.pub", "error: public key {p}: no such file"),
        ("PRIVATE", "error: public key {p}: is a private key; give the public key"),
        ("text.pub", "error: public key {p}: is not a PEM public key"),
        ("EC", "error: public key {p}: is an elliptic-curve (ECDSA) key, not Ed25519"),
    ],
)
def test_an_unreadable_public_key_is_refused_with_exit_1(
    signed: Path, key: Path, tmp_path: Path, public: str, message: str
) -> None:
    path = tmp_path / public
    if public == "PRIVATE":
        path = key
    elif public == "EC":
        path.write_bytes(ec_public_pem())
    elif public == "text.pub":
        path.write_text("hello")
    code, _, err = verify(signed, path)
    assert code == 1 and one_line(err).startswith(message.format(p=path))


def test_a_missing_file_or_signature_is_refused_with_exit_1(
    signed: Path, key: Path, tmp_path: Path
) -> None:
    code, _, err = verify(tmp_path / "nothing.csv", Path(f"{key}.pub"))
    assert code == 1
    assert one_line(err) == f"error: {tmp_path / 'nothing.csv'}: no such file"
    code, _, err = verify(signed, Path(f"{key}.pub"), "--signature", str(tmp_path / "no.sig"))
    assert code == 1 and "no such file (give --signature" in one_line(err)
    Path(f"{signed}.sig").rename(tmp_path / "kept.sig")
    signed.unlink()
    code, _, err = verify(signed, Path(f"{key}.pub"), "--signature", str(tmp_path / "kept.sig"))
    assert code == 1 and one_line(err) == f"error: {signed}: no such file"


@pytest.mark.parametrize("content", [b"not json", b"\x00" * 100, b'{"manifest": {'])
def test_a_file_that_is_not_a_signature_is_refused_with_exit_1(
    signed: Path, key: Path, tmp_path: Path, content: bytes
) -> None:
    sig = tmp_path / "bad.sig"
    sig.write_bytes(content)
    code, _, err = verify(signed, Path(f"{key}.pub"), "--signature", str(sig))
    assert code == 1
    assert one_line(err).startswith(f"error: {sig} is not a firpath signature file (not JSON")


def test_an_altered_signature_document_does_not_verify_exit_3(
    signed: Path, key: Path, tmp_path: Path
) -> None:
    document = json.loads(Path(f"{signed}.sig").read_text())
    document["algorithm"] = "RSA"
    sig = tmp_path / "altered.sig"
    sig.write_text(json.dumps(document))
    code, _, err = verify(signed, Path(f"{key}.pub"), "--signature", str(sig))
    assert code == 3
    assert one_line(err).startswith(f"error: {sig} does not verify: algorithm 'RSA'")


def test_json_errors_go_to_stderr_as_the_error_document(signed: Path, tmp_path: Path) -> None:
    code, said, err = verify(signed, tmp_path / "missing.pub", "--json")
    assert code == 1 and said == ""
    assert json.loads(err)["error"]["code"] == "unreadable_file"


# one snapshot: the revision signed is the state the entries were read at, a writer running


def test_a_signed_export_during_corrections_signs_the_revision_its_entries_were_read_at(
    demo: DemoRegistry, key: Path
) -> None:
    from firpath.services.signed_export import export_signed

    signer = load_signing_key(key)
    marks: dict[int, str] = {}  # batch id -> the note that correction set
    with read_transaction(demo.engine) as conn:
        start, _ = read_state(conn)
    done = threading.Event()

    def writer() -> None:
        try:
            for i in range(40):
                made = correct_entry(
                    demo.engine, "10039", [("notes", f"mark {i}")], reason="race", actor="t"
                )
                assert made.batch_id is not None
                marks[made.batch_id] = f"mark {i}"
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    signed = []
    while not done.is_set() or not signed:
        signed.append(export_signed(demo.engine, "json", "fir.json", signer))
    thread.join()
    for export in signed:
        revision = export.signature.manifest.registry_revision
        entries = json.loads(export.exported.content)["entries"]
        note = next(e["notes"] for e in entries if e["cpl_entry_id"] == "10039")
        assert export.signature.manifest.entry_count == len(entries)
        if revision == start:
            assert note is None or not note.startswith("mark ")
        else:
            assert note == marks[revision], (revision, note)
    assert len(signed) >= 2


def test_a_signing_key_others_may_read_is_warned_of_and_still_signs(
    demo: DemoRegistry, key: Path, tmp_path: Path
) -> None:
    out = tmp_path / "fir.csv"
    code, _, err = firpath("--db", demo.url, "export", "--out", str(out), "--sign", str(key))
    assert code == 0 and "warning" not in err  # as `keys create` made it: 0600
    key.chmod(0o644)
    code, _, err = firpath("--db", demo.url, "export", "--out", str(out), "--sign", str(key))
    assert code == 0
    assert f"signing key {key} may be read by others (permissions 644)" in one_line(err)
    assert f"chmod 600 {key}" in one_line(err)
