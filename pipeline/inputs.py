"""Turn the project's files into the parsed, validated inputs that every later stage takes.

Each file is read and parsed once per build (forked workers inherit what the build parsed): the
checks, the translators, the mottos, the segment map and the site all take what is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from .catalogs import Catalog, open_catalog
from .clock import source_date
from .config import PSEUDO_LOCALE, Project
from .facts import Facts, read_facts
from .glossary import Vocabulary, glossary_path, read_vocabulary
from .languages import Languages, read_languages
from .layout import Budget, read_budget
from .pseudo import pseudo_entries
from .source import Document, read_document
from .translate import Translator
from .webfonts import FontSet, read_fonts
from .wordwrap import keep_words_whole


@dataclass(frozen=True, slots=True)
class Motto:
    lang: str
    text: str
    html: Markup  # in a language that breaks lines only between words, with its words kept whole


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a build reads, parsed once and checked before anything is written."""

    document: Document
    facts: Facts
    template: Catalog
    catalogs: dict[str, Catalog]  # per translated locale; the source locale has none
    translators: dict[str, Translator]
    mottos: tuple[Motto, ...]
    created: datetime
    budget: Budget
    fonts: FontSet
    vocabulary: Vocabulary
    print_budget: Budget
    languages: Languages

    def translator(self, locale: str) -> Translator:
        """A fresh translator, so that each rendering records only its own renditions."""
        return self.translators[locale].fresh()


def read_inputs(project: Project, locales: tuple[str, ...] = ()) -> Inputs:
    document = read_document(project.brochure_path)
    facts = read_facts(project.data_path)
    template = open_catalog(project.template_path)
    catalogs = {locale: open_catalog(project.catalog_path(locale)) for locale in project.locales}
    translators = {locale: Translator.of(locale, catalogs.get(locale)) for locale in project.all_locales}
    if PSEUDO_LOCALE in locales:
        translators[PSEUDO_LOCALE] = Translator(PSEUDO_LOCALE, pseudo_entries(template.po))
    return Inputs(
        document=document,
        facts=facts,
        template=template,
        catalogs=catalogs,
        translators=translators,
        mottos=mottos(project, document, translators),
        created=source_date(project),
        budget=read_budget(project.layout_path),
        fonts=read_fonts(project.fonts_path),
        vocabulary=read_vocabulary(glossary_path(project), facts, project.locales),
        print_budget=read_budget(project.layout_path, "print"),
        languages=read_languages(project.languages_path),
    )


def mottos(project: Project, document: Document, translators: dict[str, Translator]) -> tuple[Motto, ...]:
    """Each configured language's own motto: its translation of the cover headline."""
    found = []
    for locale in project.all_locales:
        rendition = translators[locale].lookup(document.headline)
        if not rendition.falls_back:
            html = escape(rendition.text)
            if locale in project.keep_words_whole:
                html = keep_words_whole(html)
            found.append(Motto(locale, rendition.text, html))
    return tuple(found)
