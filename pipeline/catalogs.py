"""Turn a .po or .pot file into a Catalog, checked once as GNU msgfmt checks it, for every later stage.

A catalog is parsed once per build: the checks, the statistics, the translators and the segment
map all take the Catalog, and what "translated" means is decided here alone (`entry_status`).
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import polib
from babel.messages.plurals import get_plural

from .config import validate_locale
from .errors import BrochureError, line_of
from .gnu import WRAP_WIDTH, check_syntax
from .markup import PLACEHOLDER, PRINTF_NAME, plain_text

PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*")
compiled = cache(gettext.c2py)


class Status(StrEnum):
    SOURCE = "source"  # the source locale: the msgid is the text
    TRANSLATED = "translated"
    UNTRANSLATED = "untranslated"
    FUZZY = "fuzzy"  # a translation that waits for review is never published
    REFUSED = "refused"  # markup or placeholders that the source segment lacks


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

    def same_as(self, other: PluralRule) -> bool:
        """The same forms for every count, however the expressions are written."""
        counts = (*range(1001), 10_000, 100_000, 1_000_000, 10_000_000)
        return self.forms == other.forms and all(self.index(n) == other.index(n) for n in counts)

    def __str__(self) -> str:
        return f"nplurals={self.forms}; plural={self.expression};"


# What the source language's own msgid/msgid_plural pair means: one, and the rest.
SOURCE_PLURALS = PluralRule(2, "n != 1")


@dataclass(frozen=True, slots=True)
class Entry:
    """What the renderer needs of one catalog entry."""

    msgstr: str
    msgstr_plural: tuple[str, ...]
    status: Status
    line: int


@dataclass(frozen=True, slots=True)
class Catalog:
    """One parsed catalog (or the template), its text to cite header lines, and its plural rule."""

    path: Path
    po: polib.POFile
    text: str
    plurals: PluralRule

    @property
    def messages(self) -> list[polib.POEntry]:
        """The live entries: no header, no obsolete ones."""
        return [entry for entry in self.po if entry.msgid and not entry.obsolete]

    def entries(self) -> dict[tuple[str, str], Entry]:
        """Live entries keyed by (msgctxt, msgid), as the translator looks them up."""
        found = {}
        for entry in self.messages:
            plural = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            found[key(entry)] = Entry(entry.msgstr, plural, entry_status(entry), int(entry.linenum))
        return found

    def header_line(self, field: str) -> int:
        """The line of a header field, else of the first msgid."""
        return line_of(self.text, f'"{field}:', line_of(self.text, "msgid "))


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def entry_status(entry: polib.POEntry | None) -> Status:
    """Translated means every form filled and no fuzzy flag; the one definition of it."""
    if entry is None:
        return Status.UNTRANSLATED
    if "fuzzy" in entry.flags:
        return Status.FUZZY
    forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    return Status.TRANSLATED if forms and all(forms) else Status.UNTRANSLATED


def open_catalog(path: Path) -> Catalog:
    """Parse a catalog once, after msgfmt's syntax check; its complaints become `path:line: error:`."""
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
    check_syntax(path)
    check_charset(text, path)
    try:  # msgfmt has accepted the syntax; polib seldom disagrees, and never silently
        catalog = polib.pofile(text, wrapwidth=WRAP_WIDTH, encoding="utf-8")
    except (OSError, ValueError, UnicodeError) as error:
        raise BrochureError(path, 1, f"polib cannot read what msgfmt accepts: {error}") from None
    point_at_msgids(catalog, text)
    rule = SOURCE_PLURALS
    if path.suffix == ".po":
        rule = plural_rule(catalog, text, path)
        check_plural_entries(catalog, rule, path)
    return Catalog(path, catalog, text, rule)


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
        message = "the header has no Plural-Forms; 'brochure init' writes CLDR's rule"
        raise BrochureError(path, line_of(text, 'msgstr ""'), message)
    rule = PluralRule.parse(value)
    if rule is None:
        message = "Plural-Forms must read 'nplurals=N; plural=EXPRESSION;' ('brochure init' writes it)"
        raise BrochureError(path, line_of(text, "Plural-Forms:"), message)
    return rule


def check_plural_entries(catalog: polib.POFile, rule: PluralRule, path: Path) -> None:
    """Every plural entry has exactly the forms its header declares, msgstr[0] to msgstr[N-1]."""
    for entry in catalog:
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(rule.forms)):
            found = len(entry.msgstr_plural)
            message = f"{found} msgstr[] forms, but Plural-Forms declares nplurals={rule.forms}; "
            message += f"give msgstr[0] to msgstr[{rule.forms - 1}]"
            raise BrochureError(path, int(entry.linenum), message)


def init_catalog(template: polib.POFile, locale: str, created: str, source: Path) -> polib.POFile:
    """A new, untranslated catalog for `locale`, with the plural rule of the installed CLDR data.

    `source` is where the locale was asked for: an unknown code is reported there.
    """
    parsed = validate_locale(locale, source, 1)
    rule = get_plural(parsed)
    catalog = polib.POFile(wrapwidth=WRAP_WIDTH)
    first_line = template.header.partition("\n")[0]
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
    return polib.POEntry(
        msgctxt=new.msgctxt,
        msgid=new.msgid,
        msgid_plural=new.msgid_plural,
        msgstr_plural=dict.fromkeys(range(forms), "") if new.msgid_plural else {},
        comment=new.comment,
        occurrences=list(new.occurrences),
        flags=[flag for flag in new.flags if flag != "fuzzy"],
    )


@dataclass(frozen=True, slots=True)
class Stats:
    """Template messages by state, counted in messages and in the words of their msgids."""

    locale: str
    translated: int
    fuzzy: int
    untranslated: int
    translated_words: int
    fuzzy_words: int
    untranslated_words: int

    @property
    def messages(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Share of the source's words whose translation is published (translated, not fuzzy)."""
        return 100.0 * self.translated_words / self.words if self.words else 100.0

    def as_dict(self) -> dict[str, str | int | float]:
        return {**asdict(self), "percent": round(self.percent, 1)}


def catalog_stats(catalog: Catalog, template: Catalog, locale: str) -> Stats:
    entries = {key(entry): entry for entry in catalog.messages}
    counts: Counter[Status] = Counter()
    words: Counter[Status] = Counter()
    for message in template.messages:
        status = entry_status(entries.get(key(message)))
        counts[status] += 1
        words[status] += word_count(message.msgid)
    states = (Status.TRANSLATED, Status.FUZZY, Status.UNTRANSLATED)
    return Stats(locale, *(counts[state] for state in states), *(words[state] for state in states))


@cache  # the template's msgids, counted for every locale's statistics
def word_count(msgid: str) -> int:
    """Words as a reader counts them: runs between spaces that hold a letter or digit."""
    text = PRINTF_NAME.sub(" ", PLACEHOLDER.sub(" ", plain_text(msgid, {})))
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))
