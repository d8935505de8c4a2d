"""Turn WeasyPrint's tagged PDF into one whose structure tree and text layer a screen reader can trust.

WeasyPrint 70 tags each box it draws, but it loses what PDF/UA needs beyond the box tree: the
HTML `lang` of a passage, `role="note"`, `aria-hidden`, what a link is for, that a list number
is a label, and that the running header and page number are pagination artifacts (it tags them
as Spans that the tree cannot reach). Its text layer maps each glyph to one fixed text, so a
line-end hyphen reads as U+2010 like the hyphen-minus that shares its glyph, and scripts whose
shaping reorders or merges glyphs (Devanagari) extract as other letters.

Two steps make up for it:

1. `recording()`, around `write_pdf`, notes while WeasyPrint builds its tree which HTML element
   each structure element comes from and which characters each marked-content sequence draws.
   It wraps WeasyPrint's private `weasyprint.pdf.tags._build_box_tree` and only reads.
2. `retag()`, after `write_pdf`, rewrites the file with pikepdf: margin content and hidden
   content become artifacts; every text sequence gets its characters as /ActualText (a line-end
   hyphen added by hyphenation reads as a soft hyphen, the space a line broke at is given back
   where the text had one, and so are the spaces WeasyPrint draws nothing for (between Korean
   word spans), capitals set by `text-transform` read as written); `lang` becomes /Lang where
   the language changes; `role="note"` a Note; list numbers Lbl; a link that a line break split
   one Link; link annotations a description in words; empty elements go, and the ParentTree is
   rebuilt so that every marked-content id is reached.

tests/test_tagging.py walks the result, so that a WeasyPrint upgrade that changes any of this
fails there by name.
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
from pikepdf import Array, Dictionary, Name, Object, String

SOFT_HYPHEN = "\u00ad"
# Operators that put marks on the page; a marked-content sequence without any draws nothing.
PAINTING = frozenset(["Tj", "TJ", "'", '"', "Do", "sh", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "BI"])
PSEUDO = "::"
PT_PER_PX = 0.75
SPACES = re.compile(r"[ \t\r\n]+")
EMPTY_TARGET = re.compile(rb"(<[0-9a-fA-F]+>)[ \t]*<>")
PRINT_FLAG = 4
RECORDING = threading.Lock()
# A line that breaks after one of these broke inside a word, not at a space.
NO_SPACE_AFTER = (SOFT_HYPHEN, "-", "\u2010", "/", "\u200b", " ", "\n")


@dataclass(frozen=True, slots=True)
class Marked:
    """One marked-content sequence as WeasyPrint drew it."""

    text: str | None  # the characters of a text box; None for an image
    margin: str = ""  # the page-margin box it was drawn in (@top-left, ...), if any


@dataclass(frozen=True, slots=True)
class Origin:
    """The HTML element (or pseudo-element) a structure element was made from."""

    tag: str
    lang: str = ""
    role: str = ""
    label: str = ""
    ident: str = ""
    hidden: bool = False
    element: int = 0  # id() of the element, telling the pieces of one element from another's


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
    drawn: dict[int, Drawn] = {}
    with RECORDING:  # the wrapper is process-wide: one write_pdf at a time records
        original = getattr(tags, "_build_box_tree", None)
        if original is None:
            raise TaggingError("weasyprint.pdf.tags._build_box_tree is gone: update pipeline/tagging.py")

        def build_box_tree(
            box: Any, parent: Any, pdf: Any, page: int, nums: Any, annots: Any, marked: Any
        ) -> Any:
            if isinstance(box, PageBox):  # the first call for a page, before WeasyPrint empties `marked`
                drawn[page] = Drawn(box, {info["mcid"]: marked_box for marked_box, info in marked.items()})
            for element in original(box, parent, pdf, page, nums, annots, marked):
                record.origins.setdefault(element.number, origin_of(box))
                yield element

        tags._build_box_tree = build_box_tree
        try:
            yield record
        finally:
            tags._build_box_tree = original
    # A line's end reads as the start of its block's next line, which may be on a later page.
    record.pages.update(describe_pages(drawn))


@dataclass(frozen=True, slots=True)
class Drawn:
    """One page as WeasyPrint drew it: its box, and the box each marked-content id marks."""

    page_box: Any
    boxes: dict[int, Any]


def describe_pages(drawn: dict[int, Drawn]) -> dict[int, dict[int, Marked]]:
    """Each page's marked-content ids: the characters each box reads as, and its margin box."""
    from weasyprint.formatting_structure.boxes import LineBox

    lines = [
        (line.element, list(text_boxes(line)))
        for _, page in sorted(drawn.items())
        for line in page.page_box.descendants()
        if isinstance(line, LineBox)
    ]
    read = read_lines(lines)
    return {index: describe_page(page, read) for index, page in drawn.items()}


def describe_page(page: Drawn, read: dict[int, str]) -> dict[int, Marked]:
    """Each marked-content id of a page: the characters its box reads as, and its margin box."""
    from weasyprint.formatting_structure.boxes import MarginBox, TextBox

    margins = {
        id(descendant): child.at_keyword
        for child in page.page_box.children
        if isinstance(child, MarginBox)
        for descendant in child.descendants()
    }
    return {
        mcid: Marked(
            read.get(id(box), box.text) if isinstance(box, TextBox) else None, margins.get(id(box), "")
        )
        for mcid, box in page.boxes.items()
    }


def text_boxes(box: Any) -> Iterator[Any]:
    """The text boxes of one line in order, leaving out those of lines nested in inline blocks."""
    from weasyprint.formatting_structure.boxes import InlineBox, TextBox

    for child in box.children:
        if isinstance(child, TextBox):
            yield child
        elif isinstance(child, InlineBox):
            yield from text_boxes(child)


def read_lines(lines: list[tuple[Any, list[Any]]]) -> dict[int, str]:
    """What each text box reads as, by id, from (block element, text boxes) of every line in order.

    A line is read with the first box drawn on the next line of its block, which may be on a
    later page (none where the block ends, nor in margin boxes, which have no element).
    """
    read: dict[int, str] = {}
    starts: dict[int, Any] = {}  # per block element: the first drawn box of the line read before
    for element, boxes in reversed(lines):
        following = starts.get(id(element)) if element is not None else None
        read.update(read_line(boxes, Break(element, following)))
        drawn = [box for box in boxes if not is_blank(box)]
        if drawn:
            starts[id(element)] = drawn[0]
    return read


@dataclass(frozen=True, slots=True)
class Break:
    """Where a line ends: its block's element, and the first box drawn on the block's next line."""

    block: Any
    following: Any | None


def read_line(boxes: list[Any], end: Break) -> dict[int, str]:
    """What each text box of a line reads as, by id: its characters, and the spaces nobody draws.

    WeasyPrint draws nothing for a box that holds only whitespace (`draw_first_line`): the spaces
    between Korean word spans, a no-break space between two elements. Their characters go to
    the box drawn before them. A line whose last drawn box is followed by such boxes (emptied by
    `remove_last_whitespace`) broke at a space, in any script, and reads with it; one that broke
    inside a box reads with a space where its text had one (`had_space`).
    """
    read: dict[int, str] = {id(box): "" for box in boxes}
    leading, last = "", None  # whitespace before the first drawn box (a no-break space), that box
    for box in boxes:
        if not is_blank(box):
            read[id(box)], leading, last = leading + text_of(box), "", box
        elif last is None:
            leading += box.text
        else:
            read[id(last)] += box.text
    if last is None or read[id(last)][-1:].isspace():
        return read
    if boxes[-1] is not last or had_space(last, end):
        read[id(last)] += " "
    return read


def is_blank(box: Any) -> bool:
    """Whitespace only, which WeasyPrint draws nothing for: its marked content is dropped."""
    return not box.text.strip()


def text_of(box: Any) -> str:
    """A text box's characters as the source has them: capitals as written, hyphenation soft.

    WeasyPrint appends `hyphenate-character` to a box it hyphenated and keeps no other trace;
    a box ending in that character right after a letter, where `hyphens` allows breaking, is
    taken as hyphenated and reads as a soft hyphen (the catalogs write a source hyphen as
    U+002D, which never matches).
    """
    text: str = untransformed(box)
    added = box.style["hyphenate_character"]
    if box.style["hyphens"] != "none" and text.endswith(added) and text[: -len(added)][-1:].isalpha():
        return text[: -len(added)] + SOFT_HYPHEN
    return text


def had_space(last: Any, end: Break) -> bool:
    """Whether the text had a space where a line broke after the box `last` (WeasyPrint drops it).

    The block's text says, where the characters on either side of the break are found in it
    joined and not spaced, or the reverse: "DLR" then "（德国）" were written "DLR（德国）".
    Where it cannot say (generated content, or both found), the characters do: none after a
    hyphen or a dash-like break, nor next to an East Asian wide character (Chinese and Japanese
    break between characters); a space otherwise. A block's last line broke at nothing.
    """
    if end.following is None:
        return False
    before, after = text_of(last), text_of(end.following)
    source = SPACES.sub(" ", "".join(end.block.itertext()))
    word, rest = before.removesuffix(SOFT_HYPHEN), after.removesuffix(SOFT_HYPHEN)  # as the source has them
    joined, spaced = word + rest in source, f"{word} {rest}" in source
    if joined != spaced:
        return spaced
    return not (before.endswith(NO_SPACE_AFTER) or is_wide(before[-1:]) or is_wide(after[:1]))


def is_wide(character: str) -> bool:
    return bool(character) and east_asian_width(character) in ("W", "F")


def untransformed(box: Any) -> str:
    """The characters of a text box before `text-transform: uppercase` (ERSCHLIESSEN: erschließen).

    WeasyPrint keeps only the transformed text; the source is the element's own text, where the
    box's piece is found again by transforming it character by character.
    """
    text: str = box.text
    if box.style["text_transform"] != "uppercase" or box.element is None:
        return text
    source = SPACES.sub(" ", "".join(box.element.itertext()))
    upper, starts = "", []
    for index, character in enumerate(source):
        starts.extend([index] * len(character.upper()))
        upper += character.upper()
    added = box.style["hyphenate_character"]
    piece = text[: -len(added)] if text.endswith(added) else text
    found = upper.find(piece)
    if not piece or found < 0:
        return text
    end = found + len(piece)
    original = source[starts[found] : starts[end] if end < len(starts) else len(source)]
    return original + text[len(piece) :]


def origin_of(box: Any) -> Origin:
    box = getattr(box, "_box", box)  # an absolutely positioned box's placeholder
    element, tag = box.element, box.element_tag or ""
    lang = str(box.style["lang"] or "")
    if element is None or PSEUDO in tag:
        return Origin(tag, lang)
    return Origin(
        tag,
        lang,
        role=element.get("role", ""),
        label=element.get("aria-label", ""),
        ident=element.get("id", ""),
        hidden=element.get("aria-hidden") == "true",
        element=id(element),
    )


def retag(data: bytes, record: Record) -> bytes:
    """The PDF `data`, its structure tree and text layer completed from `record` (see above)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = Tree(pdf, record)
        tree.detach_hidden()
        tree.merge_nested_links()
        tree.merge_split_links()
        tree.label_list_numbers()
        tree.mark_notes_and_languages()
        kept = {index: rewrite_content(page, index, tree) for index, page in enumerate(pdf.pages)}
        tree.prune(kept)
        tree.describe_links()
        tree.place_figures()
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


def kids_of(element: Object) -> Array:
    """The /K of a structure element, always as an array (the form every later step edits)."""
    kids = element.get("/K")
    if kids is None:
        kids = Array()
    elif not isinstance(kids, Array):
        kids = Array([kids])
    element.K = kids
    return kids


def is_element(kid: Any) -> bool:
    return isinstance(kid, Dictionary) and "/S" in kid


class Tree:
    """The structure tree of one PDF, with the origins WeasyPrint recorded for its elements."""

    def __init__(self, pdf: pikepdf.Pdf, record: Record) -> None:
        self.pdf, self.record = pdf, record
        self.root = pdf.Root.StructTreeRoot
        self.pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        self.document = kids_of(self.root)[0]
        self.hidden: set[tuple[int, int]] = set()

    def origin(self, element: Object) -> Origin | None:
        return self.record.origins.get(element.objgen[0])

    def walk(self, element: Object | None = None) -> Iterator[tuple[Object, Object]]:
        """(element, parent) in reading order, depth first, from the Document element down."""
        element = self.document if element is None else element
        for kid in list(kids_of(element)):
            if is_element(kid):
                yield kid, element
                yield from self.walk(kid)

    def page_of(self, element: Object) -> int:
        return self.pages[element.Pg.objgen]

    def marked(self, element: Object) -> Iterator[tuple[int, int]]:
        """(page, mcid) of every marked-content sequence under `element`."""
        for kid in kids_of(element):
            if isinstance(kid, int):
                yield self.page_of(element), int(kid)
            elif is_element(kid):
                yield from self.marked(kid)

    def detach_hidden(self) -> None:
        """aria-hidden content (the member grid beside its sentence) leaves the tree for artifacts."""
        for element, parent in list(self.walk()):
            origin = self.origin(element)
            if origin is not None and origin.hidden:
                self.hidden.update(self.marked(element))
                remove_kid(parent, element)

    def merge_nested_links(self) -> None:
        """A link's ::after content is part of the link: one Link, holding both annotations."""
        for element, parent in list(self.walk()):
            if element.S == "/Link" and parent.S == "/Link":
                kids = kids_of(parent)
                index = index_of(kids, element)
                parent.K = Array([*kids[:index], *kids_of(element), *kids[index + 1 :]])

    def merge_split_links(self) -> None:
        """A link a line break split is one Link, holding both annotations: WeasyPrint makes one per
        line, and a screen reader would meet two links ('ISECGのウェ', 'ブサイト')."""
        for element, _ in list(self.walk()):
            kids: list[Any] = []
            for kid in kids_of(element):
                if kids and self.same_link(kids[-1], kid):
                    for moved in kids_of(kid):
                        if is_element(moved):
                            moved.P = kids[-1]
                    kids[-1].K = Array([*kids_of(kids[-1]), *kids_of(kid)])
                else:
                    kids.append(kid)
            element.K = Array(kids)

    def same_link(self, first: Any, second: Any) -> bool:
        """Two Link elements made from the same HTML element, on the same page."""
        if not (is_element(first) and is_element(second) and first.S == second.S == "/Link"):
            return False
        origins = self.origin(first), self.origin(second)
        if origins[0] is None or origins[1] is None or not origins[0].element:
            return False
        return origins[0].element == origins[1].element and first.Pg.objgen == second.Pg.objgen

    def label_list_numbers(self) -> None:
        """A list item's generated number (li::before) is its Lbl, beside the LBody."""
        for element, parent in list(self.walk()):
            origin = self.origin(element)
            item = parent.get("/P")
            if origin is None or not origin.tag.startswith("li::") or parent.S != "/LBody":
                continue
            if item is None or item.get("/S") != "/LI":
                continue
            remove_kid(parent, element)
            kids = kids_of(item)
            kids.insert(index_of(kids, parent), element)
            element.S, element.P = Name.Lbl, item

    def mark_notes_and_languages(self) -> None:
        """role="note" becomes Note (with its ID); /Lang wherever the language changes."""
        ids = Array()
        languages = {self.document.objgen: str(self.pdf.Root.get("/Lang", ""))}
        for element, parent in self.walk():
            origin = self.origin(element)
            inherited = languages[parent.objgen]
            languages[element.objgen] = origin.lang if origin and origin.lang else inherited
            if languages[element.objgen] != inherited:
                element.Lang = String(languages[element.objgen])
            if origin is not None and origin.role == "note" and origin.ident:
                element.S, element.ID = Name.Note, String(origin.ident)
                ids.extend([String(origin.ident), element])
            elif origin is not None and origin.tag in INLINE and element.S == "/NonStruct":
                element.S = Name.Span
        if ids:
            self.root.IDTree = Dictionary(Names=ids)

    def reachable(self) -> set[tuple[int, int]]:
        return set(self.marked(self.document))

    def prune(self, kept: dict[int, set[int]]) -> None:
        """Drop references to marked content that is gone, then every element left empty."""
        for element, _ in list(self.walk()):
            page = self.page_of(element)
            kids = kids_of(element)
            element.K = Array([kid for kid in kids if not isinstance(kid, int) or int(kid) in kept[page]])
        for element, parent in reversed(list(self.walk())):
            if len(kids_of(element)) == 0:
                remove_kid(parent, element)

    def describe_links(self) -> None:
        """Each link annotation says in words what it is: its aria-label, its note, or its text."""
        notes = {str(e.ID): self.origin(e) for e, _ in self.walk() if e.S == "/Note"}
        for element, _ in self.walk():
            if element.S != "/Link":
                continue
            words = self.link_words(element, notes)
            for kid in kids_of(element):
                if isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                    kid.Obj.Contents = String(words)
                    kid.Obj.F = PRINT_FLAG  # readers that follow print get the link too

    def place_figures(self) -> None:
        """A figure's BBox in PDF points from the page's foot (WeasyPrint writes CSS pixels from its top)."""
        for element, _ in self.walk():
            box = element.get("/A", Dictionary()).get("/BBox")
            if element.S != "/Figure" or box is None:
                continue
            height = float(element.Pg.MediaBox[3])
            x1, y1, x2, y2 = (float(value) * PT_PER_PX for value in box)
            element.A.BBox = Array([x1, height - y2, x2, height - y1])

    def link_words(self, element: Object, notes: dict[str, Origin | None]) -> str:
        origin = self.origin(element)
        if origin is not None and origin.label:
            return origin.label
        annotations = [k.Obj for k in kids_of(element) if isinstance(k, Dictionary) and "/Obj" in k]
        note = notes.get(str(annotations[0].get("/Dest", ""))) if annotations else None
        if note is not None and note.label:
            return note.label
        texts = (self.record.pages[page][mcid].text for page, mcid in self.marked(element))
        return " ".join("".join(text or "" for text in texts).replace(SOFT_HYPHEN, "").split())

    def rebuild_parent_tree(self) -> None:
        """Map every marked-content id and annotation to the element that holds it, and nothing else."""
        pages: dict[int, dict[int, Object]] = {index: {} for index in self.pages.values()}
        annotations: dict[int, Object] = {}
        for element, _ in self.walk():
            for kid in kids_of(element):
                if isinstance(kid, int):
                    pages[self.page_of(element)][int(kid)] = element
                elif isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                    annotations[int(kid.Obj.StructParent)] = element
        nums = Array()
        for index, by_mcid in sorted(pages.items()):
            length = max(by_mcid, default=-1) + 1
            nums.extend(
                Array([index, self.pdf.make_indirect(Array([by_mcid.get(i) for i in range(length)]))])
            )
        for key, element in sorted(annotations.items()):
            nums.extend(Array([key, element]))
        self.root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = max([len(pages), *(key + 1 for key in annotations)])


# Phrasing elements WeasyPrint tags NonStruct; a Span groups their text without a meaning of its own.
INLINE = frozenset(["em", "strong", "i", "b", "cite", "q", "abbr", "small"])


def index_of(kids: Array, element: Object) -> int:
    for index, kid in enumerate(kids):
        if is_element(kid) and kid.objgen == element.objgen:
            return index
    raise TaggingError(f"structure element {element.objgen} is not among its parent's kids")


def remove_kid(parent: Object, element: Object) -> None:
    kids = kids_of(parent)
    del kids[index_of(kids, element)]


def rewrite_content(page: pikepdf.Page, index: int, tree: Tree) -> set[int]:
    """Artifacts for margin and hidden content, /ActualText for text; the ids still marked."""
    instructions = pikepdf.parse_content_stream(page)
    painted = painted_ids(instructions)
    reachable = {mcid for page_index, mcid in tree.reachable() if page_index == index}
    marked = tree.record.pages.get(index, {})
    output: list[Any] = []
    closing: list[int] = []  # per open sequence: how many EMC close it now
    for instruction in instructions:
        operands, operator = instruction.operands, str(instruction.operator)
        if operator in ("BDC", "BMC") and marked_id(operands) is not None:
            opened = retagged(operands, marked, reachable, painted, tree, index)
            output.extend(pikepdf.ContentStreamInstruction(o, pikepdf.Operator("BDC")) for o in opened)
            closing.append(len(opened))
        elif operator in ("BDC", "BMC"):
            output.append(instruction)
            closing.append(1)
        elif operator == "EMC":
            output.extend([instruction] * closing.pop())
        else:
            output.append(instruction)
    page.obj.Contents = tree.pdf.make_stream(pikepdf.unparse_content_stream(output))
    return reachable & set(painted)


def marked_id(operands: Any) -> int | None:
    if len(operands) == 2 and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
        return int(operands[1].MCID)
    return None


def painted_ids(instructions: list[Any]) -> set[int]:
    """The marked-content ids whose sequence draws something."""
    painted: set[int] = set()
    stack: list[int | None] = []
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator in ("BDC", "BMC"):
            stack.append(marked_id(instruction.operands))
        elif operator == "EMC" and stack:
            stack.pop()
        elif operator in PAINTING:
            painted.update(mcid for mcid in stack if mcid is not None)
    return painted


def retagged(
    operands: Any, marked: dict[int, Marked], reachable: set[int], painted: set[int], tree: Tree, page: int
) -> list[list[Any]]:
    """The sequences to open in place of one marked with an id: none for one that draws nothing."""
    mcid = int(operands[1].MCID)
    if mcid not in painted:
        return []
    info = marked.get(mcid, Marked(None))
    text = [] if info.text is None else [[Name.Span, Dictionary(ActualText=String(info.text))]]
    if mcid in reachable and (page, mcid) not in tree.hidden:
        properties = Dictionary(MCID=mcid)
        if info.text is not None:
            properties.ActualText = String(info.text)
        return [[operands[0], properties]]
    # Artifacts carry their characters too, in a Span inside (poppler reads /ActualText only there).
    if not info.margin:
        return [[Name.Artifact, Dictionary(Type=Name.Layout)], *text]
    artifact = Dictionary(Type=Name.Pagination)
    if info.margin.startswith(("@top", "@bottom")):
        artifact.Subtype = Name.Header if info.margin.startswith("@top") else Name.Footer
    return [[Name.Artifact, artifact], *text]
