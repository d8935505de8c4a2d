"""GNU gettext as the engine: msgmerge's semantics, GNU's bytes, and a clear word when it is missing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.catalogs import init_catalog, open_catalog
from pipeline.errors import BrochureError
from pipeline.files import write_if_changed
from pipeline.gnu import format_catalog, merge_catalog, tool

from .conftest import ROOT, run_cli

PARAGRAPH = (
    "The International Space Exploration Coordination Group brings together fourteen space agencies "
    "that plan robotic and human missions to the Moon, Mars and the asteroids near the Earth."
)
EDITED = PARAGRAPH.replace("robotic", "automated")
TRANSLATION = (
    "Die Internationale Koordinierungsgruppe für Weltraumerkundung vereint vierzehn Raumfahrtagenturen, "
    "die robotische und bemannte Missionen zum Mond, zum Mars und zu erdnahen Asteroiden planen."
)


def template(*msgids: str) -> polib.POFile:
    pot = polib.POFile()
    pot.metadata = {"Project-Id-Version": "test", "Content-Type": "text/plain; charset=UTF-8"}
    for number, msgid in enumerate(msgids, start=1):
        pot.append(polib.POEntry(msgid=msgid, occurrences=[("source/brochure.md", str(number))]))
    return pot


def catalog(translations: dict[str, str]) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "test",
        "Language": "de",
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for msgid, msgstr in translations.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[("old.md", "1")]))
    return po


def merged(tmp_path: Path, pot: polib.POFile, po: polib.POFile) -> str:
    """Write both, update the catalog as `brochure update` does, and return the new text."""
    (tmp_path / "t.pot").write_text(format_catalog(pot), encoding="utf-8")
    (tmp_path / "de.po").write_text(format_catalog(po), encoding="utf-8")
    return merge_catalog(tmp_path / "de.po", tmp_path / "t.pot")


def test_a_changed_message_becomes_fuzzy_with_its_previous_msgid(tmp_path: Path) -> None:
    text = merged(
        tmp_path, template("Contents", EDITED), catalog({"Contents": "Inhalt", PARAGRAPH: TRANSLATION})
    )
    (tmp_path / "new.po").write_text(text, encoding="utf-8")
    result = {entry.msgid: entry for entry in open_catalog(tmp_path / "new.po").po}
    assert result["Contents"].msgstr == "Inhalt" and "fuzzy" not in result["Contents"].flags
    assert result[EDITED].msgstr == TRANSLATION
    assert "fuzzy" in result[EDITED].flags
    assert result[EDITED].previous_msgid == PARAGRAPH


def test_a_removed_message_is_kept_as_obsolete_and_comes_back(tmp_path: Path) -> None:
    po = catalog({"Contents": "Inhalt", "Removed heading": "Entfernte Überschrift"})
    text = merged(tmp_path, template("Contents"), po)
    assert text.endswith('#~ msgid "Removed heading"\n#~ msgstr "Entfernte Überschrift"\n')
    (tmp_path / "de.po").write_text(text, encoding="utf-8")
    (tmp_path / "t.pot").write_text(format_catalog(template("Contents", "Removed heading")), encoding="utf-8")
    again = merge_catalog(tmp_path / "de.po", tmp_path / "t.pot")
    assert 'msgid "Removed heading"\nmsgstr "Entfernte Überschrift"\n' in again
    assert "#~" not in again


def test_an_obsolete_fuzzy_entry_with_a_previous_msgid_can_be_read_back(tmp_path: Path) -> None:
    # The edited paragraph becomes fuzzy with `#|`; removed in turn, msgmerge keeps it as `#~|`.
    first = merged(tmp_path, template(EDITED), catalog({PARAGRAPH: TRANSLATION}))
    (tmp_path / "de.po").write_text(first, encoding="utf-8")
    (tmp_path / "t.pot").write_text(format_catalog(template("Contents")), encoding="utf-8")
    (tmp_path / "de.po").write_text(merge_catalog(tmp_path / "de.po", tmp_path / "t.pot"), encoding="utf-8")
    obsolete = [entry for entry in open_catalog(tmp_path / "de.po").po if entry.obsolete]
    assert [entry.msgstr for entry in obsolete] == [TRANSLATION]


def test_update_is_idempotent_and_writes_only_changes(tmp_path: Path) -> None:
    text = merged(tmp_path, template("Contents", PARAGRAPH), catalog({"Contents": "Inhalt"}))
    path = tmp_path / "de.po"
    assert write_if_changed(path, text.encode("utf-8")) is True
    assert merge_catalog(path, tmp_path / "t.pot") == text
    assert write_if_changed(path, text.encode("utf-8")) is False


def test_the_writer_is_gnus_own(tmp_path: Path) -> None:
    """Long strings wrap at 76 columns as msgcat wraps them; extracted comments are never wrapped."""
    pot = template(PARAGRAPH * 2)
    pot[0].comment = "A comment much longer than the wrapping width " * 3
    text = format_catalog(pot)
    path = tmp_path / "t.pot"
    path.write_text(text, encoding="utf-8")
    gnu = subprocess.run(["msgcat", "--width=76", str(path)], capture_output=True, text=True, check=True)
    assert gnu.stdout == text
    assert "#. " + pot[0].comment + "\n" in text
    assert all(len(line) <= 76 for line in text.splitlines() if not line.startswith("#."))


def test_a_new_catalog_has_cldrs_rule_and_a_form_for_each(tmp_path: Path) -> None:
    from babel.messages.plurals import get_plural

    pot = template("Contents")
    pot.append(
        polib.POEntry(msgid="%(num)s page", msgid_plural="%(num)s pages", msgstr_plural={0: "", 1: ""})
    )
    for locale in ("pl", "ja", "fr"):
        rule = get_plural(locale)  # the installed CLDR decides what init writes, not this test
        new = init_catalog(pot, locale, "2026-01-01 00:00+0000", tmp_path / "pyproject.toml")
        path = tmp_path / f"{locale}.po"
        write_if_changed(path, format_catalog(new).encode("utf-8"))
        read = open_catalog(path).po
        assert read.metadata["Plural-Forms"] == f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"
        assert len(read[-1].msgstr_plural) == rule.num_plurals
        subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], check=True)


def fake_gettext(folder: Path, version: str) -> dict[str, str]:
    """A PATH on which msgfmt, msgmerge and msgcat are the given release (or absent, for version "")."""
    folder.mkdir()
    if version:
        for name in ("msgfmt", "msgmerge", "msgcat"):
            script = folder / name
            script.write_text(f"#!/bin/sh\necho '{name} (GNU gettext-tools) {version}'\n", encoding="utf-8")
            script.chmod(0o755)
    return {**os.environ, "PATH": str(folder)}


@pytest.mark.parametrize(("version", "said"), [("", "msgfmt not found"), ("0.19.8", "msgfmt is 0.19")])
def test_a_missing_or_old_gettext_is_one_line_naming_what_to_install(
    project: Path, tmp_path: Path, version: str, said: str
) -> None:
    import sys

    env = fake_gettext(tmp_path / "bin", version)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "update"], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and "apt-get install gettext" in lines[0], lines
    assert "Traceback" not in result.stderr
    assert (project / "locales/de/LC_MESSAGES/brochure.po").read_bytes() == (
        ROOT / "locales/de/LC_MESSAGES/brochure.po"
    ).read_bytes()


def test_the_installed_gettext_is_supported() -> None:
    """The version check reads GNU's --version line; a change of its wording fails here."""
    tool.cache_clear()
    assert Path(tool("msgmerge")).name == "msgmerge"


def test_msgmerge_refusing_a_catalog_is_reported_with_its_line(tmp_path: Path) -> None:
    pot = tmp_path / "t.pot"
    pot.write_text(format_catalog(template("Contents")), encoding="utf-8")
    broken = tmp_path / "de.po"
    broken.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b\n', encoding="utf-8")
    with pytest.raises(BrochureError) as raised:
        merge_catalog(broken, pot)
    assert raised.value.path.name == "de.po" and raised.value.line == 6


def test_update_on_the_command_line_keeps_the_shipped_catalogs(project: Path) -> None:
    result = run_cli("update", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "unchanged" in result.stdout
    for locale in ("de", "fr", "it"):
        relative = f"locales/{locale}/LC_MESSAGES/brochure.po"
        assert (project / relative).read_bytes() == (ROOT / relative).read_bytes()
