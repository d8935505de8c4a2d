"""Turn a parsed catalog and the template into findings a translator can act on.

The checks take the Catalogs a build has already parsed; what each language expects (its
quotation marks, its spacing, its usual length) is data, in source/languages.toml.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import polib
from babel.messages.plurals import get_plural

from .catalogs import Catalog, PluralRule, Status, catalog_stats, entry_status, key, open_catalog
from .config import Project, for_locale, language
from .glossary import Vocabulary, load_vocabulary
from .languages import Languages, read_languages
from .markup import PLACEHOLDER, PRINTF_NAME, markup_signature, placeholders
from .reports import Finding, Severity
from .translate import printf_names


@dataclass(frozen=True, slots=True)
class Context:
    """What a check knows besides the text or the catalog: the locale, its language's rules, the names."""

    locale: str
    languages: Languages
    vocabulary: Vocabulary
    threshold: float  # the share of words, in percent, that publishing needs


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    severity: Severity
    # A check of one text, (source, translation, context) -> one message per problem, or of the
    # whole catalog, (catalog, template, context) -> (line, message) per problem.
    function: Any
    description: str


NO_BREAK_SPACES = "\u202f\u00a0"
FR_SPACE_FIX = "type a narrow no-break space (U+202F)"
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
DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)\s+(\1)\b", re.IGNORECASE)
# A word of two letters or more: an initial (ई. for E.) keeps its full stop.
DEVANAGARI_FULL_STOP = re.compile(r"[\u0900-\u0963\u0966-\u097f]{2,}[)\]”’*_]*\.(?=\s|$)")
# Closing quotes, brackets and emphasis marks may follow a sentence's final mark.
TRAILERS = " \t\n\u00a0\u202f\"'’”“»«›‹)]*_"


def masked(text: str) -> str:
    """`text` with its verbatim parts blanked out, keeping every other character in place."""
    return VERBATIM.sub(lambda match: "x" * len(match[0]), text)


def differences(source: Counter[Any], translation: Counter[Any], name: Callable[[Any], str]) -> Iterator[str]:
    for item in sorted(source.keys() | translation.keys(), key=str):
        if source[item] != translation[item]:
            yield f"{name(item)}: {source[item]} in the source, {translation[item]} in the translation"


def word_before(text: str, index: int) -> str:
    """The word before `text[index]`, with the spaces between and that character: 'sont :'."""
    match = re.search(r"\S*\s*\Z", text[:index])
    return text[match.start() if match else index : index + 1]


def word_after(text: str, index: int) -> str:
    """`text[index]` with the spaces and the word after it: '« D’où'."""
    match = re.match(r".\s*\S*", text[index:])
    return match[0] if match else text[index:]


# ---------------------------------------------------------------- checks of one text


def check_markup(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    yield from differences(markup_signature(msgid), markup_signature(msgstr), markup_name)


def markup_name(item: tuple[str, str]) -> str:
    kind, target = item
    names = {"em": "emphasis *…*", "strong": "strong emphasis **…**", "link": f"link […]({target})"}
    return names.get(kind, f"{kind} {target}")


def check_placeholder(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    yield from differences(placeholders(msgid), placeholders(msgstr), lambda name: f"placeholder {{{name}}}")
    source, translation = printf_names(msgid), printf_names(msgstr)  # None: a stray '%'
    if translation is None and source is not None:
        yield "a '%' outside a %(name)s placeholder breaks the text; write %% for a percent sign"
    elif source is None and translation is not None:
        yield "the source has a literal '%'; keep it as the source writes it"
    elif source is not None and translation is not None:
        yield from differences(source, translation, lambda name: f"placeholder %({name})s")


def check_injection(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
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
    return list(dict.fromkeys(match for match in pattern.findall(msgstr) if same(match) not in known))


def address(url: str) -> str:
    """What a URL points to: https://www.x.org/ and www.x.org are the same; a final '.' ends
    the sentence, not the address."""
    url = re.sub(r"^(?:https?://|ftp://|mailto:)?(?:www\.)?", "", url, flags=re.IGNORECASE)
    return url.rstrip(".,;:!?/").lower()


def check_terms(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    for name in context.vocabulary.verbatim_in(msgid):
        if name not in context.vocabulary.verbatim_in(msgstr):
            yield f"{name} is missing; keep names, acronyms and addresses as the source has them"


def check_glossary(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    for term in context.vocabulary.terms_in(msgid):
        if not term.rendered_in(msgstr, context.locale):
            forms = ", ".join(f"“{form}”" for form in term.forms_for(context.locale))
            yield (
                f"“{term.english[0]}” is rendered {forms} in this language (source/glossary.toml); "
                "the translation has none of these"
            )


def check_same_as_source(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    if msgstr == msgid and not same_as_source_allowed(msgid, context):
        yield "the translation is the English source unchanged; translate it"


def same_as_source_allowed(msgid: str, context: Context) -> bool:
    bare = PRINTF_NAME.sub("", PLACEHOLDER.sub("", msgid))
    for name in context.vocabulary.verbatim_in(bare):
        bare = bare.replace(name, " ")
    wanted = {"*", context.locale.replace("-", "_"), language(context.locale)}
    return any(
        re.fullmatch(pattern, bare.strip()) and not locales.isdisjoint(wanted)
        for pattern, locales in context.languages.same_as_source
    )


def check_whitespace(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    for end, source, translation in (
        ("leading", msgid[: len(msgid) - len(msgid.lstrip())], msgstr[: len(msgstr) - len(msgstr.lstrip())]),
        ("trailing", msgid[len(msgid.rstrip()) :], msgstr[len(msgstr.rstrip()) :]),
    ):
        if source != translation:
            yield f"{end} whitespace {translation!r} differs from the source's {source!r}"


def check_punctuation(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    marks = context.languages.final_marks
    source, translation = final_mark(msgid, marks) or "no mark", final_mark(msgstr, marks) or "no mark"
    if source != translation:
        yield f"the source ends with {source!r}, the translation with {translation!r}"


def final_mark(text: str, marks: dict[str, str]) -> str:
    """The mark that ends `text`'s last sentence ('' if none); '...' counts as '…'."""
    text = text.rstrip(TRAILERS)
    return "…" if text.endswith("...") else marks.get(text[-1:], "")


def check_doubled_word(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    allowed = for_locale(context.languages.doubled_words, context.locale, frozenset())
    for match in DOUBLED_WORD.finditer(unicodedata.normalize("NFC", msgstr)):
        if match[1].casefold() not in allowed:
            yield f"doubled word {match[0]!r}"


def check_fr_spacing(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    marks = for_locale(context.languages.spaced_marks, context.locale, "")
    if not marks:
        return
    text = masked(msgstr)
    for index, char in enumerate(text):
        if char in f"{marks}»" and not spaced_before(text, index):
            problem = space_problem(text[index - 1 : index])
            yield f"{problem} before {char!r} in {word_before(msgstr, index)!r}; {FR_SPACE_FIX}"
        elif char == "«" and text[index + 1 : index + 2] not in ("", *NO_BREAK_SPACES):
            problem = space_problem(text[index + 1])
            yield f"{problem} after '«' in {word_after(msgstr, index)!r}; {FR_SPACE_FIX}"


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


def check_quotes(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    style = for_locale(context.languages.quotes, context.locale, None)
    if style is None:
        return
    text = masked(msgstr)
    if '"' in text:
        yield f'straight quotation mark ("); quote with {style.example}'
    if "'" in text:
        yield "straight apostrophe ('); write the typographic apostrophe ’"
    for mark in dict.fromkeys(char for char in text if char in style.foreign):
        yield f"{mark!r} is not a quotation mark of this language; quote with {style.example}"
    opening, closing = (mark.strip(NO_BREAK_SPACES) for mark in style.marks[:2])
    opened, closed = text.count(opening), text.count(closing)
    if opened != closed:
        yield f"{opened} × {opening!r} but {closed} × {closing!r}: marks must pair up"


def check_danda(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    if language(context.locale) not in context.languages.danda:
        return
    for match in DEVANAGARI_FULL_STOP.finditer(masked(msgstr)):
        yield f"full stop in {word_before(msgstr, match.end() - 1)!r}; end a Hindi sentence with the danda ।"


def check_length(msgid: str, msgstr: str, context: Context) -> Iterator[str]:
    band = for_locale(context.languages.length, context.locale, None)
    if band is None or len(msgid) < context.languages.min_source:
        return
    ratio, (low, high) = len(msgstr) / len(msgid), band
    if not low <= ratio <= high:
        usual = f"usually {low}–{high} ×"
        yield f"the translation is {ratio:.2f} × as long as the source ({usual}); is text missing?"


# ---------------------------------------------------------------- checks of the catalog


def check_untranslated(catalog: Catalog, template: Catalog, context: Context) -> Iterator[tuple[int, str]]:
    for entry in catalog.messages:
        if entry_status(entry) is not Status.UNTRANSLATED:
            continue
        forms = [text for _, text in translations(entry)]
        if not any(forms):
            yield entry.linenum, "not translated yet; the page shows the English source"
        elif entry.msgid_plural:
            yield from (
                (entry.linenum, f"msgstr[{index}] is empty") for index, text in enumerate(forms) if not text
            )


def check_fuzzy(catalog: Catalog, template: Catalog, context: Context) -> Iterator[tuple[int, str]]:
    for entry in catalog.messages:
        if entry_status(entry) is Status.FUZZY:
            yield (
                entry.linenum,
                "marked fuzzy: review it, then remove the flag; until then the page shows the English",
            )


def translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: msgstr[0] renders the msgid, other forms the msgid_plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = entry.msgstr_plural
    return [(entry.msgid if index == 0 else entry.msgid_plural, forms[index]) for index in sorted(forms)]


def check_header(catalog: Catalog, template: Catalog, context: Context) -> Iterator[tuple[int, str]]:
    if "charset=" not in catalog.po.metadata.get("Content-Type", ""):
        yield catalog.header_line("Content-Type"), "Content-Type must declare charset=UTF-8"
    declared = catalog.po.metadata.get("Language", "").strip()
    if declared.replace("-", "_") != context.locale.replace("-", "_"):
        yield (
            catalog.header_line("Language"),
            f"Language is {declared!r}; this is the catalog of {context.locale!r}",
        )


def check_plural_rule(catalog: Catalog, template: Catalog, context: Context) -> Iterator[tuple[int, str]]:
    """The catalog's rule decides; one that differs from CLDR's deserves a look, not a crash.

    CLDR revises rules between releases (French gained a third form for large numbers): the
    catalog keeps working with its own rule until its translators adopt the new one.
    """
    declared, cldr = catalog.plurals, get_plural(context.locale.replace("-", "_"))
    if not declared.same_as(PluralRule(cldr.num_plurals, cldr.plural_expr)):
        yield (
            catalog.header_line("Plural-Forms"),
            f"Plural-Forms is '{declared}'; CLDR (Babel {metadata.version('babel')}) has "
            f"'nplurals={cldr.num_plurals}; plural={cldr.plural_expr};' for {context.locale}: "
            "see TRANSLATING.md, 'When CLDR changes a plural rule'",
        )


def check_completeness(catalog: Catalog, template: Catalog, context: Context) -> Iterator[tuple[int, str]]:
    percent = catalog_stats(catalog, template, context.locale).percent
    if percent < context.threshold:
        needed = f"publishing needs {context.threshold:g}%"
        yield catalog.header_line("msgid "), f"{percent:.0f}% of the words translated; {needed}"


def check_outdated(catalog: Catalog, template: Catalog, context: Context) -> Iterator[tuple[int, str]]:
    expected = {key(entry) for entry in template.messages}
    if missing := len(expected - {key(entry) for entry in catalog.messages}):
        yield (
            catalog.header_line("msgid "),
            f"{missing} messages of the template are missing; run 'brochure update'",
        )
    for entry in catalog.messages:
        if key(entry) not in expected:
            yield entry.linenum, "no longer in the template; run 'brochure update'"


# ---------------------------------------------------------------- the registry

CATALOG_CHECKS = (
    Check("untranslated", Severity.WARNING, check_untranslated, "a message without translation"),
    Check("fuzzy", Severity.WARNING, check_fuzzy, "a translation waiting for review"),
    Check("header", Severity.ERROR, check_header, "charset or Language is wrong"),
    Check("plural-rule", Severity.WARNING, check_plural_rule, "Plural-Forms differs from CLDR's rule"),
    Check("completeness", Severity.WARNING, check_completeness, "too few of the words translated"),
    Check("outdated", Severity.WARNING, check_outdated, "catalog and template disagree"),
)
TEXT_CHECKS = (
    Check("markup", Severity.ERROR, check_markup, "emphasis or links differ from the source"),
    Check("placeholder", Severity.ERROR, check_placeholder, "{name} or %(name)s placeholders differ"),
    Check("injection", Severity.ERROR, check_injection, "HTML, scripts, new addresses, templates"),
    Check("terms", Severity.ERROR, check_terms, "ISECG, an acronym or an address is missing"),
    Check("glossary", Severity.WARNING, check_glossary, "a key term without its approved rendering"),
    Check("same-as-source", Severity.WARNING, check_same_as_source, "the English left unchanged"),
    Check("whitespace", Severity.WARNING, check_whitespace, "leading or trailing whitespace differs"),
    Check("punctuation", Severity.WARNING, check_punctuation, "the final mark (. : ? ! …) differs"),
    Check("doubled-word", Severity.WARNING, check_doubled_word, "a word typed twice in a row"),
    Check(
        "fr-spacing", Severity.ERROR, check_fr_spacing, "French: no no-break space before ; : ! ? or in « »"
    ),
    Check("quotes", Severity.WARNING, check_quotes, "straight or foreign quotation marks"),
    Check("danda", Severity.WARNING, check_danda, "Hindi: a full stop where the danda (।) belongs"),
    Check("length", Severity.WARNING, check_length, "much shorter or longer than usual"),
)
CHECKS = (*CATALOG_CHECKS, *TEXT_CHECKS)
CODES = frozenset(check.code for check in CHECKS)


# ---------------------------------------------------------------- running them


def check_catalog(
    catalog: Catalog, template: Catalog, context: Context, ignore: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every finding of every check not in `ignore`, sorted by line; the text checks look at what
    would be published, so a fuzzy entry's text is checked once its flag goes."""
    found = [
        Finding(catalog.path, line, check.severity, check.code, message)
        for check in CATALOG_CHECKS
        if check.code not in ignore
        for line, message in check.function(catalog, template, context)
    ]
    text_checks = [check for check in TEXT_CHECKS if check.code not in ignore]
    for entry in catalog.messages:
        if entry_status(entry) is Status.FUZZY:
            continue
        for source, translation in translations(entry):
            if not translation:
                continue
            for check in text_checks:
                for message in check.function(source, translation, context):
                    found.append(Finding(catalog.path, entry.linenum, check.severity, check.code, message))
    return sorted(found, key=lambda finding: finding.line)


def check_locales(
    project: Project, locales: tuple[str, ...], ignore: frozenset[str] = frozenset()
) -> list[Finding]:
    """`brochure check`: each locale's catalog, read once, against the template, read once."""
    template = open_catalog(project.template_path)
    languages, vocabulary = read_languages(project.languages_path), load_vocabulary(project)
    findings = []
    for locale in locales:
        context = Context(locale, languages, vocabulary, project.publish_threshold)
        findings += check_catalog(open_catalog(project.catalog_path(locale)), template, context, ignore)
    return findings
