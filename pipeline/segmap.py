"""Turn a locale's rendered segments into its segment map (JSON), which the preview reads.

For each segment of the web page, in page order: the key its element carries (data-msg), the
msgid, the status of the translation, where a translator edits it, what the catalog tells them
about it, and the HTML the page shows. It is written from what the build has already parsed
and rendered, so that the preview never parses the page or the catalogs again.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .cache import cache_folder
from .config import Project, html_lang
from .extract import segment_messages
from .files import write_text_atomic
from .glossary import Vocabulary
from .html import Edition, Node
from .inputs import Inputs
from .source import Block, Segment
from .translate import Status, Translator


def map_file(folder: Path) -> Path:
    """Where the map of the locale built into `folder` (out/de) lives: beside the build cache, not
    in the published folder, since it holds the text of fuzzy and refused translations."""
    out = folder.parent
    return cache_folder(out) / out.name / "segments" / f"{folder.name}.json"


@dataclass(frozen=True, slots=True)
class MappedSegment:
    """One segment as the page shows it, and what a translator needs to know to change it."""

    key: str  # the data-msg of its element
    msgid: str
    status: Status
    where: str  # the msgid's line in the catalog; without an entry, the segment's line in the source
    comment: str  # the extracted comment, as `extract` writes it into the template
    terms: tuple[str, ...]  # the glossary's terms in the msgid, with this locale's rendering
    msgstr: str
    lang: str  # the element's lang when the segment falls back to the source text, else ""
    html: str  # the element's inner HTML

    def __repr__(self) -> str:
        return f"<MappedSegment {self.key} {self.status}: {self.msgid[:40]!r}>"


def read_segment_map(folder: Path) -> tuple[MappedSegment, ...]:
    """The map a build wrote into a locale's folder."""
    data = json.loads(map_file(folder).read_text(encoding="utf-8"))
    return tuple(
        MappedSegment(**{**item, "status": Status(item["status"]), "terms": tuple(item["terms"])})
        for item in data
    )


def side_by_side(
    segments: tuple[MappedSegment, ...], sources: tuple[MappedSegment, ...]
) -> list[tuple[str, MappedSegment]]:
    """The source edition's HTML beside each segment, matched by key and occurrence."""
    queues: dict[str, deque[str]] = defaultdict(deque)
    for source in sources:
        queues[source.key].append(source.html)
    return [(queues[segment.key].popleft() if queues[segment.key] else "", segment) for segment in segments]


def write_segment_map(
    project: Project, inputs: Inputs, translator: Translator, edition: Edition, folder: Path
) -> None:
    """The map of the page that `edition` renders into `folder`, in page order; `translator` has
    rendered the edition already."""
    brochure = project.relative(project.brochure_path)
    messages = segment_messages(inputs.document, inputs.vocabulary, brochure)
    catalog = project.relative(project.messages_path(translator.locale))
    data = []
    for segment, node in placed(inputs.document.blocks, edition.blocks):
        rendition = translator.renditions[segment.msgid]
        entry = translator.entries.get(("", segment.msgid))
        mapped = MappedSegment(
            key=node.key,
            msgid=segment.msgid,
            status=rendition.status,
            where=f"{catalog}:{rendition.line}" if rendition.line else f"{brochure}:{segment.line}",
            comment=messages[segment.msgid].comment,
            terms=glossary_terms(inputs.vocabulary, segment.msgid, translator.locale),
            msgstr=entry.msgstr if entry is not None else "",
            lang=html_lang(node.lang) if node.lang else "",
            html=str(node.html),
        )
        data.append(asdict(mapped))
    write_text_atomic(map_file(folder), json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def placed(blocks: tuple[Block, ...], nodes: tuple[Node, ...]) -> Iterator[tuple[Segment, Node]]:
    """Each segment beside the node that shows it, in the order of the page.

    The renderer makes one node per block, children for children, so the two trees walk alike.
    """
    for block, node in zip(blocks, nodes, strict=True):
        if block.segment is not None:
            yield block.segment, node
        yield from placed(block.children, node.children)


def glossary_terms(vocabulary: Vocabulary, msgid: str, locale: str) -> tuple[str, ...]:
    """Each key term of `msgid` as the panel lists it: 'reference architecture → Referenzarchitektur'."""
    return tuple(
        f"{term.english[0]} → {term.approved(locale)}" if term.forms_for(locale) else term.english[0]
        for term in vocabulary.terms_in(msgid)
    )
