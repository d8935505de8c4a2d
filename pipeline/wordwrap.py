"""Turn a segment's HTML into HTML whose words cannot break across lines, for Korean.

Korean sets spaces between words and breaks lines only there (`word-break: keep-all`), but
WeasyPrint rejects keep-all and breaks between any two Hangul syllables (탐사/에). Each word is
wrapped in a `<span class="word">` (white-space: nowrap): the text is unchanged, and so is every
element; an element that a word enters or leaves in its middle is closed and opened again
around the word's span, so that the spans nest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

TAG = re.compile(r"(<[^<>]*>)")
SPACE = re.compile(r"(\s+)")
WORD_OPEN, WORD_CLOSE = '<span class="word">', "</span>"


def keep_words_whole(html: Markup) -> Markup:
    """`html` with every word (a run of non-spaces, across inline tags) in a no-wrap span."""
    pieces = [piece for part in TAG.split(str(html)) for piece in split_text(part) if piece]
    writer = _Writer()
    for index, piece in enumerate(pieces):
        writer.add(piece, pieces, index)
    writer.end_word()
    return Markup("".join(writer.out))


def split_text(part: str) -> list[str]:
    return [part] if part.startswith("<") else SPACE.split(part)


@dataclass(slots=True)
class _Writer:
    out: list[str] = field(default_factory=list)
    open_tags: list[str] = field(default_factory=list)
    word_depth: int = -1  # how many tags were open when the current word's span opened

    def add(self, piece: str, pieces: list[str], index: int) -> None:
        if piece.startswith("</"):
            self.close(self.open_tags.pop())
        elif piece.startswith("<"):
            self.out.append(piece)
            if not piece.endswith("/>"):
                self.open_tags.append(piece)
        elif piece.isspace():
            self.end_word()
            self.out.append(piece)
        else:
            if self.word_depth < 0:
                self.start_word(closed_within(pieces, index))
            self.out.append(piece)

    def start_word(self, leaves: int) -> None:
        """Open the span; the `leaves` innermost elements end inside the word: reopen them in it."""
        kept = self.open_tags[len(self.open_tags) - leaves :] if leaves else []
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


def closed_within(pieces: list[str], start: int) -> int:
    """How many of the elements open at `start` close before the word starting there ends."""
    depth = lowest = 0
    for piece in pieces[start:]:
        if piece.isspace():
            break
        if piece.startswith("</"):
            depth -= 1
            lowest = min(lowest, depth)
        elif piece.startswith("<") and not piece.endswith("/>"):
            depth += 1
    return -lowest


def closing(tag: str) -> str:
    name = re.match(r"<([A-Za-z0-9]+)", tag)
    return f"</{name[1]}>" if name else ""
