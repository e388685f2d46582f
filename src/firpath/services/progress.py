"""How a long use case tells its caller which stage it has reached (for progress bars)."""

from __future__ import annotations

from collections.abc import Callable

Stage = Callable[[str], None]


def no_stages(_name: str) -> None:
    """A caller that shows no progress."""
