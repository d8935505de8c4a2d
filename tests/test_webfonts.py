"""Web pages load light fonts: WOFF2 subsets of what each page sets, within the weight budget."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from pipeline.subset import covered, subset_woff2
from pipeline.webfonts import read_fonts, text_by_language, unicode_range

from .conftest import LOCALES, ROOT, catalog

KIB = 1024
CJK = ("zh", "ja", "ko")
FONT_URL = re.compile(r'url\("([^"]+\.woff2)"\)')


def page_fonts(page: Path) -> list[Path]:
    """The font files of the stylesheet the page links in its webfonts/ folder."""
    assert '<link rel="stylesheet" href="webfonts/fonts.css">' in page.read_text(encoding="utf-8")
    stylesheet = page.parent / "webfonts" / "fonts.css"
    return [stylesheet.parent / url for url in FONT_URL.findall(stylesheet.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("locale", LOCALES)
def test_page_fonts_stay_within_budget(built: Path, locale: str) -> None:
    fonts = page_fonts(built / locale / "index.html")
    assert fonts and all(path.read_bytes()[:4] == b"wOF2" for path in fonts)
    budget = 1024 * KIB if locale.startswith(CJK) else 400 * KIB
    assert sum(path.stat().st_size for path in fonts) <= budget


def test_no_page_loads_whole_font_files(built: Path) -> None:
    pages = [built / "index.html", *(built / locale / "index.html" for locale in LOCALES)]
    screen = built / "styles" / "screen.css"
    imported = re.findall(r'@import url\("([^"]+)"\)', screen.read_text(encoding="utf-8"))
    for path in [*pages, screen, *(screen.parent / name for name in imported)]:
        assert ".ttf" not in path.read_text(encoding="utf-8"), path
    assert not (built / "fonts").exists()


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale.startswith(CJK)] + ["ru"])
def test_subsets_hold_every_character_of_their_page(built: Path, locale: str) -> None:
    page = built / locale / "index.html"
    covered: set[int] = set()
    for path in page_fonts(page):
        covered |= set(TTFont(path).getBestCmap())
    texts = text_by_language(page.read_text(encoding="utf-8"))
    missing = {c for text in texts.values() for c in text if not c.isspace() and ord(c) not in covered}
    assert missing == set()


def test_chooser_loads_subsets_of_every_script(built: Path) -> None:
    fonts = page_fonts(built / "index.html")
    families = {str(TTFont(path)["name"].getDebugName(1)) for path in fonts}
    assert {
        "Lato",
        "Noto Sans CJK SC",
        "Noto Sans CJK JP",
        "Noto Sans CJK KR",
        "Noto Sans Devanagari",
    } <= families


def test_unicode_range_merges_neighbours() -> None:
    assert unicode_range("ECAB ") == "U+20,U+41-43,U+45"


@pytest.mark.parametrize("locale", ["ru", "uk"])
def test_lato_has_every_letter_of_the_cyrillic_editions(locale: str) -> None:
    lato = read_fonts(ROOT / "source" / "fonts.toml").family("Lato")
    for face in lato:
        cmap = TTFont(face.path).getBestCmap()
        text = "".join(entry.msgstr + entry.msgstr.upper() for entry in catalog(locale))
        assert {c for c in text if not c.isspace() and ord(c) not in cmap} == set(), face.path.name


def test_subsets_are_dated_as_their_fonts_not_as_the_build(built: Path) -> None:
    faces = {face.file_name: face for face in read_fonts(ROOT / "source" / "fonts.toml").faces}
    fonts = page_fonts(built / "de" / "index.html")
    assert len(fonts) > 5
    for path in fonts:
        face = faces[path.name]
        with TTFont(face.path, fontNumber=face.index, lazy=True) as original:
            assert TTFont(path)["head"].modified == original["head"].modified, path.name


def test_a_subset_is_kept_for_the_next_build_and_made_again_when_damaged(tmp_path: Path) -> None:
    lato = read_fonts(ROOT / "source" / "fonts.toml").family("Lato")[0]
    first = subset_woff2(lato.path, lato.index, "Gemeinsam", tmp_path)
    (kept,) = tmp_path.glob("*.woff2")
    assert kept.read_bytes() == first and first.startswith(b"wOF2")
    kept.write_bytes(b"wOF2 as kept")  # what the store holds is what a later call returns
    assert subset_woff2(lato.path, lato.index, "Gemeinsam", tmp_path) == b"wOF2 as kept"
    kept.write_bytes(b"half a file")
    assert subset_woff2(lato.path, lato.index, "Gemeinsam", tmp_path) == first
    assert kept.read_bytes() == first
    other = subset_woff2(lato.path, lato.index, "Gemeinsam!", tmp_path)
    assert len(list(tmp_path.glob("*.woff2"))) == 2
    assert set(TTFont(io.BytesIO(other)).getBestCmap()) - set(TTFont(io.BytesIO(first)).getBestCmap()) == {
        ord("!")
    }


def test_harfbuzz_tells_which_characters_a_face_has() -> None:
    fonts = read_fonts(ROOT / "source" / "fonts.toml")
    lato, japanese = fonts.family("Lato")[0], fonts.family("Noto Sans CJK JP")[0]
    wanted = {"a", "ß", "Ж", "探", "\u0905"}
    assert covered(lato.path, lato.index, wanted) == {"a", "ß", "Ж"}
    with TTFont(japanese.path, fontNumber=japanese.index, lazy=True) as font:
        cmap = font.getBestCmap()
    assert covered(japanese.path, japanese.index, wanted) == {c for c in wanted if ord(c) in cmap}
