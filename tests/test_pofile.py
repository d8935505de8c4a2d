"""pipeline.pofile writes catalogs byte for byte as GNU msgcat does; GNU is the oracle here."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.pofile import WIDE_OR_ZERO, column_width, format_catalog, write_po

ROOT = Path(__file__).resolve().parents[1]
needs_gettext = pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext not installed")

PARAGRAPH = (
    "The International Space Exploration Coordination Group brings together space agencies "
    "that share a vision of human and robotic exploration, from the Moon to Mars and beyond, "
    "in a sustainable way."
)
GERMAN = (
    "Die „Größe“ der Aufgabe verlangt Zusammenarbeit: Raumfahrtagenturen aus aller Welt teilen "
    "Wissen, Technik und Ziele – vom Mond bis zum Mars."
)
FRENCH = (
    "La coopération internationale « texte » permet d’explorer l’espace ; chaque agence apporte "
    "ses compétences : lanceurs, modules, robots et équipages."
)


OTHER_SCRIPTS = {
    "Japanese": (
        "国際宇宙探査協働グループは、月から火星、さらにその先へと、"
        "人類とロボットによる持続可能な探査というビジョンを共有する宇宙機関を結集しています。"
    ),
    "Arabic": (
        "تجمع مجموعة التنسيق الدولية لاستكشاف الفضاء وكالات الفضاء "
        "التي تشترك في رؤية للاستكشاف البشري والروبوتي"
    ),
    "Hindi": (
        "अंतर्राष्ट्रीय अंतरिक्ष अन्वेषण समन्वय समूह उन अंतरिक्ष एजेंसियों को एक साथ लाता है "
        "जो मानव और रोबोटिक अन्वेषण की दृष्टि साझा करती हैं"
    ),
    "Emoji": (
        "Wir fliegen 🚀 zum Mond 🌕 und zum Mars 👩🏽‍🚀 🇪🇺 — gemeinsam, "
        "Schritt für Schritt, Mission für Mission."
    ),
}
LINK = "https://www.globalspaceexploration.org/wordpress/wp-content/isecg/Exploring-Together.pdf"
COMPOUND = "Raumfahrtagenturzusammenarbeitsvereinbarungsunterzeichnungszeremonienvorbereitungsausschuss"
HYPHENATED = "Well-known, state-of-the-art, long-term, Moon-to-Mars, step-by-step partnerships"


def new_catalog() -> polib.POFile:
    # wrapwidth 0: polib writes each string on one line, so that msgcat does all the wrapping.
    catalog = polib.POFile(wrapwidth=0)
    catalog.header = "Exploring Together, the ISECG brochure.\nA test catalog."
    catalog.metadata = {
        "Project-Id-Version": "Exploring Together",
        "POT-Creation-Date": "2026-01-01 00:00+0000",
        "PO-Revision-Date": "2026-01-02 00:00+0000",
        "Language": "de",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    return catalog


def add(catalog: polib.POFile, msgid: str, msgstr: str = "", **fields: object) -> None:
    catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr, **fields))


def short_messages() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, "Contents", "Inhalt")
    add(catalog, "Mars", "Mars", msgctxt="heading")
    add(catalog, "Untranslated")
    add(catalog, "Next page", "Nächste Seite", occurrences=[("templates/page.html", "12")])
    return catalog


def long_messages() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, PARAGRAPH, GERMAN)
    for length in range(60, 80):
        # Around the width, where off-by-one errors in the limit would show.
        text = (f"n{length} " + "word " * 20)[:length]
        add(catalog, text, text.upper())
    add(catalog, "x" * 66, "y" * 67)
    add(catalog, "a " * 40, "b  " * 30)
    return catalog


def newlines() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, "First line\nsecond line", "Erste Zeile\nzweite Zeile")
    add(catalog, "Ends in a newline\n", "Endet mit Zeilenumbruch\n")
    add(catalog, "\nStarts with one", "\nBeginnt damit")
    add(catalog, "Two\n\nparagraphs\n\n", "Zwei\n\nAbsätze\n\n")
    add(catalog, PARAGRAPH + "\n" + PARAGRAPH, GERMAN + "\n" + GERMAN)
    add(catalog, "\n", "\n")
    return catalog


def plurals() -> polib.POFile:
    catalog = new_catalog()
    catalog.metadata["Plural-Forms"] = (
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    )
    forms = {0: "{count} agencja", 1: "{count} agencje", 2: "{count} agencji"}
    add(catalog, "{count} agency", msgid_plural="{count} agencies", msgstr_plural=forms)
    forms = {0: GERMAN, 1: "", 2: FRENCH}
    add(catalog, "One module docked to the station", msgid_plural=PARAGRAPH, msgstr_plural=forms)
    forms = {0: "", 1: "", 2: ""}
    add(catalog, "Untranslated plural", msgid_plural="Untranslated plurals", msgstr_plural=forms)
    return catalog


def fuzzy_with_previous() -> polib.POFile:
    catalog = new_catalog()
    add(
        catalog,
        PARAGRAPH,
        GERMAN,
        flags=["fuzzy"],
        previous_msgid=PARAGRAPH.replace("human", "crewed"),
    )
    previous = {"previous_msgid": "Mars and Moon", "previous_msgctxt": "old context"}
    add(catalog, "Mars and the Moon", "Mars und", flags=["fuzzy"], msgctxt="caption", **previous)
    add(catalog, "Fuzzy but empty", flags=["fuzzy"])
    return catalog


def obsolete_entries() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, "Still here", "Noch da")
    add(catalog, "Gone", "Weg", obsolete=True)
    add(catalog, PARAGRAPH, GERMAN, obsolete=True, flags=["fuzzy"], tcomment="Kept for later")
    add(catalog, "Gone, never translated", obsolete=True)
    forms = {0: "Weg", 1: "Wege"}
    add(catalog, "Gone plural", msgid_plural="Gone plurals", obsolete=True, msgstr_plural=forms)
    return catalog


def references() -> polib.POFile:
    catalog = new_catalog()
    occurrences = [("source/brochure.md", str(line)) for line in range(1, 400, 37)]
    occurrences += [
        ("./templates/page.html", "7"),
        ("templates/very/deep/folder/structure/of/partials.html", "123"),
    ]
    occurrences += [("source/brochure.md", ""), ("source/brochure.md", "1")]
    add(catalog, "Referenced often", "Oft verwiesen", occurrences=occurrences)
    add(catalog, "Größe", "Size", occurrences=[("source/überblick.md", "4"), ("a" * 90, "1")])
    return catalog


def unicode_text() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, PARAGRAPH, GERMAN)
    add(catalog, "French", FRENCH)
    for language, text in OTHER_SCRIPTS.items():
        add(catalog, language, text)
    return catalog


def long_words() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, "A" * 150, "B" * 90)
    add(catalog, f"See {LINK} for more", f"Siehe {LINK}")
    add(catalog, COMPOUND, HYPHENATED)
    return catalog


def trailing_spaces() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, "Ends in a space ", "Endet mit Leerzeichen ")
    add(catalog, PARAGRAPH + "   ", GERMAN + "    ")
    add(catalog, "Spaces before a newline   \nand after", "Leerzeichen   \n   danach")
    add(catalog, "word " * 30, "Wort  " * 20)
    return catalog


def escapes() -> polib.POFile:
    catalog = new_catalog()
    add(catalog, 'Say "hello" to the \\ backslash', "Sag „hallo“ zum \\ Backslash")
    add(catalog, "Tab\tseparated\tcolumns " * 5, "Tabulator\tgetrennt " * 6)
    add(catalog, '"' * 80, "\\" * 80)
    return catalog


def flags() -> polib.POFile:
    catalog = new_catalog()
    # GNU parses these as format strings and breaks no line inside a directive.
    brace = "The {agency} and {partner} plan a {mission} together, " * 2
    add(catalog, brace, GERMAN, flags=["python-brace-format"])
    percent = "Only %(share)d%% of the mass reaches orbit; 100% of the crew return, % done"
    add(catalog, percent, "x", flags=["python-format", "fuzzy"])
    printf = "A % d value and %s and %-5d in a long enough c-format string to be wrapped at all"
    add(catalog, printf, "y", flags=["c-format", "no-python-format"])
    add(catalog, PARAGRAPH, GERMAN, flags=["no-wrap"])
    add(catalog, "Ranged", "Bereich", flags=["range: 1..5", "my-own-flag"])
    return catalog


def comments() -> polib.POFile:
    catalog = new_catalog()
    extracted = "Extracted comment\nsecond extracted line " + PARAGRAPH
    add(catalog, "Commented", "Kommentiert", tcomment="First line\n\n  indented", comment=extracted)
    return catalog


CATALOGS: dict[str, Callable[[], polib.POFile]] = {
    "short": short_messages,
    "long": long_messages,
    "newlines": newlines,
    "plural": plurals,
    "fuzzy-previous": fuzzy_with_previous,
    "obsolete": obsolete_entries,
    "references": references,
    "unicode": unicode_text,
    "long-words": long_words,
    "trailing-spaces": trailing_spaces,
    "escapes": escapes,
    "flags": flags,
    "comments": comments,
}


def msgcat(path: Path, *options: str) -> str:
    result = subprocess.run(["msgcat", "--width=76", *options, str(path)], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


@needs_gettext
@pytest.mark.parametrize("name", CATALOGS)
def test_catalog_is_written_as_msgcat_writes_it(name: str, tmp_path: Path) -> None:
    catalog = CATALOGS[name]()
    path = tmp_path / f"{name}.po"
    catalog.save(str(path))
    assert format_catalog(catalog) == msgcat(path)


@needs_gettext
@pytest.mark.parametrize("name", CATALOGS)
def test_msgcat_leaves_the_written_catalog_alone(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.po"
    assert write_po(path, CATALOGS[name]())
    assert msgcat(path) == path.read_text(encoding="utf-8")


@needs_gettext
@pytest.mark.parametrize("width", [20, 40, 79, 100])
def test_other_widths(width: int, tmp_path: Path) -> None:
    catalog = unicode_text()
    for entry in long_words():
        catalog.append(entry)
    path = tmp_path / "widths.po"
    catalog.save(str(path))
    gnu = subprocess.run(["msgcat", f"--width={width}", str(path)], capture_output=True, check=True)
    assert format_catalog(catalog, width) == gnu.stdout.decode("utf-8")


@needs_gettext
def test_project_catalogs_round_trip(tmp_path: Path) -> None:
    for source in sorted(ROOT.glob("locales/**/*.po*")):
        path = tmp_path / source.name
        shutil.copyfile(source, path)
        assert format_catalog(polib.pofile(str(path))) == msgcat(path), source


@needs_gettext
def test_catalog_without_messages_keeps_its_header(tmp_path: Path) -> None:
    # msgcat writes nothing at all for it unless told --force-po; a catalog keeps its header.
    catalog = new_catalog()
    path = tmp_path / "empty.po"
    catalog.save(str(path))
    assert format_catalog(catalog) == msgcat(path, "--force-po")


TEXT = st.text(
    alphabet=st.sampled_from(
        list("aeiou xyz.,;:!?-/()\"'\\\t\n%{}") + list("äöüß„“«»–—…’") + ["日", "語", "😀", "\u0301"]
    ),
    max_size=160,
)


@needs_gettext
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    messages=st.lists(st.tuples(TEXT.filter(bool), TEXT), min_size=1, max_size=6, unique_by=lambda m: m[0])
)
def test_any_text_is_wrapped_as_msgcat_wraps_it(messages: list[tuple[str, str]], tmp_path: Path) -> None:
    catalog = new_catalog()
    for msgid, msgstr in messages:
        add(catalog, msgid, msgstr)
    path = tmp_path / "any.po"
    catalog.save(str(path))
    assert format_catalog(catalog) == msgcat(path)


def test_write_po_writes_only_changes(tmp_path: Path) -> None:
    path = tmp_path / "de" / "brochure.po"
    catalog = short_messages()
    assert write_po(path, catalog) is True
    written = path.stat().st_mtime_ns
    assert write_po(path, catalog) is False
    assert path.stat().st_mtime_ns == written
    assert path.read_text(encoding="utf-8") == format_catalog(catalog)
    catalog[0].msgstr = "Inhaltsverzeichnis"
    assert write_po(path, catalog) is True
    assert 'msgstr "Inhaltsverzeichnis"' in path.read_text(encoding="utf-8")


def test_strings_are_broken_after_newlines_and_at_the_width() -> None:
    text = format_catalog(newlines())
    assert 'msgid ""\n"First line\\n"\n"second line"\n' in text
    assert 'msgid "Ends in a newline\\n"\n' in text
    assert all(len(line) <= 76 for line in format_catalog(long_messages()).splitlines())


def test_text_of_unit_width_is_recognised() -> None:
    # pofile skips the width table for text WIDE_OR_ZERO does not match: it must be right to.
    narrow = [chr(code) for code in range(0x20, 0x2000) if chr(code).isprintable()]
    assert all(column_width(char) == 1 for char in narrow if not WIDE_OR_ZERO.search(char))
