"""Consoles, JSON output and the rendering of errors for the command line."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape as escape_markup
from rich.table import Table

from firpath.documents import error_document
from firpath.domain.control_chars import json_visible, visible
from firpath.domain.errors import FirpathError, InvalidInput
from firpath.error_codes import classify

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

P = ParamSpec("P")
R = TypeVar("R")


def escape(text: str, *, one_line: bool = False) -> str:
    """User or stored text made safe to print with Rich: control characters written as
    escapes (`\\x1b`), square brackets never read as markup."""
    return escape_markup(visible(text, one_line=one_line))


def print_json(document: Any, *, to_stderr: bool = False) -> None:
    """Machine output on stdout (errors: on stderr)."""
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    typer.echo(json_visible(text), err=to_stderr)


def render_error(error: FirpathError, as_json: bool) -> int:
    """Show an error (stderr, or JSON on stdout) and return the exit code."""
    exit_code, _, _ = classify(error)
    if as_json:  # DESIGN: the message of a failed command goes to stderr, JSON or not
        print_json(error_document(error), to_stderr=True)
        return exit_code
    if isinstance(error, InvalidInput):
        err.print(
            f"[bold red]error:[/] {escape(error.summary, one_line=True)}: {error.total} problem(s)"
        )
        table = Table("row", "column", "entry", "value", "problem", show_lines=False)
        for d in error.defects:
            value = d.value if d.value is None or len(d.value) <= 40 else d.value[:37] + "..."
            table.add_row(
                str(d.row or ""),
                *(escape(x or "", one_line=True) for x in (d.field, d.entry_id, value, d.message)),
            )
        err.print(table)
        if error.more:
            err.print(f"... and {error.total - len(error.defects):,} more, by kind:")
            for kind in error.more:
                where = f"column {kind.field}: " if kind.field else ""
                err.print(f"  {kind.count:,} x {escape(where + kind.message, one_line=True)}")
        return exit_code
    err.print(f"[bold red]error:[/] {escape(str(error), one_line=True)}")
    return exit_code


def handles_errors(as_json_param: str = "as_json") -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Turn FirpathError into a rendered message and its exit code, never a traceback."""

    def decorate(command: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return command(*args, **kwargs)
            except FirpathError as error:
                code = render_error(error, bool(kwargs.get(as_json_param, False)))
                raise typer.Exit(code) from None
            except BrokenPipeError:
                raise typer.Exit(0) from None  # the reader (e.g. `head`) has what it wanted
            except OSError as error:  # e.g. standard output on a full disk
                err.print(
                    "[bold red]error:[/] cannot write the output: "
                    + escape(str(error), one_line=True)
                )
                raise typer.Exit(1) from None

        return run

    return decorate


def debug_enabled() -> bool:
    """FIRPATH_DEBUG=1 shows tracebacks of unexpected errors (for developers)."""
    return os.environ.get("FIRPATH_DEBUG") == "1"
