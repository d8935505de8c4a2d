"""Turn msgids into the text a locale publishes: its translation when it is safe, else the source."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .catalogs import SOURCE_PLURALS, Catalog, Entry, PluralRule, Status
from .markup import markup_signature, placeholders

__all__ = ["Rendition", "Status", "Translator", "is_safe", "printf_names"]

# Each '%' starts %(name)s, %% or a stray (before a line break too) that breaks %-formatting.
PRINTF = re.compile(r"%(?:\((\w+)\)s|(%)|(.|$))", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Rendition:
    msgid: str
    text: str
    status: Status
    line: int

    @property
    def falls_back(self) -> bool:
        return self.status not in (Status.SOURCE, Status.TRANSLATED)


def is_safe(msgid: str, msgstr: str, *, printf: bool = False) -> bool:
    """A translation may carry only the markup and placeholders of its source segment.

    UI strings (`printf`) go through Jinja2's %-formatting, where a stray % would raise;
    segments never do, so a % in them is only text.
    """
    return (
        markup_signature(msgstr) == markup_signature(msgid)
        and placeholders(msgstr) == placeholders(msgid)
        and (not printf or printf_names(msgstr) == printf_names(msgid))
    )


def printf_names(text: str) -> Counter[str] | None:
    """The %(name)s placeholders of `text`; None when it has a stray % that would break formatting."""
    names: Counter[str] = Counter()
    for match in PRINTF.finditer(text):
        if match[3] is not None:
            return None
        if match[1]:
            names[match[1]] += 1
    return names


@dataclass(slots=True)
class Translator:
    """The translations of one locale; remembers every rendition for the report."""

    locale: str
    entries: dict[tuple[str, str], Entry]
    is_source: bool = False
    plurals: PluralRule = SOURCE_PLURALS
    renditions: dict[str, Rendition] = field(default_factory=dict)

    @classmethod
    def of(cls, locale: str, catalog: Catalog | None) -> Translator:
        """The translator of a catalog; without one, of the source locale."""
        if catalog is None:
            return cls(locale, {}, is_source=True)
        return cls(locale, catalog.entries(), plurals=catalog.plurals)

    def fresh(self) -> Translator:
        """A translator of the same entries that has recorded nothing yet."""
        return Translator(self.locale, self.entries, self.is_source, self.plurals)

    def translate(
        self, msgid: str, plural: str = "", count: int = 1, *, printf: bool = False, context: str = ""
    ) -> Rendition:
        rendition = self.lookup(msgid, plural, count, printf=printf, context=context)
        # gettext's own key for a message with context: CONTEXT, EOT, msgid.
        self.renditions[f"{context}\x04{msgid}" if context else msgid] = rendition
        return rendition

    def lookup(
        self, msgid: str, plural: str = "", count: int = 1, *, printf: bool = False, context: str = ""
    ) -> Rendition:
        """The rendition of `msgid`, without recording it for the report."""
        source = plural if plural and count != 1 else msgid
        if self.is_source:
            return Rendition(msgid, source, Status.SOURCE, 0)
        entry = self.entries.get((context, msgid))
        if entry is None:
            return Rendition(msgid, source, Status.UNTRANSLATED, 0)
        text = entry.msgstr_plural[self.plurals.index(count)] if plural else entry.msgstr
        status = entry.status
        if status is Status.TRANSLATED and not is_safe(source, text, printf=printf):
            status = Status.REFUSED
        return Rendition(msgid, text if status is Status.TRANSLATED else source, status, entry.line)

    # Jinja2's i18n extension calls these; with autoescape on it wraps the result in Markup
    # without escaping it, so the translation is escaped here, before it gets that far.
    def gettext(self, msgid: str) -> Markup:
        return escape(self.translate(msgid, printf=True).text)

    def ngettext(self, singular: str, plural: str, count: int) -> Markup:
        return escape(self.translate(singular, plural, count, printf=True).text)

    def pgettext(self, context: str, msgid: str) -> Markup:
        return escape(self.translate(msgid, printf=True, context=context).text)
