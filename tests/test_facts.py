"""Facts of history stay what they were when the member list changes; bad ones say where."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.numbers import format_decimal

from pipeline.errors import BrochureError
from pipeline.facts import localize, read_facts

from .conftest import ROOT

DATA = ROOT / "source" / "data.toml"


def with_text(tmp_path: Path, old: str, new: str) -> Path:
    text = DATA.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "data.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_founding_agencies_stay_fourteen_when_a_member_joins(tmp_path: Path) -> None:
    before = read_facts(DATA)
    after = read_facts(
        with_text(tmp_path, "members = [\n", 'members = [\n  { acronym = "UAESA", territory = "AE" },\n')
    )
    assert len(after.members) == len(before.members) + 1
    assert after.founding_agencies == before.founding_agencies == 14
    places = localize(after, "de").placeholders
    assert places["founding_count"] == "14"
    assert places["agency_count"] == str(len(after.members))


@pytest.mark.parametrize("locale", ["de", "hi", "zh_Hans"])
def test_the_founding_count_is_written_as_cldr_writes_numbers(locale: str) -> None:
    written = localize(read_facts(DATA), locale).placeholders["founding_count"]
    assert written == format_decimal(14, locale=locale)


@pytest.mark.parametrize("value", ['"fourteen"', "0", "true"])
def test_a_founding_count_that_is_no_whole_number_is_named(tmp_path: Path, value: str) -> None:
    path = with_text(tmp_path, "founding-agencies = 14", f"founding-agencies = {value}")
    with pytest.raises(BrochureError) as error:
        read_facts(path)
    line = path.read_text(encoding="utf-8").splitlines()[error.value.line - 1]
    assert line.startswith("founding-agencies")
