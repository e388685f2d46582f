"""Schemathesis over the OpenAPI document, with a SECAS token, against a real `firpath serve`
(SQLite and PostgreSQL): no server error, and every answer as the document says (status,
content type, headers, body), bounded in examples so the run takes about a minute."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import create_engine

from firpath.api.app import create_app
from tests.api_harness import DemoRegistry, RunningServer, start_server
from tests.conftest import BACKENDS, demo_database

# one server (per backend) for the whole module under `--dist loadgroup`
pytestmark = pytest.mark.xdist_group("schemathesis")

# the app's own document (building it touches no database); the calls go to a real server.
# Not schemathesis.pytest.from_fixture: with pytest 9.2 it fails (it sets Node._nodeid)
SCHEMA = schemathesis.openapi.from_dict(create_app(create_engine("sqlite://")).openapi())
EXAMPLES: Final = 25  # per operation and generation phase; the whole run stays near a minute

# Every default check runs on every operation, but these (with why):
EXCLUDED: Final[dict[str, list[Callable[..., Any]]]] = {
    # a correction is checked against every rule of DESIGN section 3 over the whole registry
    # (the field, its value, the entry's device type, the other entries): the schema says the
    # body's shape, not which corrections the rules allow, so a well-formed one may rightly
    # be refused with 422
    "PATCH /api/v1/entries/{entry_id}": [positive_data_acceptance],
    # an impact query needs a chipset vendor, a stack version or both: OpenAPI cannot say "at
    # least one of two query parameters", so asking with neither is schema-valid and rightly
    # refused with 422
    "GET /api/v1/impact": [positive_data_acceptance],
    # a submission is checked as a new CPL entry against every rule of DESIGN section 3 over
    # the whole registry (required fields, the four new fields its device type needs, its
    # upgrade-from firmware resolved in its device model, no duplicate build): the schema
    # says the body's shape, not which proposals the rules allow, so a well-formed one may
    # rightly be refused with 422
    "POST /api/v1/submissions": [positive_data_acceptance],
    # a fleet file is "any binary" to OpenAPI (CSV text, Parquet or XLSX, told from its
    # content): the schema cannot say which bytes make a fleet file, so schema-valid bytes
    # (an image, random text) are rightly refused with 422 naming what is wrong with them
    "POST /api/v1/fleet-plans": [positive_data_acceptance],
    # an OTA image is "any binary" to OpenAPI: schema-valid bytes are almost never a ZigBee
    # OTA file (its magic number, header length, total size and signature trailer), so they
    # are rightly refused with 422 naming what is wrong; a schema-valid `from` is rarely on
    # the CPL (404)
    "POST /api/v1/images/verify": [positive_data_acceptance],
}


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, DemoRegistry]]:
    """A real `firpath serve` over the demo registry."""
    folder = tmp_path_factory.mktemp("schemathesis")
    with demo_database(request, request.param, folder) as demo:
        server = start_server(demo.url, folder)
        try:
            yield server, demo
        finally:
            log = server.stop()
            assert "Traceback" not in log, log[-5000:]


# each example is an HTTP round trip to a real server (slow by Hypothesis's measure, and
# timed by the run, not by a deadline), with data filtered to fit the schema's patterns
SLOW_BY_NATURE: Final = [
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW_BY_NATURE)
def test_the_api_keeps_to_its_schema(
    case: schemathesis.Case, served: tuple[RunningServer, DemoRegistry]
) -> None:
    server, demo = served
    case.call_and_validate(
        base_url=server.base_url,
        headers=demo.headers("secas"),
        excluded_checks=EXCLUDED.get(case.operation.label, []),
    )


def test_every_exclusion_names_an_operation_of_the_schema() -> None:
    labels = {
        f"{method.upper()} {path}"
        for path, operations in SCHEMA.raw_schema["paths"].items()
        for method in operations
    }
    assert set(EXCLUDED) <= labels
