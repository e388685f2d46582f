"""How a download is named: one Content-Disposition for every file the API and pages send."""

from __future__ import annotations

from urllib.parse import quote


def attachment(name: str) -> str:
    """A download's Content-Disposition: the name as ASCII, and in full as UTF-8 if need be."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    if plain == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{plain}\"; filename*=utf-8''{quote(name, safe='')}"
