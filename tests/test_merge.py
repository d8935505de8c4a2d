"""pipeline.merge updates catalogs as msgmerge --previous does and starts them as msginit does."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.plurals import get_plural
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import BrochureError
from pipeline.merge import ShortMessages, common_length, init_catalog, update_catalog
from pipeline.pofile import format_catalog, write_po

needs_gettext = pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext not installed")

PARAGRAPH = (
    "The International Space Exploration Coordination Group brings together space agencies "
    "that share a vision of human and robotic exploration, from the Moon to Mars and beyond."
)
EDITED = PARAGRAPH.replace("robotic", "automated")
TRANSLATION = (
    "Die Internationale Koordinierungsgruppe für Weltraumerkundung vereint Raumfahrtagenturen, "
    "die eine Vision menschlicher und robotischer Erkundung teilen, vom Mond zum Mars und weiter."
)


def template(*msgids: str, created: str = "2026-02-01 10:00+0000") -> polib.POFile:
    pot = polib.POFile()
    pot.header = "Exploring Together, the ISECG brochure: messages to translate."
    pot.metadata = {
        "Project-Id-Version": "Exploring Together",
        "POT-Creation-Date": created,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for line, msgid in enumerate(msgids, start=1):
        pot.append(
            polib.POEntry(msgid=msgid, occurrences=[("source/brochure.md", str(line))], comment="A paragraph")
        )
    return pot


def catalog(translations: dict[str, str], **headers: str) -> polib.POFile:
    po = polib.POFile()
    po.header = "German translation of Exploring Together."
    po.metadata = {
        "Project-Id-Version": "Exploring Together",
        "POT-Creation-Date": "2026-01-01 10:00+0000",
        "PO-Revision-Date": "2026-01-05 10:00+0000",
        "Last-Translator": "Erika Mustermann <erika@example.org>",
        "Language": "de",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        **headers,
    }
    for msgid, msgstr in translations.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[("old.md", "1")]))
    return po


def entry(po: polib.POFile, msgid: str) -> polib.POEntry:
    found = [candidate for candidate in po if candidate.msgid == msgid]
    assert len(found) == 1, msgid
    return found[0]


def test_exact_matches_keep_translation_comments_and_flags() -> None:
    old = catalog({"Contents": "Inhalt", "Mars": "Mars"})
    entry(old, "Contents").tcomment = "Keep it short: it is a heading."
    entry(old, "Contents").flags = ["python-brace-format", "no-wrap"]
    result = update_catalog(template("Contents", "Mars"), old)
    contents = entry(result, "Contents")
    assert contents.msgstr == "Inhalt"
    assert contents.tcomment == "Keep it short: it is a heading."
    assert contents.flags == ["python-brace-format", "no-wrap"]
    # References and extracted comments come from the template.
    assert contents.occurrences == [("source/brochure.md", "1")]
    assert contents.comment == "A paragraph"
    assert [e.msgid for e in result] == ["Contents", "Mars"]


def test_fuzzy_stays_only_if_it_was_fuzzy() -> None:
    old = catalog({"Contents": "Inhalt", "Mars": "Mars"})
    entry(old, "Mars").flags = ["fuzzy"]
    entry(old, "Mars").previous_msgid = "Mars!"
    result = update_catalog(template("Contents", "Mars"), old)
    assert "fuzzy" not in entry(result, "Contents").flags
    assert entry(result, "Contents").previous_msgid is None
    assert entry(result, "Mars").flags == ["fuzzy"]
    assert entry(result, "Mars").previous_msgid == "Mars!"


def test_a_one_word_edit_of_a_paragraph_becomes_fuzzy_with_the_previous_msgid() -> None:
    result = update_catalog(template(EDITED), catalog({PARAGRAPH: TRANSLATION}))
    edited = entry(result, EDITED)
    assert edited.msgstr == TRANSLATION
    assert "fuzzy" in edited.flags
    assert edited.previous_msgid == PARAGRAPH
    # Nothing is left over: the old paragraph lives on in the fuzzy entry.
    assert not result.obsolete_entries()
    text = format_catalog(result)
    assert '#, fuzzy\n#| msgid ""\n#| "The International Space Exploration' in text
    assert "robotic" in text.split("#| msgid")[1].split("\nmsgid")[0]


def test_removed_messages_become_obsolete_and_stay_in_the_file(tmp_path: Path) -> None:
    old = catalog({"Contents": "Inhalt", "Removed heading": "Entfernte Überschrift", "Gone": ""})
    result = update_catalog(template("Contents"), old)
    assert [e.msgid for e in result.obsolete_entries()] == ["Removed heading", "Gone"]
    path = tmp_path / "brochure.po"
    write_po(path, result)
    text = path.read_text(encoding="utf-8")
    assert text.endswith('#~ msgid "Removed heading"\n#~ msgstr "Entfernte Überschrift"\n')
    # As msgmerge writes them, obsolete messages have no references and come last.
    assert "old.md" not in text
    # An untranslated one has nothing to keep, and GNU writes nothing of it.
    assert '"Gone"' not in text


def test_obsolete_messages_come_back() -> None:
    old = catalog({"Contents": "Inhalt", PARAGRAPH: TRANSLATION})
    first = update_catalog(template("Contents"), old)
    assert [e.msgid for e in first.obsolete_entries()] == [PARAGRAPH]
    again = update_catalog(template("Contents", PARAGRAPH), first)
    assert entry(again, PARAGRAPH).msgstr == TRANSLATION
    assert not entry(again, PARAGRAPH).obsolete
    assert "fuzzy" not in entry(again, PARAGRAPH).flags
    similar = update_catalog(template("Contents", EDITED), first)
    assert entry(similar, EDITED).msgstr == TRANSLATION
    assert "fuzzy" in entry(similar, EDITED).flags


def test_new_messages_are_untranslated_with_a_form_for_each_plural() -> None:
    polish = catalog({}, Language="pl", **{"Plural-Forms": plural_forms("pl")})
    pot = template("A new heading")
    pot.append(
        polib.POEntry(msgid="{count} agency", msgid_plural="{count} agencies", msgstr_plural={0: "", 1: ""})
    )
    result = update_catalog(pot, polish)
    assert entry(result, "A new heading").msgstr == ""
    assert entry(result, "{count} agency").msgstr_plural == {0: "", 1: "", 2: ""}
    assert 'msgstr[2] ""' in format_catalog(result)


def test_plural_translations_are_kept_and_reshaped_as_msgmerge_does() -> None:
    old = catalog({"One file": "Eine Datei"})
    old.append(
        polib.POEntry(
            msgid="{n} agency",
            msgid_plural="{n} agencies",
            msgstr_plural={0: "{n} Agentur", 1: "{n} Agenturen"},
        )
    )
    pot = template()
    pot.append(polib.POEntry(msgid="{n} agency", msgid_plural="{n} agencies", msgstr_plural={0: "", 1: ""}))
    pot.append(polib.POEntry(msgid="One file", msgid_plural="{n} files", msgstr_plural={0: "", 1: ""}))
    result = update_catalog(pot, old)
    agency = entry(result, "{n} agency")
    assert agency.msgstr_plural == {0: "{n} Agentur", 1: "{n} Agenturen"}
    assert "fuzzy" not in agency.flags
    files = entry(result, "One file")
    assert files.msgstr_plural == {0: "Eine Datei", 1: "Eine Datei"}
    assert "fuzzy" in files.flags


def test_header_is_the_old_one_dated_as_the_template() -> None:
    result = update_catalog(
        template("Contents", created="2026-03-03 03:03+0000"), catalog({"Contents": "Inhalt"})
    )
    assert result.header == "German translation of Exploring Together."
    assert result.metadata["POT-Creation-Date"] == "2026-03-03 03:03+0000"
    assert result.metadata["Last-Translator"] == "Erika Mustermann <erika@example.org>"
    assert result.metadata["PO-Revision-Date"] == "2026-01-05 10:00+0000"


def test_update_changes_neither_argument() -> None:
    pot, old = template(EDITED, "New"), catalog({PARAGRAPH: TRANSLATION, "Gone": "Weg"})
    before = (format_catalog(pot), format_catalog(old))
    update_catalog(pot, old)
    assert (format_catalog(pot), format_catalog(old)) == before


def test_updating_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    old = catalog({PARAGRAPH: TRANSLATION, "Contents": "Inhalt", "Gone": "Weg", "Mars": "Mars"})
    entry(old, "Mars").flags = ["fuzzy"]
    pot = template(EDITED, "Contents", "Mars", "Brand new")
    once = update_catalog(pot, old)
    assert format_catalog(update_catalog(pot, once)) == format_catalog(once)
    # And through the file, read back as the pipeline reads catalogs.
    path = tmp_path / "brochure.po"
    assert write_po(path, once)
    assert not write_po(path, update_catalog(pot, polib.pofile(str(path))))


def plural_forms(locale: str) -> str:
    forms, expression = get_plural(locale)
    return f"nplurals={forms}; plural={expression};"


@pytest.mark.parametrize(("locale", "forms"), [("de", 2), ("fr", 2), ("pl", 3), ("ar", 6), ("ja", 1)])
def test_init_catalog_has_the_plural_forms_of_the_locale(locale: str, forms: int, tmp_path: Path) -> None:
    pot = template(PARAGRAPH, "Contents")
    pot.append(polib.POEntry(msgid="{n} agency", msgid_plural="{n} agencies", msgstr_plural={0: "", 1: ""}))
    po = init_catalog(pot, locale, "2026-02-02 12:00+0000")
    assert po.metadata["Plural-Forms"] == plural_forms(locale)
    assert po.metadata["Plural-Forms"].startswith(f"nplurals={forms};")
    assert len(entry(po, "{n} agency").msgstr_plural) == forms
    assert [e.msgid for e in po] == [PARAGRAPH, "Contents", "{n} agency"]
    path = tmp_path / locale / "brochure.po"
    write_po(path, po)
    if shutil.which("msgfmt"):
        check = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


def test_init_catalog_headers() -> None:
    po = init_catalog(template("Contents"), "pt-BR", "2026-02-02 12:00+0000")
    assert po.metadata["Language"] == "pt_BR"
    assert po.metadata["Language-Team"] == "Portuguese (Brazil)"
    assert po.metadata["PO-Revision-Date"] == "2026-02-02 12:00+0000"
    assert po.metadata["POT-Creation-Date"] == "2026-02-01 10:00+0000"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy
    assert init_catalog(template(), "fr_CA", "now").metadata["Language-Team"] == "French (Canada)"


@pytest.mark.parametrize("code", ["xx", "tlh", "de_DE.UTF-8", "", "d", "und", "root", "en_XX", "de/../fr"])
def test_unknown_locale_is_the_users_error(code: str) -> None:
    with pytest.raises(BrochureError) as raised:
        init_catalog(template("Contents"), code, "now")
    assert raised.value.path == Path("pyproject.toml")
    assert raised.value.line == 1
    assert raised.value.message == f"'{code}' is not a CLDR locale; use a code such as de, fr_CA or pt_BR"


def test_unknown_locale_is_reported_where_it_was_asked_for(tmp_path: Path) -> None:
    with pytest.raises(BrochureError) as raised:
        init_catalog(template(), "zz", "now", source=tmp_path / "brochure.toml")
    assert raised.value.path == tmp_path / "brochure.toml"


WORDS = re.findall(
    r"\S+",
    """the of and to in is that for on with as by at from this are be or an which their space
    agencies exploration mission lunar surface orbit crew robotic human partners science station
    gateway habitat rover sample return launch module deep Mars Moon together sustainable
    international coordination technology research development future long""",
)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def edit(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def generated(seed: int, size: int = 300, edits: int = 30) -> tuple[polib.POFile, polib.POFile]:
    """An old catalog and a template in which `edits` messages changed by a word or two."""
    rng = random.Random(seed)
    msgids = list(dict.fromkeys(sentence(rng, rng.randint(5, 60)) for _ in range(size)))
    old = catalog({msgid: "Ü " + msgid[::-1] for msgid in msgids})
    changed = set(rng.sample(range(len(msgids)), edits))
    new_msgids = [edit(rng, msgid) if index in changed else msgid for index, msgid in enumerate(msgids)]
    new_msgids += [sentence(rng, rng.randint(3, 20)) for _ in range(5)]
    del new_msgids[3:6]  # three removed
    return template(*dict.fromkeys(new_msgids)), old


@needs_gettext
@pytest.mark.parametrize("seed", [1, 2])
def test_fuzzy_messages_agree_with_msgmerge(seed: int, tmp_path: Path) -> None:
    pot, old = generated(seed)
    old.save(str(tmp_path / "old.po"))
    pot.save(str(tmp_path / "new.pot"))
    subprocess.run(
        [
            "msgmerge",
            "--previous",
            "-q",
            "-o",
            str(tmp_path / "gnu.po"),
            str(tmp_path / "old.po"),
            str(tmp_path / "new.pot"),
        ],
        check=True,
    )
    gnu = {
        e.msgid: e.previous_msgid
        for e in polib.pofile(str(tmp_path / "gnu.po"))
        if "fuzzy" in e.flags and not e.obsolete
    }
    ours = {e.msgid: e.previous_msgid for e in update_catalog(pot, old) if "fuzzy" in e.flags}
    assert len(gnu) >= 25
    both = gnu.keys() & ours.keys()
    assert len(both) / len(gnu.keys() | ours.keys()) >= 0.95
    assert len(both) / len(gnu) >= 0.95
    assert sum(gnu[msgid] == ours[msgid] for msgid in both) / len(both) >= 0.95


def lcs(first: bytes, second: bytes) -> int:
    """The textbook dynamic programme, to check the bit-parallel one against."""
    previous = [0] * (len(second) + 1)
    for byte in first:
        current = [0]
        for column, other in enumerate(second, start=1):
            same = byte == other
            current.append(previous[column - 1] + 1 if same else max(previous[column], current[-1]))
        previous = current
    return previous[-1]


SMALL = st.binary(max_size=40).map(lambda data: bytes(b"ab c\xc3\xa4"[byte % 6] for byte in data))


@settings(max_examples=300, deadline=None)
@given(SMALL, SMALL)
def test_common_length_is_the_longest_common_subsequence(first: bytes, second: bytes) -> None:
    assert common_length(first, second) == lcs(first, second)


@settings(max_examples=100, deadline=None)
@given(st.lists(SMALL.filter(bool), min_size=1, max_size=12), SMALL.filter(bool))
def test_short_messages_are_measured_all_at_once(texts: list[bytes], query: bytes) -> None:
    measured = dict(ShortMessages(texts, 200).common_lengths(query, 0.5))
    expected = {number: lcs(query, text) for number, text in enumerate(texts)}
    similar = {
        number: common
        for number, common in expected.items()
        if 2 * common / (len(query) + len(texts[number])) + 0.00001 > 0.5
    }
    assert measured == similar
