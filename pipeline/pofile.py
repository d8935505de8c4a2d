"""Turn a polib catalog into text exactly as GNU gettext 0.21 writes it (`msgcat --width=76`).

GNU tools rewrite every catalog they touch, so a file another tool wrote differently shows up as a
diff the next time a translator runs `msgmerge` or `msgcat`. This reproduces `write-po.c`: the
order of comments, the normalised `#,` flags, `#:` references filled to the width, and strings
broken where libunistring 1.0's line breaking (UAX #14 on Unicode 14) allows it, with widths counted
in terminal columns. Differences that remain: a catalog without messages is written with its header
(GNU writes nothing unless given --force-po), and only the c, python and python-brace format
languages are parsed for the directives GNU never breaks inside.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import polib

from .files import write_text_atomic

WRAP_WIDTH = 76

# The format languages in GNU's order (format_language[] in gettext 0.21): `#,` lists them so.
FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp",
)  # fmt: skip
FLAG_SEPARATORS = re.compile(r"[\n \t\r\f\v,]+")
ESCAPES = {
    "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
    "\v": "\\v", "\\": "\\\\", '"': '\\"',
}  # fmt: skip
ESCAPE_TABLE = str.maketrans(ESCAPES)
NEEDS_ESCAPE = re.compile("[" + re.escape("".join(ESCAPES)) + "]")


def format_catalog(catalog: polib.POFile, width: int = WRAP_WIDTH) -> str:
    """The catalog as `msgcat --width=WIDTH` prints it: header, messages, then obsolete ones."""
    blocks = [format_entry(header_entry(catalog), width)]
    blocks += [format_entry(entry, width) for entry in catalog if not entry.obsolete]
    # GNU drops an obsolete entry without a translation: it has nothing left to offer.
    blocks += [format_entry(entry, width) for entry in catalog if entry.obsolete and first_msgstr(entry)]
    return "\n".join(blocks)


def write_po(path: Path, catalog: polib.POFile) -> bool:
    """Write `catalog` as GNU would unless the file already holds exactly that; True if written."""
    text = format_catalog(catalog)
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except OSError:
        pass
    write_text_atomic(path, text)
    return True


# Entries: the comments, flags and keywords of one message, in GNU's order.


def header_entry(catalog: polib.POFile) -> polib.POEntry:
    """polib keeps the header apart from the entries; GNU writes it as the first entry."""
    entry = catalog.metadata_as_entry()
    entry.tcomment = catalog.header
    return entry


def first_msgstr(entry: polib.POEntry) -> str:
    """The string GNU tests for "translated": msgstr, or msgstr[0] of a plural entry."""
    if entry.msgid_plural:
        return str(entry.msgstr_plural.get(0, "")) if entry.msgstr_plural else ""
    return str(entry.msgstr)


def format_entry(entry: polib.POEntry, width: int) -> str:
    lines = comment_lines("#", entry.tcomment) + comment_lines("#.", entry.comment)
    lines += reference_lines(entry.occurrences, width)
    flags = parse_flags(entry.flags)
    lines += flag_lines(flags, bool(first_msgstr(entry)))
    previous = "#~| " if entry.obsolete else "#| "
    for keyword, value in previous_fields(entry):
        lines += string_lines(previous, keyword, value, width, flags)
    prefix = "#~ " if entry.obsolete else ""
    for keyword, value in message_fields(entry):
        lines += string_lines(prefix, keyword, value, width, flags)
    return "".join(line + "\n" for line in lines)


def comment_lines(marker: str, text: str | None) -> list[str]:
    if not text:
        return []
    return [f"{marker} {line}" if line else marker for line in text.split("\n")]


def reference_lines(occurrences: list[tuple[str, str]], width: int) -> list[str]:
    """`#:` lines filled up to the width; GNU counts bytes here, not columns."""
    lines: list[str] = []
    line, column = "#:", 2
    # GNU reads a reference it already has as nothing new.
    for path, number in dict.fromkeys(occurrences):
        reference = strip_dot_slash(path) + (f":{number}" if number else "")
        size = len(reference.encode("utf-8")) + 1
        if column > 2 and column + size > width:
            lines.append(line)
            line, column = "#:", 2
        line += " " + reference
        column += size
    return [*lines, line] if occurrences else []


def strip_dot_slash(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path


@dataclass(frozen=True, slots=True)
class Flags:
    """What GNU understands of a `#,` line; it forgets everything else."""

    fuzzy: bool = False
    formats: dict[str, str] = field(default_factory=dict)  # language: yes, no or possible
    range: tuple[int, int] | None = None
    wrap: bool = True


def parse_flags(flags: list[str]) -> Flags:
    """The flags as GNU reads them: later ones win, unknown ones are dropped."""
    fuzzy, numbers, wrap = False, None, True
    formats: dict[str, str] = {}
    tokens = iter(token for token in FLAG_SEPARATORS.split(",".join(flags)) if token)
    for token in tokens:
        if token == "fuzzy":
            fuzzy = True
        elif token in ("wrap", "no-wrap"):
            wrap = token == "wrap"
        elif token == "range:":
            numbers = parse_range(next(tokens, "")) or numbers
        elif token.endswith("-format"):
            add_format(formats, token.removesuffix("-format"))
    return Flags(fuzzy, formats, numbers, wrap)


def add_format(formats: dict[str, str], name: str) -> None:
    state = "yes"
    for prefix in ("no-", "possible-", "impossible-"):
        if name.startswith(prefix):
            state, name = prefix[:-1], name.removeprefix(prefix)
            break
    if name in FORMAT_LANGUAGES:
        formats[name] = state


def parse_range(token: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"([0-9]+)\.\.([0-9]+)", token)
    if not match:
        return None
    low, high = int(match[1]), int(match[2])
    return (low, high) if low <= high else None


def flag_lines(flags: Flags, translated: bool) -> list[str]:
    # GNU normalises away the fuzzy flag of an untranslated message.
    words = ["fuzzy"] if flags.fuzzy and translated else []
    for name in FORMAT_LANGUAGES if flags.formats else ():
        state = flags.formats.get(name, "impossible")
        if state != "impossible":
            words.append(f"no-{name}-format" if state == "no" else f"{name}-format")
    if flags.range:
        words.append(f"range: {flags.range[0]}..{flags.range[1]}")
    if not flags.wrap:
        words.append("no-wrap")
    return ["#, " + ", ".join(words)] if words else []


def previous_fields(entry: polib.POEntry) -> Iterator[tuple[str, str]]:
    for keyword in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, f"previous_{keyword}")
        if value is not None:
            yield keyword, value


def message_fields(entry: polib.POEntry) -> Iterator[tuple[str, str]]:
    if entry.msgctxt is not None:
        yield "msgctxt", entry.msgctxt
    yield "msgid", entry.msgid
    if not entry.msgid_plural:
        yield "msgstr", entry.msgstr
        return
    yield "msgid_plural", entry.msgid_plural
    forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)] or [""]
    for index, form in enumerate(forms):
        yield f"msgstr[{index}]", form


# Strings: `keyword "value"`, cut after each \n and then to the width.


def string_lines(prefix: str, keyword: str, value: str, width: int, flags: Flags) -> list[str]:
    """The lines of one string, as GNU's wrap() writes them."""
    lines: list[str] = []
    portions = re.findall(r"[^\n]*\n|[^\n]+$", value) or [""]
    locked = directive_interiors(value, flags.formats, keyword.startswith("msgstr"))
    # Later lines start after the prefix and the opening quote; the closing quote takes a column.
    indent = len(prefix) + 1
    limit = (width if flags.wrap else sys.maxsize) - 1 - indent
    offset = 0
    for number, portion in enumerate(portions):
        escaped, fixed = escape(portion, {index - offset for index in locked if index >= offset})
        offset += len(portion)
        first = not lines
        start = len(prefix) + len(keyword) + 2 - indent if first else 0
        breaks = fill(escaped, fixed, limit, start)
        if first and escaped and (number < len(portions) - 1 or start > limit or breaks):
            # A string of several lines starts with an empty one, so that its lines align.
            lines.append(f'{prefix}{keyword} ""')
            first, breaks = False, fill(escaped, fixed, limit, 0)
        bounds = zip([0, *breaks], [*breaks, len(escaped)], strict=True)
        pieces = [escaped[begin:end] for begin, end in bounds]
        head = f"{prefix}{keyword} " if first else prefix
        lines.append(f'{head}"{pieces[0]}"')
        lines += [f'{prefix}"{piece}"' for piece in pieces[1:]]
    return lines


def escape(portion: str, locked: set[int]) -> tuple[str, set[int]]:
    """The portion as written between quotes, and the positions in it GNU never breaks before.

    `locked` holds the characters of the portion that must not start a line.
    """
    specials = [match.start() for match in NEEDS_ESCAPE.finditer(portion)]
    if not specials and not locked:
        return portion, set()
    escaped = portion.translate(ESCAPE_TABLE)
    # The two characters of an escape sequence stay on one line.
    fixed = {index + count + 1 for count, index in enumerate(specials)}
    fixed.update(index + bisect.bisect_left(specials, index) for index in locked)
    if portion.endswith("\n"):
        # Nor does a line ever start with the \n that ends the portion.
        fixed.add(len(escaped) - 2)
    return escaped, fixed


# Filling: libunistring's u8_width_linebreaks puts on a line as many pieces (the text between two
# break opportunities) as fit, and a piece wider than the line on a line of its own.


def fill(text: str, fixed: set[int], limit: int, start: int) -> list[int]:
    """Where `text` is broken to fit `limit` columns when its first line starts at `start`."""
    if not text.isascii():
        text = ascii_twins(text)
    columns = column_offsets(text)
    if start + span(columns, 0, len(text)) <= limit:
        return []
    classes = class_codes(text)
    if STATEFUL.search(classes):
        return fill_by_character(classes, text, fixed, limit, start)
    return fill_by_line(classes, columns, fixed, limit, start)


def column_offsets(text: str) -> list[int] | None:
    """The column at which each character starts (and the total), or None: one column each."""
    if text.isprintable() and not WIDE_OR_ZERO.search(text):
        return None
    widths = text.translate(WIDTH_CODES)
    if widths.count("\1") == len(widths):
        return None
    return list(accumulate(widths.encode("latin-1"), initial=0))


def span(columns: list[int] | None, begin: int, end: int) -> int:
    return end - begin if columns is None else columns[end] - columns[begin]


def fill_by_line(
    classes: bytes, columns: list[int] | None, fixed: set[int], limit: int, start: int
) -> list[int]:
    """Each line ends at the last opportunity that fits, or else at the first one there is.

    This is what the piece by piece walk comes to, found with a search per line rather than a
    step per character.
    """
    breaks: list[int] = []
    line, column, end = 0, start, len(classes)
    while column + span(columns, line, end) > limit:
        reach = last_fitting(columns, line, column, limit, end)
        stop = last_opportunity(classes, line, reach, fixed)
        stop = stop or next_opportunity(classes, line, fixed)
        if stop is None:
            break
        breaks.append(stop)
        line, column = stop, 0
    return breaks


def last_fitting(columns: list[int] | None, line: int, column: int, limit: int, end: int) -> int:
    """The last position whose column on this line is within the limit."""
    if columns is None:
        return min(end, line + limit - column)
    return bisect.bisect_right(columns, limit - column + columns[line]) - 1


def last_opportunity(classes: bytes, line: int, reach: int, fixed: set[int]) -> int | None:
    """The last break opportunity after `line` and up to `reach`, fixed positions aside.

    Most lines end a word or two before the limit, so it is looked for near `reach` first, in a
    window that starts where a run of spaces does: an opportunity after spaces is found from
    their start.
    """
    begin = line + 1
    window = max(begin, reach + 1 - RECENT)
    while window > begin and classes[window - 1] == SPACE_CODE:
        window -= 1
    match = LAST_OPPORTUNITY.match(classes, window, reach + 1) if window > begin else None
    match = match or LAST_OPPORTUNITY.match(classes, begin, reach + 1)
    if match is None:
        return None
    if match.end() in fixed:
        return last_opportunity(classes, line, match.end() - 1, fixed)
    return match.end()


def next_opportunity(classes: bytes, line: int, fixed: set[int]) -> int | None:
    for match in OPPORTUNITY.finditer(classes, line + 1):
        if match.end() not in fixed:
            return match.end()
    return None


def fill_by_character(classes: bytes, text: str, fixed: set[int], limit: int, start: int) -> list[int]:
    """The same, walking the text as libunistring does: for mandatory breaks and stateful rules."""
    widths = [ord(width) for width in text.translate(WIDTH_CODES)]
    breaks: list[int] = []
    last_break: int | None = None
    column, piece = start, 0
    for index, opportunity in enumerate(break_opportunities(classes)):
        if index in fixed:
            opportunity = PROHIBITED
        if opportunity != PROHIBITED and last_break is not None and column + piece > limit:
            breaks.append(last_break)
            column = 0
        if opportunity == MANDATORY:
            last_break, column, piece = None, 0, 0
            continue
        if opportunity == POSSIBLE:
            last_break, column, piece = index, column + piece, 0
        piece += widths[index]
    if last_break is not None and column + piece > limit:
        breaks.append(last_break)
    return breaks


# Format directives: GNU never breaks a line inside one, so it parses the strings of entries that
# carry a format flag. The two languages of Python projects are modelled; others break as text.

START, END, ERROR = "start", "end", "error"
Marks = list[tuple[int, str]]


def directive_interiors(value: str, formats: dict[str, str], translated: bool) -> set[int]:
    """Positions in `value` that GNU keeps on the line of the character before them."""
    if not formats:
        return set()
    # GNU parses with the first format language (in its order) the entry may be in.
    language = next((name for name in FORMAT_LANGUAGES if formats.get(name) in ("yes", "possible")), "")
    if not value:
        return set()
    if language == "c":
        return c_interiors(value, translated)
    if language == "python":
        return percent_interiors(value)
    if language == "python-brace":
        return brace_interiors(value)
    return set()


PERCENT_SPEC = re.compile(r"[-+ #0]*(?P<width>\*|[0-9]+)?(?:\.(?P<precision>\*|[0-9]+)?)?[hlL]?")
PERCENT_CONVERSIONS = frozenset("%csridouxXeEfgG")


@dataclass(frozen=True, slots=True)
class PercentDirective:
    last: int  # index of the conversion character
    named: bool
    stars: int  # `*` widths and precisions, each a positional argument
    conversion: str


def percent_interiors(value: str) -> set[int]:
    """The insides of python-format directives, as format-python.c finds them.

    It stops at the first bad directive, which then locks nothing.
    """
    locked: set[int] = set()
    counts = {"named": 0, "positional": 0}
    position = value.find("%")
    while position >= 0:
        directive = percent_directive(value, position)
        if directive is None or not count_arguments(directive, counts):
            break
        locked.update(range(position + 1, directive.last + 1))
        position = value.find("%", directive.last + 1)
    return locked


def percent_directive(value: str, position: int) -> PercentDirective | None:
    at, named = position + 1, char_at(value, position + 1) == "("
    if named:
        close = closing_parenthesis(value, at + 1)
        if close is None:
            return None
        at = close + 1
    spec = PERCENT_SPEC.match(value, at)
    assert spec is not None  # every part of the pattern is optional
    conversion = char_at(value, spec.end())
    if conversion not in PERCENT_CONVERSIONS:
        return None
    stars = [spec["width"], spec["precision"]].count("*")
    return PercentDirective(spec.end(), named, stars, conversion)


def closing_parenthesis(value: str, at: int) -> int | None:
    depth = 0
    for index in range(at, len(value)):
        if value[index] == "(":
            depth += 1
        elif value[index] == ")":
            if depth == 0:
                return index
            depth -= 1
    return None


def count_arguments(directive: PercentDirective, counts: dict[str, int]) -> bool:
    """Count the directive's arguments; False where it mixes named and positional ones."""
    for _ in range(directive.stars):
        if counts["named"]:
            return False
        counts["positional"] += 1
    if directive.named:
        counts["named"] += 1
        return not counts["positional"]
    if directive.conversion != "%":
        counts["positional"] += 1
        return not counts["named"]
    return True


C_DIRECTIVE = re.compile(
    r"%(?:(?P<number>[0-9]+)\$)?(?P<flags>[-+ #0'I]*)(?P<width>\*(?:[0-9]+\$)?|[0-9]+)?"
    r"(?:\.(?P<precision>\*(?:[0-9]+\$)?|[0-9]+)?)?"
    r"(?:<PRI[diouxX](?:(?:LEAST|FAST)?(?:8|16|32|64)|MAX|PTR)(?P<macro>>)|[hlLqjzZt]*)"
)
C_CONVERSIONS = frozenset("diouxXeEfFgGaAcCsSpnm%")


def c_interiors(value: str, translated: bool) -> set[int]:
    """The insides of c-format directives, as format-c.c finds them; it stops at a bad one."""
    locked: set[int] = set()
    kinds: set[bool] = set()  # numbered ("%1$s") or not; a string may not mix them
    position = value.find("%")
    while position >= 0:
        match = C_DIRECTIVE.match(value, position)
        assert match is not None  # all but the % is optional
        last = match.end() - 1 if match["macro"] else match.end()
        conversion = "d" if match["macro"] else char_at(value, last)
        if not c_directive_ok(match, conversion, translated, kinds):
            break
        locked.update(range(position + 1, last + 1))
        position = value.find("%", last + 1)
    return locked


def c_directive_ok(match: re.Match[str], conversion: str, translated: bool, kinds: set[bool]) -> bool:
    if conversion not in C_CONVERSIONS or (match["number"] and int(match["number"]) == 0):
        return False
    # The glibc flag I (locale digits) belongs to translations only.
    if "I" in match["flags"] and not translated:
        return False
    for star in (match["width"], match["precision"]):
        if star and star.startswith("*"):
            kinds.add(star.endswith("$"))
    if conversion != "%":
        kinds.add(bool(match["number"]))
    return len(kinds) < 2


def brace_interiors(value: str) -> set[int]:
    """The positions python-brace-format directives lock, as gettext 0.21 records them.

    Its parser counts each mark from the directive's own `{` rather than from the start of the
    string, so all marks land at the start: from the second character up to the last offset of
    the shortest directive, the first characters of the string are locked together.
    """
    marks: dict[int, set[str]] = {}
    position = value.find("{")
    while position >= 0:
        after, found = brace_directive(value, position, toplevel=True)
        for offset, mark in found:
            if offset < len(value):
                marks.setdefault(offset, set()).add(mark)
        if after is None:
            break
        position = value.find("{", after)
    ends = [offset for offset, kinds in marks.items() if kinds & {END, ERROR}]
    if START not in marks.get(0, set()) or not ends:
        return set()
    last = min(ends)
    return set() if ERROR in marks[last] else set(range(1, last + 1))


def brace_directive(value: str, start: int, toplevel: bool) -> tuple[int | None, Marks]:
    """Parse the directive at value[start] == "{": where to go on (None: invalid) and its marks."""
    at = start + 1
    if char_at(value, at) == "{":
        return at + 1, []
    at, error = brace_field(value, at)
    if error is None and char_at(value, at) == ":":
        if not toplevel:
            error = at
        elif char_at(value, at + 1) == "{":
            after, nested = brace_directive(value, at + 1, toplevel=False)
            if after is None:
                return None, nested
            at = after
        elif at + 1 >= len(value):
            error = at + 1
        else:
            at = brace_spec_end(value, at + 1)
    if error is None and char_at(value, at) != "}":
        error = at
    if error is not None:
        return None, [(error - start, ERROR)]
    return at + 1, ([(0, START), (at - start, END)] if toplevel else [])


def brace_field(value: str, at: int) -> tuple[int, int | None]:
    """A field name with its .attribute and [index] parts: where it ends, or where it fails."""
    end = name_end(value, at) or number_end(value, at)
    if end is None:
        return at, at
    while char_at(value, end) in ".[":
        opener, end = value[end], end + 1
        after = name_end(value, end) or (number_end(value, end) if opener == "[" else None)
        if after is None:
            return end, end
        if opener == "[" and char_at(value, after) != "]":
            return after, after
        end = after + 1 if opener == "[" else after
    return end, None


NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
NUMBER = re.compile(r"[0-9]+")


def name_end(value: str, at: int) -> int | None:
    match = NAME.match(value, at)
    return match.end() if match else None


def number_end(value: str, at: int) -> int | None:
    match = NUMBER.match(value, at)
    return match.end() if match else None


BRACE_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?#?0?[0-9]*(?:\.[0-9]+)?[bcdoxXneEfFgG%]?", re.DOTALL)


def brace_spec_end(value: str, at: int) -> int:
    """Skip a standard format specifier: [[fill]align][sign][#][0][width][.precision][type]."""
    match = BRACE_SPEC.match(value, at)
    return match.end() if match else at


def char_at(value: str, index: int) -> str:
    """C strings end in NUL; so does this view of `value`."""
    return value[index] if index < len(value) else "\0"


# Line breaking classes (UAX #14), as libunistring 1.0 resolves them: AI, SA and XX are letters,
# CB an ideograph, CJ a non-starter.

PROHIBITED, POSSIBLE, MANDATORY = 0, 1, 2

# The classes that index the pair table, in libunistring's order, then those resolved before it.
TABLE_CLASSES = re.findall(
    r"\S+",
    "WJ GL B2 BA BB HY CL CP1 CP2 EX IN NS OP1 OP2 QU IS NU PO PR SY AL H2 H3 ID1 ID2 JL JV JT "
    "HL RI ZWJ EB EM",
)
CLASS = {name: index for index, name in enumerate([*TABLE_CLASSES, "BK", "CR", "LF", "CM", "ZW", "SP"])}
BK, CR, LF, CM, ZW, SP = (CLASS[name] for name in ("BK", "CR", "LF", "CM", "ZW", "SP"))
AL, BA, HL, HY, ID1, ID2 = (CLASS[name] for name in ("AL", "BA", "HL", "HY", "ID1", "ID2"))
NU, OP1, OP2, RI, ZWJ = (CLASS[name] for name in ("NU", "OP1", "OP2", "RI", "ZWJ"))
HL_BA = len(CLASS)  # a Hebrew letter and then a hyphen: LB21a forbids a break after it

# Row: the class before the position; column: the class after it. D: break, I: break only after
# spaces, P: never. Transcribed from libunistring 1.0 (unilbrk_table).
PAIRS = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII",
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII",
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",
)

# Classes that a character's Unicode category and East Asian width do not tell (Unicode 14, as
# libunistring 1.0 has them); everything else follows from `default_class`.
OVERRIDES = """
AL  0600-0605 06DD 070F 0890-0891 08E2 2015 2061-2064 23E9-23EC 25FD-25FE 2648-2653 2693
AL  26A1 26AA-26AB 26CE 2705 2728 274C 274E 2753-2755 2757 2795-2797 27B0 27BF 2B1B-2B1C
AL  2B50 2B55 2E1A 110BD 110CD 18B00-18CD5 1AFF0-1AFFE 1F18E 1F191-1F19A 1F3B5-1F3B6 1F3BC
AL  1F4A0 1F4A2 1F4A4 1F4AF 1F4B1-1F4B2 1F500-1F506 1F517-1F524 1F532-1F53D
B2  2014 2E3A-2E3B
BA  0009 007C 00AD 0964-0965 0E5A-0E5B 0F0B 0F34 0F7F 0F85 0FBE-0FBF 0FD2 104A-104B 1361
BA  16EB-16ED 1735-1736 17D4-17D5 17D8 17DA 1804-1805 1B5A-1B5B 1B5D-1B60 1B7D-1B7E
BA  1C3B-1C3F 1C7E-1C7F 2027 2056 2058-205B 205D-205E 2CFA-2CFC 2CFF 2D70 2E0E-2E15 2E19
BA  2E2A-2E2D 2E30-2E31 2E33-2E34 2E3C-2E3E 2E41 2E43-2E4A 2E4C 2E4E-2E4F A4FE-A4FF A60D
BA  A60F A6F3-A6F7 A8CE-A8CF A92E-A92F A9C7-A9C9 AA5D-AA5F AAF0-AAF1 ABEB 10100-10102 1039F
BA  103D0 10857 1091F 10A50-10A57 10AF0-10AF5 10B39-10B3F 11047-11048 110BE-110C1
BA  11140-11143 111C5-111C6 111C8 111DD-111DF 11238-11239 1123B-1123C 112A9 1144B-1144E
BA  1145A-1145B 115C2-115C3 115C9-115D7 11641-11642 1173C-1173E 11944-11946 11A41-11A44
BA  11A9A-11A9C 11AA1-11AA2 11C41-11C45 11FFF 12470-12474 16A6E-16A6F 16AF5 16B37-16B39
BA  16B44 16E97-16E98 1BC9F 1DA87-1DA8A
BB  00B4 02C8 02CC 02DF 0C77 0C84 0F01-0F04 0F06-0F07 0F09-0F0A 0FD0-0FD1 0FD3 1806 1FFD
BB  A874-A875 A8FC 11175 111DB 115C1 11660-1166C 119E2 11A3F 11A45 11A9E-11AA0 11C70
BK  000B-000C 0085
CL  3001-3002 FE11-FE12 FE50 FE52 FF0C FF0E FF61 FF64 1325B-1325D 13282 13287 13289
CL  1337A-1337B 13438 145CF
CM  1A7F 3035
CP1 0029 005D
CR  000D
EB  261D 26F9 270A-270D 1F385 1F3C2-1F3C4 1F3C7 1F3CA-1F3CC 1F442-1F443 1F446-1F450
EB  1F466-1F478 1F47C 1F481-1F483 1F485-1F487 1F48F 1F491 1F4AA 1F574-1F575 1F57A 1F590
EB  1F595-1F596 1F645-1F647 1F64B-1F64F 1F6A3 1F6B4-1F6B6 1F6C0 1F6CC 1F90C 1F90F
EB  1F918-1F91F 1F926 1F930-1F939 1F93C-1F93E 1F977 1F9B5-1F9B6 1F9B8-1F9B9 1F9BB
EB  1F9CD-1F9CF 1F9D1-1F9DD 1FAC3-1FAC5 1FAF0-1FAF6
EM  1F3FB-1F3FF
EX  0021 003F 05C6 061B 061D-061F 06D4 07F9 0F0D-0F11 0F14 1802-1803 1808-1809 1944-1945
EX  2762-2763 2CF9 2CFE 2E2E 2E53-2E54 A60E A876-A877 FE15-FE16 FE56-FE57 FF01 FF1F
EX  115C4-115C5 11C71
GL  00A0 034F 035C-0362 0F08 0F0C 0F12 0FD9-0FDA 180E 2007 2011 202F 13430-13436 16FE4
HY  002D
ID1 23F1-23F2 2600-2603 2618 261A-261C 261E-261F 2639-263B 2668 26BF-26C3 26C6-26C8 26CD
ID1 26CF-26D1 26D3 26D8-26D9 26DC 26DF-26E1 26F1 26F4 26F7-26F8 26FE-2704 2708-2709 2764
ID1 303F FF66 FF71-FF9D FFA0-FFDC FFFC 1F000-1F003 1F005-1F0CE 1F0D1-1F0F5 1F10D-1F10F
ID1 1F16D-1F16F 1F1AD 1F321-1F32C 1F336 1F37D 1F394-1F39B 1F39E-1F39F 1F3CD-1F3CE
ID1 1F3D4-1F3DF 1F3F1-1F3F3 1F3F5-1F3F7 1F43F 1F441 1F4FD-1F4FE 1F54A 1F54F 1F568-1F573
ID1 1F576-1F579 1F57B-1F58F 1F591-1F594 1F597-1F5A3 1F5A5-1F5D3 1F5DC-1F5F3 1F5FA
ID1 1F6C6-1F6CB 1F6CD-1F6CF 1F6D3-1F6D4 1F6E0-1F6EA 1F6F0-1F6F3 1F7D5-1F7D8 1F8B0-1F8B1
ID1 1F93B 1F946 1FA60-1FA6D
IN  2024-2026 22EF FE19 10AF6
IS  002C 002E 003A-003B 037E 0589 060C-060D 07F8 2044 FE10 FE13-FE14
JL  1100-115F A960-A97C
JT  11A8-11FF D7CB-D7FB
JV  1160-11A7 D7B0-D7C6
LF  000A
NS  17D6 203C-203D 2047-2049 3005 301C 303B-303C 3041 3043 3045 3047 3049 3063 3083 3085
NS  3087 308E 3095-3096 309B-309E 30A0-30A1 30A3 30A5 30A7 30A9 30C3 30E3 30E5 30E7 30EE
NS  30F5-30F6 30FB-30FE 31F0-31FF A015 FE54-FE55 FF1A-FF1B FF65 FF67-FF70 FF9E-FF9F
NS  16FE0-16FE3 1B150-1B167 1F679-1F67B
NU  066B-066C
OP1 00A1 00BF 2E18 13258-1325A 13286 13288 13379 13437 145CE 1E95E-1E95F
OP2 FF62
PO  0025 00A2 00B0 0609-060B 066A 09F2-09F3 09F9 0D79 2030-2037 20A7 20B6 20BB 20BE 20C0
PO  2103 2109 A838 FDFC FE6A FF05 FFE0 11FDD-11FE0 1ECAC 1ECB0
PR  002B 005C 00B1 2116 2212-2213
QU  0022 0027 275B-2760 2E00-2E01 2E06-2E08 2E0B 1F676-1F678
RI  1F1E6-1F1FF
SP  0020
SY  002F
WJ  2060 FEFF
ZW  200B
ZWJ 200D
"""

# Scripts that UAX #14 leaves to dictionaries (class SA); libunistring treats them as letters.
COMPLEX_SCRIPTS = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x1950, 0x19DF), (0x1A20, 0x1AAF),
    (0xA9E0, 0xA9FF), (0xAA60, 0xAADF), (0x11700, 0x1174F),
)  # fmt: skip
IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFD))
CATEGORY_CLASSES = {
    "Zs": "BA",
    "Zl": "BK",
    "Zp": "BK",
    "Pe": "CL",
    "Pi": "QU",
    "Pf": "QU",
    "Sc": "PR",
}
# Marks that libunistring 1.0 nonetheless gives a column.
SPACING_MARKS = frozenset("\u0cbf\u0cc6\U00011a07\U00011a08\U00011c3f")


def parse_overrides(text: str) -> tuple[list[int], list[tuple[int, int, int]]]:
    ranges: list[tuple[int, int, int]] = []
    for line in text.strip().split("\n"):
        name, *spans = line.split()
        for span in spans:
            low, _, high = span.partition("-")
            ranges.append((int(low, 16), int(high or low, 16), CLASS[name]))
    ranges.sort()
    return [low for low, _, _ in ranges], ranges


OVERRIDE_STARTS, OVERRIDE_RANGES = parse_overrides(OVERRIDES)


def in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def line_class(char: str) -> int:
    """The line breaking class of `char`."""
    code = ord(char)
    index = bisect.bisect_right(OVERRIDE_STARTS, code) - 1
    if index >= 0 and OVERRIDE_RANGES[index][1] >= code:
        return OVERRIDE_RANGES[index][2]
    return default_class(char)


def default_class(char: str) -> int:
    code, category = ord(char), unicodedata.category(char)
    if 0xAC00 <= code <= 0xD7A3:
        # Hangul syllables: LV (no final consonant) every 28 code points, LVT between.
        return CLASS["H2"] if (code - 0xAC00) % 28 == 0 else CLASS["H3"]
    if category[0] == "M" and in_ranges(code, COMPLEX_SCRIPTS):
        return AL
    if category in ("Mn", "Mc", "Me", "Cc", "Cf"):
        return CM
    if category == "Lo" and (0x0590 <= code <= 0x05FF or 0xFB1D <= code <= 0xFB4F):
        return HL
    if category in CATEGORY_CLASSES:
        return CLASS[CATEGORY_CLASSES[category]]
    return other_class(code, category, unicodedata.east_asian_width(char) in "WF")


def other_class(code: int, category: str, wide: bool) -> int:
    if category == "Ps":
        return OP2 if wide else OP1
    if category == "Pd":
        return ID1 if wide else BA
    if category == "Nd" and not wide:
        return NU
    if wide or (category == "Cn" and in_ranges(code, IDEOGRAPHS)):
        return ID1
    if category == "Cn" and 0x1F000 <= code <= 0x1FFFD:
        return ID2
    return AL


def column_width(char: str) -> int:
    """Columns a terminal gives `char` (libunistring's uc_width; control characters count 0)."""
    code, category = ord(char), unicodedata.category(char)
    if category == "Cc" or (category in ("Mn", "Me", "Cf") and char not in SPACING_MARKS):
        return 0
    if 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF or code == 0x200B:
        # Medial and final Hangul jamo join the syllable before them.
        return 0
    if category == "Cn":
        return 2 if in_ranges(code, IDEOGRAPHS) else 1
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


class CodeTable(dict[int, str]):
    """A str.translate() table that works out a character's code the first time it is met."""

    def __init__(self, code: Callable[[str], str]) -> None:
        super().__init__()
        self.code = code

    def __missing__(self, key: int) -> str:
        value = self[key] = self.code(chr(key))
        return value


# Text is translated into one byte per class, so that regular expressions find the breaks.
CODE_BASE = 0x30
CLASS_CODES = CodeTable(lambda char: chr(CODE_BASE + line_class(char)))
ASCII_CLASSES = bytes(CODE_BASE + line_class(chr(code)) for code in range(128)).ljust(256, b"?")
WIDTH_CODES = CodeTable(lambda char: chr(column_width(char)))
# Characters outside these ranges may take other than one column (checked by the tests).
WIDE_OR_ZERO = re.compile("[^\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u048a-\u052f\u1e00-\u1eff]")


def ascii_twins(text: str) -> str:
    """Breaks depend on classes and widths only, so letters like ä or я may stand in as a.

    Characters without an ASCII twin stay. A few are replaced one by one, many all at once.
    """
    if len(text.encode("utf-8")) - len(text) < len(text) // 16:
        return NON_ASCII.sub(twin, text)
    return text.translate(TWINS)


def twin(match: re.Match[str]) -> str:
    return TWINS[ord(match[0])]


def ascii_twin(char: str) -> str:
    """An ASCII character of the same class and width as `char`, or `char` if there is none."""
    return ASCII_TWINS.get(line_class(char), char) if column_width(char) == 1 else char


ASCII_TWINS = {line_class(char): char for char in reversed([chr(code) for code in range(0x21, 0x7F)])}
TWINS = CodeTable(ascii_twin)
NON_ASCII = re.compile(r"[^\x00-\x7f]")
SPACE_CODE = CODE_BASE + SP
RECENT = 16


def class_codes(text: str) -> bytes:
    if text.isascii():
        return text.encode("ascii").translate(ASCII_CLASSES)
    return text.translate(CLASS_CODES).encode("ascii")


def codes(classes: list[int]) -> str:
    return "".join(re.escape(chr(CODE_BASE + cls)) for cls in classes)


# Classes whose rules look further back than the class before: text with them is walked.
STATEFUL = re.compile(f"[{codes([BK, CR, LF, CM, ZW, ZWJ, RI, HL])}]".encode("ascii"))


def opportunity_pattern() -> re.Pattern[bytes]:
    """Break opportunities in text of the other classes: after spaces, or between two classes."""
    alternatives = after_spaces() + between_classes()
    return re.compile("|".join(alternatives).encode("ascii"))


def after_spaces() -> list[str]:
    """After spaces, unless the pair table forbids even that (one alternative per such set)."""
    space = codes([SP])
    befores: defaultdict[tuple[int, ...], list[int]] = defaultdict(list)
    for before in range(len(TABLE_CLASSES)):
        forbidden = tuple(c for c in range(len(TABLE_CLASSES)) if PAIRS[before][c] == "P")
        befores[forbidden].append(before)
    # The space comes first, so that other characters fail at once.
    return [
        f"{space}(?<=[{codes(classes)}]{space}){space}*(?=[^{space}{codes(list(forbidden))}])"
        for forbidden, classes in befores.items()
    ]


def between_classes() -> list[str]:
    """Between two classes that allow a break without spaces (one alternative per class set)."""
    afters: defaultdict[tuple[int, ...], list[int]] = defaultdict(list)
    for after in range(len(TABLE_CLASSES)):
        direct = tuple(c for c in range(len(TABLE_CLASSES)) if PAIRS[c][after] == "D")
        afters[direct].append(after)
    # Each class is in one set only, so that a character passes one lookahead at most.
    return [
        f"(?=[{codes(classes)}])(?<=[{codes(list(direct))}])" for direct, classes in afters.items() if direct
    ]


OPPORTUNITY = opportunity_pattern()
LAST_OPPORTUNITY = re.compile(b"(?s).*(?:" + OPPORTUNITY.pattern + b")")


# The walk: libunistring's u8_possible_linebreaks, one character at a time.


@dataclass(slots=True)
class BreakState:
    """What libunistring remembers while it walks a string."""

    previous: int = BK  # class of the character before, spaces included
    last: int = BK  # class of the last character that was not a space
    space: bool = False  # spaces since `last`
    regional: int = 0  # regional indicators just before


def break_opportunities(classes: bytes) -> list[int]:
    """For each character (given by its class code), whether a line may break before it."""
    state = BreakState()
    result = []
    for code in classes:
        cls = code - CODE_BASE
        result.append(step(state, cls))
        state.previous = HL_BA if state.previous == HL and cls in (HY, BA) else cls
        state.regional = state.regional + 1 if cls == RI else 0
    return result


def step(state: BreakState, cls: int) -> int:
    if cls in (BK, CR, LF):
        state.last, state.space = BK, False
        return MANDATORY
    if cls == SP:
        state.space = True
        return PROHIBITED
    if cls == ZW:
        state.last, state.space = ZW, False
        return PROHIBITED
    if cls in (CM, ZWJ):
        return attach(state)
    opportunity = pair_opportunity(state, cls)
    state.last, state.space = cls, False
    return opportunity


def attach(state: BreakState) -> int:
    """A combining mark or joiner stays with the character before it, which it then stands for."""
    if state.last == BK:
        state.last, state.space = AL, False
        return PROHIBITED
    if state.last == ZW or state.space:
        state.last, state.space = AL, False
        return POSSIBLE
    return PROHIBITED


def pair_opportunity(state: BreakState, cls: int) -> int:
    if state.last == BK:
        return PROHIBITED
    if state.last == ZW:
        return POSSIBLE
    if state.previous in (ZWJ, HL_BA):
        return PROHIBITED
    if state.last == RI and cls == RI:
        return POSSIBLE if state.space or state.regional % 2 == 0 else PROHIBITED
    rule = PAIRS[state.last][cls]
    if rule == "D" or (rule == "I" and state.space):
        return POSSIBLE
    return PROHIBITED
