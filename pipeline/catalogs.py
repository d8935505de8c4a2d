"""Read and write gettext catalogs (.pot and .po) in GNU gettext's format, deterministically."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from pathlib import Path

import polib

from .errors import BrochureError, line_of
from .pofile import WRAP_WIDTH
from .posyntax import check_syntax

POLIB_LINE = re.compile(r"\(line (\d+)\)|line (\d+)")


@dataclass(frozen=True, slots=True)
class Entry:
    """What the renderer needs of one catalog entry."""

    msgstr: str
    msgstr_plural: tuple[str, ...]
    fuzzy: bool
    line: int


def read_catalog(path: Path) -> polib.POFile:
    """Parse a catalog, turning polib's complaints into `path:line: error:` messages."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        hint = "run 'brochure extract'" if path.suffix == ".pot" else "create it with 'brochure init'"
        raise BrochureError(path, 1, f"catalog not found; {hint}") from None
    except OSError as error:
        raise BrochureError(path, 1, f"cannot read the catalog: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise BrochureError(path, line, "not valid UTF-8; save the file as UTF-8") from None
    check_syntax(text, path)
    check_charset(text, path)
    try:
        catalog = polib.pofile(text, wrapwidth=WRAP_WIDTH, encoding="utf-8")
    except (OSError, ValueError, UnicodeError) as error:
        raise BrochureError(
            path, polib_line(str(error)), f"invalid PO syntax: {polib_message(error)}"
        ) from None
    catalog.fpath = str(path)
    check_plural_forms(catalog.metadata.get("Plural-Forms"), line_of(text, "Plural-Forms:"), path)
    point_at_msgids(catalog, text)
    return catalog


def point_at_msgids(catalog: polib.POFile, text: str) -> None:
    """polib counts an entry from its first comment; translators look for the msgid line."""
    lines = text.splitlines()
    for entry in catalog:
        number = entry.linenum
        while number <= len(lines) and not lines[number - 1].lstrip("#~ ").startswith("msgid"):
            number += 1
        if number <= len(lines):
            entry.linenum = number


def check_charset(text: str, path: Path) -> None:
    """Catalogs are UTF-8; a header that declares another charset would mislead every other tool."""
    match = re.search(r'"Content-Type:[^"]*charset=([^\\"; ]+)', text)
    if match and match[1].strip().upper().replace("_", "-") != "UTF-8":
        line = text.count("\n", 0, match.start()) + 1
        raise BrochureError(path, line, f"charset is {match[1]}; catalogs must declare charset=UTF-8")


def check_plural_forms(value: str | None, line: int, path: Path) -> None:
    """A Plural-Forms header that gettext cannot evaluate would pick wrong forms, or crash."""
    if value is None:
        return
    form = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", value)
    try:
        if not form or int(form[1]) < 1:
            raise ValueError(value)
        gettext.c2py(form[2])
    except (ValueError, SyntaxError, RecursionError):
        raise BrochureError(
            path, line, "Plural-Forms must read 'nplurals=N; plural=EXPRESSION;' ('brochure init' writes it)"
        ) from None


def polib_line(message: str) -> int:
    match = POLIB_LINE.search(message)
    return int(match[1] or match[2]) if match else 1


def polib_message(error: Exception) -> str:
    return POLIB_LINE.sub("", str(error)).strip().rstrip(":").strip() or type(error).__name__


def published_entries(catalog: polib.POFile) -> dict[tuple[str, str], Entry]:
    """Active entries keyed by (msgctxt, msgid); obsolete ones are never published."""
    entries: dict[tuple[str, str], Entry] = {}
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        plural = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        entries[(entry.msgctxt or "", entry.msgid)] = Entry(
            msgstr=entry.msgstr,
            msgstr_plural=plural,
            fuzzy="fuzzy" in entry.flags,
            line=int(entry.linenum),
        )
    return entries
