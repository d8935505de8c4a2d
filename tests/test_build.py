"""The built brochure, read back as a reader gets it: PDF text and HTML pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest
from babel import Locale

from .conftest import LOCALES, TRANSLATED, catalog

MOTTOS = {
    "en": "Exploring together",
    "de": "Gemeinsam unser Sonnensystem erkunden und erschließen",
    "fr": "explorer ensemble",
    "it": "esplorando insieme",
}
ERAS = {"en": "BC", "de": "v. Chr.", "fr": "av. J.-C.", "it": "a.C."}


def pdf_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def normalize(text: str) -> str:
    """Fold case and undo line breaks and hyphenation, as a reader's eye does.

    A hyphen at a line's end may be the layout's or the word's own, so hyphens are dropped
    on both sides of every comparison.
    """
    text = re.sub(r"[-\u2010]\s*\r?\n\s*", "", text)
    text = re.sub(r"[-\u2010\u00ad\ufffe\x02]", "", text)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).casefold()


@pytest.fixture(scope="module")
def texts(built: Path) -> dict[str, str]:
    return {
        locale: normalize(pdf_text(built / locale / f"exploring-together-{locale}.pdf")) for locale in LOCALES
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_outputs_exist(built: Path, locale: str) -> None:
    assert (built / "index.html").is_file()
    assert (built / locale / "index.html").is_file()
    pdf = built / locale / f"exploring-together-{locale}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_has_its_motto_on_the_cover(texts: dict[str, str], locale: str) -> None:
    assert normalize(MOTTOS[locale]) in texts[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_section_pages_carry_the_other_mottos(texts: dict[str, str], locale: str) -> None:
    others = [code for code in LOCALES if code != locale]
    for other in others:
        assert normalize(MOTTOS[other]) in texts[locale], other


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_names_member_countries_and_eras_in_its_language(texts: dict[str, str], locale: str) -> None:
    territories = Locale.parse(locale).territories
    for code in ("KR", "GB", "US", "150"):
        assert normalize(territories[code]) in texts[locale], code
    assert normalize(f"470–399 {ERAS[locale]}") in texts[locale]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_pdf_has_translated_paragraphs(texts: dict[str, str], locale: str) -> None:
    entries = [entry for entry in catalog(locale) if len(entry.msgid) > 60 and "{" not in entry.msgid]
    assert len(entries) > 10
    for entry in entries:
        if "*" in entry.msgstr or "[" in entry.msgstr:
            continue
        assert normalize(entry.msgstr)[:80] in texts[locale], entry.msgid[:40]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_pdf_has_no_english_body_paragraphs(texts: dict[str, str], locale: str) -> None:
    for entry in catalog(locale):
        if len(entry.msgid) > 60:
            assert normalize(entry.msgid)[:50] not in texts[locale], entry.msgid[:40]


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
    assert collector.root_lang == locale
    motto_langs = {lang for tag, lang, cls in collector.inner if cls == "motto"}
    assert motto_langs == set(LOCALES) - {locale}
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
