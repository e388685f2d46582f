"""One table turns errors into exit codes and HTTP statuses; path answers into exit codes."""

from __future__ import annotations

import pytest

from firpath.domain.errors import (
    AlreadyDecided,
    DatabaseNotReady,
    FieldInvalid,
    FirpathError,
    InvalidInput,
    NotFound,
    SigningKeyNotConfigured,
    StorageConflict,
    UnreadableFile,
    UnwritableFile,
)
from firpath.error_codes import classify, exit_code_for_status


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (InvalidInput([]), (1, 422, "invalid_input")),
        (
            FieldInvalid("model_id", "XYZ", "must be 4 hexadecimal digits"),
            (1, 422, "invalid_input"),
        ),
        (UnreadableFile("x.csv: binary file"), (1, 422, "unreadable_file")),
        (NotFound("CPL entry 9 is not on the CPL"), (3, 404, "not_found")),
        (SigningKeyNotConfigured("no key"), (1, 404, "no_signing_key")),
        (StorageConflict("refused"), (1, 409, "conflict")),
        (AlreadyDecided("submission 3 is already approved"), (1, 409, "already_decided")),
        (DatabaseNotReady("run firpath init"), (1, 503, "database_not_ready")),
        (UnwritableFile("out.csv: cannot be written"), (1, 500, "unwritable_file")),
        (FirpathError("anything else"), (1, 400, "error")),
    ],
)
def test_each_error_has_one_exit_code_and_http_status(
    error: FirpathError, expected: tuple[int, int, str]
) -> None:
    assert classify(error) == expected


@pytest.mark.parametrize(
    ("status", "code"),
    [("up_to_date", 0), ("ok", 0), ("no_path", 3), ("incomplete_data", 4), ("other", 1)],
)
def test_path_statuses_map_to_exit_codes_0_3_4(status: str, code: int) -> None:
    assert exit_code_for_status(status) == code
