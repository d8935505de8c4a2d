"""The print edition as a print shop takes it: PDF/X-4, output intent, boxes, bleed, pages in fours."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pikepdf
import pytest

from pipeline.press import BLEED, MARKS, MM, unfulfilled

from .conftest import LOCALES, brochure


@pytest.fixture(scope="module")
def prints(built: Path) -> dict[str, pikepdf.Pdf]:
    return {
        locale: pikepdf.open(built / locale / f"exploring-together-{locale}-print.pdf") for locale in LOCALES
    }


def box(page: pikepdf.Page, name: str) -> list[float]:
    return [float(value) for value in page.obj[name]]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_a_print_edition_in_whole_sheets(
    prints: dict[str, pikepdf.Pdf], locale: str
) -> None:
    pages = len(prints[locale].pages)
    assert pages % 4 == 0 and pages == 8, f"{locale}: {pages} pages"


@pytest.mark.parametrize("locale", LOCALES)
def test_identifies_as_pdf_x4(prints: dict[str, pikepdf.Pdf], locale: str) -> None:
    pdf = prints[locale]
    assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
    assert str(pdf.docinfo["/Trapped"]) == "/False"
    assert pdf.pdf_version >= "1.6"
    assert len(pdf.trailer.ID) == 2  # PDF/X wants the file identifier


@pytest.mark.parametrize("locale", LOCALES)
def test_output_intent_is_a_cmyk_printer_profile(prints: dict[str, pikepdf.Pdf], locale: str) -> None:
    [intent] = prints[locale].Root.OutputIntents
    assert intent.S == "/GTS_PDFX"
    assert str(intent.OutputConditionIdentifier)
    profile = intent.DestOutputProfile.read_bytes()
    assert intent.DestOutputProfile.N == 4
    assert profile[12:16] == b"prtr" and profile[16:20] == b"CMYK"


@pytest.mark.parametrize("locale", LOCALES)
def test_trim_bleed_and_media_boxes_on_every_page(prints: dict[str, pikepdf.Pdf], locale: str) -> None:
    for number, page in enumerate(prints[locale].pages, start=1):
        trim, bleed, media = box(page, "/TrimBox"), box(page, "/BleedBox"), box(page, "/MediaBox")
        assert trim[2] - trim[0] == pytest.approx(210 * MM, abs=0.1), number  # A4 once trimmed
        assert trim[3] - trim[1] == pytest.approx(297 * MM, abs=0.1), number
        outward = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
        assert outward == pytest.approx([BLEED] * 4, abs=0.01), f"{locale} page {number}: 3 mm of bleed"
        marks = [bleed[0] - media[0], bleed[1] - media[1], media[2] - bleed[2], media[3] - bleed[3]]
        assert all(room >= 5 * MM for room in marks), f"{locale} page {number}: crop marks need room"
        assert marks == pytest.approx([MARKS - BLEED] * 4, abs=0.01)


@pytest.mark.parametrize("locale", LOCALES)
def test_nothing_prints_over_the_trim_as_an_annotation(prints: dict[str, pikepdf.Pdf], locale: str) -> None:
    assert not any("/Annots" in page.obj for page in prints[locale].pages)


@pytest.mark.parametrize("locale", LOCALES)
def test_page_colour_is_device_independent(prints: dict[str, pikepdf.Pdf], locale: str) -> None:
    for page in prints[locale].pages:
        default = page.Resources.ColorSpace.DefaultRGB
        assert default[0] == "/ICCBased" and default[1].N == 3


def test_the_cover_colour_runs_into_the_bleed_and_the_marks_stand_outside(built: Path) -> None:
    """Rendered at 72 dpi: navy just past the trim (within the bleed), paper where the marks are."""
    import pypdfium2

    document = pypdfium2.PdfDocument(built / "en" / "exploring-together-en-print.pdf")
    try:
        image = document[0].render(scale=1, crop=(0, 0, 0, 0), may_draw_forms=False).to_pil().convert("RGB")
    finally:
        document.close()
    margin = MARKS  # points from the media box's edge to the trim
    inside_bleed = image.getpixel((int(margin - BLEED / 2), int(image.height / 2)))
    beyond_bleed = image.getpixel((int((margin - BLEED) / 2), int(image.height / 2)))
    assert sum(inside_bleed) < 150, inside_bleed  # the cover's navy
    assert sum(beyond_bleed) > 700, beyond_bleed  # white paper, cut away


def test_report_lists_and_links_both_editions(built: Path) -> None:
    report = json.loads((built / "report.json").read_text(encoding="utf-8"))
    for entry in report["locales"]:
        assert entry["pages"] == 6 and entry["print_pages"] == 8, entry["locale"]
        assert entry["print_pdf_bytes"] > 0
    page = (built / "report.html").read_text(encoding="utf-8")
    assert 'href="de/exploring-together-de-print.pdf"' in page
    assert 'href="de/exploring-together-de.pdf"' in page


def test_web_page_links_the_screen_edition_first_and_the_print_edition(built: Path) -> None:
    page = (built / "fr" / "index.html").read_text(encoding="utf-8")
    screen, printed = 'href="exploring-together-fr.pdf"', 'href="exploring-together-fr-print.pdf"'
    assert page.index(screen) < page.index(printed)


def test_the_press_check_refuses_a_pdf_unfit_for_print() -> None:
    plain = pikepdf.new()
    for _ in range(3):
        plain.add_blank_page()
    stream = io.BytesIO()
    plain.save(stream)
    problems = unfulfilled(stream.getvalue())
    assert "PDF/X-4" in problems[0]
    assert "output intent" in problems[1]
    assert "page 1: no TrimBox or BleedBox" in problems


def test_a_print_budget_not_in_fours_is_refused(project: Path, tmp_path: Path) -> None:
    path = project / "source" / "layout.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[print]\npages = 8", "[print]\npages = 7"), encoding="utf-8")
    line = text.splitlines().index("[print]") + 1
    result = brochure("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"source/layout.toml:{line}: error: the print edition is saddle-stitched")


def test_a_missing_output_intent_profile_fails_the_build(project: Path, tmp_path: Path) -> None:
    settings = project / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("[tool.brochure]\n", '[tool.brochure]\nprint-profile = "no.icc"\n'), encoding="utf-8"
    )
    result = brochure("build", "-l", "de", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("no.icc:1: error: no ICC profile for the print edition's output intent")
    assert "Traceback" not in result.stderr
