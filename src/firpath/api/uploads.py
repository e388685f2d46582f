"""A file sent to the API, received onto disk as it arrives: the raw request body, or the
`file` field of a multipart form, never held whole in memory and never past the limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from anyio import CancelScope, to_thread
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

from firpath.domain.errors import FieldInvalid
from firpath.io.uploads import Upload

FILE_FIELD: Final = "file"
MULTIPART: Final = "multipart/form-data"
RAW_TYPES: Final = (
    "text/csv",
    "text/tab-separated-values",
    "text/plain",
    "application/vnd.apache.parquet",
    "application/x-parquet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",  # what some browsers call a .csv file
    "application/octet-stream",
    "application/x-www-form-urlencoded",  # what `curl --data-binary @FILE` says unless told
)
_WRITE_BYTES: Final = 1 << 20  # written to disk (in a worker thread) a megabyte at a time
_FORM_BYTES: Final = 64 << 10  # a form's headers and fields besides the file, at most
_NAME_BYTES: Final = 1024
_ECHO_BYTES: Final = 80  # of a form field's value, for the message refusing it
_FIELD_BYTES: Final = 1024  # of the value of a field a form may have besides the file


@dataclass
class _Buffered:
    """Bytes received but not yet written, written in large pieces off the event loop."""

    upload: Upload
    pending: list[bytes] = field(default_factory=list)
    size: int = 0

    def add(self, chunk: bytes) -> None:
        self.pending.append(chunk)
        self.size += len(chunk)
        if self.upload.size + self.size > self.upload.limit:
            raise self.upload.too_large()  # at once: nothing more is written or read

    async def flush(self, at_least: int = 0) -> None:
        if self.size and self.size >= at_least:
            data = b"".join(self.pending)
            self.pending.clear()
            self.size = 0
            await to_thread.run_sync(self.upload.write, data)


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters ("" when not given)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _declared_length(request: Request) -> int | None:
    text = request.headers.get("content-length", "")
    return int(text) if text.isdigit() else None


def _given_name(header: str | None) -> str | None:
    """The file name in a Content-Disposition header, if any."""
    if not header:
        return None
    _, options = parse_options_header(header.encode("latin-1", "replace")[:_NAME_BYTES])
    name = options.get(b"filename")
    return name.decode("utf-8", "replace") if name else None


async def receive_file(request: Request, upload: Upload) -> str | None:
    """The request's file written into `upload`, and the name its sender gave it (from the
    multipart part, or a Content-Disposition header on a raw body)."""
    kind = media_type(request)
    declared = _declared_length(request)
    slack = _FORM_BYTES if kind == MULTIPART else 0
    if declared is not None and declared > upload.limit + slack:
        raise upload.too_large()  # before reading a byte (a client that asked to continue
        # with `Expect: 100-continue` is told before sending the body)
    try:
        if kind == MULTIPART:
            name, _ = await _receive_form(request, upload)
            return name
        if kind and kind not in RAW_TYPES and not kind.startswith("text/"):
            raise HTTPException(
                415,
                f"a {upload.what} cannot be sent as {kind}: send the file itself as the body "
                f"(Content-Type text/csv, application/vnd.apache.parquet, or the .xlsx type) "
                f"or as the `{FILE_FIELD}` field of a multipart/form-data form",
            )
        buffered = _Buffered(upload)
        async for chunk in request.stream():
            buffered.add(chunk)
            await buffered.flush(_WRITE_BYTES)
        await buffered.flush()
        return _given_name(request.headers.get("content-disposition"))
    except ClientDisconnect:
        raise HTTPException(
            400, "the client closed the connection before the upload ended"
        ) from None


@dataclass
class _Part:
    """One part of a multipart form as its headers are read."""

    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    field_name: str | None = None
    file_name: str | None = None
    is_file: bool = False
    is_other_file: bool = False
    is_field: bool = False  # one of the fields the form may have besides the file


class _FormReader:
    """python-multipart's callbacks: the `file` part's bytes to the upload, the rest counted."""

    def __init__(self, upload: Upload, fields: frozenset[str] = frozenset()) -> None:
        self.buffered = _Buffered(upload)
        self.part = _Part()
        self.files = 0
        self.file_name: str | None = None
        self.other_bytes = 0
        self.other_fields: list[tuple[str, bytes]] = []  # name, first bytes of the value
        self.fields = fields
        self.values: dict[str, bytes] = {}  # the values of `fields` the form has

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._begin,
            "on_part_data": self._data,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
        }

    def _begin(self) -> None:
        self.part = _Part()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def _header_end(self) -> None:
        if self.part.header_name.strip().lower() == b"content-disposition":
            self.part.disposition = self.part.header_value
        self.part.header_name = self.part.header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.part.disposition)
        name = options.get(b"name")
        self.part.field_name = name.decode("utf-8", "replace") if name is not None else None
        if self.part.field_name == FILE_FIELD:
            self.files += 1
            if self.files > 1:
                what = self.buffered.upload.what
                raise FieldInvalid(FILE_FIELD, "2 files", f"send one {what} a request")
            self.part.is_file = True
            given = options.get(b"filename")
            self.file_name = given.decode("utf-8", "replace") if given else None
        elif self.part.field_name in self.fields:
            if self.part.field_name in self.values:
                raise FieldInvalid(self.part.field_name, "", "is given twice: send it once")
            self.values[self.part.field_name] = b""
            self.part.is_field = True
        else:  # refused once the form is read; a file's name or a field's value is shown
            given = options.get(b"filename")
            self.other_fields.append(((self.part.field_name or "(no name)")[:80], given or b""))
            self.part.is_other_file = given is not None

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.part.is_file:
            self.buffered.add(data[start:end])
        elif self.part.is_field and self.part.field_name is not None:
            value = self.values[self.part.field_name] + data[start:end]
            if len(value) > _FIELD_BYTES:
                raise FieldInvalid(
                    self.part.field_name,
                    value[:_ECHO_BYTES].decode("utf-8", "replace"),
                    f"is longer than {_FIELD_BYTES:,} bytes",
                )
            self.values[self.part.field_name] = value
        else:
            self.other_bytes += end - start
            if self.other_bytes > _FORM_BYTES:
                raise self.buffered.upload.too_large()
            name, value = self.other_fields[-1]
            if not self.part.is_other_file:
                self.other_fields[-1] = (name, (value + data[start:end])[:_ECHO_BYTES])


async def receive_form(
    request: Request, upload: Upload, fields: frozenset[str]
) -> tuple[str | None, dict[str, str]]:
    """A multipart form (a web page's) whose `file` field is written into `upload`: the name
    its sender gave the file, and the values of the form's other `fields` (at most 1 KB each);
    a field not among them is refused, as `receive_file` refuses it."""
    if media_type(request) != MULTIPART:
        raise FieldInvalid(
            "Content-Type",
            media_type(request),
            f"the form must be sent as {MULTIPART}, with the {upload.what} as its file",
        )
    declared = _declared_length(request)
    if declared is not None and declared > upload.limit + _FORM_BYTES:
        raise upload.too_large()
    try:
        return await _receive_form(request, upload, fields)
    except ClientDisconnect:
        raise HTTPException(
            400, "the client closed the connection before the upload ended"
        ) from None


async def _receive_form(
    request: Request, upload: Upload, fields: frozenset[str] = frozenset()
) -> tuple[str | None, dict[str, str]]:
    """The `file` field of a multipart form, streamed into `upload`, and the values of its
    other `fields`."""
    _, options = parse_options_header(request.headers.get("content-type", "").encode("latin-1"))
    boundary = options.get(b"boundary")
    if not boundary:
        raise FieldInvalid("Content-Type", MULTIPART, "has no boundary: the form cannot be read")
    reader = _FormReader(upload, fields)
    parser = MultipartParser(boundary, reader.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            await reader.buffered.flush(_WRITE_BYTES)
        parser.finalize()
    except MultipartParseError as err:
        raise FieldInvalid(
            "body", "multipart/form-data", f"the form cannot be read ({err}); send it again"
        ) from None
    await reader.buffered.flush()
    names = ", ".join(name for name, _ in reader.other_fields)
    if reader.files == 0:
        has = f" (the form has {names})" if names else ""
        raise FieldInvalid(
            FILE_FIELD, "", f"is required: the {upload.what}, as the form's file{has}"
        )
    if reader.other_fields:
        name, value = reader.other_fields[0]
        raise FieldInvalid(
            name,
            value.decode("utf-8", "replace"),
            f"is not a field of this form, which holds only `{FILE_FIELD}` (the {upload.what}); "
            "options go in the query string",
        )
    values = {name: value.decode("utf-8", "replace") for name, value in reader.values.items()}
    return reader.file_name, values


async def remove(upload: Upload) -> None:
    """Remove the upload's folder off the event loop (a large file takes a while to delete),
    even when the request is being cancelled."""
    with CancelScope(shield=True):
        await to_thread.run_sync(upload.close)
