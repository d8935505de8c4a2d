"""The glossary: its forms match inflected translations, bad files stop `check` and `build` with
`path:line`, and the template tells translators which terms and names each message holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from pipeline.config import load_project
from pipeline.facts import read_facts
from pipeline.glossary import Term, load_vocabulary, read_vocabulary

from .conftest import ROOT, TRANSLATED, brochure
from .test_errors import assert_clean_failure, files_under

BAD = Path(__file__).parent / "bad" / "glossary"
VOCABULARY = load_vocabulary(load_project(ROOT))
# Each bad glossary and the line its error names (counted from 1).
BAD_GLOSSARIES = [
    ("malformed.toml", 5),
    ("unknown-locale.toml", 8),
    ("not-a-list.toml", 7),
    ("missing-english.toml", 5),
    ("untranslated-not-a-list.toml", 3),
]


def term(key: str) -> Term:
    return next(term for term in VOCABULARY.terms if term.key == key)


@pytest.mark.parametrize(
    ("key", "locale", "translation", "rendered"),
    [
        ("global-exploration-strategy", "de", "nach der Globalen Explorationsstrategie", True),
        ("global-exploration-strategy", "de", "die weltweite Erkundungsstrategie", False),
        ("global-exploration-strategy", "ru", "реализации Глобальной стратегии исследования космоса", True),
        ("global-exploration-strategy", "uk", "у Глобальній стратегії дослідження космосу", True),
        ("global-exploration-strategy", "ru", "Глобальной стратегии исследований", False),
        ("space-agency", "de", "{founding_count} Raumfahrtagenturen", True),
        ("space-agency", "ru", "{founding_count} космическими агентствами", True),
        ("space-agency", "ko", "{founding_count}개 우주기관이", True),  # a particle follows the stem
        ("space-agency", "hi", "अंतरिक्ष एजेंसियों ने", True),
        ("products", "fr", "Les principaux produits de l’ISECG", True),
        ("products", "fr", "Les travaux clés de l’ISECG", False),
        ("products", "zh_Hans", "ISECG主要成果", True),  # no space around the term in Chinese
    ],
)
def test_forms_allow_inflection(key: str, locale: str, translation: str, rendered: bool) -> None:
    assert term(key).rendered_in(translation, locale) is rendered


def test_english_forms_match_whole_words_in_any_case() -> None:
    assert term("products").in_source("The key ISECG products")
    assert term("products").in_source("the development of products that")
    assert not term("products").in_source("productive work")
    assert term("human-exploration").in_source("a vision for robotic and human space exploration")


def test_every_locale_has_a_rendering_of_every_term() -> None:
    missing = [(t.key, locale) for t in VOCABULARY.terms for locale in TRANSLATED if not t.forms_for(locale)]
    assert missing == []


def test_untranslated_names_come_from_the_data_files() -> None:
    facts = read_facts(ROOT / "source" / "data.toml")
    assert VOCABULARY.verbatim[0] == "ISECG"  # [untranslated] of the glossary
    assert {member.acronym for member in facts.members} <= set(VOCABULARY.verbatim)
    assert facts.email in VOCABULARY.verbatim
    assert "globalspaceexploration.org" in VOCABULARY.verbatim


def test_a_new_member_is_kept_as_written_without_touching_the_code(tmp_path: Path) -> None:
    data = tmp_path / "data.toml"
    text = (ROOT / "source" / "data.toml").read_text(encoding="utf-8")
    new_member = '  { acronym = "UAESA", territory = "AE" },\n'
    data.write_text(text.replace("members = [\n", "members = [\n" + new_member))
    vocabulary = read_vocabulary(ROOT / "source" / "glossary.toml", read_facts(data), TRANSLATED)
    assert vocabulary.verbatim_in("UAESA and ISECG") == ("ISECG", "UAESA")


def test_the_template_names_the_terms_and_names_of_each_message() -> None:
    template = polib.pofile(str(ROOT / "locales" / "brochure.pot"))
    intro = next(entry for entry in template if entry.msgid.startswith("ISECG is the international forum"))
    assert "Keep as written, never translated: ISECG" in intro.comment
    assert "“Global Exploration Strategy”" in intro.comment and "“space agency”" in intro.comment


@pytest.mark.parametrize(("case", "line"), BAD_GLOSSARIES)
@pytest.mark.parametrize("command", ["check", "build"])
def test_bad_glossary_stops_check_and_build(
    project: Path, tmp_path: Path, case: str, line: int, command: str
) -> None:
    shutil.copy(BAD / case, project / "source" / "glossary.toml")
    out = tmp_path / "out"
    arguments = ("build", "-l", "de", "--out", str(out)) if command == "build" else ("check",)
    result = brochure(*arguments, cwd=project)
    assert assert_clean_failure(result.stderr, result.returncode, "source/glossary.toml") == line
    assert files_under(out) == []


def test_missing_glossary_is_named(project: Path) -> None:
    (project / "source" / "glossary.toml").unlink()
    result = brochure("check", cwd=project)
    assert_clean_failure(result.stderr, result.returncode, "source/glossary.toml")


def test_check_reports_a_term_rendered_otherwise(project: Path) -> None:
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "brochure.po"
    po = polib.pofile(str(catalog), wrapwidth=76)
    heading = po.find("The key ISECG products")
    assert heading is not None
    heading.msgstr = "Les travaux clés de l’ISECG"
    po.save()
    result = brochure("check", "-l", "fr", cwd=project)
    assert result.returncode == 0  # a warning: only --strict fails
    assert "warning[glossary]: “product” is rendered “produit”" in result.stdout
    assert brochure("check", "-l", "fr", "--strict", cwd=project).returncode == 1
