"""Turn the project's files into the parsed, validated inputs that every locale's build reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .catalogs import plural_rule_of, published_entries, read_catalog
from .clock import source_date
from .config import PSEUDO_LOCALE, Project
from .facts import Facts, read_facts
from .glossary import Vocabulary, glossary_path, read_vocabulary
from .html import Motto, Renderer, headline_msgid
from .layout import Budget, read_budget
from .pseudo import pseudo_entries
from .source import Document, read_document
from .translate import Translator
from .webfonts import FontSet, read_fonts


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a build reads, parsed once and checked before anything is written."""

    document: Document
    facts: Facts
    translators: dict[str, Translator]
    mottos: tuple[Motto, ...]
    created: datetime
    budget: Budget
    fonts: FontSet
    vocabulary: Vocabulary
    print_budget: Budget

    def translator(self, locale: str) -> Translator:
        """A fresh translator, so that each rendering records only its own renditions."""
        shared = self.translators[locale]
        return Translator(shared.locale, shared.entries, shared.is_source, shared.plurals)


def read_inputs(project: Project, locales: tuple[str, ...] = ()) -> Inputs:
    document = read_document(project.brochure_path)
    facts = read_facts(project.data_path)
    Renderer(project.templates_dir, None).check()
    translators = {locale: load_translator(project, locale) for locale in project.all_locales}
    if PSEUDO_LOCALE in locales:
        translators[PSEUDO_LOCALE] = Translator(
            PSEUDO_LOCALE, pseudo_entries(read_catalog(project.template_path))
        )
    return Inputs(
        document=document,
        facts=facts,
        translators=translators,
        mottos=mottos(project, document, translators),
        created=source_date(project),
        budget=read_budget(project.layout_path),
        fonts=read_fonts(project.fonts_path),
        vocabulary=read_vocabulary(glossary_path(project), facts, project.locales),
        print_budget=read_budget(project.layout_path, "print"),
    )


def mottos(project: Project, document: Document, translators: dict[str, Translator]) -> tuple[Motto, ...]:
    """Each configured language's own motto: its translation of the cover headline."""
    headline = headline_msgid(document)
    found = []
    for locale in project.all_locales:
        rendition = translators[locale].lookup(headline)
        if not rendition.falls_back:
            found.append(Motto(locale, rendition.text, locale in project.keep_words_whole))
    return tuple(found)


def load_translator(project: Project, locale: str) -> Translator:
    if locale == project.source_locale:
        return Translator(locale, {}, is_source=True)
    catalog = read_catalog(project.catalog_path(locale))
    return Translator(locale, published_entries(catalog), plurals=plural_rule_of(catalog))
