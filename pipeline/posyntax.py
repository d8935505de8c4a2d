"""Turn the text of a .po file into a verdict: valid gettext syntax, or the first error and its line.

polib accepts files that GNU msgfmt rejects (an unterminated string, an entry without msgstr), and
would publish them; this strict pass runs first so that a broken catalog is reported, not guessed at.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import BrochureError

STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
ESCAPE = re.compile(r"\\(.)")
VALID_ESCAPES = frozenset('\\"ntrabfv01234567x')
KEYWORD = re.compile(r"^(?:#~\s*)?(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)$")
# What may follow each keyword within one entry.
FOLLOWS = {
    None: {"msgctxt", "msgid"},
    "msgctxt": {"msgid"},
    "msgid": {"msgstr", "msgid_plural"},
    "msgid_plural": {"msgstr[]"},
    "msgstr": {"msgctxt", "msgid"},
    "msgstr[]": {"msgstr[]", "msgctxt", "msgid"},
}


def check_syntax(text: str, path: Path) -> None:
    """Raise BrochureError at the first line that GNU gettext would not accept."""
    previous: str | None = None
    seen: dict[tuple[str, str, bool], int] = {}
    context = msgid = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("#~")):
            continue
        body = line[2:].strip() if line.startswith("#~") else line
        if body.startswith('"'):
            if previous is None:
                raise BrochureError(path, number, "a string outside any entry; start it with msgid")
            value = parse_string(body, path, number)
            if previous == "msgid":
                msgid += value
            continue
        if line.startswith("#~") and not body.startswith("msg"):
            continue  # obsolete previous-msgid lines (#~|) and the like
        match = KEYWORD.match(body)
        if not match:
            raise BrochureError(path, number, f"expected msgid, msgstr or a quoted string, got: {line[:40]}")
        keyword, rest = match[1], match[2]
        kind = "msgstr[]" if keyword.startswith("msgstr[") else keyword
        if kind not in FOLLOWS[previous]:
            expected = " or ".join(sorted(FOLLOWS[previous])).replace("[]", "[N]")
            raise BrochureError(path, number, f"{keyword} where {expected} was expected")
        if kind == "msgid" and previous in ("msgstr", "msgstr[]"):
            context = ""
        value = parse_string(rest, path, number)
        if kind == "msgctxt":
            context = value
        if kind == "msgid":
            msgid = value
            key_line = number
        if kind in ("msgstr", "msgid_plural"):
            key = (context, msgid, line.startswith("#~"))
            if key in seen and msgid:
                raise BrochureError(
                    path, key_line, f"duplicate message definition (first at line {seen[key]})"
                )
            seen.setdefault(key, key_line)
        previous = kind
    if previous in ("msgctxt", "msgid", "msgid_plural"):
        raise BrochureError(path, len(text.splitlines()), "the last entry has no msgstr")


def parse_string(text: str, path: Path, number: int) -> str:
    match = STRING.fullmatch(text.strip())
    if not match:
        raise BrochureError(path, number, 'unterminated or malformed string; each line is one "..." string')
    for escape in ESCAPE.finditer(match[0][1:-1]):
        if escape[1] not in VALID_ESCAPES:
            raise BrochureError(path, number, f"invalid escape sequence \\{escape[1]}")
    return match[0][1:-1]
