"""`brochure check`'s findings: one bad catalog per problem, good ones clean, the shipped ones too.

Each catalog under tests/catalogs/ says in its first comment lines which locale to check it as
(`# check as: fr`) and which findings it must give (`# expect: 23: error[markup]`, the line of the
entry's msgid). A bad catalog's file name starts with the code it is about: `fr-spacing.missing.po`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.catalogs import Stats, catalog_stats, open_catalog
from pipeline.checks import (
    CHECKS,
    CODES,
    Context,
    Finding,
    Severity,
    check_catalog,
    check_fr_spacing,
    check_punctuation,
    check_quotes,
    check_same_as_source,
)
from pipeline.config import load_project
from pipeline.glossary import load_vocabulary
from pipeline.languages import read_languages

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = Path(__file__).parent / "catalogs"
TEMPLATE = CATALOGS / "template.pot"
THRESHOLD = 80.0
BAD = sorted((CATALOGS / "bad").glob("*.po"))
GOOD = sorted((CATALOGS / "good").glob("*.po"))
CHECK_AS = re.compile(r"^# check as: (\S+)$", re.MULTILINE)
EXPECT = re.compile(r"^# expect: (\d+): (error|warning)\[([a-z-]+)\]$", re.MULTILINE)
# Found by `check` in the shipped catalogs, left for their translators: (locale, line, code).
SHIPPED_PROBLEMS: set[tuple[str, int, str]] = set()
# The project's own glossary and untranslated names (source/glossary.toml, source/data.toml).
VOCABULARY = load_vocabulary(load_project(ROOT))
LANGUAGES = read_languages(ROOT / "source" / "languages.toml")


def context(locale: str) -> Context:
    return Context(locale, LANGUAGES, VOCABULARY, THRESHOLD)


Expectation = set[tuple[int, Severity, str]]


def locale_of(path: Path) -> str:
    match = CHECK_AS.search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} lacks a '# check as: LOCALE' line"
    return match[1]


def expectations(path: Path) -> Expectation:
    text = path.read_text(encoding="utf-8")
    return {(int(line), Severity(severity), code) for line, severity, code in EXPECT.findall(text)}


def found(findings: list[Finding]) -> Expectation:
    return {(finding.line, finding.severity, finding.code) for finding in findings}


def check(path: Path, ignore: frozenset[str] = frozenset()) -> list[Finding]:
    # The rule CLDR gives a language changes between Babel releases (French gained a third form):
    # only the catalog about that check is held to it, the others test what they are named for.
    if not path.name.startswith("plural-rule"):
        ignore |= {"plural-rule"}
    return check_catalog(open_catalog(path), open_catalog(TEMPLATE), context(locale_of(path)), ignore)


def shipped(locale: str) -> Path:
    return ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po"


@pytest.mark.parametrize("path", BAD, ids=lambda path: path.name)
def test_bad_catalog_gives_the_finding_it_expects(path: Path) -> None:
    expected = expectations(path)
    assert path.name.split(".")[0] in {code for _, _, code in expected}
    findings = check(path)
    assert found(findings) == expected, "\n".join(map(str, findings))


@pytest.mark.parametrize("path", GOOD, ids=lambda path: path.name)
def test_good_catalog_gives_no_finding(path: Path) -> None:
    assert [str(finding) for finding in check(path)] == []


def test_every_check_has_a_bad_catalog() -> None:
    assert {path.name.split(".")[0] for path in BAD} == CODES


@pytest.mark.parametrize("locale", ["de", "fr", "it", "zh_Hans", "ja", "ko", "hi", "ru", "uk"])
def test_shipped_catalog_gives_no_finding_but_the_known_ones(locale: str) -> None:
    template = open_catalog(ROOT / "locales" / "brochure.pot")
    findings = check_catalog(open_catalog(shipped(locale)), template, context(locale))
    known = {(line, code) for known_locale, line, code in SHIPPED_PROBLEMS if known_locale == locale}
    assert {(finding.line, finding.code) for finding in findings} == known, "\n".join(map(str, findings))


def test_ignore_drops_the_codes_it_names() -> None:
    path = CATALOGS / "bad" / "injection.javascript.po"
    assert {finding.code for finding in check(path)} == {"markup", "injection", "terms"}
    assert {finding.code for finding in check(path, frozenset({"markup", "terms"}))} == {"injection"}
    assert check(path, frozenset({"markup", "injection", "terms"})) == []


def test_findings_are_sorted_by_line() -> None:
    lines = [finding.line for finding in check(CATALOGS / "bad" / "completeness.po")]
    assert lines == sorted(lines) and len(lines) == 3


def test_finding_prints_as_path_line_severity_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = CATALOGS / "bad" / "fr-spacing.po"
    [(line, _, _)] = expectations(path)
    [finding] = check(path)
    assert str(finding) == (
        f"tests/catalogs/bad/fr-spacing.po:{line}: error[fr-spacing]: plain space before ':' "
        "in 'sont :'; type a narrow no-break space (U+202F)"
    )
    record = json.loads(json.dumps(finding.as_dict()))
    assert record == {
        "path": "tests/catalogs/bad/fr-spacing.po",
        "line": line,
        "severity": "error",
        "code": "fr-spacing",
        "message": finding.message,
    }


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("Ils sont\u202f: {members}.", 0),
        ("Ils sont\u00a0: {members}.", 0),
        ("Ils sont : {members}.", 1),
        ("Ils sont: {members}.", 1),
        ("«\u202fD’où venons-nous\u202f?\u202f»", 0),
        ("«\u00a0D’où venons-nous\u00a0?\u00a0»", 0),
        ("« D’où venons-nous ? »", 3),
        ("Vraiment\u202f?!", 0),
        ("Voir [le site](https://www.globalspaceexploration.org?a=b;c=d) à 10:30.", 0),
        ("Écrire à mailto:ISECG@esa.int ou https://example.org/x:y!", 0),
        ("La page {members}\u202f; %(num)s\u202f!", 0),
    ],
)
def test_french_spacing(text: str, problems: int) -> None:
    assert len(list(check_fr_spacing("Source", text, context("fr")))) == problems


def test_canadian_french_spaces_only_the_colon() -> None:
    assert list(check_fr_spacing("Who? Them:", "Qui? Eux\u00a0:", context("fr_CA"))) == []
    assert len(list(check_fr_spacing("Who? Them:", "Qui? Eux:", context("fr_CA")))) == 1


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Where do we come from?", "D’où venons-nous\u202f?"),
        ("‘Where do we come from?’", "«\u202fD’où venons-nous\u202f?\u202f»"),
        ("It goes on...", "Es geht weiter …"),
        ("*The Strategy.*", "*La Stratégie.*"),
        ("The Global Exploration Strategy", "La Stratégie globale d’exploration"),
    ],
)
def test_final_punctuation_that_matches(source: str, translation: str) -> None:
    assert list(check_punctuation(source, translation, context("fr"))) == []


@pytest.mark.parametrize(
    ("locale", "translation", "problems"),
    [
        ("de", "Er fragte: „Woher kommen wir?“ Gibt’s das?", 0),
        ("de", "Er fragte: “Woher kommen wir?”", 2),
        ("it", "Per «agenzie spaziali» si intende", 0),
        ("it", 'Per "agenzie" si intende l\'ente', 2),
        ("fr", "Voir [le site](https://example.org/?q='x') et {members}", 0),
        ("nl", 'Hij zei "hoi"', 0),
    ],
)
def test_quotes(locale: str, translation: str, problems: int) -> None:
    assert len(list(check_quotes("Source", translation, context(locale)))) == problems


@pytest.mark.parametrize(
    ("msgid", "locale", "allowed"),
    [
        ("Contact", "fr", True),
        ("Contact", "fr_CA", True),
        ("Contact", "de", False),
        ("Website", "de", True),
        ("ISECG", "it", True),
        ("NASA, ESA", "de", True),
        ("{members}", "fr", True),
        ("2011", "fr", True),
        ("PDF, %(num)s pages", "it", True),
        ("Lao Tzu", "it", True),
        ("Economic expansion", "it", False),
    ],
)
def test_same_as_source_allowlist(msgid: str, locale: str, allowed: bool) -> None:
    assert (list(check_same_as_source(msgid, msgid, context(locale))) == []) is allowed


def test_stats_of_a_small_catalog_counted_by_hand() -> None:
    # Words of the template's msgids: "Exploring together" 2, the ISECG sentence 25 (the
    # placeholder is no word), "The members of ISECG are: {members}." 5, the closing paragraph
    # 21 (the e-mail address is one word, the link target none), "Contact" 1, "PDF, %(num)s page" 2.
    # stats.po: the first message empty, the closing paragraph fuzzy, "Contact" only obsolete.
    stats = catalog_stats(open_catalog(CATALOGS / "stats.po"), open_catalog(TEMPLATE), "de")
    assert stats == Stats(
        locale="de",
        translated=3,
        fuzzy=1,
        untranslated=2,
        translated_words=25 + 5 + 2,
        fuzzy_words=21,
        untranslated_words=2 + 1,
    )
    assert (stats.messages, stats.words) == (6, 56)
    assert stats.percent == pytest.approx(100 * 32 / 56)
    assert stats.as_dict()["percent"] == 57.1


def test_stats_of_the_shipped_catalogs_are_complete() -> None:
    for locale in ("de", "fr", "it"):
        stats = catalog_stats(
            open_catalog(shipped(locale)), open_catalog(ROOT / "locales" / "brochure.pot"), locale
        )
        assert (stats.locale, stats.fuzzy, stats.untranslated, stats.percent) == (
            locale,
            0,
            0,
            100.0,
        )


def test_the_registry_names_each_check_once_with_a_one_line_description() -> None:
    codes = [check.code for check in CHECKS]
    assert len(codes) == len(set(codes))
    assert all(check.description and "\n" not in check.description for check in CHECKS)
    assert {check.severity for check in CHECKS} == set(Severity)


def test_the_guide_documents_every_code() -> None:
    guide = (ROOT / "TRANSLATING.md").read_text(encoding="utf-8")
    assert [code for code in sorted(CODES) if f"`{code}`" not in guide] == []
