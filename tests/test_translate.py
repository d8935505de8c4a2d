"""The catalog's own Plural-Forms picks the form, as in gettext, whatever CLDR says today."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalogs import PluralRule, open_catalog
from pipeline.translate import Status, Translator, printf_names

MSGID, PLURAL = "PDF, %(num)s page", "PDF, %(num)s pages"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n'


def french(tmp_path: Path, rule: str, forms: list[str]) -> Translator:
    """A French catalog with one plural message, read as the build reads it."""
    lines = "".join(f'msgstr[{index}] "{form}"\n' for index, form in enumerate(forms))
    text = f'{HEADER}"Plural-Forms: {rule}\\n"\n\nmsgid "{MSGID}"\nmsgid_plural "{PLURAL}"\n{lines}'
    path = tmp_path / "fr.po"
    path.write_text(text, encoding="utf-8")
    return Translator.of("fr", open_catalog(path))


def pages(translator: Translator, count: int) -> str:
    return translator.translate(MSGID, PLURAL, count, printf=True).text


def test_a_french_catalog_with_two_forms(tmp_path: Path) -> None:
    translator = french(tmp_path, "nplurals=2; plural=(n > 1);", ["%(num)s page", "%(num)s pages"])
    assert [pages(translator, n) for n in (0, 1, 2, 1_000_000)] == [
        "%(num)s page",
        "%(num)s page",
        "%(num)s pages",
        "%(num)s pages",
    ]


def test_a_french_catalog_with_three_forms(tmp_path: Path) -> None:
    rule = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"
    translator = french(tmp_path, rule, ["%(num)s page", "%(num)s de pages", "%(num)s pages"])
    assert [pages(translator, n) for n in (1, 2, 1_000_000)] == [
        "%(num)s page",
        "%(num)s pages",
        "%(num)s de pages",
    ]
    assert translator.translate(MSGID, PLURAL, 2, printf=True).status is Status.TRANSLATED


def test_an_index_the_catalog_lacks_falls_back_to_the_first_form() -> None:
    # A rule that names a form past nplurals (a translator's slip) must not crash the build.
    rule = PluralRule(2, "n == 0 ? 0 : n == 1 ? 1 : 5")
    assert [rule.index(n) for n in (0, 1, 7)] == [0, 1, 0]


@pytest.mark.parametrize(
    "value", ["nplurals=two; plural=n != 1;", "nplurals=2; plural=n !== 1;", "plural=0;"]
)
def test_a_rule_gettext_cannot_evaluate_is_refused(value: str) -> None:
    assert PluralRule.parse(value) is None


@pytest.mark.parametrize("text", ["100 %", "100 %\nmehr", "%(a%%)s", "%d Seiten", "%(num)d"])
def test_a_stray_percent_has_no_placeholders_to_give(text: str) -> None:
    # Each would make Jinja2's %-formatting of a UI string raise, or print what it should not.
    assert printf_names(text) is None


def test_placeholders_and_doubled_percents_are_counted() -> None:
    assert printf_names("%(num)s Seiten, 100 %%, %(num)s") == {"num": 2}
