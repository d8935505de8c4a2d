"""The built brochure, read back as a reader gets it: PDF text and HTML pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest

from pipeline.config import babel_locale, html_lang, load_project
from pipeline.facts import read_facts

from .conftest import LOCALES, ROOT, TRANSLATED, catalog

MOTTO = "Exploring together"
# Languages written without spaces between words: a line break in the PDF's text is no space.
UNSPACED = ("zh", "ja")


def motto(locale: str) -> str:
    return MOTTO if locale == "en" else catalog(locale).find(MOTTO).msgstr


def era(locale: str) -> str:
    """The era name a reader of `locale` expects, as CLDR names it in the width data.toml says."""
    width = read_facts(ROOT / "source" / "data.toml").era_width_for(locale)
    return str(babel_locale(locale).eras[width][0])


def pdf_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def normalize(text: str, locale: str = "en") -> str:
    """Fold case and undo line breaks and hyphenation, as a reader's eye does.

    A hyphen at a line's end may be the layout's or the word's own, so hyphens are dropped
    on both sides of every comparison; in Chinese and Japanese, so are spaces and line breaks.
    """
    text = re.sub(r"[-\u2010]\s*\r?\n\s*", "", text)
    text = re.sub(r"[-\u2010\u00ad\ufffe\x02]", "", text)
    text = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).casefold()
    return text.replace(" ", "") if locale.startswith(UNSPACED) else text


@pytest.fixture(scope="module")
def texts(built: Path) -> dict[str, str]:
    return {
        locale: normalize(pdf_text(built / locale / f"exploring-together-{locale}.pdf"), locale)
        for locale in LOCALES
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_outputs_exist(built: Path, locale: str) -> None:
    assert (built / "index.html").is_file()
    assert (built / locale / "index.html").is_file()
    pdf = built / locale / f"exploring-together-{locale}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_has_its_motto_on_the_cover(texts: dict[str, str], locale: str) -> None:
    assert normalize(motto(locale), locale) in texts[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_edition_carries_the_mottos_of_all(texts: dict[str, str], locale: str) -> None:
    for other in LOCALES:
        assert normalize(motto(other), locale) in texts[locale], other


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_names_member_countries_and_eras_in_its_language(texts: dict[str, str], locale: str) -> None:
    territories = babel_locale(locale).territories
    for code in ("KR", "GB", "US", "150"):
        assert normalize(territories[code], locale) in texts[locale], code
    assert normalize(era(locale), locale) in texts[locale]
    assert "470–399" in texts[locale]


def test_korean_reads_its_own_era_name() -> None:
    """CLDR abbreviates the Korean era in Latin letters (BC); the brochure says 기원전."""
    assert era("ko") == babel_locale("ko").eras["wide"][0]
    assert not re.search("[A-Za-z]", era("ko"))


@pytest.mark.parametrize("locale", TRANSLATED)
def test_pdf_has_translated_paragraphs(texts: dict[str, str], locale: str) -> None:
    entries = [entry for entry in catalog(locale) if len(entry.msgid) > 60 and "{" not in entry.msgid]
    assert len(entries) > 10
    for entry in entries:
        if "*" in entry.msgstr or "[" in entry.msgstr:
            continue
        assert normalize(entry.msgstr, locale)[:80] in texts[locale], entry.msgid[:40]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_pdf_has_no_english_body_paragraphs(texts: dict[str, str], locale: str) -> None:
    for entry in catalog(locale):
        if len(entry.msgid) > 60:
            assert normalize(entry.msgid, locale)[:50] not in texts[locale], entry.msgid[:40]


class LangCollector(HTMLParser):
    """The lang attribute of <html>, and those of the elements inside that carry one."""

    def __init__(self) -> None:
        super().__init__()
        self.root_lang = ""
        self.inner: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.root_lang = attributes.get("lang") or ""
        elif "lang" in attributes:
            self.inner.append((tag, attributes["lang"] or "", attributes.get("class") or ""))


@pytest.mark.parametrize("locale", LOCALES)
def test_html_pages_say_their_language(built: Path, locale: str) -> None:
    collector = LangCollector()
    collector.feed((built / locale / "index.html").read_text(encoding="utf-8"))
    assert collector.root_lang == html_lang(locale)
    tags = {html_lang(code) for code in LOCALES}
    section_mottos = [lang for tag, lang, cls in collector.inner if cls == "motto"]
    assert section_mottos and set(section_mottos) <= tags - {html_lang(locale)}
    listed = {lang for tag, lang, cls in collector.inner if tag == "li" and cls == ""}
    assert tags <= listed
    assert "<script" not in (built / locale / "index.html").read_text(encoding="utf-8")


def test_language_chooser_links_every_locale(built: Path) -> None:
    chooser = (built / "index.html").read_text(encoding="utf-8")
    for locale in LOCALES:
        assert f'href="{locale}/index.html"' in chooser
        assert f'href="{locale}/exploring-together-{locale}.pdf"' in chooser


def test_report_lists_every_locale_with_its_pages(built: Path) -> None:
    import json

    report = json.loads((built / "report.json").read_text(encoding="utf-8"))
    pages = {entry["locale"]: entry["pages"] for entry in report["locales"]}
    assert set(pages) == set(LOCALES)
    assert all(count >= 6 for count in pages.values())


class AlternateCollector(HTMLParser):
    """The hreflang alternates of a page's head: language tag -> address."""

    def __init__(self) -> None:
        super().__init__()
        self.alternates: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates[attributes.get("hreflang") or ""] = attributes.get("href") or ""


@pytest.mark.parametrize("page", ["index.html", *(f"{locale}/index.html" for locale in LOCALES)])
def test_hreflang_alternates_are_absolute_with_a_default(built: Path, page: str) -> None:
    site = load_project(ROOT).site_url
    collector = AlternateCollector()
    collector.feed((built / page).read_text(encoding="utf-8"))
    expected = {html_lang(locale): f"{site}{locale}/index.html" for locale in LOCALES}
    assert collector.alternates == {**expected, "x-default": site}


def test_chooser_names_every_language_in_itself(built: Path) -> None:
    chooser = (built / "index.html").read_text(encoding="utf-8")
    for locale in LOCALES:
        own = babel_locale(locale)
        name = own.get_display_name(own) or ""
        assert f'<span class="language">{name[:1].upper()}{name[1:]}</span>' in chooser, locale
