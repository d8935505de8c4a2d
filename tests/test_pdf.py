"""The PDFs as print and screen readers take them: tagged, titled, reproducible, within budget."""

from __future__ import annotations

import os
from pathlib import Path

import pikepdf
import polib
import pytest

from pipeline.catalogs import read_catalog
from pipeline.config import html_lang

from .conftest import LOCALES, ROOT, run_cli

TITLES = {"en": "Exploring Together"}


def title_of(locale: str) -> str:
    if locale in TITLES:
        return TITLES[locale]
    catalog = polib.pofile(str(ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po"))
    return catalog.find("Exploring Together").msgstr


@pytest.fixture(scope="module")
def pdfs(built: Path) -> dict[str, pikepdf.Pdf]:
    return {locale: pikepdf.open(built / locale / f"exploring-together-{locale}.pdf") for locale in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_is_tagged_with_language_and_title(pdfs: dict[str, pikepdf.Pdf], locale: str) -> None:
    pdf = pdfs[locale]
    assert str(pdf.Root.Lang) == html_lang(locale)
    assert pdf.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.docinfo["/Title"]) == title_of(locale)
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo["/Author"])
    assert "ISECG" in str(pdf.docinfo["/Keywords"])


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_syntax_is_clean(pdfs: dict[str, pikepdf.Pdf], locale: str) -> None:
    assert pdfs[locale].check_pdf_syntax() == []


@pytest.mark.parametrize("locale", LOCALES)
def test_bookmarks_follow_the_headings(pdfs: dict[str, pikepdf.Pdf], locale: str) -> None:
    with pdfs[locale].open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert len(titles) >= 5
    expected = "The Key ISECG Products"
    if locale != "en":
        catalog = polib.pofile(str(ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po"))
        expected = catalog.find(expected).msgstr
    assert expected in titles


@pytest.mark.parametrize("locale", LOCALES)
def test_fonts_are_embedded(pdfs: dict[str, pikepdf.Pdf], locale: str) -> None:
    fonts = []
    for page in pdfs[locale].pages:
        for font in page.Resources.get("/Font", {}).values():
            descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
            fonts.append(descriptor)
    assert fonts
    assert all(any(key in d for key in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts)


@pytest.mark.parametrize("locale", LOCALES)
def test_links_work(pdfs: dict[str, pikepdf.Pdf], locale: str) -> None:
    uris, destinations = set(), set()
    for page in pdfs[locale].pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action.URI))
            if "/Dest" in annotation:
                destinations.add(str(annotation.Dest))
    assert "note-agencies" in destinations
    assert "mailto:ISECG@esa.int" in uris
    assert "https://www.globalspaceexploration.org" in uris


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_has_a_preview(built: Path, pdfs: dict[str, pikepdf.Pdf], locale: str) -> None:
    previews = sorted((built / locale / "preview").glob("page-*.png"))
    assert len(previews) == len(pdfs[locale].pages)
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in previews)


def test_two_builds_give_identical_bytes(project: Path, tmp_path: Path) -> None:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / run
        result = run_cli("build", "-l", "fr", "--out", str(out), cwd=project, env=environment)
        assert result.returncode == 0, result.stderr
        outputs.append(out)
    for name in ("exploring-together-fr.pdf", "index.html"):
        assert (outputs[0] / "fr" / name).read_bytes() == (outputs[1] / "fr" / name).read_bytes()
    pdf = pikepdf.open(outputs[0] / "fr" / "exploring-together-fr.pdf")
    assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114")


def test_overflowing_translation_fails_naming_part_and_segment(project: Path, tmp_path: Path) -> None:
    path = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    catalog = polib.pofile(str(path))
    entry = catalog.find("Version 1 of the Global Exploration Roadmap will be available by mid 2011.")
    entry.msgstr = " ".join([entry.msgstr] * 40)
    catalog.save(str(path))
    line = read_catalog(path).find(entry.msgid).linenum
    result = run_cli("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"locales/de/LC_MESSAGES/brochure.po:{line}: error: de: 'products'")
    assert "Version 1 of the Global Exploration" in result.stderr
    assert not (tmp_path / "out" / "de" / "exploring-together-de.pdf").exists()


def test_a_character_no_font_has_fails_naming_it(project: Path, tmp_path: Path) -> None:
    path = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    catalog = polib.pofile(str(path))
    # Private use: no font has it (Debian's Noto fonts cover even Linear B, once used here).
    catalog.find("Economic expansion").msgstr = "Wirtschaftliche \ue000 Expansion"
    catalog.save(str(path))
    line = read_catalog(path).find("Economic expansion").linenum
    result = run_cli("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert result.stderr == (
        f"locales/de/LC_MESSAGES/brochure.po:{line}: error: de: no font has '\ue000' (U+E000); "
        "used in “Economic expansion”\n"
    )
    assert not (tmp_path / "out" / "de").exists()


def test_pseudo_locale_fits_the_layout_budget(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "-l", "en-XA", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "layout: fits the layout budget: 6 pages" in result.stdout
    text = pikepdf.open(out / "en-XA" / "exploring-together-en-XA.pdf").pages
    assert len(text) == 6
    page = (out / "en-XA" / "index.html").read_text(encoding="utf-8")
    assert "[Ţĥé Ĝĺöƀàĺ Éẋþĺöŕàţîöñ Šţŕàţéĝý" in page
    assert not (out / "index.html").read_text(encoding="utf-8").count("en-XA")
