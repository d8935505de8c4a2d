"""Turn WeasyPrint's tagged PDF into one whose structure tree and text layer a screen reader can trust.

WeasyPrint 70 loses what PDF/UA needs beyond the box tree: `lang`, `role="note"`, `aria-hidden`,
what a link is for, list labels, and that running heads and page numbers are artifacts. Its text
layer maps each glyph to one fixed text: a line-end hyphen reads as U+2010, shaped scripts
(Devanagari) as other letters. `recording()`, around `write_pdf`, notes what each structure element
and marked sequence comes from (reading only, through WeasyPrint's private `_build_box_tree`);
`retag()` completes the file with pikepdf. tests/test_tagging.py fails by name on an upgrade.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unicodedata import east_asian_width

import pikepdf
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Object, Operator, String

SOFT_HYPHEN = "\u00ad"
# Operators that put marks on the page; a marked-content sequence without any draws nothing.
PAINTING = frozenset(["Tj", "TJ", "'", '"', "Do", "sh", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "BI"])
# Phrasing elements WeasyPrint tags NonStruct; a Span groups their text without a meaning of its own.
INLINE = frozenset(["em", "strong", "i", "b", "cite", "q", "abbr", "small"])
# A line that breaks after one of these broke inside a word, not at a space.
NO_SPACE_AFTER = (SOFT_HYPHEN, "-", "\u2010", "/", "\u200b", " ", "\n")
SPACES = re.compile(r"[ \t\r\n]+")
EMPTY_TARGET = re.compile(rb"(<[0-9a-fA-F]+>)[ \t]*<>")
RECORDING = threading.Lock()

# What a marked-content sequence reads as (None: an image), and the margin box it is in ("@top-left").
Marked = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class Origin:
    """The HTML element a structure element was made from (None for a pseudo-element), its tag and lang."""

    tag: str = ""
    lang: str = ""
    element: Any = None

    @classmethod
    def of(cls, box: Any) -> Origin:
        box = getattr(box, "_box", box)  # an absolutely positioned box's placeholder
        tag = box.element_tag or ""
        return cls(tag, str(box.style["lang"] or ""), None if "::" in tag else box.element)

    def get(self, attribute: str) -> str:
        return "" if self.element is None else str(self.element.get(attribute, ""))


@dataclass(slots=True)
class Record:
    """What WeasyPrint knew while tagging: marked content per page, origins per object number."""

    pages: dict[int, dict[int, Marked]] = field(default_factory=dict)
    origins: dict[int, Origin] = field(default_factory=dict)


class TaggingError(RuntimeError):
    """WeasyPrint's tagging is not what this pass was written for (an upgrade changed it)."""


@contextmanager
def recording() -> Iterator[Record]:
    """Record, during one `write_pdf`, the origin of each structure element and marked sequence."""
    from weasyprint.formatting_structure.boxes import PageBox
    from weasyprint.pdf import tags

    record = Record()
    drawn: dict[int, tuple[Any, dict[int, Any]]] = {}  # per page: its box, and the box of each id
    with RECORDING:  # the wrapper is process-wide: one write_pdf at a time records
        original = getattr(tags, "_build_box_tree", None)
        if original is None:
            raise TaggingError("weasyprint.pdf.tags._build_box_tree is gone: update pipeline/tagging.py")

        def build_box_tree(
            box: Any, parent: Any, pdf: Any, page: int, nums: Any, annots: Any, marked: Any
        ) -> Any:
            if isinstance(box, PageBox):  # the first call for a page, before WeasyPrint empties `marked`
                drawn[page] = box, {info["mcid"]: marked_box for marked_box, info in marked.items()}
            for element in original(box, parent, pdf, page, nums, annots, marked):
                record.origins.setdefault(element.number, Origin.of(box))
                yield element

        tags._build_box_tree = build_box_tree
        try:
            yield record
        finally:
            tags._build_box_tree = original
    record.pages.update(describe_pages(drawn))


def describe_pages(drawn: dict[int, tuple[Any, dict[int, Any]]]) -> dict[int, dict[int, Marked]]:
    """Each page's marked-content ids: what its box reads as (lines are read in order across pages),
    and the margin box it is in."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, TextBox

    lines: list[tuple[Any, list[Any]]] = []
    margins: dict[int, str] = {}
    for _, (page_box, _) in sorted(drawn.items()):
        for box in page_box.descendants():
            if isinstance(box, LineBox):
                lines.append((box.element, list(text_boxes(box))))
            elif isinstance(box, MarginBox):
                margins.update(dict.fromkeys(map(id, box.descendants()), box.at_keyword))
    read = read_lines(lines)
    pages: dict[int, dict[int, Marked]] = {index: {} for index in drawn}
    for index, (_, boxes) in drawn.items():
        for mcid, box in boxes.items():
            text = read.get(id(box), box.text) if isinstance(box, TextBox) else None
            pages[index][mcid] = text, margins.get(id(box), "")
    return pages


def text_boxes(box: Any) -> Iterator[Any]:
    """The text boxes of one line in order, leaving out those of lines nested in inline blocks."""
    from weasyprint.formatting_structure.boxes import InlineBox, TextBox

    for child in box.children:
        if isinstance(child, TextBox):
            yield child
        elif isinstance(child, InlineBox):
            yield from text_boxes(child)


def read_lines(lines: list[tuple[Any, list[Any]]]) -> dict[int, str]:
    """What each text box reads as, by id, from (block element, text boxes) of every line in order:
    a line with the first box drawn on its block's next line (margin boxes have no element)."""
    read: dict[int, str] = {}
    starts: dict[int, Any] = {}  # per block element: the first drawn box of the line read before
    for block, boxes in reversed(lines):
        following = starts.get(id(block)) if block is not None else None
        read.update(read_line(boxes, block, following))
        drawn = [box for box in boxes if box.text.strip()]
        if drawn:
            starts[id(block)] = drawn[0]
    return read


def read_line(boxes: list[Any], block: Any, following: Any | None) -> dict[int, str]:
    """What each text box of a line reads as, by id: its characters, and the spaces nobody draws.

    WeasyPrint draws no box of whitespace only (between Korean word spans, a no-break space between
    elements): it goes to the box drawn before. A line ending in such boxes broke at a space and reads
    with it; one that broke inside a box, with a space where its text had one.
    """
    read: dict[int, str] = {id(box): "" for box in boxes}
    leading, last = "", None  # whitespace before the first drawn box (a no-break space), that box
    for box in boxes:
        if box.text.strip():
            read[id(box)], leading, last = leading + text_of(box), "", box
        elif last is None:
            leading += box.text
        else:
            read[id(last)] += box.text
    if last is None or read[id(last)][-1:].isspace():
        return read
    if boxes[-1] is not last or had_space(last, block, following):
        read[id(last)] += " "
    return read


def text_of(box: Any) -> str:
    """A text box's characters as the source has them, where WeasyPrint keeps only what it drew.

    Capitals set by `text-transform` read as written (ERSCHLIESSEN: erschließen), the box's piece
    found in its element's text set in capitals. The `hyphenate-character` appended to a box it
    hyphenated, after a letter where `hyphens` allows, reads as a soft hyphen (a source hyphen is
    U+002D, never matched).
    """
    text: str = box.text
    added = box.style["hyphenate_character"]
    piece = text[: -len(added)] if text.endswith(added) else text
    if box.style["text_transform"] == "uppercase" and box.element is not None and piece:
        source = SPACES.sub(" ", "".join(box.element.itertext()))
        # Where each capital's character starts in the source (ß is SS), and where the source ends.
        starts = [index for index, character in enumerate(source) for _ in character.upper()] + [len(source)]
        found = source.upper().find(piece)
        if found >= 0:
            text = source[starts[found] : starts[found + len(piece)]] + text[len(piece) :]
    word = text.removesuffix(added)
    if box.style["hyphens"] != "none" and word != text and word[-1:].isalpha():
        return word + SOFT_HYPHEN
    return text


def had_space(last: Any, block: Any, following: Any | None) -> bool:
    """Whether the text had a space where a line broke after the box `last` (WeasyPrint drops it).

    The block's text says where it has the two sides joined or spaced, not both ("DLR（德国）").
    Else (generated content) the characters do: none after a hyphen, nor next to an East Asian wide
    character (Chinese and Japanese break between characters). A block's last line breaks at nothing.
    """
    if following is None:
        return False
    before, after = text_of(last), text_of(following)
    source = SPACES.sub(" ", "".join(block.itertext()))
    word, rest = before.removesuffix(SOFT_HYPHEN), after.removesuffix(SOFT_HYPHEN)  # as the source has them
    joined, spaced = word + rest in source, f"{word} {rest}" in source
    if joined != spaced:
        return spaced
    wide = any(east_asian_width(character) in ("W", "F") for character in before[-1:] + after[:1])
    return not (before.endswith(NO_SPACE_AFTER) or wide)


def retag(data: bytes, record: Record) -> bytes:
    """The PDF `data`, its structure tree and text layer completed from `record`."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = Tree(pdf, record)
        reachable = {(page, mcid) for page, mcid, _ in tree.marked(tree.document)}
        painted = {}
        for index, page in enumerate(pdf.pages):
            on_page = {mcid for page_index, mcid in reachable if page_index == index}
            painted[index] = rewrite_page(pdf, page, record.pages.get(index, {}), on_page)
        tree.restructure(tree.document, painted)
        tree.mark_notes_and_languages()
        tree.describe_links_and_figures()
        tree.rebuild_parent_tree()
        fill_unicode_maps(pdf)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
    return output.getvalue()


def fill_unicode_maps(pdf: pikepdf.Pdf) -> None:
    """No glyph maps to nothing: WeasyPrint maps a cluster's text to its first glyph and `<>` (a
    syntax error to some readers) to the others, as in Devanagari conjuncts. Those map to U+200B;
    readers take the cluster's characters from /ActualText, which covers every text sequence."""
    fonts = {font.objgen: font for page in pdf.pages for font in page.Resources.get("/Font", {}).values()}
    for font in fonts.values():
        cmap = font.get("/ToUnicode")
        if cmap is not None and EMPTY_TARGET.search(data := cmap.read_bytes()):
            cmap.write(EMPTY_TARGET.sub(rb"\1 <200b>", data))


def kids_of(element: Object) -> list[Any]:
    """The /K of a structure element as a list (a single kid may stand without an array)."""
    kids = element.get("/K", Array())
    return list(kids) if isinstance(kids, Array) else [kids]


def is_element(kid: Any) -> bool:
    return isinstance(kid, Dictionary) and "/S" in kid


def annotations_of(element: Object) -> list[Object]:
    return [kid.Obj for kid in kids_of(element) if isinstance(kid, Dictionary) and "/Obj" in kid]


class Tree:
    """The structure tree of one PDF, with the origins WeasyPrint recorded for its elements."""

    def __init__(self, pdf: pikepdf.Pdf, record: Record) -> None:
        self.pdf, self.record = pdf, record
        self.root = pdf.Root.StructTreeRoot
        self.pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        self.document = kids_of(self.root)[0]

    def origin(self, element: Object) -> Origin:
        return self.record.origins.get(element.objgen[0], Origin())

    def walk(self, element: Object | None = None) -> Iterator[tuple[Object, Object]]:
        """(element, parent) in reading order, depth first, from the Document element down."""
        element = self.document if element is None else element
        for kid in kids_of(element):
            if is_element(kid):
                yield kid, element
                yield from self.walk(kid)

    def reached(self, element: Object) -> bool:
        """Whether a screen reader reaches `element`: aria-hidden content (the member grid) is an artifact."""
        return self.origin(element).get("aria-hidden") != "true"

    def marked(self, element: Object) -> Iterator[tuple[int, int, Object]]:
        """(page, mcid, the element holding it) of every marked-content sequence reached under `element`."""
        for kid in kids_of(element):
            if isinstance(kid, int):
                yield self.pages[element.Pg.objgen], int(kid), element
            elif is_element(kid) and self.reached(kid):
                yield from self.marked(kid)

    def restructure(self, element: Object, painted: dict[int, set[int]]) -> list[Object]:
        """Deepest first: what is not reached, content that draws nothing and an element left empty
        leave the tree. The Links WeasyPrint makes for one link (one per line, one for its ::after) are
        one, which a screen reader meets once ('ISECGのウェブサイト'). A list number (li::before) leaves
        the LBody to be its item's Lbl: those are returned, to go before `element` in its parent."""
        kids: list[Any] = []
        labels: list[Object] = []
        for kid in kids_of(element):
            if not is_element(kid):
                if not isinstance(kid, int) or int(kid) in painted[self.pages[element.Pg.objgen]]:
                    kids.append(kid)
                continue
            if not self.reached(kid):
                continue
            for label in self.restructure(kid, painted):
                label.P = element
                kids.append(label)
            if not kids_of(kid):
                continue
            if kid.S == element.S == "/Link":
                kids.extend(kids_of(kid))
            elif kids and self.same_link(kids[-1], kid):
                for moved in kids_of(kid):
                    if is_element(moved):
                        moved.P = kids[-1]
                kids[-1].K = Array([*kids_of(kids[-1]), *kids_of(kid)])
            elif element.S == "/LBody" and self.origin(kid).tag.startswith("li::"):
                kid.S = Name.Lbl
                labels.append(kid)
            else:
                kids.append(kid)
        element.K = Array(kids)
        return labels

    def same_link(self, first: Any, second: Object) -> bool:
        """Two Link elements made from the same HTML element, on the same page."""
        if not (is_element(first) and first.S == second.S == "/Link"):
            return False
        element, same_page = self.origin(first).element, first.Pg.objgen == second.Pg.objgen
        return element is not None and element is self.origin(second).element and same_page

    def mark_notes_and_languages(self) -> None:
        """role="note" becomes Note (with its ID); /Lang wherever the language changes."""
        ids = Array()
        languages = {self.document.objgen: str(self.pdf.Root.get("/Lang", ""))}
        for element, parent in self.walk():
            origin, inherited = self.origin(element), languages[parent.objgen]
            languages[element.objgen] = origin.lang or inherited
            if origin.lang and origin.lang != inherited:
                element.Lang = String(origin.lang)
            if origin.get("role") == "note" and (ident := origin.get("id")):
                element.S, element.ID = Name.Note, String(ident)
                ids.extend([String(ident), element])
            elif origin.tag in INLINE and element.S == "/NonStruct":
                element.S = Name.Span
        if ids:
            self.root.IDTree = Dictionary(Names=ids)

    def describe_links_and_figures(self) -> None:
        """Each link annotation says in words what it is: its aria-label, its note's, or its text. A
        figure's BBox is in points from the page's foot (WeasyPrint writes CSS pixels from its top)."""
        notes = {str(element.ID): self.origin(element) for element, _ in self.walk() if element.S == "/Note"}
        for element, _ in self.walk():
            box = element.get("/A", Dictionary()).get("/BBox")
            if element.S == "/Link":
                words = self.link_words(element, notes)
                for annotation in annotations_of(element):
                    annotation.Contents = String(words)
                    annotation.F = 4  # printable: readers that follow print get the link too
            elif element.S == "/Figure" and box is not None:
                height = float(element.Pg.MediaBox[3])
                x1, y1, x2, y2 = (float(value) * 0.75 for value in box)  # CSS px to pt
                element.A.BBox = Array([x1, height - y2, x2, height - y1])

    def link_words(self, element: Object, notes: dict[str, Origin]) -> str:
        annotations = annotations_of(element)
        note = notes.get(str(annotations[0].get("/Dest", "")), Origin()) if annotations else Origin()
        if label := self.origin(element).get("aria-label") or note.get("aria-label"):
            return label
        texts = (self.record.pages[page][mcid][0] for page, mcid, _ in self.marked(element))
        return " ".join("".join(text or "" for text in texts).replace(SOFT_HYPHEN, "").split())

    def rebuild_parent_tree(self) -> None:
        """Map every marked-content id and annotation to the element that holds it, and nothing else."""
        pages: dict[int, dict[int, Object]] = {index: {} for index in self.pages.values()}
        for page, mcid, holder in self.marked(self.document):
            pages[page][mcid] = holder
        annotations = {int(a.StructParent): e for e, _ in self.walk() for a in annotations_of(e)}
        nums: list[Any] = []
        for index, by_mcid in sorted(pages.items()):
            holders = [by_mcid.get(mcid) for mcid in range(max(by_mcid, default=-1) + 1)]
            nums += [index, self.pdf.make_indirect(Array(holders))]
        for key, element in sorted(annotations.items()):
            nums += [key, element]
        self.root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(nums)))
        self.root.ParentTreeNextKey = max([len(pages), *(key + 1 for key in annotations)])


def rewrite_page(
    pdf: pikepdf.Pdf, page: pikepdf.Page, marked: dict[int, Marked], reachable: set[int]
) -> set[int]:
    """A page's marked content retagged; the ids that draw something (known at a sequence's end)."""
    output: list[list[Any]] = []  # what each instruction becomes
    opened: list[tuple[int | None, int]] = []  # per open sequence: its id, and where in `output` it opens
    painted: set[int] = set()
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        output.append([instruction])
        if operator in ("BDC", "BMC"):
            properties = instruction.operands[-1]
            found = properties.get("/MCID") if isinstance(properties, Dictionary) else None
            opened.append((None if found is None else int(found), len(output) - 1))
        elif operator in PAINTING:
            painted.update(mcid for mcid, _ in opened if mcid is not None)
        elif operator == "EMC":
            mcid, start = opened.pop()
            if mcid is not None:
                tag = output[start][0].operands[0]
                opening = retagged(tag, mcid, marked, reachable) if mcid in painted else []
                output[start] = [ContentStreamInstruction(operands, Operator("BDC")) for operands in opening]
                output[-1] = [instruction] * len(opening)
    instructions = [instruction for group in output for instruction in group]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return painted


def retagged(tag: Any, mcid: int, marked: dict[int, Marked], reachable: set[int]) -> list[list[Any]]:
    """What opens a sequence marked `mcid`: itself with its characters, where the tree reaches it;
    else an artifact, its characters in a Span inside (poppler reads /ActualText only there)."""
    text, margin = marked.get(mcid, (None, ""))
    actual: dict[str, Any] = {} if text is None else {"/ActualText": String(text)}
    if mcid in reachable:
        return [[tag, Dictionary({"/MCID": mcid, **actual})]]
    artifact = Dictionary(Type=Name.Pagination if margin else Name.Layout)
    if margin.startswith(("@top", "@bottom")):
        artifact.Subtype = Name.Header if margin.startswith("@top") else Name.Footer
    opening = [[Name.Artifact, artifact]]
    if actual:
        opening.append([Name.Span, Dictionary(actual)])
    return opening
