"""The screen PDFs as a screen reader meets them: the structure tree walked, the text layer extracted.

Each test names the PDF/UA point it holds (issue 14) so that a WeasyPrint upgrade that undoes one
of pipeline/tagging.py's fixes fails here by name.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pikepdf
import polib
import pypdfium2
import pytest

from pipeline.facts import localize, read_facts
from pipeline.tagging import TaggingError, read_lines, recording

from .conftest import LOCALES, ROOT, brochure, catalog, copy_project

EDGES = re.compile(r"[ \t\r\n\f]+")  # whitespace a layout adds; never the no-break spaces of the text


@dataclass(frozen=True)
class Element:
    """A structure element in reading order, with the text of the marked content under it."""

    kind: str
    depth: int
    page: int | None
    text: str
    obj: pikepdf.Dictionary


def actual_texts(pdf: pikepdf.Pdf) -> list[dict[int, str | None]]:
    """Per page: each marked-content id that draws something, and its /ActualText (None: an image)."""
    pages = []
    for page in pdf.pages:
        texts: dict[int, str | None] = {}
        open_ids: list[int | None] = []
        for instruction in pikepdf.parse_content_stream(page):
            operator, operands = str(instruction.operator), instruction.operands
            if operator in ("BDC", "BMC"):
                properties = operands[1] if operator == "BDC" else None
                mcid = (
                    int(properties.MCID)
                    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                    else None
                )
                open_ids.append(mcid)
                if mcid is not None:
                    texts[mcid] = str(properties.ActualText) if "/ActualText" in properties else None
            elif operator == "EMC":
                open_ids.pop()
        pages.append(texts)
    return pages


def kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    value = element.get("/K")
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def walk(pdf: pikepdf.Pdf) -> list[Element]:
    """Every structure element under the Document element, depth first, in reading order."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    texts = actual_texts(pdf)
    elements: list[Element] = []

    def text_of(element: pikepdf.Object, page: int | None) -> str:
        parts = []
        for kid in kids(element):
            if isinstance(kid, int) and page is not None:
                parts.append(texts[page].get(int(kid)) or "")
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                parts.append(text_of(kid, pages.get(kid.Pg.objgen) if "/Pg" in kid else page))
        return "".join(parts)

    def visit(element: pikepdf.Object, depth: int) -> None:
        for kid in kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                page = pages.get(kid.Pg.objgen) if "/Pg" in kid else None
                elements.append(Element(str(kid.S)[1:], depth, page, text_of(kid, page), kid))
                visit(kid, depth + 1)

    visit(kids(pdf.Root.StructTreeRoot)[0], 0)
    return elements


def flat(text: str) -> str:
    """Text as read aloud: soft hyphens gone, layout whitespace one space."""
    return EDGES.sub(" ", re.sub("\u00ad[ \t\r\n\f]*", "", text)).strip()


@pytest.fixture(scope="module")
def pdfs(built: Path) -> dict[str, pikepdf.Pdf]:
    return {locale: pikepdf.open(built / locale / f"exploring-together-{locale}.pdf") for locale in LOCALES}


@pytest.fixture(scope="module")
def trees(pdfs: dict[str, pikepdf.Pdf]) -> dict[str, list[Element]]:
    return {locale: walk(pdf) for locale, pdf in pdfs.items()}


def reached_ids(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    reached = set()
    for element in walk(pdf):
        for kid in kids(element.obj):
            if isinstance(kid, int):
                reached.add((pages[element.obj.Pg.objgen], int(kid)))
    return reached


@pytest.mark.parametrize("locale", LOCALES)
def test_every_marked_content_id_is_reached_from_the_root_and_exists(
    pdfs: dict[str, pikepdf.Pdf], locale: str
) -> None:
    pdf = pdfs[locale]
    in_content = {(page, mcid) for page, texts in enumerate(actual_texts(pdf)) for mcid in texts}
    reached = reached_ids(pdf)
    assert not in_content - reached, f"{locale}: marked content no structure element reaches (01-005)"
    assert not reached - in_content, f"{locale}: structure elements point to marked content that is not there"


@pytest.mark.parametrize("locale", LOCALES)
def test_parent_tree_maps_each_id_to_the_element_that_holds_it(
    pdfs: dict[str, pikepdf.Pdf], locale: str
) -> None:
    pdf = pdfs[locale]
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    mapping = dict(zip(nums[::2], nums[1::2], strict=True))
    for page_index, page in enumerate(pdf.pages):
        by_mcid = mapping[int(page.StructParents)]
        for mcid, element in enumerate(by_mcid):
            if isinstance(element, pikepdf.Dictionary):
                assert mcid in [k for k in kids(element) if isinstance(k, int)], (
                    f"{locale} p{page_index} #{mcid}"
                )
                assert element.Pg.objgen == page.obj.objgen


@pytest.mark.parametrize("locale", LOCALES)
def test_no_empty_structure_elements(trees: dict[str, list[Element]], locale: str) -> None:
    empty = [element.kind for element in trees[locale] if not kids(element.obj)]
    assert not empty, f"{locale}: empty structure elements {empty}"


@pytest.mark.parametrize("locale", LOCALES)
def test_running_heads_and_page_numbers_are_pagination_artifacts(
    pdfs: dict[str, pikepdf.Pdf], trees: dict[str, list[Element]], locale: str
) -> None:
    pdf = pdfs[locale]
    interior = range(1, len(pdf.pages) - 1)  # the covers have no running head
    for index in interior:
        subtypes = []
        for instruction in pikepdf.parse_content_stream(pdf.pages[index]):
            if str(instruction.operator) == "BDC" and instruction.operands[0] == "/Artifact":
                properties = instruction.operands[1]
                if properties.get("/Type") == "/Pagination":
                    subtypes.append(str(properties.get("/Subtype")))
        assert subtypes.count("/Header") == 2, (
            f"{locale} page {index + 1}: running head not a Header artifact"
        )
        assert subtypes.count("/Footer") == 1, f"{locale} page {index + 1}: page number not a Footer artifact"
        numbers = [
            e
            for e in trees[locale]
            if e.page == index and e.text.strip() == str(index + 1) and "/Lbl" not in (e.obj.S, e.obj.P.S)
        ]
        assert not numbers, f"{locale} page {index + 1}: the page number is tagged as content"


@pytest.mark.parametrize("locale", LOCALES)
def test_first_page_reads_in_visual_order_without_hidden_text(
    trees: dict[str, list[Element]], locale: str
) -> None:
    top = [e for e in trees[locale] if e.page == 0 and e.depth == 1]
    assert [e.kind for e in top] == ["Div", "H1", "P", "P"], f"{locale}: cover reading order {top}"
    figure = next(e for e in trees[locale] if e.kind == "Figure")
    assert str(figure.obj.Alt) == catalog_text(
        locale, "Earth, the Moon and Mars, linked by the paths of spacecraft"
    )
    assert flat(top[1].text) == catalog_text(locale, "Exploring together"), f"{locale}: the headline"
    intro = catalog_text(locale, INTRO).replace("{founding_count}", placeholders(locale)["founding_count"])
    assert flat(top[2].text) == intro, f"{locale}: the introduction"
    assert flat(top[3].text) == "ISECG"
    assert "‐" not in "".join(e.text for e in top), f"{locale}: a hidden or hyphenated title is read"


INTRO = (
    "ISECG is the international forum set up by {founding_count} space agencies to advance the Global "
    "Exploration Strategy through coordination of their mutual efforts in space exploration."
)


def placeholders(locale: str) -> dict[str, str]:
    return localize(read_facts(ROOT / "source" / "data.toml"), locale).placeholders


@pytest.mark.parametrize("locale", LOCALES)
def test_back_cover_reads_its_text_before_its_art(
    built: Path, trees: dict[str, list[Element]], locale: str
) -> None:
    last = max(e.page or 0 for e in trees[locale])
    kinds = [e.kind for e in trees[locale] if e.page == last and e.depth == 1]
    assert kinds == ["P", "P", "L", "Div"], f"{locale}: back cover reading order {kinds}"
    mottos = items_of(trees[locale], lists_of(trees[locale])[-1])
    read = [flat(item.text) for item in mottos]
    assert read == [text for _, text in every_motto(built, locale)], f"{locale}: the mottos read {read}"


@pytest.mark.parametrize("locale", LOCALES)
def test_member_grid_is_not_read_twice(trees: dict[str, list[Element]], locale: str) -> None:
    lists = lists_of(trees[locale])
    assert len(lists) == 2, f"{locale}: {len(lists)} lists; only the themes and the mottos are lists"
    nasa = [e for e in trees[locale] if e.depth > 0 and "NASA" in e.text and e.kind in ("P", "LI", "TD")]
    assert len(nasa) == 1, f"{locale}: the membership is read {len(nasa)} times"


def lists_of(tree: list[Element]) -> list[Element]:
    """The lists in reading order: the themes, then the back cover's mottos."""
    return [e for e in tree if e.kind == "L"]


def items_of(tree: list[Element], parent: Element) -> list[Element]:
    return [e for e in tree if e.kind == "LI" and e.obj.P.objgen == parent.obj.objgen]


def web_page(built: Path, locale: str) -> str:
    return (built / locale / "index.html").read_text(encoding="utf-8")


def plain(fragment: str) -> str:
    """An HTML fragment's text, as read aloud (Korean words come in no-wrap spans)."""
    return flat(html.unescape(re.sub(r"<[^>]+>", "", fragment)))


def every_motto(built: Path, locale: str) -> list[tuple[str, str]]:
    """(lang, text) of the motto in every language, as the list below the web page has them."""
    found = re.search(r'<ul class="mottos">(.*?)</ul>', web_page(built, locale), flags=re.S)
    assert found, f"{locale}: the web page lists no mottos"
    return [(lang, plain(text)) for lang, text in re.findall(r'<li lang="([^"]+)">(.*?)</li>', found[1])]


def foreign_passages(built: Path, locale: str, own: str) -> list[tuple[str, str, str]]:
    """(kind, lang, text) of each passage in a language other than `own`: the section pages'
    mottos (P) and the mottos of the back cover's list (LI)."""
    sections = re.findall(r'<p class="motto" lang="([^"]+)">(.*?)</p>', web_page(built, locale), flags=re.S)
    return [("P", lang, plain(text)) for lang, text in sections] + [
        ("LI", lang, text) for lang, text in every_motto(built, locale) if lang != own
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_foreign_passages_carry_their_lang(
    built: Path, pdfs: dict[str, pikepdf.Pdf], trees: dict[str, list[Element]], locale: str
) -> None:
    own = str(pdfs[locale].Root.Lang)  # the BCP 47 tag: zh-Hans for zh_Hans
    foreign = foreign_passages(built, locale, own)
    kinds = [kind for kind, _, _ in foreign]
    assert kinds.count("P") >= 3, f"{locale}: {kinds.count('P')} section mottos"
    assert kinds.count("LI") == len(LOCALES) - 1, f"{locale}: the back cover lacks other languages' mottos"
    for kind, lang, text in foreign:
        matches = [e for e in trees[locale] if flat(e.text) == text and e.kind == kind]
        assert matches, f"{locale}: motto {text!r} not tagged as {kind}"
        assert all(str(e.obj.get("/Lang")) == lang for e in matches), f"{locale}: {text!r} lacks /Lang {lang}"
    marked = {str(e.obj.Lang) for e in trees[locale] if "/Lang" in e.obj}
    assert own not in marked, f"{locale}: /Lang repeats the document's language {own}"


@pytest.mark.parametrize("locale", LOCALES)
def test_list_numbers_are_labels(trees: dict[str, list[Element]], locale: str) -> None:
    lists = lists_of(trees[locale])
    assert len(lists) == 2, f"{locale}: {len(lists)} lists, not the themes and the mottos"
    themes, mottos = lists
    items = items_of(trees[locale], themes)
    assert len(items) == 5, f"{locale}: {len(items)} themes"
    for number, item in enumerate(items, start=1):
        parts = [str(kid.S)[1:] for kid in kids(item.obj)]
        assert parts == ["Lbl", "LBody"], f"{locale}: list item {number} is {parts}"
        label = next(e for e in trees[locale] if e.obj.objgen == kids(item.obj)[0].objgen)
        assert label.text.strip() == str(number)
    for number, item in enumerate(items_of(trees[locale], mottos), start=1):
        parts = [str(kid.S)[1:] for kid in kids(item.obj)]
        assert parts == ["LBody"], f"{locale}: motto {number}, in a list without numbers, is {parts}"


@pytest.mark.parametrize("locale", LOCALES)
def test_footnote_is_a_note_and_its_reference_says_so(
    pdfs: dict[str, pikepdf.Pdf], trees: dict[str, list[Element]], locale: str
) -> None:
    notes = [e for e in trees[locale] if e.kind == "Note"]
    assert len(notes) == 1, f"{locale}: {len(notes)} Note elements"
    assert str(notes[0].obj.ID) == "note-agencies"
    id_tree = list(pdfs[locale].Root.StructTreeRoot.IDTree.Names)
    assert str(id_tree[0]) == "note-agencies" and id_tree[1].objgen == notes[0].obj.objgen
    references = [
        annotation
        for page in pdfs[locale].pages
        for annotation in page.get("/Annots", [])
        if str(annotation.get("/Dest", "")) == "note-agencies"
    ]
    assert references, f"{locale}: no link to the footnote"
    assert {str(a.Contents) for a in references} == {catalog_text(locale, "Footnote")}


@pytest.mark.parametrize("locale", LOCALES)
def test_links_are_described_in_words(trees: dict[str, list[Element]], locale: str) -> None:
    links = [e for e in trees[locale] if e.kind == "Link"]
    assert len(links) == 5, f"{locale}: {len(links)} links"
    for link in links:
        objects = [kid.Obj for kid in kids(link.obj) if isinstance(kid, pikepdf.Dictionary) and "/Obj" in kid]
        assert objects, f"{locale}: link {link.text!r} has no annotation reference"
        for annotation in objects:  # a link broken over lines, or with generated content, has several
            words = str(annotation.get("/Contents", ""))
            assert words, f"{locale}: link {link.text!r} has no description"
            assert not re.match(r"(https?:|mailto:|www\.|#|note-)", words), (
                f"{locale}: link described as {words!r}"
            )
            assert words in described(locale, annotation, flat(link.text)), (
                f"{locale}: link {link.text!r} described as {words!r}, not in the edition's words"
            )
            assert int(annotation.StructParent) >= 0


def described(locale: str, annotation: pikepdf.Object, text: str) -> set[str]:
    """What a link may say it is, in the edition's language: 'Footnote', 'E-mail' or 'Website'
    before the address, or (a link inside a sentence) its own words."""
    if str(annotation.get("/Dest", "")).startswith("note-"):
        return {catalog_text(locale, "Footnote")}
    uri = str(annotation.A.URI) if "/A" in annotation else ""
    if uri.startswith("mailto:"):
        return {f"{catalog_text(locale, 'E-mail')} {uri.removeprefix('mailto:')}"}
    return {f"{catalog_text(locale, 'Website')} {re.sub('^https?://', '', uri)}", text}


def catalog_text(locale: str, msgid: str) -> str:
    return msgid if locale == "en" else catalog(locale).find(msgid).msgstr


def web_paragraphs(built: Path, locale: str) -> list[str]:
    """The text of each heading and body paragraph of the web page (links aside: the PDF adds '*').

    Headings are set in capitals by CSS; the text layer has them as the translation writes them.
    """
    page = (built / locale / "index.html").read_text(encoding="utf-8")
    paragraphs = re.findall(r"<(p|h[1-3])[^>]*data-msg=\"[^\"]+\"[^>]*>(.*?)</\1>", page, flags=re.S)
    return [flat(html.unescape(re.sub(r"<[^>]+>", "", p))) for _, p in paragraphs if "<a " not in p]


def extracted(text: str) -> str:
    """An extractor's text as read aloud. Its line breaks stand for nothing: a line that broke at a
    space carries that space in the text layer, and Chinese and Japanese lines break between
    characters, where a space would be wrong."""
    return flat(re.sub(r"\u00ad?[\r\n\f]+", "", text))


def poppler_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return extracted(result.stdout)


def pdfium_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    # pdfium marks a soft hyphen at a line end with U+FFFE.
    return extracted("".join(pages).replace("\ufffe", "\u00ad"))


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None and os.environ.get("CI") != "true",
    reason="pdftotext not installed: apt-get install poppler-utils",
)


@needs_pdftotext
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("extract", [poppler_text, pdfium_text], ids=["pdftotext", "pypdfium2"])
def test_text_layer_is_the_translation(built: Path, locale: str, extract: object) -> None:
    assert callable(extract)
    text = extract(built / locale / f"exploring-together-{locale}.pdf")
    paragraphs = web_paragraphs(built, locale)
    assert len(paragraphs) >= 10
    for paragraph in paragraphs:
        assert paragraph in text, f"{locale}: the text layer lacks, character for character: {paragraph!r}"
    assert "\u2010" not in text, f"{locale}: a hyphen reads as U+2010"
    date = placeholders(locale)["framework_date"]  # 31 mai 2007, 2007년 5월 31일; 2007年5月31日 has no space
    assert not re.search(r"[ \t]", date), f"{locale}: the date {date!r} may break across lines"
    assert date in text, f"{locale}: the date {date!r} lost its no-break spaces"
    assert not re.search(r"Ex[‐-] ?plor[‐-]", text), f"{locale}: the hidden running title is read"


@pytest.mark.parametrize("locale", LOCALES)
def test_structure_tree_reads_the_translation(
    built: Path, trees: dict[str, list[Element]], locale: str
) -> None:
    """What a screen reader reads, element by element, with no extractor guessing spaces from
    gaps: the spaces between Korean word spans, the space a line broke at, none inside a Chinese
    or Japanese line, the no-break spaces of dates."""
    read = flat("".join(e.text for e in trees[locale] if e.kind in ("P", "H1", "H2", "H3")))
    paragraphs = web_paragraphs(built, locale)
    assert len(paragraphs) >= 10
    for paragraph in paragraphs:
        assert paragraph in read, (
            f"{locale}: the structure tree lacks, character for character: {paragraph!r}"
        )


@dataclass
class StandInBox:
    """What the tagging pass reads of a WeasyPrint text box."""

    text: str
    element: Any = None
    style: dict[str, str] = field(
        default_factory=lambda: {
            "text_transform": "none",
            "hyphens": "manual",
            "hyphenate_character": "\u2010",
        }
    )


# (the block's text, the box ending a line, the box starting the next: what the first reads as)
LINE_ENDS = {
    "no space in the text": ("成员为：DLR（德国）、ESA", "成员为：DLR", "（德国）、ESA", "成员为：DLR"),
    "a space in the text": (
        "the solar system where humans",
        "the solar system",
        "where humans",
        "the solar system ",
    ),
    "hyphenated": ("space exploration themes", "space explora\u2010", "tion themes", "space explora\u00ad"),
    "between characters": ("ISECGのウェブサイト", "ISECGのウェ", "ブサイト", "ISECGのウェ"),
    "generated content": ("see the note for", "note*", "for", "note* "),
    "generated, wide": ("见注释和", "注释*", "和", "注释*"),
}


@pytest.mark.parametrize("case", LINE_ENDS)
def test_a_line_end_reads_with_a_space_where_the_text_has_one(case: str) -> None:
    """WeasyPrint drops the space a line broke at; the block's text, or else the characters on
    either side, say whether there was one. A block's last line gets none."""
    source, end, start, expected = LINE_ENDS[case]
    block = ElementTree.fromstring(f"<p>{source}</p>")
    first, second = StandInBox(end, block), StandInBox(start, block)
    read = read_lines([(block, [first]), (block, [second])])
    assert read[id(first)] == expected
    assert read[id(second)] == start


HINDI = Path(__file__).parent / "roots" / "devanagari" / "hi.po"


def has_devanagari_font() -> bool:
    families = subprocess.run(["fc-list", ":lang=hi", "family"], capture_output=True, text=True, check=False)
    return bool(families.stdout.strip())


@pytest.fixture(scope="module")
def hindi_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the brochure with a few Hindi translations (the rest falls back to English)."""
    if not has_devanagari_font() and os.environ.get("CI") != "true":
        pytest.skip("no Devanagari font: apt-get install fonts-noto-core")
    project = copy_project(tmp_path_factory.mktemp("devanagari") / "project")
    (project / "locales" / "hi" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    shutil.copy(HINDI, project / "locales" / "hi" / "LC_MESSAGES" / "brochure.po")
    settings = project / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    configured = (
        text if '"hi"' in text else re.sub(r"(?m)^locales = \[(.*)\]$", r'locales = [\1, "hi"]', text)
    )
    configured = re.sub(r"(?m)^publish-threshold = .*$", "publish-threshold = 0", configured)
    assert configured.count('"hi"') == 1 and "publish-threshold = 0" in configured
    settings.write_text(configured, encoding="utf-8")
    out = project / "out"
    result = brochure("build", "-l", "hi", "--to", "pdf", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return out / "hi" / "exploring-together-hi.pdf"


@needs_pdftotext
@pytest.mark.parametrize("extract", [poppler_text, pdfium_text], ids=["pdftotext", "pypdfium2"])
def test_devanagari_text_layer_is_the_translation(hindi_pdf: Path, extract: object) -> None:
    """Shaping reorders (ि before its consonant) and merges (क्ष) glyphs: the text layer must not."""
    assert callable(extract)
    text = extract(hindi_pdf)
    translations = [flat(entry.msgstr) for entry in polib.pofile(str(HINDI)) if entry.msgstr]
    assert len(translations) == 5
    for translation in translations:
        assert translation in text, f"hi: the text layer lacks, character for character: {translation!r}"


def test_devanagari_paragraphs_read_as_written_in_the_structure_tree(hindi_pdf: Path) -> None:
    paragraphs = {flat(e.text) for e in walk(pikepdf.open(hindi_pdf)) if e.kind == "P"}
    expected = (
        polib.pofile(str(HINDI))
        .find("The Global Exploration Strategy is the key to delivering these benefits.")
        .msgstr
    )
    assert expected in paragraphs


def test_every_glyph_maps_to_some_text(hindi_pdf: Path) -> None:
    """WeasyPrint maps the later glyphs of a cluster to nothing ('<>'), which some readers reject."""
    pdf = pikepdf.open(hindi_pdf)
    for page in pdf.pages:
        for name, font in page.Resources.Font.items():
            if "/ToUnicode" in font:
                assert not re.search(rb"<[0-9a-fA-F]+>[ \t]*<>", font.ToUnicode.read_bytes()), name


def test_a_weasyprint_without_the_hook_fails_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.pdf import tags

    monkeypatch.delattr(tags, "_build_box_tree")
    with pytest.raises(TaggingError, match="_build_box_tree is gone"), recording():
        pass
