"""Turn WeasyPrint's laid-out pages into where each part of the brochure falls, against the budget."""

from __future__ import annotations

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
class Layout:
    pages: int
    # The page where the first part that outgrows its pages shows it, and how (None: all fit).
    overflow: tuple[int, str] | None
    segments: tuple[tuple[str, ...], ...]  # the segment keys on each page


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
    """Where each part starts (the page of its anchor) and ends (before the next part's start), and
    the first that its budget does not hold."""
    pages = len(document.pages)
    first_page: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    ids = sorted(budget.starts, key=budget.starts.__getitem__)
    starts = [first_page.get(part_id, 0) for part_id in ids]
    ends = [start - 1 if start else pages for start in starts[1:]] + [pages]
    budget_ends = [budget.starts[part_id] - 1 for part_id in ids[1:]] + [budget.pages]
    overflows = (
        (min(end, budget_end + 1), f"'{part_id}' ends on page {end}, its budget ends on page {budget_end}")
        for part_id, start, end, budget_end in zip(ids, starts, ends, budget_ends, strict=True)
        if start != budget.starts[part_id] or end > budget_end
    )
    too_long = (min(pages, budget.pages + 1), f"{pages} pages, the budget is {budget.pages}")
    overflow = next(overflows, too_long if pages != budget.pages else None)
    segments = tuple(page_segments(page) for page in document.pages)
    return Layout(pages, overflow, segments)


def page_segments(page: Any) -> tuple[str, ...]:
    """The segment keys (data-msg) of the elements laid out on `page`, in order."""
    elements = (getattr(box, "element", None) for box in page._page_box.descendants())
    keys = (element.get("data-msg") for element in elements if element is not None)
    return tuple(dict.fromkeys(key for key in keys if key))


class LayoutError(BrochureError):
    """A translation that makes a part of the brochure outgrow the pages the design gives it."""


def check_layout(project: Project, translator: Translator, layout: Layout) -> None:
    """A part that outgrows its pages fails the build, naming the segments that overflowed."""
    if layout.overflow is None:
        return
    page, where = layout.overflow
    renditions = {segment_key(msgid): rendition for msgid, rendition in translator.renditions.items()}
    cited = [renditions[key] for key in layout.segments[page - 1] if key in renditions]
    names = "; ".join(f"line {rendition.line} “{rendition.msgid[:40]}”" for rendition in cited[:4])
    path = project.messages_path(translator.locale)
    line = cited[0].line if cited and cited[0].line else 1
    raise LayoutError(path, line, f"{translator.locale}: {where}; on page {page}: {names}")
