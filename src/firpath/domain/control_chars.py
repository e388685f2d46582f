"""Control characters: refused in stored text, shown escaped wherever text is printed.

A terminal obeys control characters: ESC starts a colour or a cursor move, CR returns to
the start of the line, and bidirectional overrides (U+202E...) reorder what is shown, so
`evil.csv` can be made to read as something else. Stored text may hold none of them (but
tab, line feed and carriage return, which free text needs); every message that echoes
text a user gave shows them as escapes (`\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

import re
from typing import Final

# written as escapes (not the characters) so that the patterns below print safely
_BIDI: Final = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 but tab, LF and CR; DEL; C1; bidirectional marks, embeddings, overrides and isolates
REFUSED_CLASS: Final = rf"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}"
REFUSED: Final = re.compile(f"[{REFUSED_CLASS}]")
# text holding none of them, as a JSON Schema (ECMA 262) pattern: what a search may ask for
WITHOUT_CONTROLS: Final = f"^[^{REFUSED_CLASS}]*$"
# ... and holding something besides white space (what trimming leaves not empty)
SOME_TEXT: Final = rf"^[^{REFUSED_CLASS}]*[^\s{REFUSED_CLASS}][^{REFUSED_CLASS}]*$"
_SHOWN: Final = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")  # also CR
_SHOWN_ONE_LINE: Final = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")  # also tab and LF


def find_control(text: str) -> re.Match[str] | None:
    """The first character that stored text may not hold, if any."""
    return REFUSED.search(text)


_NAMED: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character written as an escape, safe to print.

    Line feeds and tabs stay (multi-line notes read as written) unless `one_line`.
    """
    return (_SHOWN_ONE_LINE if one_line else _SHOWN).sub(_escape, text)


_JSON_UNESCAPED: Final = re.compile(f"[\\x7f-\\x9f{_BIDI}]")  # json.dumps escapes only C0


def json_visible(json_text: str) -> str:
    """JSON text (from json.dumps) with DEL, C1 and bidirectional controls written as
    `\\u` escapes too: the same data, safe to show on a terminal."""
    return _JSON_UNESCAPED.sub(lambda found: f"\\u{ord(found.group()):04x}", json_text)
