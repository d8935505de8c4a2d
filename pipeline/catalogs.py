"""Read and write gettext catalogs (.pot and .po) in GNU gettext's format, deterministically."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib
from babel.messages.plurals import get_plural

from .config import validate_locale
from .errors import BrochureError, line_of
from .gnu import WRAP_WIDTH
from .posyntax import check_syntax

POLIB_LINE = re.compile(r"\(line (\d+)\)|line (\d+)")
PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*")


@dataclass(frozen=True, slots=True)
class PluralRule:
    """A catalog's own Plural-Forms: how many forms it has, and which one serves a count.

    As in gettext, the catalog decides, not CLDR: a new Babel may count a language's forms
    differently, and the catalog's translations were written for the rule in its header.
    """

    forms: int
    expression: str

    @classmethod
    def parse(cls, value: str) -> PluralRule | None:
        """The rule in a Plural-Forms value, or None when gettext could not evaluate it."""
        form = PLURAL_FORMS.fullmatch(value)
        if not form or int(form[1]) < 1:
            return None
        try:
            compiled(form[2])
        except (ValueError, SyntaxError, RecursionError):
            return None
        return cls(int(form[1]), form[2])

    def index(self, count: int) -> int:
        """msgstr[i] for `count`; an index past the catalog's forms falls back to 0, as in gettext."""
        chosen = compiled(self.expression)(count)
        return chosen if 0 <= chosen < self.forms else 0

    def __str__(self) -> str:
        return f"nplurals={self.forms}; plural={self.expression};"


# What the source language's own msgid/msgid_plural pair means: one, and the rest.
SOURCE_PLURALS = PluralRule(2, "n != 1")


@cache
def compiled(expression: str) -> Callable[[int], int]:
    return gettext.c2py(expression)


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
    point_at_msgids(catalog, text)
    if path.suffix == ".po":
        check_plural_entries(catalog, plural_rule(catalog, text, path), path)
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


def plural_rule(catalog: polib.POFile, text: str, path: Path) -> PluralRule:
    """The catalog's Plural-Forms; without a rule gettext can evaluate, plurals cannot be chosen."""
    value = catalog.metadata.get("Plural-Forms")
    if value is None:
        line = line_of(text, 'msgstr ""')
        raise BrochureError(path, line, "the header has no Plural-Forms; 'brochure init' writes CLDR's rule")
    rule = PluralRule.parse(value)
    if rule is None:
        raise BrochureError(
            path,
            line_of(text, "Plural-Forms:"),
            "Plural-Forms must read 'nplurals=N; plural=EXPRESSION;' ('brochure init' writes it)",
        )
    return rule


def check_plural_entries(catalog: polib.POFile, rule: PluralRule, path: Path) -> None:
    """Every plural entry has exactly the forms its header declares, msgstr[0] to msgstr[N-1]."""
    for entry in catalog:
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(rule.forms)):
            found = len(entry.msgstr_plural)
            raise BrochureError(
                path,
                int(entry.linenum),
                f"{found} msgstr[] forms, but Plural-Forms declares nplurals={rule.forms}; "
                f"give msgstr[0] to msgstr[{rule.forms - 1}]",
            )


def plural_rule_of(catalog: polib.POFile) -> PluralRule:
    """The rule of a catalog that `read_catalog` accepted."""
    rule = PluralRule.parse(catalog.metadata.get("Plural-Forms", ""))
    assert rule is not None, "read_catalog checks Plural-Forms"
    return rule


def init_catalog(template: polib.POFile, locale: str, created: str, source: Path) -> polib.POFile:
    """A new, untranslated catalog for `locale`, with the plural rule of the installed CLDR data.

    `source` is where the locale was asked for: an unknown code is reported there.
    """
    parsed = validate_locale(locale, source, 1)
    rule = get_plural(parsed)
    catalog = polib.POFile(wrapwidth=WRAP_WIDTH)
    first_line = template.header.split("\n", 1)[0] if template.header else ""
    catalog.header = "\n".join(filter(None, [first_line, f"{parsed.english_name} translation."]))
    catalog.metadata = {
        **template.metadata,
        "PO-Revision-Date": created,
        "Last-Translator": "",  # nobody has translated anything yet
        "Language-Team": str(parsed.english_name),
        "Language": str(parsed),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": f"nplurals={rule.num_plurals}; plural={rule.plural_expr};",
    }
    for entry in template:
        if entry.msgid and not entry.obsolete:
            catalog.append(untranslated(entry, rule.num_plurals))
    return catalog


def untranslated(new: polib.POEntry, forms: int) -> polib.POEntry:
    entry = polib.POEntry(
        msgctxt=new.msgctxt,
        msgid=new.msgid,
        msgid_plural=new.msgid_plural,
        comment=new.comment,
        occurrences=list(new.occurrences),
        flags=[flag for flag in new.flags if flag != "fuzzy"],
    )
    if new.msgid_plural:
        entry.msgstr_plural = dict.fromkeys(range(forms), "")
    return entry


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
