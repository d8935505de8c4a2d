"""Turn a template and an old catalog into the updated catalog, with msgmerge's semantics.

`update_catalog` is `msgmerge --previous`: template order, translations carried over by exact
(msgctxt, msgid) match, else by the most similar translated old message (similarity above 0.6,
measured as GNU's fstrcmp does), which then becomes fuzzy; whatever old message nothing used
becomes obsolete. `init_catalog` is `msginit` for a CLDR locale.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path

import polib
from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from .errors import BrochureError
from .pofile import WRAP_WIDTH

FUZZY_THRESHOLD = 0.6
# GNU prefers, among equally similar messages, one without a context or with the same context.
CONTEXT_BONUS = 0.00001
# GNU compares msgids shorter than four characters with messages of a similar length, the others
# only with messages that share a four-character piece with them.
SHORT_QUERY = 4
# How much longer or shorter a message can be and still be similar enough.
STRETCH = 2 / FUZZY_THRESHOLD - 1
# Msgids up to this size are compared with every old msgid of a suitable length.
FULL_SEARCH_BYTES = 64
# Longer ones with the few candidates that share the most of their rarest words and word pairs,
# looking at about this many postings.
POSTING_BUDGET = 1000
CANDIDATES = 8
# Old msgids this short cannot be similar enough to a long one, and are left out of its index.
SHORTEST_INDEXED = int(FULL_SEARCH_BYTES / STRETCH)
# Words longer than this stand for scripts without spaces: their four-character pieces count.
LONG_WORD = 12
# Single words count for texts of this many words at most; longer ones have pairs enough.
FEW_WORDS = 12
WORD = re.compile(r"\w+")
LOCALE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")


def update_catalog(template: polib.POFile, catalog: polib.POFile) -> polib.POFile:
    """The catalog brought up to date with the template; neither argument is changed."""
    result = updated_header(template, catalog)
    old = list(catalog)
    exact: dict[tuple[str | None, str], polib.POEntry] = {}
    for entry in old:
        exact.setdefault((entry.msgctxt, entry.msgid), entry)
    forms = plural_count(catalog.metadata)
    unmatched = [e.msgid for e in messages(template) if (e.msgctxt, e.msgid) not in exact]
    index = FuzzyIndex(old, unmatched)
    used: set[int] = set()
    for entry in messages(template):
        source, similar = exact.get((entry.msgctxt, entry.msgid)), False
        if source is None:
            source, similar = index.best(entry.msgctxt, entry.msgid), True
        if source is None:
            result.append(untranslated(entry, forms))
        else:
            used.add(id(source))
            result.append(merged(source, entry, forms, similar))
    result.extend(obsolete(entry) for entry in old if id(entry) not in used)
    return result


def updated_header(template: polib.POFile, catalog: polib.POFile) -> polib.POFile:
    """An empty catalog with the old header, dated as the template is."""
    result = polib.POFile(wrapwidth=WRAP_WIDTH)
    result.header = catalog.header
    result.metadata = dict(catalog.metadata)
    if "POT-Creation-Date" in template.metadata:
        result.metadata["POT-Creation-Date"] = template.metadata["POT-Creation-Date"]
    result.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    return result


def messages(template: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in template if not entry.obsolete and entry.msgid]


def plural_count(metadata: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*([0-9]+)", metadata.get("Plural-Forms", ""))
    return int(match[1]) if match and int(match[1]) > 0 else 2


def translated(entry: polib.POEntry) -> bool:
    """GNU's test: the msgstr, or the first plural form, is not empty."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural.get(0)) if entry.msgstr_plural else False
    return bool(entry.msgstr)


def merged(old: polib.POEntry, new: polib.POEntry, forms: int, similar: bool) -> polib.POEntry:
    """The template's message with the old translation, its comments and flags."""
    entry = polib.POEntry(
        msgctxt=new.msgctxt,
        msgid=new.msgid,
        msgid_plural=new.msgid_plural,
        tcomment=old.tcomment,
        comment=new.comment,
        occurrences=list(new.occurrences),
    )
    reshaped = carry_translation(old, entry, forms)
    plural_changed = bool(old.msgid_plural and new.msgid_plural != old.msgid_plural)
    fuzzy = similar or reshaped or plural_changed or "fuzzy" in old.flags
    # A fuzzy mark on an empty translation means nothing; GNU does not write it.
    fuzzy = fuzzy and translated(entry)
    entry.flags = merged_flags(old.flags, new.flags, fuzzy)
    if fuzzy:
        entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural = previous(old)
    return entry


def carry_translation(old: polib.POEntry, entry: polib.POEntry, forms: int) -> bool:
    """Copy the old msgstr into `entry`; True if it had to change shape (singular and plural)."""
    if entry.msgid_plural and old.msgid_plural:
        entry.msgstr_plural = dict(old.msgstr_plural)
        return False
    if entry.msgid_plural:
        entry.msgstr_plural = {form: old.msgstr for form in range(forms)}
        return True
    if old.msgid_plural:
        entry.msgstr = old.msgstr_plural.get(0, "") if old.msgstr_plural else ""
        return True
    entry.msgstr = old.msgstr
    return False


def merged_flags(old: list[str], new: list[str], fuzzy: bool) -> list[str]:
    """The translator's flags, then the template's that are missing; fuzzy as decided."""
    kept = [flag for flag in old if flag != "fuzzy"]
    kept += [flag for flag in new if flag != "fuzzy" and flag not in kept]
    return ["fuzzy", *kept] if fuzzy else kept


def previous(old: polib.POEntry) -> tuple[str | None, str | None, str | None]:
    """What `#|` shows: the msgid the translation was made for (msgmerge --previous)."""
    if translated(old) and "fuzzy" not in old.flags:
        return old.msgctxt, old.msgid, old.msgid_plural or None
    return old.previous_msgctxt, old.previous_msgid, old.previous_msgid_plural


def untranslated(new: polib.POEntry, forms: int) -> polib.POEntry:
    entry = polib.POEntry(
        msgctxt=new.msgctxt,
        msgid=new.msgid,
        msgid_plural=new.msgid_plural,
        tcomment=new.tcomment,
        comment=new.comment,
        occurrences=list(new.occurrences),
        flags=[flag for flag in new.flags if flag != "fuzzy"],
    )
    if new.msgid_plural:
        entry.msgstr_plural = {form: "" for form in range(forms)}
    return entry


def obsolete(old: polib.POEntry) -> polib.POEntry:
    """An old message nothing uses any more, kept (commented out) for its translation.

    Its references and extracted comments go, as msgmerge drops them. So does its previous msgid:
    polib cannot read `#~|` lines back, and a catalog must come out of a second update unchanged.
    """
    return polib.POEntry(
        msgctxt=old.msgctxt,
        msgid=old.msgid,
        msgid_plural=old.msgid_plural,
        msgstr=old.msgstr,
        msgstr_plural=dict(old.msgstr_plural),
        tcomment=old.tcomment,
        flags=list(old.flags),
        obsolete=True,
    )


class FuzzyIndex:
    """Translated old messages, to find the one most similar to a new msgid as msgmerge does.

    GNU compares a new msgid with every old one that shares a four-character piece with it. Here
    a short msgid is compared with every old one of a length that leaves room for enough
    similarity, all at once; a long one with the few that share most of its rarest words and
    word pairs, which is where a similar enough message is.
    """

    def __init__(self, entries: Sequence[polib.POEntry], queries: Sequence[str]) -> None:
        """An index of `entries` to look up the msgids `queries` (and those only) in."""
        self.entries = [entry for entry in entries if translated(entry)]
        self.texts = [entry.msgid.encode("utf-8") for entry in self.entries]
        long_queries = [query for query in queries if len(query.encode("utf-8")) > FULL_SEARCH_BYTES]
        short = any(len(query.encode("utf-8")) <= FULL_SEARCH_BYTES for query in queries)
        self.short = ShortMessages(self.texts if short else [], int(FULL_SEARCH_BYTES * STRETCH))
        self.postings: dict[Feature, list[int]] = defaultdict(list)
        wanted = set().union(*map(features, long_queries))
        for number, entry in enumerate(self.entries if wanted else []):
            if len(self.texts[number]) > SHORTEST_INDEXED:
                for feature in features(entry.msgid) & wanted:
                    self.postings[feature].append(number)

    def best(self, msgctxt: str | None, msgid: str) -> polib.POEntry | None:
        """The most similar translated message, if it is similar enough (GNU's goal function)."""
        query = msgid.encode("utf-8")
        choice = Choice(msgctxt, msgid, query)
        if len(query) * STRETCH > SHORTEST_INDEXED:
            choice.weigh(self, self.measured(choice, self.ranked(msgid)[:CANDIDATES]))
        if len(query) <= FULL_SEARCH_BYTES:
            # What is found so far narrows the messages worth comparing.
            choice.weigh(self, self.short.common_lengths(query, choice.weight))
        return choice.entry

    def measured(self, choice: Choice, numbers: list[int]) -> Iterator[tuple[int, int]]:
        """Common subsequence lengths, skipping messages whose length alone rules them out."""
        query = choice.query
        for number in numbers:
            text = self.texts[number]
            if 2 * min(len(query), len(text)) / (len(query) + len(text)) + CONTEXT_BONUS > choice.weight:
                yield number, common_length(query, text)

    def ranked(self, msgid: str) -> list[int]:
        """Messages sharing the rarest features of `msgid`, those sharing most of them first."""
        known = [self.postings[feature] for feature in features(msgid) if feature in self.postings]
        counts: Counter[int] = Counter()
        looked = 0
        for posting in sorted(known, key=len):
            looked += len(posting)
            if looked > POSTING_BUDGET and counts:
                break
            counts.update(posting)
        return [number for number, _ in counts.most_common()]


class Choice:
    """The best match so far for one msgid, by GNU's rules."""

    def __init__(self, msgctxt: str | None, msgid: str, query: bytes) -> None:
        self.msgctxt, self.msgid, self.query = msgctxt, msgid, query
        self.weight: float = FUZZY_THRESHOLD
        self.entry: polib.POEntry | None = None

    def weigh(self, index: FuzzyIndex, measured: Iterable[tuple[int, int]]) -> None:
        """Consider messages with the length of their common subsequence with the msgid."""
        for number, common in measured:
            entry = index.entries[number]
            weight = 2 * common / (len(self.query) + len(index.texts[number])) + bonus(entry, self.msgctxt)
            # Strictly better only, so that the first of equals stays.
            if weight > self.weight and self.comparable(entry):
                self.weight, self.entry = weight, entry

    def comparable(self, entry: polib.POEntry) -> bool:
        return len(self.msgid) < SHORT_QUERY or shares_piece(self.msgid, entry.msgid)


def bonus(entry: polib.POEntry, msgctxt: str | None) -> float:
    return CONTEXT_BONUS if entry.msgctxt is None or entry.msgctxt == msgctxt else 0.0


def lengths_within(size: int, weight: float) -> tuple[int, int]:
    """The lengths of msgids that could be more similar than `weight` to one of `size` bytes."""
    stretch = 2 / (weight - CONTEXT_BONUS) - 1
    return math.ceil(size / stretch), int(size * stretch)


class ShortMessages:
    """Short msgids laid end to end, shortest first, a bit per byte.

    One pass of the bit-parallel subsequence algorithm over a query then measures it against
    every msgid of a range of lengths at once. Each msgid starts on a byte of its own, after at
    least one zero bit that stops the carries running into it.
    """

    def __init__(self, texts: list[bytes], longest: int) -> None:
        self.numbers = sorted(
            (number for number, text in enumerate(texts) if len(text) <= longest),
            key=lambda number: (len(texts[number]), number),
        )
        self.lengths = [len(texts[number]) for number in self.numbers]
        self.offsets = list(accumulate((slot(length) for length in self.lengths), initial=0))
        joined = b"".join(texts[number].ljust(slot(len(texts[number])), b"\0") for number in self.numbers)
        self.masks = {byte: bits(joined, bytes([byte])) for byte in set(joined) - {0}}
        self.inside = bits(joined, bytes(range(1, 256)))

    def common_lengths(self, query: bytes, weight: float) -> list[tuple[int, int]]:
        """(message, longest common subsequence with `query`) for each msgid that may be more
        similar than `weight`."""
        low, high = lengths_within(len(query), weight)
        first = bisect.bisect_left(self.lengths, low)
        last = bisect.bisect_right(self.lengths, high)
        if first >= last:
            return []
        start, size = self.offsets[first], self.offsets[last] - self.offsets[first]
        span = (1 << size) - 1
        inside = (self.inside >> start) & span
        masks = {byte: (self.masks.get(byte, 0) >> start) & span for byte in set(query)}
        row = inside
        for byte in query:
            matched = row & masks[byte]
            row = ((row + matched) | (row - matched)) & inside
        # Unmatched bits per byte, then per msgid.
        unmatched = row.to_bytes(size // 8, "little").translate(POPULATION)
        found = []
        for index in range(first, last):
            length = self.lengths[index]
            begin = (self.offsets[index] - start) // 8
            common = length - sum(unmatched[begin : (self.offsets[index + 1] - start) // 8])
            if 2 * common / (len(query) + length) + CONTEXT_BONUS > weight:
                found.append((self.numbers[index], common))
        return found


def slot(length: int) -> int:
    """Bits given to a msgid of `length` bytes: at least one more, to a whole number of bytes."""
    return (length // 8 + 1) * 8


def bits(data: bytes, wanted: bytes) -> int:
    """An integer whose bit i is set where data[i] is one of `wanted`."""
    table = bytes(ONE if byte in wanted else ZERO for byte in range(256))
    return int(data.translate(table)[::-1] or b"0", 2)


POPULATION = bytes(byte.bit_count() for byte in range(256))
ONE, ZERO = ord("1"), ord("0")


Feature = str | tuple[str, str]


def features(text: str) -> set[Feature]:
    """Pairs of words, single words of short texts, and the four-character pieces of long words.

    Long words stand for scripts written without spaces; a long text has pairs enough.
    """
    words = WORD.findall(text.lower())
    found: set[Feature] = set(zip(words, words[1:], strict=False))
    if len(words) <= FEW_WORDS:
        found.update(words)
    if words and max(map(len, words)) > LONG_WORD:
        for word in words:
            if len(word) > LONG_WORD:
                found.update(word[start : start + 4] for start in range(len(word) - 3))
    return found


def shares_piece(query: str, text: str) -> bool:
    """GNU only compares messages that have a four-character piece in common."""
    return any(query[start : start + 4] in text for start in range(len(query) - 3))


def common_length(first: bytes, second: bytes) -> int:
    """The length of the longest common subsequence, the measure behind GNU's fstrcmp."""
    head = common_prefix(first, second)
    first, second = first[head:], second[head:]
    tail = common_prefix(first[::-1], second[::-1])
    return head + tail + subsequence_length(first[: len(first) - tail], second[: len(second) - tail])


def common_prefix(first: bytes, second: bytes) -> int:
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def subsequence_length(first: bytes, second: bytes) -> int:
    """Longest common subsequence, a bit per byte of the shorter string (Hyyrö's algorithm)."""
    if len(first) > len(second):
        first, second = second, first
    if not first:
        return 0
    masks: dict[int, int] = {}
    for position, byte in enumerate(first):
        masks[byte] = masks.get(byte, 0) | 1 << position
    row = everything = (1 << len(first)) - 1
    for byte in second:
        matched = row & masks.get(byte, 0)
        row = (row + matched) | (row - matched)
    return len(first) - (row & everything).bit_count()


def init_catalog(
    template: polib.POFile, locale: str, created: str, source: Path = Path("pyproject.toml")
) -> polib.POFile:
    """A new, untranslated catalog for `locale`, as msginit makes one.

    `source` is the file that asked for the locale: an unknown code is reported there.
    """
    parsed = parse_locale(locale, source)
    forms, expression = get_plural(parsed)
    catalog = polib.POFile(wrapwidth=WRAP_WIDTH)
    first_line = template.header.split("\n", 1)[0] if template.header else ""
    catalog.header = "\n".join(filter(None, [first_line, f"{parsed.english_name} translation."]))
    catalog.metadata = {
        **template.metadata,
        "PO-Revision-Date": created,
        # Nobody has translated anything yet.
        "Last-Translator": "",
        "Language-Team": str(parsed.english_name),
        "Language": str(parsed),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": f"nplurals={forms}; plural={expression};",
    }
    catalog.extend(untranslated(entry, forms) for entry in messages(template))
    return catalog


def parse_locale(code: str, source: Path) -> Locale:
    """The CLDR locale for a code such as de, fr_CA or pt-BR; anything else is the user's error."""
    problem = BrochureError(
        source, 1, f"'{code}' is not a CLDR locale; use a code such as de, fr_CA or pt_BR"
    )
    if not LOCALE_CODE.fullmatch(code):
        raise problem
    try:
        parsed = Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        raise problem from None
    # Babel maps some codes to others ("und" is en_US); only the language asked for will do.
    if parsed.language != re.split("[_-]", code)[0].lower() or not parsed.english_name:
        raise problem
    return parsed
