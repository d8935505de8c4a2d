"""Extraction: a scenario against its golden template, the repository's template, and pybabel."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

from .conftest import ROOT, run_cli

ROOTS = Path(__file__).parent / "roots"
CREATED = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


def without_date(text: str) -> str:
    return CREATED.sub('"POT-Creation-Date: \\\\n"', text)


def test_scenario_extracts_to_its_golden_template(tmp_path: Path) -> None:
    scenario = shutil.copytree(ROOTS / "basic", tmp_path / "basic")
    result = run_cli("extract", cwd=scenario)
    assert result.returncode == 0, result.stderr
    written = (scenario / "locales" / "brochure.pot").read_text(encoding="utf-8")
    assert without_date(written) == without_date((ROOTS / "basic" / "expect.pot").read_text(encoding="utf-8"))


def test_second_extract_changes_nothing(tmp_path: Path) -> None:
    scenario = shutil.copytree(ROOTS / "basic", tmp_path / "basic")
    run_cli("extract", cwd=scenario)
    first = (scenario / "locales" / "brochure.pot").read_bytes()
    result = run_cli("extract", cwd=scenario)
    assert "unchanged" in result.stdout
    assert (scenario / "locales" / "brochure.pot").read_bytes() == first


def test_repository_template_is_up_to_date() -> None:
    result = run_cli("extract", "--check", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_extract_check_names_the_difference(project: Path) -> None:
    brochure = project / "source" / "brochure.md"
    brochure.write_text(brochure.read_text(encoding="utf-8").replace("Economic expansion", "Economic growth"))
    before = (project / "locales" / "brochure.pot").read_bytes()
    result = run_cli("extract", "--check", cwd=project)
    assert result.returncode == 1
    assert '+msgid "Economic growth"' in result.stdout
    assert (project / "locales" / "brochure.pot").read_bytes() == before


def test_every_message_has_a_reference_and_a_comment() -> None:
    template = polib.pofile(str(ROOT / "locales" / "brochure.pot"))
    for entry in template:
        assert entry.occurrences, entry.msgid
        assert entry.comment, entry.msgid


def test_pybabel_extract_yields_the_same_messages(tmp_path: Path) -> None:
    output = tmp_path / "pybabel.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "pyproject.toml",
            "-c",
            "Translators:",
            "-o",
            str(output),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ours = polib.pofile(str(ROOT / "locales" / "brochure.pot"))
    theirs = polib.pofile(str(output))
    assert [entry.msgid for entry in theirs] == [entry.msgid for entry in ours]
    assert [entry.msgid_plural for entry in theirs] == [entry.msgid_plural for entry in ours]
