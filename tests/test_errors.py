"""Bad input stops every command with one line `path:line: error: ...`, exit 2, and no output.

Most cases call the command line's entry point in this process (`brochure`): bad input fails
before anything is rendered, and a new Python process per case would prove nothing more. The
cases run with `run_cli` show the same through a real process, as a user meets it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import brochure, run_cli

BAD = Path(__file__).parent / "bad"
ONE_ERROR_LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): error: \S.*\n$")


def assert_clean_failure(result_stderr: str, returncode: int, path_suffix: str) -> int:
    assert returncode == 2, result_stderr
    match = ONE_ERROR_LINE.match(result_stderr)
    assert match, result_stderr
    assert "Traceback" not in result_stderr
    assert match["path"].endswith(path_suffix), match["path"]
    return int(match["line"])


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.mark.parametrize(
    ("case", "line"),
    [
        ("unknown-container.md", 5),
        ("unclosed-container.md", 5),
        ("epigraph-without-author.md", 5),
        ("outside-container.md", 1),
    ],
)
@pytest.mark.parametrize("command", ["build", "extract"])
def test_malformed_source(project: Path, tmp_path: Path, case: str, line: int, command: str) -> None:
    shutil.copy(BAD / "source" / case, project / "source" / "brochure.md")
    out = tmp_path / "out"
    arguments = ("build", "--out", str(out)) if command == "build" else ("extract",)
    before = (project / "locales" / "brochure.pot").read_bytes()
    result = brochure(*arguments, cwd=project)
    assert assert_clean_failure(result.stderr, result.returncode, "source/brochure.md") == line
    assert files_under(out) == []
    assert (project / "locales" / "brochure.pot").read_bytes() == before


BROKEN_CATALOGS = [
    ("unterminated-string.po", 6),
    ("not-utf8.po", 6),
    ("missing-msgstr.po", 5),
    ("bad-escape.po", 8),
    ("duplicate-msgid.po", 10),
    ("wrong-charset.po", 3),
    ("broken-plural-forms.po", 5),
    ("missing-plural-forms.po", 2),
    ("plural-forms-disagree.po", 11),
]


@pytest.mark.parametrize(("case", "line"), BROKEN_CATALOGS)
def test_broken_catalog_stops_the_build(project: Path, tmp_path: Path, case: str, line: int) -> None:
    shutil.copy(BAD / "catalogs" / case, project / "locales" / "de" / "LC_MESSAGES" / "brochure.po")
    out = tmp_path / "out"
    result = brochure("build", "--out", str(out), cwd=project)
    assert assert_clean_failure(result.stderr, result.returncode, "de/LC_MESSAGES/brochure.po") == line
    assert files_under(out) == []


@pytest.mark.parametrize(("case", "line"), BROKEN_CATALOGS)
@pytest.mark.parametrize(
    "command", [("update",), ("update", "--check"), ("check",), ("stats",), ("check", "--format", "json")]
)
def test_broken_catalog_stops_every_command(
    project: Path, case: str, line: int, command: tuple[str, ...]
) -> None:
    catalog = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    shutil.copy(BAD / "catalogs" / case, catalog)
    before = catalog.read_bytes()
    result = brochure(*command, cwd=project)
    assert assert_clean_failure(result.stderr, result.returncode, "de/LC_MESSAGES/brochure.po") == line
    assert catalog.read_bytes() == before


def test_unknown_locale(project: Path, tmp_path: Path) -> None:
    result = run_cli("build", "-l", "xx", "--out", str(tmp_path / "out"), cwd=project)
    assert_clean_failure(result.stderr, result.returncode, "pyproject.toml")
    assert "xx" in result.stderr


def test_missing_catalog(project: Path, tmp_path: Path) -> None:
    (project / "locales" / "it" / "LC_MESSAGES" / "brochure.po").unlink()
    result = brochure("build", "--out", str(tmp_path / "out"), cwd=project)
    assert_clean_failure(result.stderr, result.returncode, "it/LC_MESSAGES/brochure.po")
    assert files_under(tmp_path / "out") == []


def test_missing_facts(project: Path, tmp_path: Path) -> None:
    (project / "source" / "data.toml").unlink()
    result = brochure("build", "--out", str(tmp_path / "out"), cwd=project)
    assert_clean_failure(result.stderr, result.returncode, "source/data.toml")


def test_unknown_territory(project: Path, tmp_path: Path) -> None:
    data = project / "source" / "data.toml"
    data.write_text(data.read_text(encoding="utf-8").replace('territory = "KR"', 'territory = "XK9"'))
    result = brochure("build", "--out", str(tmp_path / "out"), cwd=project)
    line = assert_clean_failure(result.stderr, result.returncode, "source/data.toml")
    assert "XK9" in data.read_text(encoding="utf-8").splitlines()[line - 1]


def test_usage_error_is_one_line(project: Path) -> None:
    result = run_cli("build", "--to", "docx", cwd=project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ["data.toml", "layout.toml"])
def test_broken_toml(project: Path, tmp_path: Path, name: str) -> None:
    path = project / "source" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "[unclosed")
    path.write_text("\n".join(lines) + "\n")
    result = brochure("build", "--out", str(tmp_path / "out"), cwd=project)
    assert assert_clean_failure(result.stderr, result.returncode, f"source/{name}") == 4


@pytest.mark.parametrize("command", [("build",), ("check",), ("stats",), ("update",)])
def test_catalog_of_a_locale_that_is_not_configured(
    project: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    assert brochure("init", "es", cwd=project).returncode == 0
    arguments = (*command, "-l", "es") + (("--out", str(tmp_path / "out")) if command == ("build",) else ())
    result = brochure(*arguments, cwd=project)
    assert_clean_failure(result.stderr, result.returncode, "pyproject.toml")
    assert "add it to [tool.brochure] locales" in result.stderr
    assert files_under(tmp_path / "out") == []


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('locales = ["de", "xx_QQ"]', "'xx_QQ' is not a CLDR locale"),
        ('site-url = "www.example.org"', "site-url must be an absolute http(s) URL"),
    ],
)
def test_bad_configuration_is_one_line_exit_2(project: Path, setting: str, message: str) -> None:
    settings = project / "pyproject.toml"
    key = setting.split(" = ")[0]
    text = re.sub(rf"(?m)^{re.escape(key)} = .*$", setting, settings.read_text(encoding="utf-8"))
    settings.write_text(text, encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith("pyproject.toml:")
