"""Turn the template into the pseudo-locale en-XA: accented, about 40 percent longer, bracketed.

Nobody reads en-XA; it shows whether the design has room for languages that run longer than
English, and whether every visible string goes through the catalogs (an unbracketed string
on a pseudo page was never extracted).
"""

from __future__ import annotations

import re

import polib

from .catalogs import Entry, Status, key

ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþʠŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# Markup, placeholders and link targets stay as they are; only the words around them change.
PROTECTED = re.compile(r"(\{[a-z_]+\}|%\([a-z_]+\)s|\]\([^)]*\)|[*\[\]])")
EXPANSION = 0.4
PADDING = "~"


def pseudo_translate(text: str) -> str:
    pieces = PROTECTED.split(text)
    accented = "".join(piece if PROTECTED.fullmatch(piece) else piece.translate(ACCENTS) for piece in pieces)
    words = len(text.split())
    padding = " ".join(PADDING * 4 for _ in range(max(1, round(words * EXPANSION))))
    return f"[{accented} {padding}]"


def pseudo_entries(template: polib.POFile) -> dict[tuple[str, str], Entry]:
    entries = {}
    for entry in template:
        text = pseudo_translate(entry.msgid)
        plural = (text, pseudo_translate(entry.msgid_plural)) if entry.msgid_plural else ()
        entries[key(entry)] = Entry(text, plural, Status.TRANSLATED, int(entry.linenum))
    return entries
