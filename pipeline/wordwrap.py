"""Turn a segment's HTML into HTML whose words cannot break across lines, for Korean.

Korean sets spaces between words and breaks lines only there (`word-break: keep-all`), but
WeasyPrint rejects keep-all and breaks between any two Hangul syllables (탐사/에). Each word is
wrapped in a `<span class="word">` (white-space: nowrap): the text is unchanged, and so is every
element; an element that a word enters or leaves in its middle is closed and opened again
around the word's span, so that the spans nest. A link is the exception: two links to one
target are two tab stops and two link annotations, so a link that a word enters or leaves in
its middle keeps its spaces inside that word (ISECG 웹사이트에서: one link, one unbreakable word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

# HTML's whitespace: a no-break space (U+00A0, U+202F) joins, as in '2007년 5월'.
SPACE = re.compile(r"[ \t\n\f\r]+")
# The pieces of a segment's HTML: its tags, runs of spaces, and the text between them.
PIECE = re.compile(rf"(<[^<>]*>|{SPACE.pattern})")
LINK_OPEN = re.compile(r"<a[\s>]")
WORD_OPEN, WORD_CLOSE = '<span class="word">', "</span>"


def keep_words_whole(html: Markup) -> Markup:
    """`html` with every word (a run of non-spaces, across inline tags) in a no-wrap span."""
    pieces = [piece for piece in PIECE.split(str(html)) if piece]
    writer = _Writer(word_breaks(pieces))
    for index, piece in enumerate(pieces):
        writer.add(piece, pieces, index)
    writer.end_word()
    return Markup("".join(writer.out))


def is_space(piece: str) -> bool:
    return SPACE.fullmatch(piece) is not None


def word_breaks(pieces: list[str]) -> set[int]:
    """The indices of the spaces that end a word: all but those of a link a word runs into."""
    breaks = {index for index, piece in enumerate(pieces) if is_space(piece)}
    start = 0  # a link's start tag: the segment's markup comes balanced from markdown-it
    for index, piece in enumerate(pieces):
        if LINK_OPEN.match(piece):
            start = index
        elif piece == "</a>" and (
            attached(pieces, range(start - 1, -1, -1)) or attached(pieces, range(index + 1, len(pieces)))
        ):
            breaks -= set(range(start, index))
    return breaks


def attached(pieces: list[str], indices: range) -> bool:
    """Whether text follows (or precedes) in the same word, looking through tags only."""
    for index in indices:
        if not pieces[index].startswith("<"):
            return not is_space(pieces[index])
    return False


@dataclass(slots=True)
class _Writer:
    breaks: set[int]
    out: list[str] = field(default_factory=list)
    open_tags: list[str] = field(default_factory=list)
    word_depth: int = -1  # how many tags were open when the current word's span opened

    def add(self, piece: str, pieces: list[str], index: int) -> None:
        if piece.startswith("</"):
            if len(self.open_tags) == self.word_depth:  # closes right after the word's last text
                self.end_word()
            self.close(self.open_tags.pop())
        elif piece.startswith("<"):
            self.out.append(piece)
            if not piece.endswith("/>"):
                self.open_tags.append(piece)
        elif index in self.breaks:
            self.end_word()
            self.out.append(piece)
        else:
            if self.word_depth < 0:
                self.start_word(closed_within(pieces, index, self.breaks))
            self.out.append(piece)

    def start_word(self, leaves: int) -> None:
        """Open the span; the `leaves` innermost elements end inside the word: reopen them in it."""
        kept = self.open_tags[len(self.open_tags) - leaves :]
        for tag in reversed(kept):
            self.close(tag)
        self.out.append(WORD_OPEN)
        self.out.extend(kept)
        self.word_depth = len(self.open_tags) - leaves

    def end_word(self) -> None:
        """Close the span; elements opened inside the word close before it and reopen after."""
        if self.word_depth < 0:
            return
        inner = self.open_tags[self.word_depth :]
        for tag in reversed(inner):
            self.close(tag)
        self.out.append(WORD_CLOSE)
        self.out.extend(inner)
        self.word_depth = -1

    def close(self, tag: str) -> None:
        """End the element `tag` opened; one that would be empty (just reopened) is dropped."""
        if self.out and self.out[-1] == tag:
            self.out.pop()
        else:
            self.out.append(closing(tag))


def closed_within(pieces: list[str], start: int, breaks: set[int]) -> int:
    """How many of the elements open at `start` close before the last text of the word starting
    there (one that closes after it closes after the word's span instead)."""
    depth = lowest = closed = 0
    for index in range(start, len(pieces)):
        piece = pieces[index]
        if index in breaks:
            break
        if piece.startswith("</"):
            depth -= 1
            lowest = min(lowest, depth)
        elif piece.startswith("<") and not piece.endswith("/>"):
            depth += 1
        elif not piece.startswith("<"):  # text, or a space kept inside the word
            closed = lowest
    return -closed


def closing(tag: str) -> str:
    name = re.match(r"<([A-Za-z0-9]+)", tag)
    return f"</{name[1]}>" if name else ""
