"""Turn the document, one locale's translations and its facts into HTML pages with Jinja2."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .config import PSEUDO_LOCALE, babel_locale, html_lang
from .errors import BrochureError
from .facts import LocalFacts
from .inputs import Motto
from .markup import plain_text, render_inline
from .source import Block, BlockKind, Document, segment_key
from .translate import Status, Translator
from .wordwrap import keep_words_whole


@dataclass(frozen=True, slots=True)
class Node:
    """A block as one locale shows it: kind, safe HTML and the language it is written in."""

    kind: str
    name: str = ""
    level: int = 0
    html: Markup = Markup("")
    lang: str = ""
    key: str = ""
    first: bool = False
    anchor: str = ""
    motto: Motto | None = None
    children: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class PdfInfo:
    name: str
    pages: int = 0
    size: int = 0


@dataclass(frozen=True, slots=True)
class EditionLink:
    lang: str
    name: str


@dataclass(slots=True)
class Edition:
    """Everything a template needs to lay out one locale's brochure."""

    lang: str
    source_lang: str
    facts: LocalFacts
    blocks: tuple[Node, ...]
    title: str
    description: str
    created: str
    pdf: PdfInfo
    # The print edition (PDF/X-4, bleed, crop marks): its file, and whether this is it being laid out.
    print_pdf: PdfInfo = PdfInfo("")
    press: bool = False
    editions: tuple[EditionLink, ...] = ()
    asset_prefix: str = "assets/"
    keywords: str = ""
    mottos: tuple[Motto, ...] = ()
    site_url: str = ""
    fonts_stylesheet: str = ""
    # Each language's quotation marks and font stack (languages.stylesheet), set in a <style>.
    language_css: Markup = Markup("")

    @property
    def dir(self) -> str:
        return babel_locale(self.lang).text_direction

    @property
    def name(self) -> str:
        return language_name(self.lang)

    @property
    def website_label(self) -> str:
        return self.facts.website.removeprefix("https://").removeprefix("http://")

    def asset(self, name: str) -> str:
        return self.asset_prefix + name


def language_name(code: str) -> str:
    """The language's name in itself, capitalised as a menu entry: Deutsch, Français, Italiano."""
    if code == PSEUDO_LOCALE:
        return "Pseudo-locale"
    name = babel_locale(code).display_name or code
    return name[:1].upper() + name[1:]


def build_nodes(
    document: Document,
    translator: Translator,
    facts: LocalFacts,
    mottos: list[Motto],
    source_lang: str,
    whole_words: bool = False,
) -> tuple[Node, ...]:
    """Nodes for every block; section pages carry the mottos of the other languages in turn.

    `whole_words`: the language breaks lines only between words (Korean), which the HTML says.
    """
    others = [motto for motto in mottos if motto.lang != translator.locale]
    slots: Iterator[Motto] = itertools.cycle(others) if others else iter(())
    # The cover has no opening paragraph: only sections open with a small-caps line.
    first_seen = {block.name for block in document.blocks if block.kind is not BlockKind.SECTION}

    def node(block: Block, section: str) -> Node:
        if block.kind is BlockKind.MOTTO:
            return Node(kind=block.kind, motto=next(slots, None))
        html, lang, key = Markup(""), "", ""
        if block.segment is not None:
            rendition = translator.translate(block.segment.msgid)
            html = render_inline(rendition.text, facts.placeholders)
            if whole_words and not rendition.falls_back:
                html = keep_words_whole(html)
            lang = source_lang if rendition.falls_back else ""
            key = segment_key(block.segment.msgid)
        children = tuple(node(child, section) for child in block.children)
        first = block.kind is BlockKind.PARAGRAPH and section not in first_seen
        if first:
            first_seen.add(section)
        anchor = f"{section}-title" if block.kind is BlockKind.HEADING and block.level == 2 else ""
        return Node(block.kind, block.name, block.level, html, lang, key, first, anchor, children=children)

    return tuple(node(block, section=block.name) for block in document.blocks)


def cover_text(document: Document, translator: Translator, facts: LocalFacts) -> tuple[str, str]:
    """The title and the cover's introduction as plain text, for metadata."""
    title = translator.translate(TITLE_MSGID, context=TITLE_CONTEXT).text
    for block in document.blocks:
        if block.kind is BlockKind.COVER:
            for child in block.walk():
                if child.kind is BlockKind.PARAGRAPH and child.segment is not None:
                    intro = translator.translate(child.segment.msgid).text
                    return title, plain_text(intro, facts.placeholders)
    return title, ""


TRANSLATOR_VARIABLE = "brochure_translator"
# The brochure's title shares its English with the cover motto but not always its translation:
# German's motto is the seed's long "Gemeinsam unser Sonnensystem erkunden und erschließen",
# too long for a running head or a browser tab, so the title is a message of its own.
TITLE_CONTEXT, TITLE_MSGID = "brochure title", "Exploring together"


def from_context(method: str) -> Callable[..., Markup]:
    """The translator's `method` (gettext, ngettext, pgettext), looked up in the render context."""

    @jinja2.pass_context
    def call(context: jinja2.runtime.Context, *args: Any) -> Markup:
        return getattr(context[TRANSLATOR_VARIABLE], method)(*args)  # type: ignore[no-any-return]

    return call


@cache
def shared_environment(templates_dir: Path) -> jinja2.Environment:
    """One environment per process: templates compile once, whichever locale renders them.

    The locale's translator travels in the render context, so gettext looks it up there.
    """
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["lang_tag"] = html_lang
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        from_context("gettext"), from_context("ngettext"), newstyle=True, pgettext=from_context("pgettext")
    )
    return environment


class Renderer:
    """Source/templates rendered for one locale: its translator is what gettext calls."""

    def __init__(self, templates_dir: Path, translator: Translator | None) -> None:
        self.templates_dir = templates_dir
        self.translator = translator
        self.environment = shared_environment(templates_dir)

    def check(self) -> None:
        """Compile every template now, so that a syntax error stops the build before any output."""
        for name in sorted(self.environment.list_templates(extensions=["html"])):
            self.template(name)

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.environment.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            path = Path(error.filename or self.templates_dir / name)
            raise BrochureError(path, error.lineno, f"template syntax error: {error.message}") from None
        except jinja2.TemplateNotFound as error:
            raise BrochureError(self.templates_dir / str(error.name), 1, "template not found") from None

    def render(self, name: str, **context: object) -> str:
        return self.template(name).render({TRANSLATOR_VARIABLE: self.translator}, **context)


def status_counts(translator: Translator) -> dict[str, int]:
    counts = Counter(rendition.status.value for rendition in translator.renditions.values())
    return {status.value: counts[status.value] for status in Status}
