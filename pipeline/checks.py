"""Turn a catalog and its template into findings a translator can act on."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, TypeVar

import polib
from babel.messages.plurals import get_plural

from .catalogs import plural_rule_of, read_catalog
from .errors import display_path
from .glossary import EMPTY, Vocabulary
from .markup import PLACEHOLDER, markup_signature, placeholders, plain_text
from .translate import Status, printf_names


class Severity(StrEnum):
    ERROR = "error"  # the page would be wrong or unsafe: `check` fails
    WARNING = "warning"  # worth a look: `check --strict` fails


@dataclass(frozen=True, slots=True)
class Finding:
    path: Path
    line: int  # of the entry's msgid, counted from 1
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.severity}[{self.code}]: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return {
            "path": display_path(self.path),
            "line": self.line,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """Template messages by state, counted in messages and in the words of their msgids."""

    locale: str
    translated: int
    fuzzy: int
    untranslated: int
    translated_words: int
    fuzzy_words: int
    untranslated_words: int

    @property
    def messages(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Share of the source's words whose translation is published (translated, not fuzzy)."""
        return 100.0 * self.translated_words / self.words if self.words else 100.0

    def as_dict(self) -> dict[str, str | int | float]:
        return {
            "locale": self.locale,
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "translated_words": self.translated_words,
            "fuzzy_words": self.fuzzy_words,
            "untranslated_words": self.untranslated_words,
            "percent": round(self.percent, 1),
        }


@dataclass(frozen=True, slots=True)
class CatalogContext:
    """What a catalog-level check looks at."""

    catalog: polib.POFile
    template: polib.POFile
    text: str  # the catalog file, to cite header lines
    locale: str
    threshold: float
    vocabulary: Vocabulary = EMPTY


# An entry's text: (source, translation, locale) -> one message per problem.
TextCheck = Callable[[str, str, str], Iterator[str]]
# An entry's text measured against the project's vocabulary: the glossary and untranslated names.
TermCheck = Callable[[str, str, str, Vocabulary], Iterator[str]]
# An entry as a whole: (entry, locale) -> messages.
EntryCheck = Callable[[polib.POEntry, str], Iterator[str]]
# The catalog as a whole -> (line, message) pairs.
CatalogCheck = Callable[[CatalogContext], Iterator[tuple[int, str]]]
F = TypeVar("F", TextCheck, TermCheck, EntryCheck, CatalogCheck)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Check(Generic[F]):
    code: str
    severity: Severity
    function: F
    description: str


# ---------------------------------------------------------------- vocabulary

NO_BREAK_SPACES = "\u202f\u00a0"

ANY_LOCALE = frozenset({"*"})
# Messages a translation may rightly leave as the source has them. The key is a regular
# expression that the whole msgid (placeholders removed) must match; the value, the languages
# (or locales) in which that is normal. Messages made of names that stay untranslated (the
# glossary's and data.toml's acronyms and addresses) and punctuation are allowed everywhere.
SAME_AS_SOURCE_ALLOWED: dict[str, frozenset[str]] = {
    r"[\W\d_]*": ANY_LOCALE,  # no letters: numbers, punctuation, placeholders
    r"PDF\b.*": ANY_LOCALE,
    # The group's own name, which some editions keep in English; and names of people.
    r"International Space Exploration Coordination Group": ANY_LOCALE,
    r"Konstantin E\. Tsiolkovsky|Socrates|Lao Tzu": ANY_LOCALE,
    r"Contact": frozenset({"fr", "nl", "ro"}),
    r"Website": frozenset({"de", "nl"}),
    r"E-mail": frozenset({"it", "nl", "pt"}),
}

# Repeated words that grammar allows: German relative pronoun + article, French reflexives.
LEGITIMATE_DOUBLES: dict[str, frozenset[str]] = {
    "de": frozenset({"das", "dem", "den", "der", "des", "die"}),
    "fr": frozenset({"nous", "vous"}),
}

# Usual length of a translation, as a multiple of the English source's, for long segments.
LENGTH_BANDS: dict[str, tuple[float, float]] = {
    "de": (0.8, 1.6),
    "fr": (0.8, 1.5),
    "it": (0.8, 1.5),
}
LENGTH_MIN_SOURCE = 40

# Where French wants a no-break space before a mark; Canadian usage keeps it only before a colon.
FRENCH_SPACED_MARKS: dict[str, str] = {"fr": ";:!?", "fr_CA": ":"}


@dataclass(frozen=True, slots=True)
class QuoteStyle:
    opening: str
    closing: str
    foreign: str  # marks that open or close other languages' quotations
    example: str


QUOTE_STYLES: dict[str, QuoteStyle] = {
    "de": QuoteStyle("„", "“", "«»”", "„…“"),
    "de_CH": QuoteStyle("«", "»", "„”", "«…»"),
    "fr": QuoteStyle("«", "»", "„", "«\u202f…\u202f»"),
    "it": QuoteStyle("«", "»", "„", "«…»"),
    # CLDR's delimiters (Babel does not carry them). Chinese and Korean quote with “…” (Korean
    # may set a title in 「…」 or 『…』); Japanese with 「…」 and 『…』 inside; Russian and
    # Ukrainian with «…» and „…“ inside; Hindi with “…”.
    "zh": QuoteStyle("“", "”", "「」『』«»„", "“…”"),
    "ko": QuoteStyle("“", "”", "«»„", "“…”"),
    "ja": QuoteStyle("「", "」", "“”«»„", "「…」, with 『…』 inside"),
    "ru": QuoteStyle("«", "»", "”", "«…», with „…“ inside"),
    "uk": QuoteStyle("«", "»", "”", "«…», with „…“ inside"),
    "hi": QuoteStyle("“", "”", "«»„", "“…”"),
}

# Hindi ends a sentence with the danda (।), not a full stop; a full stop after Devanagari is wrong.
DANDA_LOCALES = frozenset({"hi"})
# A word of two letters or more: an initial (ई. for E.) keeps its full stop.
DEVANAGARI_FULL_STOP = re.compile(r"[\u0900-\u0963\u0966-\u097f]{2,}[)\]”’*_]*\.(?=\s|$)")

# Text that is copied, never typeset: link targets, code, tags, URLs, e-mail, placeholders.
VERBATIM = re.compile(
    r"\]\([^)]*\)|`[^`]*`|<[^<>]*>"
    r"|\b(?:https?|ftp)://\S+|\bwww\.\S+|\bmailto:\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\{[a-z_]+\}|%\(\w+\)s|&#?\w+;"
)
HTML_TAG = re.compile(r"<(?:/?[A-Za-z][^<>]*|!--.*?)>", re.DOTALL)
SCRIPT_URL = re.compile(r"\b(?:java|vb)script\s*:|\bdata\s*:\s*[\w.+-]+/[\w.+-]+", re.IGNORECASE)
URL = re.compile(r"\b(?:https?|ftp)://[^\s<>()\[\]\"']+|\bwww\.[^\s<>()\[\]\"']+|\bmailto:[^\s<>()\[\]]+")
TEMPLATE_SYNTAX = re.compile(r"\{[{%#]")
PRINTF_NAME = re.compile(r"%\(\w+\)s")
DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)\s+(\1)\b", re.IGNORECASE)
# Closing quotes, brackets and emphasis marks may follow a sentence's final mark.
TRAILERS = " \t\n\u00a0\u202f\"'’”“»«›‹)]*_"
FINAL_MARKS = {
    ".": ".",
    ":": ":",
    "?": "?",
    "!": "!",
    "…": "…",
    "？": "?",
    "！": "!",
    "؟": "?",
    "。": ".",
    "।": ".",
    "：": ":",
    "．": ".",
}


def language(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0]


def for_locale(table: Mapping[str, V], locale: str) -> V | None:
    """The entry of `table` for `locale` (pt_BR), else for its language (pt), else None."""
    locale = locale.replace("-", "_")
    return table.get(locale, table.get(language(locale)))


def masked(text: str) -> str:
    """`text` with its verbatim parts blanked out, keeping every other character in place."""
    return VERBATIM.sub(lambda match: "x" * len(match[0]), text)


def differences(source: Counter[Any], translation: Counter[Any], name: Callable[[Any], str]) -> Iterator[str]:
    for item in sorted(source.keys() | translation.keys(), key=str):
        if source[item] != translation[item]:
            counts = f"{source[item]} in the source, {translation[item]} in the translation"
            yield f"{name(item)}: {counts}"


def word_before(text: str, index: int) -> str:
    """The word before `text[index]`, with the spaces between and that character: 'sont :'."""
    match = re.search(r"\S*\s*\Z", text[:index])
    return text[match.start() if match else index : index + 1]


def word_after(text: str, index: int) -> str:
    """`text[index]` with the spaces and the word after it: '« D’où'."""
    match = re.match(r".\s*\S*", text[index:])
    return match[0] if match else text[index:]


# ---------------------------------------------------------------- checks of one text


def check_markup(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    yield from differences(markup_signature(msgid), markup_signature(msgstr), markup_name)


def markup_name(item: tuple[str, str]) -> str:
    kind, target = item
    names = {"em": "emphasis *…*", "strong": "strong emphasis **…**", "link": f"link […]({target})"}
    return names.get(kind, f"{kind} {target}")


def check_placeholder(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    yield from differences(placeholders(msgid), placeholders(msgstr), lambda name: f"placeholder {{{name}}}")
    if stray_percent(msgstr) and not stray_percent(msgid):
        yield "a '%' outside a %(name)s placeholder breaks the text; write %% for a percent sign"
    elif stray_percent(msgid) and not stray_percent(msgstr):
        yield "the source has a literal '%'; keep it as the source writes it"
    source, translation = printf_names(msgid), printf_names(msgstr)
    if source is not None and translation is not None:
        yield from differences(source, translation, lambda name: f"placeholder %({name})s")


def stray_percent(text: str) -> bool:
    """A '%' that is neither %% nor part of %(name)s (printf_names misses one at the very end)."""
    return "%" in PRINTF_NAME.sub("", text.replace("%%", ""))


def check_injection(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    for tag in new_matches(HTML_TAG, msgid, msgstr):
        yield f"raw HTML {tag!r}: write Markdown (*…*, **…**, [text](target)) as the source does"
    for scheme in new_matches(SCRIPT_URL, msgid, msgstr):
        yield f"{scheme!r} address: never allowed in a translation"
    for url in new_matches(URL, msgid, msgstr, address):
        yield f"address {url.rstrip('.,;:!?')} is not in the source; keep the source's addresses"
    for syntax in new_matches(TEMPLATE_SYNTAX, msgid, msgstr):
        yield f"template syntax {syntax!r} is not in the source"


def new_matches(
    pattern: re.Pattern[str], msgid: str, msgstr: str, same: Callable[[str], str] = str
) -> list[str]:
    """What `pattern` finds in the translation but not in the source, once each; matches that
    `same` maps to one value count as one."""
    known = {same(match) for match in pattern.findall(msgid)}
    found = [match for match in pattern.findall(msgstr) if same(match) not in known]
    return list(dict.fromkeys(found))


def address(url: str) -> str:
    """What a URL points to: https://www.x.org/ and www.x.org are the same; a final '.' ends
    the sentence, not the address."""
    url = re.sub(r"^(?:https?://|ftp://|mailto:)?(?:www\.)?", "", url, flags=re.IGNORECASE)
    return url.rstrip(".,;:!?/").lower()


def check_terms(msgid: str, msgstr: str, locale: str, vocabulary: Vocabulary) -> Iterator[str]:
    for name in vocabulary.verbatim_in(msgid):
        if name not in vocabulary.verbatim_in(msgstr):
            yield f"{name} is missing; keep names, acronyms and addresses as the source has them"


def check_glossary(msgid: str, msgstr: str, locale: str, vocabulary: Vocabulary) -> Iterator[str]:
    for term in vocabulary.terms_in(msgid):
        if not term.rendered_in(msgstr, locale):
            forms = ", ".join(f"“{form}”" for form in term.forms_for(locale))
            yield (
                f"“{term.english[0]}” is rendered {forms} in this language (source/glossary.toml); "
                "the translation has none of these"
            )


def check_same_as_source(msgid: str, msgstr: str, locale: str, vocabulary: Vocabulary) -> Iterator[str]:
    if msgstr == msgid and not same_as_source_allowed(msgid, locale, vocabulary):
        yield "the translation is the English source unchanged; translate it"


def same_as_source_allowed(msgid: str, locale: str, vocabulary: Vocabulary = EMPTY) -> bool:
    bare = PRINTF_NAME.sub("", PLACEHOLDER.sub("", msgid)).strip()
    for name in vocabulary.verbatim_in(bare):
        bare = bare.replace(name, " ")
    wanted = {"*", locale.replace("-", "_"), language(locale)}
    return any(
        re.fullmatch(pattern, bare.strip()) and not locales.isdisjoint(wanted)
        for pattern, locales in SAME_AS_SOURCE_ALLOWED.items()
    )


def check_whitespace(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    for end, source, translation in (
        ("leading", leading(msgid), leading(msgstr)),
        ("trailing", leading(msgid[::-1])[::-1], leading(msgstr[::-1])[::-1]),
    ):
        if source != translation:
            yield f"{end} whitespace {translation!r} differs from the source's {source!r}"


def leading(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def check_punctuation(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    source, translation = final_mark(msgid) or "no mark", final_mark(msgstr) or "no mark"
    if source != translation:
        yield f"the source ends with {source!r}, the translation with {translation!r}"


def final_mark(text: str) -> str:
    """The mark that ends `text`'s last sentence ('' if none); '...' counts as '…'."""
    text = text.rstrip(TRAILERS)
    if text.endswith("..."):
        return "…"
    return FINAL_MARKS.get(text[-1:], "")


def check_doubled_word(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    allowed = for_locale(LEGITIMATE_DOUBLES, locale) or frozenset()
    for match in DOUBLED_WORD.finditer(unicodedata.normalize("NFC", msgstr)):
        if match[1].casefold() not in allowed:
            yield f"doubled word {match[0]!r}"


def check_fr_spacing(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    marks = for_locale(FRENCH_SPACED_MARKS, locale)
    if marks is None:
        return
    text = masked(msgstr)
    for index, char in enumerate(text):
        if (char in marks and not spaced_before(text, index)) or (
            char == "»" and index and text[index - 1] not in NO_BREAK_SPACES
        ):
            problem = space_problem(text[index - 1 : index])
            yield f"{problem} before {char!r} in {word_before(msgstr, index)!r}; {FR_SPACE_FIX}"
        elif char == "«" and text[index + 1 : index + 2] not in ("", *NO_BREAK_SPACES):
            problem = space_problem(text[index + 1])
            yield f"{problem} after '«' in {word_after(msgstr, index)!r}; {FR_SPACE_FIX}"


FR_SPACE_FIX = "type a narrow no-break space (U+202F)"


def spaced_before(text: str, index: int) -> bool:
    before, after = text[index - 1 : index], text[index + 1 : index + 2]
    return (
        index == 0
        or before in NO_BREAK_SPACES
        or (before in "?!" and text[index] in "?!")  # ?! and !! share one space
        or (text[index] == ":" and before.isdigit() and after.isdigit())  # 10:30, 1:2
    )


def space_problem(before: str) -> str:
    return "plain space" if before.isspace() else "no space"


def check_quotes(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    style = for_locale(QUOTE_STYLES, locale)
    if style is None:
        return
    text = masked(msgstr)
    if '"' in text:
        yield f'straight quotation mark ("); quote with {style.example}'
    if "'" in text:
        yield "straight apostrophe ('); write the typographic apostrophe ’"
    for mark in dict.fromkeys(char for char in text if char in style.foreign):
        yield f"{mark!r} is not a quotation mark of this language; quote with {style.example}"
    opened, closed = text.count(style.opening), text.count(style.closing)
    if opened != closed:
        yield f"{opened} × {style.opening!r} but {closed} × {style.closing!r}: marks must pair up"


def check_danda(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    if language(locale) not in DANDA_LOCALES:
        return
    for match in DEVANAGARI_FULL_STOP.finditer(masked(msgstr)):
        yield f"full stop in {word_before(msgstr, match.end() - 1)!r}; end a Hindi sentence with the danda ।"


def check_length(msgid: str, msgstr: str, locale: str) -> Iterator[str]:
    band = for_locale(LENGTH_BANDS, locale)
    if band is None or len(msgid) < LENGTH_MIN_SOURCE:
        return
    ratio = len(msgstr) / len(msgid)
    low, high = band
    if not low <= ratio <= high:
        usual = f"usually {low}–{high} ×"
        yield f"the translation is {ratio:.2f} × as long as the source ({usual}); is text missing?"


# ---------------------------------------------------------------- checks of one entry


def check_untranslated(entry: polib.POEntry, locale: str) -> Iterator[str]:
    if "fuzzy" in entry.flags:
        return
    forms = translations(entry)
    if not any(text for _, text in forms):
        yield "not translated yet; the page shows the English source"
    elif entry.msgid_plural:
        for index, (_, text) in enumerate(forms):
            if not text:
                yield f"msgstr[{index}] is empty"


def check_fuzzy(entry: polib.POEntry, locale: str) -> Iterator[str]:
    if "fuzzy" in entry.flags:
        yield "marked fuzzy: review it, then remove the flag; until then the page shows the English"


def translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: msgstr[0] renders the msgid, other forms the msgid_plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = entry.msgstr_plural
    return [(entry.msgid if index == 0 else entry.msgid_plural, forms[index]) for index in sorted(forms)]


# ---------------------------------------------------------------- checks of the catalog


def check_header(context: CatalogContext) -> Iterator[tuple[int, str]]:
    metadata, text, locale = context.catalog.metadata, context.text, context.locale
    charset = re.search(r"charset=([\w-]+)", metadata.get("Content-Type", ""))
    if charset is None or charset[1].lower() != "utf-8":
        yield header_line(text, "Content-Type"), "Content-Type must declare charset=UTF-8"
    declared = metadata.get("Language", "").strip()
    if declared.replace("-", "_") != locale.replace("-", "_"):
        yield (
            header_line(text, "Language"),
            f"Language is {declared!r}; this is the catalog of {locale!r}",
        )


def check_plural_rule(context: CatalogContext) -> Iterator[tuple[int, str]]:
    """The catalog's rule decides; one that differs from CLDR's deserves a look, not a crash.

    CLDR revises rules between releases (French gained a third form for large numbers): the
    catalog keeps working with its own rule until its translators adopt the new one.
    """
    declared = plural_rule_of(context.catalog)
    cldr = get_plural(context.locale.replace("-", "_"))
    if declared.forms != cldr.num_plurals or expression(declared.expression) != expression(cldr.plural_expr):
        yield (
            header_line(context.text, "Plural-Forms"),
            f"Plural-Forms is '{declared}'; CLDR (Babel {babel_version()}) has "
            f"'nplurals={cldr.num_plurals}; plural={cldr.plural_expr};' for {context.locale}: "
            "see TRANSLATING.md, 'When CLDR changes a plural rule'",
        )


def babel_version() -> str:
    return metadata.version("babel")


def expression(text: str) -> str:
    """A plural expression without spaces or redundant outer parentheses."""
    text = re.sub(r"\s+", "", text)
    while text.startswith("(") and text.endswith(")") and balanced(text[1:-1]):
        text = text[1:-1]
    return text


def balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def header_line(text: str, field: str) -> int:
    """The line of a header field in the catalog, else of the header itself."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f'"{field}:'):
            return number
    return first_msgid_line(text)


def first_msgid_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("msgid "):
            return number
    return 1


def check_completeness(context: CatalogContext) -> Iterator[tuple[int, str]]:
    stats = compute_stats(context.catalog, context.template, context.locale)
    if stats.percent < context.threshold:
        needed = f"publishing needs {context.threshold:g}%"
        yield (
            first_msgid_line(context.text),
            f"{stats.percent:.0f}% of the words translated; {needed}",
        )


def check_outdated(context: CatalogContext) -> Iterator[tuple[int, str]]:
    template = {key(entry) for entry in messages(context.template)}
    catalog = {key(entry) for entry in messages(context.catalog)}
    if missing := len(template - catalog):
        yield (
            first_msgid_line(context.text),
            f"{missing} messages of the template are missing; run 'brochure update'",
        )
    for entry in messages(context.catalog):
        if key(entry) not in template:
            yield (
                msgid_line(entry, context.text),
                "no longer in the template; run 'brochure update'",
            )


# ---------------------------------------------------------------- the registry

ENTRY_CHECKS: tuple[Check[EntryCheck], ...] = (
    Check("untranslated", Severity.WARNING, check_untranslated, "a message without translation"),
    Check("fuzzy", Severity.WARNING, check_fuzzy, "a translation waiting for review"),
)
TEXT_CHECKS: tuple[Check[TextCheck], ...] = (
    Check("markup", Severity.ERROR, check_markup, "emphasis or links differ from the source"),
    Check("placeholder", Severity.ERROR, check_placeholder, "{name} or %(name)s placeholders differ"),
    Check("injection", Severity.ERROR, check_injection, "HTML, scripts, new addresses, templates"),
    Check("whitespace", Severity.WARNING, check_whitespace, "leading or trailing whitespace differs"),
    Check("punctuation", Severity.WARNING, check_punctuation, "the final mark (. : ? ! …) differs"),
    Check("doubled-word", Severity.WARNING, check_doubled_word, "a word typed twice in a row"),
    Check(
        "fr-spacing",
        Severity.ERROR,
        check_fr_spacing,
        "French: no no-break space before ; : ! ? or in « »",
    ),
    Check("quotes", Severity.WARNING, check_quotes, "straight or foreign quotation marks"),
    Check("danda", Severity.WARNING, check_danda, "Hindi: a full stop where the danda (।) belongs"),
    Check("length", Severity.WARNING, check_length, "much shorter or longer than usual"),
)
TERM_CHECKS: tuple[Check[TermCheck], ...] = (
    Check("terms", Severity.ERROR, check_terms, "ISECG, an acronym or an address is missing"),
    Check("glossary", Severity.WARNING, check_glossary, "a key term without its approved rendering"),
    Check("same-as-source", Severity.WARNING, check_same_as_source, "the English left unchanged"),
)
CATALOG_CHECKS: tuple[Check[CatalogCheck], ...] = (
    Check("header", Severity.ERROR, check_header, "charset or Language is wrong"),
    Check("plural-rule", Severity.WARNING, check_plural_rule, "Plural-Forms differs from CLDR's rule"),
    Check("completeness", Severity.WARNING, check_completeness, "too few of the words translated"),
    Check("outdated", Severity.WARNING, check_outdated, "catalog and template disagree"),
)
CHECKS: tuple[Check[Any], ...] = (*ENTRY_CHECKS, *TEXT_CHECKS, *TERM_CHECKS, *CATALOG_CHECKS)
CODES = frozenset(check.code for check in CHECKS)


# ---------------------------------------------------------------- running them


def check_catalog(
    catalog_path: Path,
    template_path: Path,
    locale: str,
    threshold: float,
    ignore: frozenset[str] = frozenset(),
    *,
    vocabulary: Vocabulary,
) -> list[Finding]:
    """Every finding of every check not in `ignore`, sorted by line."""
    catalog, template = read_catalog(catalog_path), read_catalog(template_path)
    text = catalog_path.read_text(encoding="utf-8")
    context = CatalogContext(catalog, template, text, locale, threshold, vocabulary)
    found = [
        *entry_findings(catalog_path, context),
        *catalog_findings(catalog_path, context),
    ]
    return sorted(
        (finding for finding in found if finding.code not in ignore),
        key=lambda finding: finding.line,
    )


def entry_findings(path: Path, context: CatalogContext) -> Iterator[Finding]:
    for entry in messages(context.catalog):
        line = msgid_line(entry, context.text)
        for check in ENTRY_CHECKS:
            for message in check.function(entry, context.locale):
                yield Finding(path, line, check.severity, check.code, message)
        if "fuzzy" in entry.flags:
            continue  # never published; its text is checked once the flag goes
        for source, translation in translations(entry):
            yield from text_findings(path, line, source, translation, context)


def text_findings(
    path: Path, line: int, source: str, translation: str, context: CatalogContext
) -> Iterator[Finding]:
    if not translation:
        return
    for check in TEXT_CHECKS:
        for message in check.function(source, translation, context.locale):
            yield Finding(path, line, check.severity, check.code, message)
    for term_check in TERM_CHECKS:
        for message in term_check.function(source, translation, context.locale, context.vocabulary):
            yield Finding(path, line, term_check.severity, term_check.code, message)


def catalog_findings(path: Path, context: CatalogContext) -> Iterator[Finding]:
    for check in CATALOG_CHECKS:
        for line, message in check.function(context):
            yield Finding(path, line, check.severity, check.code, message)


def messages(catalog: polib.POFile) -> list[polib.POEntry]:
    """The live entries: no header, no obsolete ones."""
    return [entry for entry in catalog if entry.msgid and not entry.obsolete]


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def msgid_line(entry: polib.POEntry, text: str) -> int:
    """polib's `linenum` is where the entry's comments start; translators look for the msgid."""
    lines = text.splitlines()
    for index in range(int(entry.linenum) - 1, len(lines)):
        if lines[index].startswith("msgid "):
            return index + 1
    return int(entry.linenum)


# ---------------------------------------------------------------- statistics


def catalog_stats(catalog_path: Path, template_path: Path) -> Stats:
    catalog = read_catalog(catalog_path)
    return compute_stats(catalog, read_catalog(template_path), catalog_locale(catalog_path, catalog))


def catalog_locale(path: Path, catalog: polib.POFile) -> str:
    """The locale its folder names (locales/de/LC_MESSAGES/x.po), else its Language header."""
    if path.parent.name == "LC_MESSAGES":
        return path.parent.parent.name
    return str(catalog.metadata.get("Language", "")).strip()


def compute_stats(catalog: polib.POFile, template: polib.POFile, locale: str) -> Stats:
    entries = {key(entry): entry for entry in messages(catalog)}
    counts: Counter[Status] = Counter()
    words: Counter[Status] = Counter()
    for message in messages(template):
        status = entry_status(entries.get(key(message)))
        counts[status] += 1
        words[status] += word_count(message.msgid)
    return Stats(
        locale=locale,
        translated=counts[Status.TRANSLATED],
        fuzzy=counts[Status.FUZZY],
        untranslated=counts[Status.UNTRANSLATED],
        translated_words=words[Status.TRANSLATED],
        fuzzy_words=words[Status.FUZZY],
        untranslated_words=words[Status.UNTRANSLATED],
    )


def entry_status(entry: polib.POEntry | None) -> Status:
    if entry is None:
        return Status.UNTRANSLATED
    if "fuzzy" in entry.flags:
        return Status.FUZZY
    forms = [text for _, text in translations(entry)]
    return Status.TRANSLATED if forms and all(forms) else Status.UNTRANSLATED


def word_count(msgid: str) -> int:
    """Words as a reader counts them: runs between spaces that hold a letter or digit."""
    text = PRINTF_NAME.sub(" ", PLACEHOLDER.sub(" ", plain_text(msgid, {})))
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))
