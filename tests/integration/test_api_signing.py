"""Signed exports on the server (issue 11, item 4): the public key at /api/v1/signing-key, and
/api/v1/export signed (the X-Firpath-Signature header) when the server has a key."""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from firpath.api.app import create_app
from firpath.io.signing_keys import create_key_pair, load_signing_key, load_verify_key
from firpath.services.signed_export import verify_export
from firpath.services.unit_of_work import read_transaction
from firpath.store.accounts import read_state
from tests.api_harness import ROLES, DemoRegistry, start_server

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
HEADER = "X-Firpath-Signature"
FIRPATH = (sys.executable, "-m", "firpath.cli.main")


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "server.key"
    create_key_pair(path)
    return path


@pytest.fixture
def signing_api(demo: DemoRegistry, key: Path) -> Iterator[TestClient]:
    app = create_app(demo.engine, signing_key=load_signing_key(key))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_without_a_key_the_signing_key_is_not_found_and_exports_are_unsigned(
    api: TestClient, demo: DemoRegistry
) -> None:
    answer = api.get("/api/v1/signing-key", headers=demo.headers("reader"))
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "no_signing_key"
    assert "started without a signing key" in error["message"]
    assert "--signing-key" in error["message"]
    exported = api.get("/api/v1/export", headers=demo.headers("reader"))
    assert exported.status_code == 200 and HEADER not in exported.headers


def test_every_signed_in_role_gets_the_public_key(
    signing_api: TestClient, demo: DemoRegistry, key: Path
) -> None:
    public = load_verify_key(Path(f"{key}.pub"))
    for role in ROLES:
        answer = signing_api.get("/api/v1/signing-key", headers=demo.headers(role))
        assert answer.status_code == 200, (role, answer.text)
        assert answer.json() == {
            "algorithm": "Ed25519",
            "key_id": public.key_id,
            "public_key_pem": Path(f"{key}.pub").read_text(),
        }
    assert signing_api.get("/api/v1/signing-key").status_code == 401


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_signed_export_verifies_with_the_published_key(
    signing_api: TestClient, demo: DemoRegistry, tmp_path: Path, fmt: str
) -> None:
    reader = demo.headers("reader")
    published = signing_api.get("/api/v1/signing-key", headers=reader).json()
    pub = tmp_path / "published.pub"
    pub.write_text(published["public_key_pem"])
    answer = signing_api.get("/api/v1/export", headers=reader, params={"format": fmt})
    assert answer.status_code == 200
    saved = tmp_path / f"fir.{fmt}"  # as the Content-Disposition names it
    assert f'filename="{saved.name}"' in answer.headers["content-disposition"]
    saved.write_bytes(answer.content)
    Path(f"{saved}.sig").write_bytes(base64.b64decode(answer.headers[HEADER], validate=True))
    found = verify_export(saved, pub, Path(f"{saved}.sig"))
    assert found.verified, found.problems
    assert found.manifest.format == fmt and found.manifest.file == saved.name
    assert found.manifest.key_id == published["key_id"]
    assert found.manifest.entry_count > 1000
    with read_transaction(demo.engine) as conn:
        assert found.manifest.registry_revision == read_state(conn)[0]

    saved.write_bytes(answer.content[:-1] + bytes([answer.content[-1] ^ 1]))
    tampered = verify_export(saved, pub, Path(f"{saved}.sig"))
    assert not tampered.verified
    assert tampered.problems[0].startswith(f"{saved.name} changed since it was signed")


def test_the_openapi_document_declares_the_signature_header_and_the_key_route() -> None:
    document = create_app(create_engine("sqlite://")).openapi()
    export = document["paths"]["/api/v1/export"]["get"]["responses"]["200"]
    assert HEADER in export["headers"]
    key_route = document["paths"]["/api/v1/signing-key"]["get"]["responses"]
    assert {"200", "401", "404"} <= set(key_route)
    assert "without --signing-key" in key_route["404"]["description"]
    shape = document["components"]["schemas"]["PublicSigningKey"]
    assert set(shape["properties"]) == {"algorithm", "key_id", "public_key_pem"}


@SQLITE_ONLY
def test_serve_with_a_signing_key_in_the_environment_signs_in_every_worker(
    demo: DemoRegistry, key: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRPATH_SIGNING_KEY", str(key))
    server = start_server(demo.url, tmp_path, workers=2)
    try:
        with server.client(demo.headers("supplier")) as client:
            keys = {client.get("/api/v1/signing-key").json()["key_id"] for _ in range(8)}
            signed = [HEADER in client.get("/api/v1/export").headers for _ in range(4)]
    finally:
        log = server.stop()
    assert keys == {load_verify_key(Path(f"{key}.pub")).key_id}, log
    assert all(signed)
    assert f"exports signed by key {keys.pop()}" in log


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"not a key", "is not a PEM private key"),
        (b"PUBLIC", "is a public key; give the private key file"),
    ],
)
def test_serve_with_a_bad_signing_key_refuses_to_start(
    demo: DemoRegistry, key: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    given = tmp_path / "bad.key"
    if content == b"PUBLIC":
        given = Path(f"{key}.pub")
    elif content is not None:
        given.write_bytes(content)
    done = subprocess.run(
        [*FIRPATH, "--db", demo.url, "serve", "--port", "9", "--signing-key", str(given)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert said.startswith(f"error: signing key {given}: {message}")
    assert "Traceback" not in done.stderr and "firpath serving" not in done.stdout
