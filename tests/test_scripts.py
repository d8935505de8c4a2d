"""Typography per script, checked on the laid-out lines: Korean words whole, Japanese kinsoku,
CJK alignment, Russian and Ukrainian hyphenation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from weasyprint.formatting_structure import boxes

from .conftest import ROOT, copy_project
from .lines import Block, blocks, breaks, laid_out

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# Kinsoku shori: marks that may not start a line (closing marks, the long-vowel mark, small
# kana) and that may not end one (opening brackets).
NOT_AT_START = (
    "、。，．」』）〕】ー々ゝゞヽヾ！？：；・"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)
NOT_AT_END = "「『（〔【"
CJK = ("zh_Hans", "ja", "ko")


@pytest.fixture(scope="module")
def documents() -> dict[str, Any]:
    return {locale: laid_out(ROOT, locale) for locale in (*CJK, "ru", "uk")}


def in_language(document: Any, prefix: str) -> list[Block]:
    return [block for block in blocks(document) if block.lang.startswith(prefix)]


def mid_word_breaks(found: list[Block]) -> list[str]:
    return [
        f"{before[-6:]}/{after[:6]}"
        for block in found
        for before, after, between in breaks(block)
        if not between and HANGUL.match(before[-1:]) and HANGUL.match(after[:1])
    ]


def test_korean_lines_break_only_between_words(documents: dict[str, Any]) -> None:
    found = in_language(documents["ko"], "ko")
    assert sum(len(block.lines) - 1 for block in found) > 20, "too few line breaks to judge"
    assert mid_word_breaks(found) == []


def test_without_the_word_spans_weasyprint_breaks_korean_words(tmp_path: Path) -> None:
    """The reason for the spans: the same text, laid out without them, breaks inside words."""
    project = copy_project(tmp_path / "project")
    settings = project / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('keep-words-whole = ["ko"]', ""))
    assert mid_word_breaks(in_language(laid_out(project, "ko"), "ko"))


def test_korean_words_keep_their_text(documents: dict[str, Any]) -> None:
    """The spans change the markup, never the characters: each line is a piece of the text."""
    for block in in_language(documents["ko"], "ko"):
        joined = " ".join(line.strip() for line in block.lines)
        assert re.sub(r"\s+", " ", joined).strip() == re.sub(r"\s+", " ", block.text).strip()


def test_japanese_lines_follow_kinsoku(documents: dict[str, Any]) -> None:
    found = in_language(documents["ja"], "ja")
    lines = [line.strip() for block in found for line in block.lines if line.strip()]
    assert len(lines) > 40
    assert [line for line in lines if line[0] in NOT_AT_START] == []
    assert [line for line in lines if line[-1] in NOT_AT_END] == []


def paragraph_alignments(document: Any) -> set[str]:
    found = set()
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, boxes.BlockBox) and box.element_tag == "p" and box.style["lang"]:
                found.add(str(box.style["text_align_all"]))
    return found


def test_cjk_editions_align_their_paragraphs_alike(documents: dict[str, Any]) -> None:
    alignments = {locale: paragraph_alignments(documents[locale]) - {"left"} for locale in CJK}
    assert all(found == {"start"} for found in alignments.values()), alignments


@pytest.mark.parametrize("locale", ["ru", "uk"])
def test_russian_and_ukrainian_hyphenate_within_limits(documents: dict[str, Any], locale: str) -> None:
    hyphenated = [
        (before, after)
        for block in in_language(documents[locale], locale)
        for before, after in zip(block.lines, block.lines[1:], strict=False)
        if re.search(r"\w[\u2010-]$", before.rstrip()) and re.match(r"\w", after)
    ]
    assert hyphenated, "no word was hyphenated"
    for before, after in hyphenated:
        head = re.search(r"(\w+)[\u2010-]$", before.rstrip())
        tail = re.match(r"\w+", after)
        assert head and len(head[1]) >= 3 and tail and len(tail[0]) >= 3, (before[-12:], after[:12])


@pytest.mark.parametrize("locale", CJK)
def test_latin_and_cyrillic_passages_of_cjk_editions_are_set_in_lato(
    documents: dict[str, Any], locale: str
) -> None:
    """Other languages' mottos name their own language, and so their own face."""
    families = {
        str(box.style["lang"]): box.style["font_family"][0]
        for page in documents[locale].pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TextBox) and box.text.strip()
    }
    latin = {
        lang: family for lang, family in families.items() if lang[:2] in ("en", "de", "fr", "it", "ru", "uk")
    }
    assert len(latin) == 6 and set(latin.values()) == {"Lato"}, latin
