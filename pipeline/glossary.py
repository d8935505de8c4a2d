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


@dataclass(frozen=True, slots=True)
class Term:
    """A key term: its English forms and, per locale, the forms a translation may use.

    A form is matched as a case-insensitive part of the translation, so a stem allows
    inflection ("Raumfahrtagentur" in "Raumfahrtagenturen"); the first form is the approved one.
    """

    key: str
    english: tuple[str, ...]
    renderings: dict[str, tuple[str, ...]]

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
    names = reader.names(data)
    addresses = (facts.email, re.sub(r"^https?://(?:www\.)?", "", facts.website).rstrip("/"))
    verbatim = (*names, *(member.acronym for member in facts.members), *addresses)
    return Vocabulary(reader.terms(data), tuple(dict.fromkeys(verbatim)))


class _GlossaryReader:
    """Validate the glossary table by table, pointing at the line of what is wrong."""

    def __init__(self, path: Path, text: str, locales: frozenset[str]) -> None:
        self.path, self.text, self.locales = path, text, locales

    def fail(self, header: str, key: str, message: str) -> BrochureError:
        """An error on the line of `key = ...` in the table that `header` starts, or of `header`."""
        start = self.text.find(header)
        assignment = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=", re.MULTILINE)
        match = assignment.search(self.text, start) if key and start >= 0 else None
        line = self.text.count("\n", 0, match.start()) + 1 if match else line_of(self.text, header)
        return BrochureError(self.path, line, message)

    def forms(self, table: dict[str, Any], header: str, key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            message = f'{header} {key} must be a list of non-empty strings, such as ["Produkt"]'
            raise self.fail(header, key, message)
        return tuple(value)

    def names(self, data: dict[str, Any]) -> tuple[str, ...]:
        table = data.get("untranslated", {})
        if not isinstance(table, dict):
            raise self.fail("untranslated", "", "'untranslated' must be a table such as [untranslated]")
        return self.forms(table, "[untranslated]", "names")

    def terms(self, data: dict[str, Any]) -> tuple[Term, ...]:
        table = data.get("terms")
        if not isinstance(table, dict) or not table:
            raise self.fail("[terms", "", "the glossary needs [terms.NAME] tables")
        return tuple(self.term(key, value) for key, value in table.items())

    def term(self, key: str, value: object) -> Term:
        header = f"[terms.{key}]"
        if not isinstance(value, dict):
            raise self.fail(header, "", f"{header} must be a table of forms per locale")
        if "en" not in value:
            raise self.fail(header, "", f"{header} lacks 'en', the term's English forms")
        renderings: dict[str, tuple[str, ...]] = {}
        for locale in value:
            if locale in ("en", "note"):  # the English forms, and a note for translators
                continue
            if locale not in self.locales:
                configured = ", ".join(sorted(self.locales))
                message = f"{header} has forms for '{locale}', which is not configured ({configured})"
                raise self.fail(header, locale, message)
            renderings[locale] = self.forms(value, header, locale)
        return Term(key, self.forms(value, header, "en"), renderings)
