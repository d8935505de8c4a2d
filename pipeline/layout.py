"""Turn WeasyPrint's laid-out pages into where each part of the brochure falls, against the budget."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Project
from .errors import BrochureError, line_of
from .files import read_toml
from .source import segment_key
from .translate import Translator

# A saddle-stitched brochure is folded sheets of four pages each.
SHEET_PAGES = 4


@dataclass(frozen=True, slots=True)
class Budget:
    pages: int
    starts: dict[str, int]


@dataclass(frozen=True, slots=True)
class Part:
    id: str
    start: int
    end: int
    budget_start: int
    budget_end: int

    @property
    def fits(self) -> bool:
        return self.start == self.budget_start and self.end <= self.budget_end


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each part starts and ends (pages counted from 1), and the segments on each page."""

    pages: int
    parts: tuple[Part, ...]
    segments: tuple[tuple[str, ...], ...]

    def overflows(self) -> list[Part]:
        return [part for part in self.parts if not part.fits]

    def fits(self, budget: Budget) -> bool:
        return self.pages == budget.pages and not self.overflows()


def read_budget(path: Path, edition: str = "") -> Budget:
    """The screen edition's budget (the file's top level), or an edition's own table ([print])."""
    text, data = read_toml(path, "the design's page budget")
    if edition:
        table = data.get(edition)
        if not isinstance(table, dict):
            raise BrochureError(path, 1, f"needs a [{edition}] table: the {edition} edition's budget")
        data = table
    starts = data.get("starts")
    # The table's header, at the start of a line (a comment may name it before).
    where = line_of(text, f"\n[{edition}]\n") + 1 if edition else line_of(text, "pages")
    if not isinstance(data.get("pages"), int) or not isinstance(starts, dict):
        raise BrochureError(path, where, "needs 'pages = N' and a [starts] table")
    if edition == "print" and data["pages"] % SHEET_PAGES:
        raise BrochureError(
            path, where, f"the print edition is saddle-stitched: pages must be a multiple of {SHEET_PAGES}"
        )
    return Budget(pages=data["pages"], starts={str(key): int(value) for key, value in starts.items()})


def inspect_layout(document: Any, budget: Budget) -> Layout:
    """Read the anchors and the segment keys (data-msg) of every laid-out page."""
    first_page: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    ids = sorted(budget.starts, key=budget.starts.__getitem__)
    parts = []
    for index, part_id in enumerate(ids):
        start = first_page.get(part_id, 0)
        following = [first_page.get(other, 0) for other in ids[index + 1 :]]
        end = (following[0] - 1) if following and following[0] else len(document.pages)
        budget_end = (budget.starts[ids[index + 1]] - 1) if index + 1 < len(ids) else budget.pages
        parts.append(Part(part_id, start, end, budget.starts[part_id], budget_end))
    segments = tuple(tuple(dict.fromkeys(page_segments(page))) for page in document.pages)
    return Layout(pages=len(document.pages), parts=tuple(parts), segments=segments)


def page_segments(page: Any) -> Iterator[str]:
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        key = element.get("data-msg") if element is not None else None
        if key:
            yield key


class LayoutError(BrochureError):
    """A translation that makes a part of the brochure outgrow the pages the design gives it."""


def check_layout(project: Project, translator: Translator, layout: Layout, budget: Budget) -> None:
    """A part that outgrows its pages fails the build, naming the segments that overflowed."""
    if layout.fits(budget):
        return
    overflowing = layout.overflows()
    part = overflowing[0] if overflowing else None
    page = min(part.end, part.budget_end + 1) if part else min(layout.pages, budget.pages + 1)
    renditions = {segment_key(msgid): rendition for msgid, rendition in translator.renditions.items()}
    cited = [renditions[key] for key in layout.segments[page - 1] if key in renditions]
    if part:
        where = f"'{part.id}' ends on page {part.end}, its budget ends on page {part.budget_end}"
    else:
        where = f"{layout.pages} pages, the budget is {budget.pages}"
    names = "; ".join(f"line {rendition.line} “{rendition.msgid[:40]}”" for rendition in cited[:4])
    path = project.brochure_path if translator.is_source else project.catalog_path(translator.locale)
    line = cited[0].line if cited and cited[0].line else 1
    raise LayoutError(path, line, f"{translator.locale}: {where}; on page {page}: {names}")
