"""Turn the source (brochure.md and the templates' UI strings) into the messages of the template."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

import polib
from jinja2.ext import babel_extract as jinja_extract

from .config import Project
from .files import write_text_atomic
from .glossary import EMPTY, Vocabulary, glossary_path, load_vocabulary
from .gnu import WRAP_WIDTH, format_catalog
from .markup import PLACEHOLDER
from .source import COMMENTS, Document, Segment, parse_document, read_comments, read_document

JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
GETTEXT_KEYWORDS = ("_", "gettext", "ngettext", "pgettext")
COMMENT_TAGS = ("Translators:",)


@dataclass(slots=True)
class Message:
    """One entry of the template: a msgid, where it stands and what it is for."""

    msgid: str
    msgid_plural: str = ""
    msgctxt: str = ""
    # Dictionaries as ordered sets: each reference and comment once, in the order first seen.
    references: dict[tuple[str, int], None] = field(default_factory=dict)
    comments: dict[str, None] = field(default_factory=dict)

    def add(self, path: str, line: int, comments: Iterable[str]) -> None:
        self.references[path, line] = None
        self.comments.update(dict.fromkeys(comments))

    @property
    def comment(self) -> str:
        """The extracted comment: where the message appears first, notes on names and terms last."""
        return "\n".join(sorted(self.comments, key=is_vocabulary_note))


def extract_messages(project: Project) -> list[Message]:
    """All messages in source order: the brochure's segments, then each template's UI strings."""
    # The notes are a courtesy: a project without a glossary (a scenario of the tests, a new
    # brochure) extracts without them, and `check` names the missing file.
    vocabulary = load_vocabulary(project) if glossary_path(project).is_file() else EMPTY
    document = read_document(project.brochure_path)
    path = project.relative(project.brochure_path)
    messages = {
        ("", msgid): message for msgid, message in segment_messages(document, vocabulary, path).items()
    }
    for template in sorted(project.templates_dir.glob("*.html")):
        where = project.relative(template)
        with template.open("rb") as stream:
            for line, new, comments in template_messages(stream):
                message = messages.setdefault((new.msgctxt, new.msgid), new)
                message.add(where, line, [*comments, *vocabulary_notes(new.msgid, vocabulary)])
    return list(messages.values())


def segment_messages(document: Document, vocabulary: Vocabulary, path: str) -> dict[str, Message]:
    """The brochure's segments as messages, by msgid, in source order (a repeated one merged)."""
    messages: dict[str, Message] = {}
    for segment in document.segments():
        message = messages.setdefault(segment.msgid, Message(segment.msgid))
        message.add(path, segment.line, segment_comments(segment, document, vocabulary))
    return messages


def segment_comments(segment: Segment, document: Document, vocabulary: Vocabulary) -> list[str]:
    """Where the segment stands, what its placeholders stand for, and its names and terms."""
    msgid = segment.msgid
    return [segment.comment, *placeholder_notes(msgid, document), *vocabulary_notes(msgid, vocabulary)]


KEEP_NOTE, GLOSSARY_NOTE = "Keep as written, never translated: ", "Glossary (source/glossary.toml): "


def vocabulary_notes(msgid: str, vocabulary: Vocabulary) -> list[str]:
    """Name what stays as written and the glossary's terms, so the translator knows before `check`."""
    notes = []
    if names := vocabulary.verbatim_in(msgid):
        notes.append(KEEP_NOTE + ", ".join(names))
    if terms := vocabulary.terms_in(msgid):
        notes.append(GLOSSARY_NOTE + ", ".join(f"“{term.english[0]}”" for term in terms))
    return notes


def is_vocabulary_note(comment: str) -> bool:
    return comment.startswith((KEEP_NOTE, GLOSSARY_NOTE))


def placeholder_notes(msgid: str, document: Document) -> list[str]:
    """Say what each {placeholder} stands for, so that translators keep it as it is."""
    return [
        f"{{{name}}}: {document.placeholders.get(name, 'a value filled in by the build')}; keep it as it is"
        for name in dict.fromkeys(PLACEHOLDER.findall(msgid))
    ]


def template_messages(stream: BinaryIO) -> Iterator[tuple[int, Message, list[str]]]:
    """Jinja2's extraction; it gives pgettext's context first, ngettext's plural second."""
    for line, function, strings, comments in jinja_extract(
        stream, GETTEXT_KEYWORDS, COMMENT_TAGS, JINJA_OPTIONS
    ):
        if not isinstance(strings, tuple):
            message = Message(str(strings))
        elif function == "pgettext":
            message = Message(str(strings[1]), msgctxt=str(strings[0]))
        else:
            message = Message(str(strings[0]), str(strings[1] or ""))
        yield line, message, [comment.removeprefix("Translators:").strip() for comment in comments]


def babel_extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction protocol for brochure.md: `pybabel extract` yields our messages."""
    path = Path(getattr(fileobj, "name", "brochure.md"))
    places = path.with_name(COMMENTS)
    text = fileobj.read().decode("utf-8")
    document = parse_document(text, path, read_comments(places) if places.is_file() else None)
    for segment in document.segments():
        yield segment.line, None, segment.msgid, segment_comments(segment, document, EMPTY)


TEMPLATE_HEADER = (
    "Exploring Together, the ISECG brochure: messages to translate.\n"
    "Written by 'brochure extract' from source/; edit the source, not this file."
)
TEMPLATE_METADATA = {
    "Project-Id-Version": "Exploring Together",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "",
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
    "Language": "",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}


def build_template(messages: list[Message], created: str) -> polib.POFile:
    template = polib.POFile(wrapwidth=WRAP_WIDTH)
    template.header = TEMPLATE_HEADER
    template.metadata = {**TEMPLATE_METADATA, "POT-Creation-Date": created}
    for message in messages:
        entry = polib.POEntry(
            msgid=message.msgid,
            msgid_plural=message.msgid_plural,
            msgstr_plural={0: "", 1: ""} if message.msgid_plural else {},
            occurrences=[(path, str(line)) for path, line in message.references],
            comment=message.comment,
            msgctxt=message.msgctxt or None,
        )
        template.append(entry)
    return template


@dataclass(frozen=True, slots=True)
class ExtractResult:
    path: Path
    changed: bool
    messages: int
    diff: str


def extract(project: Project, *, check: bool, now: str) -> ExtractResult:
    """Write the template unless only its creation date would change; `check` writes nothing."""
    messages = extract_messages(project)
    path = project.template_path
    old_text = path.read_text(encoding="utf-8") if path.is_file() else ""
    found = re.search(r'^"POT-Creation-Date: ([^\\"]*)\\n"$', old_text, re.MULTILINE)
    old_created = found[1] if found else ""
    candidate = format_catalog(build_template(messages, old_created or now))
    changed = candidate != old_text
    if changed and old_created:
        candidate = format_catalog(build_template(messages, now))
    if changed and not check:
        write_text_atomic(path, candidate)
    name = project.relative(path)
    old, new = old_text.splitlines(keepends=True), candidate.splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", n=1))
    return ExtractResult(path=path, changed=changed, messages=len(messages), diff=diff)
