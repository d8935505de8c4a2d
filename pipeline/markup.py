"""Turn a segment's inline CommonMark into safe HTML, and describe the markup it carries."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# A named printf placeholder of a UI string, which Jinja2's %-formatting fills.
PRINTF_NAME = re.compile(r"%\(\w+\)s")


@cache
def inline_parser() -> MarkdownIt:
    """CommonMark inline syntax only: no raw HTML, no images, no autolinked bare URLs."""
    return MarkdownIt("commonmark", {"html": False}).disable(["image", "html_inline"])


def inline_tokens(text: str) -> list[Token]:
    return [child for token in inline_parser().parseInline(text) for child in token.children or []]


def markup_signature(text: str) -> Counter[tuple[str, str]]:
    """The inline markup of `text`: kinds of emphasis and link targets, with their counts."""
    signature: Counter[tuple[str, str]] = Counter()
    for token in inline_tokens(text):
        if token.type.endswith("_open"):
            kind = token.type.removesuffix("_open")
            signature[(kind, str(token.attrs.get("href", "")))] += 1
        elif token.type in ("code_inline", "autolink"):
            signature[(token.type, token.content)] += 1
    return signature


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def render_inline(text: str, values: dict[str, str]) -> Markup:
    """HTML for a segment; placeholders become their (escaped) values, unknown ones stay literal."""
    html = inline_parser().renderInline(text)
    escaped = {name: str(escape(value)) for name, value in values.items()}
    return Markup(PLACEHOLDER.sub(lambda match: escaped.get(match[1], match[0]), html))


def plain_text(text: str, values: dict[str, str]) -> str:
    """The segment as a reader sees it, without markup (for titles and metadata)."""
    words = [token.content for token in inline_tokens(text) if token.type == "text"]
    return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), "".join(words))
