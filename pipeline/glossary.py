"""Turn source/glossary.toml and the names in source/data.toml into the vocabulary `check` enforces."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .config import Project, for_locale
from .errors import BrochureError, line_of
from .facts import Facts, read_facts
from .files import read_toml

SOURCE_KEYS = frozenset({"en", "note"})


@dataclass(frozen=True, slots=True)
class Term:
    """A key term: its English forms and, per locale, the forms a translation may use.

    A form is matched as a case-insensitive part of the translation, so a stem allows
    inflection ("Raumfahrtagentur" in "Raumfahrtagenturen"); the first form is the approved one.
    """

    key: str
    english: tuple[str, ...]
    renderings: dict[str, tuple[str, ...]]
    note: str = ""

    def __repr__(self) -> str:
        return f"<Term {self.key}: {self.english[0]!r}>"

    def in_source(self, text: str) -> bool:
        return any(english_pattern(form).search(text) for form in self.english)

    def rendered_in(self, text: str, locale: str) -> bool:
        """Whether `text` holds an accepted form for `locale`; True where the glossary has none."""
        forms = self.forms_for(locale)
        text = unicodedata.normalize("NFC", text)
        return not forms or any(form_pattern(form).search(text) for form in forms)

    def forms_for(self, locale: str) -> tuple[str, ...]:
        return for_locale(self.renderings, locale, ())

    def approved(self, locale: str) -> str:
        forms = self.forms_for(locale)
        return forms[0] if forms else self.english[0]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Key terms with their renderings, and the names every language writes exactly as given."""

    terms: tuple[Term, ...]
    verbatim: tuple[str, ...]  # acronyms and addresses

    def terms_in(self, msgid: str) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.in_source(msgid))

    def verbatim_in(self, text: str) -> tuple[str, ...]:
        return tuple(name for name in self.verbatim if verbatim_pattern(name).search(text))


EMPTY = Vocabulary((), ())


@cache
def form_pattern(form: str) -> re.Pattern[str]:
    """A translation's form as a pattern: part of a word, any case, `*` for any ending."""
    parts = unicodedata.normalize("NFC", form).split("*")
    return re.compile(r"\w*".join(re.escape(part) for part in parts), re.IGNORECASE)


@cache
def english_pattern(form: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE)


@cache
def verbatim_pattern(name: str) -> re.Pattern[str]:
    """Bounded by Latin letters and digits only: Chinese and Japanese set no space around an acronym."""
    return re.compile(rf"(?<![\w@]){re.escape(name)}(?![\w@])", re.ASCII)


def glossary_path(project: Project) -> Path:
    return project.source_dir / "glossary.toml"


def load_vocabulary(project: Project) -> Vocabulary:
    """The project's glossary and the names of its facts; bad input is a `path:line` error."""
    facts = read_facts(project.data_path)
    return read_vocabulary(glossary_path(project), facts, project.locales)


def read_vocabulary(path: Path, facts: Facts, locales: tuple[str, ...]) -> Vocabulary:
    text, data = read_toml(path, "the glossary of key terms")
    reader = _GlossaryReader(path, text, frozenset(locales))
    names = reader.strings(data, "untranslated", "[untranslated]", "names")
    addresses = (facts.email, re.sub(r"^https?://(?:www\.)?", "", facts.website).rstrip("/"))
    verbatim = (*names, *(member.acronym for member in facts.members), *addresses)
    return Vocabulary(reader.terms(data), tuple(dict.fromkeys(verbatim)))


class _GlossaryReader:
    """Validate the glossary table by table, pointing at the line of what is wrong."""

    def __init__(self, path: Path, text: str, locales: frozenset[str]) -> None:
        self.path, self.text, self.locales = path, text, locales

    def fail(self, line: int, message: str) -> BrochureError:
        return BrochureError(self.path, line, message)

    def key_line(self, header: str, key: str) -> int:
        """The line of `key = ...` inside the table that starts with `header`."""
        start = self.text.find(header)
        if start < 0:
            return 1
        match = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=", re.MULTILINE).search(self.text, start)
        return self.text.count("\n", 0, match.start()) + 1 if match else line_of(self.text, header)

    def strings(self, table: dict[str, Any], name: str, header: str, key: str) -> tuple[str, ...]:
        section = table.get(name, {})
        if not isinstance(section, dict):
            raise self.fail(line_of(self.text, name), f"'{name}' must be a table such as {header}")
        return self.forms(section.get(key, []), self.key_line(header, key), f"{header} {key}")

    def forms(self, value: object, line: int, what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise self.fail(line, f'{what} must be a list of non-empty strings, such as ["Produkt"]')
        return tuple(value)

    def terms(self, data: dict[str, Any]) -> tuple[Term, ...]:
        table = data.get("terms")
        if not isinstance(table, dict) or not table:
            raise self.fail(line_of(self.text, "[terms"), "the glossary needs [terms.NAME] tables")
        return tuple(self.term(key, value) for key, value in table.items())

    def term(self, key: str, value: object) -> Term:
        header = f"[terms.{key}]"
        if not isinstance(value, dict):
            raise self.fail(line_of(self.text, header), f"{header} must be a table of forms per locale")
        if "en" not in value:
            raise self.fail(line_of(self.text, header), f"{header} lacks 'en', the term's English forms")
        renderings: dict[str, tuple[str, ...]] = {}
        for locale, forms in value.items():
            if locale in SOURCE_KEYS:
                continue
            line = self.key_line(header, locale)
            if locale not in self.locales:
                configured = ", ".join(sorted(self.locales))
                raise self.fail(
                    line, f"{header} has forms for '{locale}', which is not configured ({configured})"
                )
            renderings[locale] = self.forms(forms, line, f"{header} {locale}")
        note = value.get("note", "")
        english = self.forms(value["en"], self.key_line(header, "en"), f"{header} en")
        return Term(key, english, renderings, str(note))
