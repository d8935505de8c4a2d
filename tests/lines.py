"""The laid-out lines of a locale's brochure, read from WeasyPrint's box tree, block by block."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weasyprint.formatting_structure import boxes

from pipeline.config import html_lang, load_project
from pipeline.html import Renderer
from pipeline.inputs import read_inputs
from pipeline.pdf import render_pdf
from pipeline.render import make_edition


@dataclass(frozen=True)
class Block:
    """One element's text as the DOM holds it, and the lines it was laid out in."""

    tag: str
    lang: str
    text: str
    lines: tuple[str, ...]


def laid_out(root: Path, locale: str) -> Any:
    """WeasyPrint's document of `locale`'s print edition, as `brochure build` lays it out."""
    project = load_project(root)
    inputs = read_inputs(project, (locale,))
    translator = inputs.translator(locale)
    edition = make_edition(project, inputs, translator)
    html = Renderer(project.templates_dir, translator).render("print.html", edition=edition)
    return render_pdf(html, project.source_dir, locale, html_lang(locale)).document


def blocks(document: Any) -> list[Block]:
    """Every element that holds lines, with its lines from all pages, in document order."""
    found: dict[int, tuple[Any, str, list[str]]] = {}
    for page in document.pages:
        for box, lines in line_holders(page._page_box):
            lang = str(box.style["lang"] or "")
            found.setdefault(id(box.element), (box.element, lang, []))[2].extend(lines)
    return [
        Block(element.tag, lang, "".join(element.itertext()), tuple(lines))
        for element, lang, lines in found.values()
    ]


def line_holders(box: Any) -> Iterator[tuple[Any, list[str]]]:
    children = getattr(box, "children", [])
    lines = [child for child in children if isinstance(child, boxes.LineBox)]
    # The running title's copy in the text is 1px wide and hidden: the header shows it.
    if lines and box.element is not None and box.element.get("class") != "running-title":
        yield box, [line_text(line) for line in lines]
    for child in children:
        if not isinstance(child, boxes.LineBox):
            yield from line_holders(child)


def line_text(line: Any) -> str:
    """The characters of one line, leaving out generated content (quotation marks, counters)."""
    return "".join(
        box.text
        for box in line.descendants()
        if isinstance(box, boxes.TextBox) and "::" not in (box.element_tag or "")
    )


def breaks(block: Block) -> Iterator[tuple[str, str, str]]:
    """Each line break of `block`: the text before it, the text after it, and what it replaced."""
    position = 0
    for current, following in zip(block.lines, block.lines[1:], strict=False):
        start = block.text.find(current.strip(), position)
        if start < 0:
            continue
        end = start + len(current.strip())
        position = end
        gap = block.text[end:]
        between = gap[: len(gap) - len(gap.lstrip())]
        yield current, following, between
