"""Fixtures shared by the integration tests that work on one demo registry per module."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from firpath.io.uploads import FOLDER_PREFIX
from tests.api_harness import DemoRegistry
from tests.conftest import BACKENDS, demo_database


@pytest.fixture(scope="module", params=BACKENDS)
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoRegistry]:
    """The demo registry, one per test module and database (tests in it must not change it,
    or must undo what they change)."""
    with demo_database(request, request.param, tmp_path_factory.mktemp("registry")) as demo:
        yield demo


@pytest.fixture
def no_upload_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The server's upload folders made in this test's folder, to see that none is left."""
    folder = tmp_path / "server-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert [p.name for p in folder.iterdir() if p.name.startswith(FOLDER_PREFIX)] == []
