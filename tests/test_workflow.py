"""The translator's round trip on the command line: extract, update, init, check, stats."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.catalogs import open_catalog

from .conftest import ROOT, TRANSLATED, brochure, run_cli

OLD = "The Global Exploration Strategy is the key to delivering these benefits."
NEW = "The Global Exploration Strategy is the key to delivering all these benefits."
MSGCAT = shutil.which("msgcat")


def catalog_path(project: Path, locale: str) -> Path:
    return project / "locales" / locale / "LC_MESSAGES" / "brochure.po"


def test_a_changed_sentence_becomes_fuzzy_and_nothing_else_changes(project: Path) -> None:
    brochure = project / "source" / "brochure.md"
    brochure.write_text(brochure.read_text(encoding="utf-8").replace(OLD, NEW))
    before = {locale: catalog_path(project, locale).read_text(encoding="utf-8") for locale in TRANSLATED}
    assert run_cli("extract", cwd=project).returncode == 0
    assert run_cli("update", "--check", cwd=project).returncode == 1
    assert run_cli("update", cwd=project).returncode == 0
    for locale in TRANSLATED:
        after = catalog_path(project, locale).read_text(encoding="utf-8")
        entry = open_catalog(catalog_path(project, locale)).po.find(NEW)
        assert entry.fuzzy and entry.previous_msgid == OLD
        assert (
            entry.msgstr
            == polib.pofile(str(ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po")).find(OLD).msgstr
        )
        changed = set(after.splitlines()) ^ set(before[locale].splitlines())
        assert all(
            OLD[:20] in line
            or "all these" in line
            or "benefits" in line
            or "#, fuzzy" in line
            or line.startswith("#| ")
            or line.startswith('"')
            or line == 'msgid ""'
            for line in changed
        ), changed

    result = run_cli("check", "--strict", "-l", "de", cwd=project)
    assert result.returncode == 1 and "warning[fuzzy]" in result.stdout

    path = catalog_path(project, "de")
    catalog = polib.pofile(str(path))
    entry = catalog.find(NEW)
    entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.msgstr = (
        "Die Globale Explorationsstrategie ist der Schlüssel, um all diesen Nutzen zu verwirklichen."
    )
    catalog.save(str(path))
    assert run_cli("update", "-l", "de", cwd=project).returncode == 0
    result = run_cli("check", "--strict", "-l", "de", cwd=project)
    assert result.returncode == 0, result.stdout
    assert run_cli("update", "--check", "-l", "de", cwd=project).returncode == 0


def test_update_twice_writes_identical_files(project: Path) -> None:
    brochure = project / "source" / "brochure.md"
    brochure.write_text(brochure.read_text(encoding="utf-8").replace("Economic expansion\n", ""))
    run_cli("extract", cwd=project)
    run_cli("update", cwd=project)
    first = {locale: catalog_path(project, locale).read_bytes() for locale in TRANSLATED}
    result = run_cli("update", cwd=project)
    assert result.stdout.count("unchanged") == len(TRANSLATED)
    assert {locale: catalog_path(project, locale).read_bytes() for locale in TRANSLATED} == first
    for locale in TRANSLATED:
        obsolete = [entry for entry in open_catalog(catalog_path(project, locale)).po if entry.obsolete]
        assert [entry.msgid for entry in obsolete] == ["Economic expansion"]


def test_shipped_files_are_as_update_and_extract_write_them() -> None:
    assert run_cli("extract", "--check", cwd=ROOT).returncode == 0
    result = run_cli("update", "--check", cwd=ROOT)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(MSGCAT is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize(
    "name", ["brochure.pot", *(f"{locale}/LC_MESSAGES/brochure.po" for locale in TRANSLATED)]
)
def test_msgcat_changes_nothing(name: str) -> None:
    path = ROOT / "locales" / name
    result = subprocess.run([MSGCAT, "--width=76", str(path)], capture_output=True, text=True, check=True)
    assert result.stdout == path.read_text(encoding="utf-8")


# Locales with one, two, three and six forms in CLDR today; what `init` must write is read from
# the installed Babel, never written out here, since CLDR revises rules between releases.
@pytest.mark.parametrize("locale", ["id", "pt_BR", "pl", "ar"])
def test_init_starts_a_catalog_msgfmt_accepts(project: Path, locale: str) -> None:
    from babel.messages.plurals import get_plural

    rule = get_plural(locale)
    result = run_cli("init", locale, cwd=project)
    assert result.returncode == 0, result.stderr
    path = catalog_path(project, locale)
    catalog = open_catalog(path).po
    assert catalog.metadata["Language"] == locale
    assert catalog.metadata["Plural-Forms"] == f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"
    assert len(catalog) == len(open_catalog(project / "locales" / "brochure.pot").po)
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    again = run_cli("init", locale, cwd=project)
    assert again.returncode == 2 and "exists already" in again.stderr


@pytest.mark.parametrize("code", ["xx", "de_XYZ_1", "12", "not a locale"])
def test_init_refuses_what_is_not_a_locale(project: Path, code: str) -> None:
    result = brochure("init", code, cwd=project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is not a CLDR locale" in result.stderr
    assert not (project / "locales" / code.replace("-", "_")).exists()


def test_stats_and_check_in_json(project: Path) -> None:
    stats = json.loads(run_cli("stats", "--format", "json", cwd=project).stdout)
    assert [row["locale"] for row in stats] == list(TRANSLATED)
    assert all(row["percent"] == 100.0 for row in stats)
    path = catalog_path(project, "fr")
    catalog = polib.pofile(str(path))
    catalog.find("Economic expansion").msgstr = "L’expansion économique : un <b>atout</b>"
    catalog.save(str(path))
    result = run_cli("check", "-l", "fr", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)
    assert result.returncode == 1
    assert {finding["code"] for finding in findings} >= {"injection", "fr-spacing"}
    assert all(set(finding) == {"path", "line", "severity", "code", "message"} for finding in findings)


def test_a_locale_below_the_threshold_is_reported_and_not_published(project: Path, tmp_path: Path) -> None:
    """A German catalog whose translations were all emptied: the build says why it leaves German
    out, and makes neither its page nor its PDF; the chooser does not offer it."""
    path = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    emptied = polib.pofile(str(path))
    for entry in emptied:
        entry.msgstr = ""
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
    emptied.save()
    out = tmp_path / "out"
    result = brochure("build", "-l", "en", "-l", "de", "--to", "html", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "not published: 0% of words translated, below the 80% threshold" in result.stdout
    report = json.loads((out / "de" / "build.json").read_text(encoding="utf-8"))
    assert (report["published"], report["completeness"]) == (False, 0.0)
    assert not (out / "de" / "index.html").exists()
    chooser = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="en/index.html"' in chooser and 'href="de/index.html"' not in chooser


def test_stats_prints_one_row_per_catalog(project: Path) -> None:
    result = brochure("stats", cwd=project)
    assert result.returncode == 0, result.stderr
    header, *rows = (line.split() for line in result.stdout.splitlines())
    assert header == ["locale", "translated", "fuzzy", "untranslated", "words", "percent"]
    assert [row[0] for row in rows] == list(TRANSLATED)
    for locale, translated, fuzzy, untranslated, words, percent in rows:
        done, total = words.split("/")
        assert (fuzzy, untranslated, percent, done) == ("0", "0", "100.0%", total), locale
        assert int(translated) > 0
