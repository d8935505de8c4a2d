"""Turn source/brochure.md (CommonMark plus container blocks) into a tree of blocks and segments."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin

from .errors import BrochureError
from .files import read_text, read_toml


class BlockKind(StrEnum):
    COVER = "cover"
    SECTION = "section"
    EPIGRAPH = "epigraph"
    MOTTO = "motto"
    MEMBERS = "members"
    PULLQUOTE = "pullquote"
    FOOTNOTE = "footnote"
    CONTACT = "contact"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"
    ITEM = "item"
    QUOTATION = "quotation"
    ATTRIBUTION = "attribution"


# The container blocks, `::: name` in the source.
CONTAINERS = frozenset(
    map(BlockKind, ("cover", "section", "epigraph", "motto", "members", "pullquote", "footnote", "contact"))
)
TOP_LEVEL = frozenset({BlockKind.COVER, BlockKind.SECTION})
# Containers whose first paragraph is a quotation and whose second names its source.
QUOTING = frozenset({BlockKind.EPIGRAPH, BlockKind.PULLQUOTE})
# Containers that must name something: a section's id, an epigraph's author, a footnote's id.
NAMED = frozenset({BlockKind.SECTION, BlockKind.EPIGRAPH, BlockKind.FOOTNOTE})

COMMENTS, TABLES = "comments.toml", ("places", "placeholders")
Comments = dict[str, dict[str, str]]
FENCE = re.compile(r"^(?P<colons>:{3,})\s*(?P<info>.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit: the inline CommonMark of one block, and where it stands."""

    msgid: str
    line: int
    comment: str

    def __repr__(self) -> str:
        return f"<Segment line {self.line}: {self.msgid[:40]!r}>"


@dataclass(frozen=True, slots=True)
class Block:
    """A node of the brochure's layout tree."""

    kind: BlockKind
    line: int
    name: str = ""
    level: int = 0
    segment: Segment | None = None
    children: tuple[Block, ...] = ()

    def walk(self) -> Iterator[Block]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Document:
    path: Path
    blocks: tuple[Block, ...]
    # What each {placeholder} stands for, as extraction tells translators (comments.toml).
    placeholders: Mapping[str, str] = field(default_factory=dict)

    def segments(self) -> Iterator[Segment]:
        """Every segment, in source order."""
        for block in self.blocks:
            yield from (child.segment for child in block.walk() if child.segment is not None)

    @property
    def headline(self) -> str:
        """The cover headline, which is the motto: other editions print its translations."""
        for block in self.blocks:
            for child in block.walk() if block.kind is BlockKind.COVER else ():
                if child.kind is BlockKind.HEADING and child.segment is not None:
                    return child.segment.msgid
        return ""


def segment_key(msgid: str) -> str:
    """A segment's short, stable name: the page's data-msg, the layout's and the preview's key."""
    return hashlib.sha1(msgid.encode("utf-8")).hexdigest()[:10]


def read_document(path: Path) -> Document:
    text = read_text(path, "the brochure's source", "source")
    return parse_document(text, path, read_comments(path.with_name(COMMENTS)))


def read_comments(path: Path) -> Comments:
    """source/comments.toml: what the template tells translators about each place and placeholder."""
    _, data = read_toml(path, "the comments that tell translators where each segment appears")
    return {table: {str(key): str(value) for key, value in data.get(table, {}).items()} for table in TABLES}


def parse_document(text: str, path: Path, comments: Comments | None = None) -> Document:
    """The tree of `text`; each segment's comment is the one `comments` has for where it stands."""
    check_fences(text, path)
    comments = comments or {}
    nodes = SyntaxTreeNode(markdown_parser().parse(text)).children
    blocks = _TreeBuilder(path, comments.get("places", {})).blocks(nodes, _Context())
    for block in blocks:
        if block.kind not in TOP_LEVEL:
            raise BrochureError(path, block.line, "content outside a 'cover' or 'section' container block")
    return Document(path, blocks, comments.get("placeholders", {}))


def markdown_parser() -> MarkdownIt:
    """CommonMark without raw HTML, with the brochure's container blocks."""
    parser = MarkdownIt("commonmark", {"html": False})
    for name in sorted(CONTAINERS):
        parser.use(container_plugin, name)
    return parser


def check_fences(text: str, path: Path) -> None:
    """Unknown and unclosed container blocks are errors, not silently literal text."""
    open_fences: list[tuple[int, int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if not match:
            continue
        colons, info = len(match["colons"]), match["info"]
        if not info:
            if not open_fences:
                raise BrochureError(path, number, "':::' closes no open container block; remove it")
            open_fences.pop()
            continue
        name = info.split()[0]
        if name not in CONTAINERS:
            known = ", ".join(sorted(CONTAINERS))
            raise BrochureError(path, number, f"unknown container block '{name}'; known: {known}")
        if open_fences and colons >= open_fences[-1][0]:
            raise BrochureError(
                path, number, f"'{name}' inside another container needs fewer colons than its parent"
            )
        open_fences.append((colons, number, name))
    if open_fences:
        _, number, name = open_fences[-1]
        raise BrochureError(path, number, f"container block '{name}' is never closed; add a ':::' line")


@dataclass
class _Context:
    """Where the walk stands: what a segment's comment says about where it appears."""

    section: str = ""
    container: BlockKind | None = None
    paragraphs: int = 0
    items: int = 0
    in_list: bool = False


class _TreeBuilder:
    """Turn markdown-it's syntax tree into blocks, each segment with its comment."""

    def __init__(self, path: Path, places: Mapping[str, str]) -> None:
        self.path, self.places = path, places

    def blocks(self, nodes: list[SyntaxTreeNode], context: _Context) -> tuple[Block, ...]:
        return tuple(self.block(node, context) for node in nodes)

    def block(self, node: SyntaxTreeNode, context: _Context) -> Block:
        line = node.map[0] + 1 if node.map else 1
        if node.type.startswith("container_"):
            return self.container(node, line, context)
        if node.type == "heading":
            level = int(node.tag[1])
            text = inline_text(node)
            if level <= 2:
                context.section = text
            segment = self.segment(text, line, place(BlockKind.HEADING, level, context), context)
            return Block(BlockKind.HEADING, line, level=level, segment=segment)
        if node.type == "paragraph":
            return self.paragraph(node, line, context)
        if node.type == "ordered_list":
            context.items, context.in_list = 0, True
            items = self.blocks(node.children, context)
            context.in_list = False
            return Block(BlockKind.LIST, line, children=items)
        if node.type == "list_item":
            context.items += 1
            return Block(BlockKind.ITEM, line, children=self.blocks(node.children, context))
        what = node.type.replace("_", " ").capitalize()
        raise BrochureError(self.path, line, f"{what} is not part of the brochure's format")

    def container(self, node: SyntaxTreeNode, line: int, context: _Context) -> Block:
        words = node.info.split()
        kind = BlockKind(words[0])
        name = words[1] if len(words) > 1 else ""
        if kind in NAMED and not name:
            raise BrochureError(self.path, line, f"'{kind}' needs a name: '::: {kind} NAME'")
        inner = _Context(section=context.section, container=kind)
        children = self.blocks(node.children, inner)
        if kind in TOP_LEVEL:
            context.section = inner.section
        if kind in QUOTING and len(children) != 2:
            raise BrochureError(
                self.path, line, f"'{kind}' holds two paragraphs: the quotation, then its source"
            )
        return Block(kind, line, name=name, children=children)

    def paragraph(self, node: SyntaxTreeNode, line: int, context: _Context) -> Block:
        if not context.in_list:
            context.paragraphs += 1
        kind = BlockKind.PARAGRAPH
        if context.container in QUOTING:
            kind = BlockKind.QUOTATION if context.paragraphs == 1 else BlockKind.ATTRIBUTION
        segment = self.segment(inline_text(node), line, place(kind, 0, context), context)
        return Block(kind, line, segment=segment)

    def segment(self, text: str, line: int, where: str, context: _Context) -> Segment:
        values = {"section": context.section, "item": context.items, "paragraph": context.paragraphs}
        return Segment(msgid=text, line=line, comment=self.places.get(where, "").format(**values))


def inline_text(node: SyntaxTreeNode) -> str:
    """A heading's or paragraph's inline CommonMark, its lines joined by single spaces."""
    return " ".join(line.strip() for line in node.children[0].content.splitlines())


def place(kind: BlockKind, level: int, context: _Context) -> str:
    """Where a segment stands, as source/comments.toml names the places: its comment's key."""
    container = context.container
    if kind is BlockKind.HEADING:
        named = {BlockKind.COVER: "cover-headline", BlockKind.CONTACT: "contact-heading"}
        return named.get(container) or ("section-heading" if level <= 2 else "subheading")  # type: ignore[arg-type]
    if container in QUOTING:
        name = "epigraph" if container is BlockKind.EPIGRAPH else "pullquote"
        return name if kind is BlockKind.QUOTATION else f"{name}-attribution"
    named = {BlockKind.COVER: "cover-text", BlockKind.MEMBERS: "members-text", BlockKind.FOOTNOTE: "footnote"}
    if container in named:
        return named[container]
    if context.in_list:
        return "list-item"
    return "opening-paragraph" if context.paragraphs == 1 else "paragraph"
