"""Files received as streams or bytes (an HTTP upload), spooled to disk so that the services
reading files by path read them as they read the command line's.

Each upload gets a private temporary folder, holds at most `limit` bytes (past it the partial
file is removed at once and TooLarge raised), is named after the name its sender gave it, with
the extension its first bytes call for, and goes when closed, with whatever was written next
to it (a plan file). Messages of errors raised while it is read name the upload, never its
temporary folder.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Final

from firpath.domain.errors import FirpathError, TooLarge, UnwritableFile
from firpath.io.sheets import XLSX_MAGIC

MB: Final = 1 << 20
DEFAULT_LIMIT_MB: Final = 2048
FOLDER_PREFIX: Final = "firpath-upload-"
HEAD_BYTES: Final = 8  # enough for every signature below
_SIGNATURES: Final = ((b"PAR1", ".parquet"), (XLSX_MAGIC, ".xlsx"))
_UNSAFE: Final = re.compile(r"[^\w .,()+=@-]")
_MAX_STEM: Final = 80
_READ_CHUNK: Final = 1 << 20


def limit_mb_text(limit: int) -> str:
    """`2,048 MB` for a limit in bytes."""
    return f"{limit / MB:,.0f} MB" if limit >= MB else f"{limit:,} bytes"


def safe_stem(given: str | None, default: str) -> str:
    """The name a sender gave a file, as a plain file name stem: its last path part without
    extension, unusual characters replaced, at most 80 characters; `default` when empty."""
    last = re.split(r"[/\\]", given or "")[-1]
    stem = _UNSAFE.sub("_", Path(last).stem if "." in last[1:] else last).strip(" ._")
    return stem[:_MAX_STEM].strip(" ._") or default


def suffix_of(head: bytes, given: str | None, text_suffixes: tuple[str, ...]) -> str:
    """The extension a file's content calls for: `.parquet` or `.xlsx` by their signatures,
    otherwise text, keeping the sender's extension when it is one of `text_suffixes` (the
    first of them when not): a name or a media type may be wrong, the bytes are not."""
    for signature, suffix in _SIGNATURES:
        if head.startswith(signature):
            return suffix
    given_suffix = Path(given or "").suffix.lower()
    return given_suffix if given_suffix in text_suffixes else text_suffixes[0]


class Upload:
    """One upload received into a private temporary folder (removed by `close`)."""

    def __init__(self, limit: int, what: str = "file", advice: str = "") -> None:
        self.limit = limit
        self.what = what
        self.advice = advice
        self.size = 0
        try:
            self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        except OSError as err:
            raise self._unstorable(err) from None
        self._part = self.folder / "upload.part"
        try:
            self._file: BinaryIO | None = self._part.open("wb")
        except OSError as err:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise self._unstorable(err) from None
        self._head = b""
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        """The complete file (after `finish`)."""
        if self._path is None:
            raise RuntimeError("the upload is not finished")
        return self._path

    @property
    def name(self) -> str:
        """The file's name, as messages show it."""
        return self.path.name

    def write(self, chunk: bytes) -> None:
        """Append `chunk`; past the limit the partial file is removed and TooLarge raised."""
        if self._file is None:
            raise RuntimeError("the upload is finished or discarded")
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise self.too_large()
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
        try:
            self._file.write(chunk)
        except OSError as err:
            self.discard()
            raise self._unstorable(err) from None

    def _unstorable(self, err: OSError) -> UnwritableFile:
        return UnwritableFile(
            f"the server cannot store the {self.what} now ({err.strerror}); nothing was done, "
            "try again later"
        )

    def too_large(self) -> TooLarge:
        """The error of an upload past the limit."""
        advice = f"; {self.advice}" if self.advice else ""
        return TooLarge(
            f"the {self.what} is larger than this server accepts ({limit_mb_text(self.limit)}, "
            f"set by `firpath serve --upload-limit-mb`){advice}; nothing was done"
        )

    def finish(
        self,
        given: str | None,
        default_stem: str,
        text_suffixes: tuple[str, ...],
        *,
        sniff: bool = True,
    ) -> Path:
        """The complete file, named after `given` (the sender's name for it) with the
        extension its content calls for; with `sniff` False (a binary file that is neither
        Parquet nor XLSX, say an OTA image) the sender's extension when it is one of
        `text_suffixes`, else the first of them."""
        if self._file is None:
            raise RuntimeError("the upload is finished or discarded")
        self._file.close()
        self._file = None
        head = self._head if sniff else b""
        name = safe_stem(given, default_stem) + suffix_of(head, given, text_suffixes)
        self._path = self._part.rename(self.folder / name)
        return self._path

    def output(self, name: str) -> Path:
        """A path for a file made from the upload (removed with it)."""
        return self.folder / name

    def discard(self) -> None:
        """Remove what was received so far (the folder stays until `close`)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._part.unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the folder and everything in it."""
        self.discard()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Upload:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def naming_errors(self) -> Iterator[None]:
        """Errors raised inside name the upload (`fleet.csv`), not its temporary path."""
        try:
            yield
        except FirpathError as err:
            _rename(err, f"{self.folder}/", "")
            raise


def _rename(err: FirpathError, old: str, new: str) -> None:
    """Replace `old` with `new` in the error's message and text attributes."""
    err.args = tuple(a.replace(old, new) if isinstance(a, str) else a for a in err.args)
    for key, value in vars(err).items():
        if isinstance(value, str) and old in value:
            setattr(err, key, value.replace(old, new))


def spool(
    source: bytes | BinaryIO | Iterable[bytes],
    given: str | None,
    *,
    limit: int,
    default_stem: str,
    text_suffixes: tuple[str, ...],
    what: str = "file",
) -> Upload:
    """Bytes, a binary stream or chunks as a finished Upload (the caller closes it)."""
    upload = Upload(limit, what)
    try:
        read = getattr(source, "read", None)
        if isinstance(source, bytes):
            upload.write(source)
        elif callable(read):  # a stream: read in chunks (its lines may be any length)
            while chunk := read(_READ_CHUNK):
                upload.write(chunk)
        else:
            for chunk in source:
                upload.write(chunk)
        upload.finish(given, default_stem, text_suffixes)
    except BaseException:
        upload.close()
        raise
    return upload
