"""A Rich progress bar over the stages of a long command, on a terminal only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    from firpath.services.progress import Stage


@contextmanager
def stage_progress(show: bool, stages: Sequence[str], console: Console) -> Iterator[Stage | None]:
    """Yield a stage callback that advances a progress bar, or None when not shown (piped)."""
    if not show:
        yield None
        return
    progress = Progress(
        TextColumn("{task.description:<20}"), BarColumn(), TimeElapsedColumn(), console=console
    )
    task = progress.add_task(stages[0], total=len(stages))
    seen: list[str] = []

    def advance(name: str) -> None:
        if seen:
            progress.advance(task)
        seen.append(name)
        progress.update(task, description=name)

    with progress:
        yield advance
        progress.update(task, completed=len(stages), description="done")
