"""The one place where errors become CLI exit codes and HTTP statuses."""

from __future__ import annotations

from typing import Final

from firpath.domain.account import NotAllowed, NotSignedIn, TooManyAttempts
from firpath.domain.errors import (
    AlreadyDecided,
    DatabaseNotReady,
    FieldInvalid,
    FirpathError,
    InvalidInput,
    NotFound,
    NotVerified,
    PreconditionRequired,
    ReadOnlyDatabase,
    RegistryBusy,
    SchemaMismatch,
    SigningKeyNotConfigured,
    StaleRevision,
    StorageConflict,
    TooLarge,
    UnreadableFile,
    UnwritableFile,
)
from firpath.domain.firmware_ref import AmbiguousFirmware

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_NO_MATCH: Final = 3
EXIT_INCOMPLETE: Final = 4

# (error class, exit code, HTTP status, machine code); the first match wins.
_TABLE: Final[tuple[tuple[type[FirpathError], int, int, str], ...]] = (
    (InvalidInput, EXIT_ERROR, 422, "invalid_input"),
    (FieldInvalid, EXIT_ERROR, 422, "invalid_input"),
    (UnreadableFile, EXIT_ERROR, 422, "unreadable_file"),
    (NotVerified, EXIT_NO_MATCH, 422, "not_verified"),
    (SigningKeyNotConfigured, EXIT_ERROR, 404, "no_signing_key"),
    (NotFound, EXIT_NO_MATCH, 404, "not_found"),
    (AmbiguousFirmware, EXIT_ERROR, 409, "ambiguous_firmware"),
    (StaleRevision, EXIT_ERROR, 412, "stale_revision"),
    (AlreadyDecided, EXIT_ERROR, 409, "already_decided"),
    (PreconditionRequired, EXIT_ERROR, 428, "precondition_required"),
    (NotSignedIn, EXIT_ERROR, 401, "not_signed_in"),
    (NotAllowed, EXIT_ERROR, 403, "forbidden"),
    (TooManyAttempts, EXIT_ERROR, 429, "too_many_attempts"),
    (TooLarge, EXIT_ERROR, 413, "too_large"),
    (StorageConflict, EXIT_ERROR, 409, "conflict"),
    (ReadOnlyDatabase, EXIT_ERROR, 503, "read_only_database"),
    (RegistryBusy, EXIT_ERROR, 503, "registry_busy"),
    (SchemaMismatch, EXIT_ERROR, 503, "schema_mismatch"),
    (DatabaseNotReady, EXIT_ERROR, 503, "database_not_ready"),
    (UnwritableFile, EXIT_ERROR, 500, "unwritable_file"),
)


def classify(err: FirpathError) -> tuple[int, int, str]:
    """(exit code, HTTP status, machine code) for an error a user may see."""
    for kind, exit_code, status, code in _TABLE:
        if isinstance(err, kind):
            return exit_code, status, code
    return EXIT_ERROR, 400, "error"


_STATUS_EXIT: Final = {
    "up_to_date": EXIT_OK,
    "ok": EXIT_OK,
    "no_path": EXIT_NO_MATCH,
    "incomplete_data": EXIT_INCOMPLETE,
}


def exit_code_for_status(status: str) -> int:
    """Exit code of a path answer: 0 up to date / ok, 3 no path, 4 incomplete data."""
    return _STATUS_EXIT.get(status, EXIT_ERROR)
