"""The PDFs as print and screen readers take them: tagged, titled, reproducible, within budget."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import polib
import pytest

from pipeline.catalogs import open_catalog
from pipeline.config import html_lang

from .conftest import LOCALES, ROOT, SOURCE_DATE_EPOCH, brochure

TITLES = {"en": "Exploring together"}


def title_of(locale: str) -> str:
    if locale in TITLES:
        return TITLES[locale]
    catalog = polib.pofile(str(ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po"))
    return catalog.find("Exploring together", msgctxt="brochure title").msgstr


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
    expected = "The key ISECG products"
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


def test_two_builds_give_identical_bytes(project: Path, tmp_path: Path, built: Path) -> None:
    """The session's build and a second one, of French alone, in another folder."""
    out = tmp_path / "second"
    environment = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    result = brochure("build", "-l", "fr", "--out", str(out), cwd=project, env=environment)
    assert result.returncode == 0, result.stderr
    for name in ("exploring-together-fr.pdf", "exploring-together-fr-print.pdf", "index.html"):
        assert (built / "fr" / name).read_bytes() == (out / "fr" / name).read_bytes()
    pdf = pikepdf.open(built / "fr" / "exploring-together-fr.pdf")
    assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114")


def test_overflowing_translation_fails_naming_part_and_segment(project: Path, tmp_path: Path) -> None:
    path = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    catalog = polib.pofile(str(path))
    entry = catalog.find("Version 1 of the Global Exploration Roadmap will be available by mid-2011.")
    entry.msgstr = " ".join([entry.msgstr] * 40)
    catalog.save(str(path))
    line = open_catalog(path).po.find(entry.msgid).linenum
    result = brochure("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"locales/de/LC_MESSAGES/brochure.po:{line}: error: de: 'products'")
    assert "Version 1 of the Global Exploration" in result.stderr
    assert not (tmp_path / "out" / "de" / "exploring-together-de.pdf").exists()


def test_a_character_no_font_has_fails_naming_it(project: Path, tmp_path: Path) -> None:
    # An unassigned code point: fonts-noto-core (for Devanagari) brings Linear B, so U+10000 has a font.
    path = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    catalog = polib.pofile(str(path))
    catalog.find("Economic expansion").msgstr = "Wirtschaftliche \u0378 Expansion"
    catalog.save(str(path))
    line = open_catalog(path).po.find("Economic expansion").linenum
    result = brochure("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert result.stderr == (
        f"locales/de/LC_MESSAGES/brochure.po:{line}: error: de: no font has '\u0378' (U+0378); "
        "used in “Economic expansion”\n"
    )
    assert not (tmp_path / "out" / "de").exists()


def test_pseudo_locale_fits_the_layout_budget(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = brochure("build", "-l", "en-XA", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "layout: fits the layout budget: 6 pages" in result.stdout
    text = pikepdf.open(out / "en-XA" / "exploring-together-en-XA.pdf").pages
    assert len(text) == 6
    page = (out / "en-XA" / "index.html").read_text(encoding="utf-8")
    assert "[Ţĥé Ĝĺöƀàĺ Éẋþĺöŕàţîöñ Šţŕàţéĝý" in page
    assert not (out / "index.html").read_text(encoding="utf-8").count("en-XA")


def append_css(project: Path, rule: str) -> int:
    """Add `rule` at the end of the print stylesheet; the line it is on."""
    path = project / "source" / "styles" / "print.css"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(text + rule + "\n", encoding="utf-8")
    return text.count("\n") + 1


def test_a_stylesheet_naming_a_missing_image_fails_the_build(project: Path, tmp_path: Path) -> None:
    line = append_css(project, ".cover { background-image: url(../assets/missing.svg); }")
    result = brochure("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"source/styles/print.css:{line}: error: the renderer failed: ")
    assert "missing.svg" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out" / "de" / "exploring-together-de.pdf").exists()


def test_a_refused_url_fails_the_build(project: Path, tmp_path: Path) -> None:
    line = append_css(project, ".cover { background-image: url(file:///etc/hostname); }")
    result = brochure("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"source/styles/print.css:{line}: error: the renderer failed: ")
    assert "refused" in result.stderr and "Traceback" not in result.stderr


def test_ignored_css_is_a_warning_and_an_error_when_strict_or_in_ci(project: Path, tmp_path: Path) -> None:
    line = append_css(project, "p { colour: red; }")
    result = brochure(
        "build", "-l", "de", "--to", "pdf", "--out", str(tmp_path / "lenient"), cwd=project, env={"CI": None}
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "lenient" / "report.json").read_text(encoding="utf-8"))
    [german] = [entry for entry in report["locales"] if entry["locale"] == "de"]
    css = [finding for finding in german["findings"] if finding["code"] == "css"]
    places = [(finding["path"], finding["line"], finding["severity"]) for finding in css]
    assert places == [("source/styles/print.css", line, "warning")]
    assert "colour" in css[0]["message"]
    expected = f"source/styles/print.css:{line}: error: ignored by the renderer (--strict): "
    expected += "Ignored `colour: red`"
    strict = brochure("build", "-l", "de", "--strict", "--out", str(tmp_path / "strict"), cwd=project)
    assert strict.returncode == 2 and strict.stderr.startswith(expected), strict.stderr
    in_ci = brochure("build", "-l", "de", "--out", str(tmp_path / "ci"), cwd=project, env={"CI": "true"})
    assert in_ci.returncode == 2 and in_ci.stderr.startswith(expected), in_ci.stderr
    assert not (tmp_path / "strict" / "de" / "exploring-together-de.pdf").exists()


def test_the_build_verifies_what_it_wrote() -> None:
    """A PDF that came out other than asked is refused, not published (pipeline/pdf.py's unfulfilled)."""
    import io

    from pipeline.pdf import unfulfilled

    plain = pikepdf.new()
    plain.add_blank_page()
    stream = io.BytesIO()
    plain.save(stream)
    problems = unfulfilled(stream.getvalue(), "de")
    assert len(problems) == 3, problems
    assert "PDF/UA-1" in problems[0] and "not tagged" in problems[1] and "'de'" in problems[2]
