"""Turn source/brochure.md (CommonMark plus container blocks) into a tree of blocks and segments."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from .errors import BrochureError
from .files import read_toml


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


CONTAINERS = frozenset(
    {
        BlockKind.COVER,
        BlockKind.SECTION,
        BlockKind.EPIGRAPH,
        BlockKind.MOTTO,
        BlockKind.MEMBERS,
        BlockKind.PULLQUOTE,
        BlockKind.FOOTNOTE,
        BlockKind.CONTACT,
    }
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

    def walk(self) -> Iterator[Block]:
        for block in self.blocks:
            yield from block.walk()

    def segments(self) -> Iterator[Segment]:
        """Every segment, in source order."""
        for block in self.walk():
            if block.segment is not None:
                yield block.segment

    @property
    def headline(self) -> str:
        """The cover headline, which is the motto: other editions print its translations."""
        for block in self.blocks:
            for child in block.walk() if block.kind is BlockKind.COVER else ():
                if child.kind is BlockKind.HEADING and child.segment is not None:
                    return child.segment.msgid
        return ""

    @property
    def sections(self) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.kind is BlockKind.SECTION)


def segment_key(msgid: str) -> str:
    """A segment's short, stable name: the page's data-msg, the layout's and the preview's key."""
    return hashlib.sha1(msgid.encode("utf-8")).hexdigest()[:10]


def read_document(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BrochureError(path, 1, "file not found; the brochure's source must be here") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BrochureError(path, 1, f"cannot read the source as UTF-8: {error}") from None
    return parse_document(text, path, read_comments(path.with_name(COMMENTS)))


def read_comments(path: Path) -> Comments:
    """source/comments.toml: what the template tells translators about each place and placeholder."""
    _, data = read_toml(path, "the comments that tell translators where each segment appears")
    return {table: {str(key): str(value) for key, value in data.get(table, {}).items()} for table in TABLES}


def parse_document(text: str, path: Path, comments: Comments | None = None) -> Document:
    """The tree of `text`; each segment's comment is the one `comments` has for where it stands."""
    check_fences(text, path)
    tokens = markdown_parser().parse(text)
    comments = comments or {}
    builder = _TreeBuilder(tokens, path, comments.get("places", {}))
    return Document(path, builder.top_level(), comments.get("placeholders", {}))


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
    """Walk markdown-it's flat token stream and nest it into blocks."""

    def __init__(self, tokens: list[Token], path: Path, places: Mapping[str, str]) -> None:
        self.tokens, self.path, self.places = tokens, path, places
        self.index = 0

    def top_level(self) -> tuple[Block, ...]:
        blocks = self.blocks_until(None, _Context())
        for block in blocks:
            if block.kind not in TOP_LEVEL:
                raise BrochureError(
                    self.path, block.line, "content outside a 'cover' or 'section' container block"
                )
        return tuple(blocks)

    def blocks_until(self, closing: str | None, context: _Context) -> list[Block]:
        blocks: list[Block] = []
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            if token.type == closing:
                self.index += 1
                return blocks
            blocks.append(self.block(token, context))
        return blocks

    def block(self, token: Token, context: _Context) -> Block:
        line = token.map[0] + 1 if token.map else 1
        if token.type.startswith("container_") and token.type.endswith("_open"):
            return self.container(token, line, context)
        self.index += 1
        if token.type == "heading_open":
            level = int(token.tag[1])
            text = self.inline_text()
            if level <= 2:
                context.section = text
            segment = self.segment(text, line, place(BlockKind.HEADING, level, context), context)
            return Block(BlockKind.HEADING, line, level=level, segment=segment)
        if token.type == "paragraph_open":
            return self.paragraph(line, context)
        if token.type == "ordered_list_open":
            context.items, context.in_list = 0, True
            items = self.blocks_until("ordered_list_close", context)
            context.in_list = False
            return Block(BlockKind.LIST, line, children=tuple(items))
        if token.type == "list_item_open":
            context.items += 1
            children = self.blocks_until("list_item_close", context)
            return Block(BlockKind.ITEM, line, children=tuple(children))
        raise BrochureError(self.path, line, f"{describe(token)} is not part of the brochure's format")

    def container(self, token: Token, line: int, context: _Context) -> Block:
        words = token.info.split()
        kind = BlockKind(words[0])
        name = words[1] if len(words) > 1 else ""
        if kind in NAMED and not name:
            raise BrochureError(self.path, line, f"'{kind}' needs a name: '::: {kind} NAME'")
        self.index += 1
        inner = _Context(section=context.section, container=kind)
        children = tuple(self.blocks_until(f"container_{kind}_close", inner))
        if kind in TOP_LEVEL:
            context.section = inner.section
        if kind in QUOTING and len(children) != 2:
            raise BrochureError(
                self.path, line, f"'{kind}' holds two paragraphs: the quotation, then its source"
            )
        return Block(kind, line, name=name, children=children)

    def paragraph(self, line: int, context: _Context) -> Block:
        text = self.inline_text()
        if not context.in_list:
            context.paragraphs += 1
        kind = BlockKind.PARAGRAPH
        if context.container in QUOTING:
            kind = BlockKind.QUOTATION if context.paragraphs == 1 else BlockKind.ATTRIBUTION
        return Block(kind, line, segment=self.segment(text, line, place(kind, 0, context), context))

    def inline_text(self) -> str:
        token = self.tokens[self.index]
        self.index += 2  # the inline token and the block's closing token
        return " ".join(line.strip() for line in token.content.splitlines())

    def segment(self, text: str, line: int, where: str, context: _Context) -> Segment:
        values = {"section": context.section, "item": context.items, "paragraph": context.paragraphs}
        return Segment(msgid=text, line=line, comment=self.places.get(where, "").format(**values))


def describe(token: Token) -> str:
    return token.type.removesuffix("_open").replace("_", " ").capitalize()


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
