"""The build engine: incremental, parallel, split into per-locale jobs, and reporting.

The session's build (conftest's `built`, `--jobs 2`) is the full build these tests compare with
and read the reports of; a test that changes something and builds again works on a copy of it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import LOCALES, ROOT, SOURCE_DATE_EPOCH, brochure, copy_built, copy_project, run_cli

EPOCH = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}


def build(project: Path, out: Path, *arguments: str, env: dict[str, str] | None = None) -> str:
    result = run_cli("build", "--out", str(out), *arguments, cwd=project, env=env or EPOCH)
    assert result.returncode == 0, result.stderr
    return result.stdout


def build_here(project: Path, out: Path, *arguments: str) -> str:
    """The same build, in this process: for builds that render one locale at most, and so fork
    no worker (forking a process that runs threads, as a test process may, risks deadlocks)."""
    result = brochure(
        "build", "--out", str(out), *arguments, cwd=project, env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def states(stdout: str) -> dict[str, str]:
    """The summary table's last column: rendered or up to date, per locale."""
    rows = {}
    for line in stdout.splitlines():
        words = line.split()
        if words and words[0] in LOCALES and ("rendered" in line or "up to date" in line):
            rows[words[0]] = "rendered" if line.endswith("rendered") else "up to date"
    return rows


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name not in ("build.json", "report.json", "report.html")
    }


def modified_times(out: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()}


def test_incremental_builds(project: Path, tmp_path: Path) -> None:
    """Only what changed is rendered again. HTML only: the cache decides before any renderer
    runs, alike for every format (a no-op build over PDFs: the next test)."""
    out = tmp_path / "out"
    assert set(states(build(project, out, "--to", "html", "--jobs", "2")).values()) == {"rendered"}
    before = modified_times(out)

    second = build_here(project, out, "--to", "html")
    assert "nothing changed" in second
    assert modified_times(out) == before

    catalog = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("Wirtschaftliche Expansion", "Wirtschaftswachstum")
    )
    assert states(build_here(project, out, "--to", "html")) == {
        **{locale: "up to date" for locale in LOCALES},
        "de": "rendered",
    }

    style = project / "source" / "styles" / "print.css"
    style.write_text(style.read_text(encoding="utf-8") + "\n/* a change */\n")
    assert set(states(build(project, out, "--to", "html")).values()) == {"rendered"}


def test_noop_build_does_not_import_the_renderer(project: Path, tmp_path: Path, built: Path) -> None:
    out = copy_built(built, tmp_path)
    before = modified_times(out)
    probe = (
        "import sys; from pipeline.cli import main; code = main(['build', '--out', sys.argv[1]]); "
        "print('weasyprint' in sys.modules, 'markdown_it' in sys.modules, code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(out)],
        cwd=project,
        capture_output=True,
        text=True,
        env=EPOCH,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == "False False 0", result.stdout + result.stderr
    assert "nothing changed" in result.stdout
    assert modified_times(out) == before  # not one file rewritten, PDFs and previews included


def test_corrupt_or_foreign_cache_is_ignored(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_here(project, out, "-l", "fr", "--to", "html")
    cache = tmp_path / ".brochure-cache" / "out.json"
    assert cache.is_file()
    for junk in ("{not json", json.dumps({"schema": "someone-else/9", "locales": {}})):
        cache.write_text(junk)
        assert states(build_here(project, out, "-l", "fr", "--to", "html")) == {"fr": "rendered"}


def test_a_damaged_output_is_rendered_again(project: Path, tmp_path: Path, built: Path) -> None:
    out = copy_built(built, tmp_path)
    assert states(build_here(project, out, "-l", "it")) == {"it": "up to date"}
    for name in ("exploring-together-it.pdf", "exploring-together-it-print.pdf"):
        (out / "it" / name).write_bytes(b"%PDF-1.7 truncated")
        assert states(build_here(project, out, "-l", "it")) == {"it": "rendered"}, name
        assert (out / "it" / name).stat().st_size > 50_000


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each locale built on its own (`build -l LOCALE --jobs 1`, as a CI matrix job builds it),
    one after another in this one process: locale -> its output folder."""
    folder = tmp_path_factory.mktemp("parts")
    project = copy_project(folder / "project")
    folders = {locale: folder / f"part-{locale}" for locale in LOCALES}
    for locale, out in folders.items():
        build_here(project, out, "-l", locale, "--jobs", "1")
    return folders


def test_output_is_the_same_whatever_the_jobs(built: Path, parts: dict[str, Path]) -> None:
    """Every edition rendered in the building process itself, one after another (--jobs 1), is
    byte for byte the session's build, whose two worker processes rendered them (--jobs 2)."""
    for locale in LOCALES:
        assert snapshot(parts[locale] / locale) == snapshot(built / locale), locale


def test_per_locale_jobs_assemble_like_a_full_build(
    project: Path, tmp_path: Path, built: Path, parts: dict[str, Path]
) -> None:
    merged = tmp_path / "merged"
    for locale in LOCALES:
        shutil.copytree(parts[locale] / locale, merged / locale)
    result = run_cli("assemble", "--out", str(merged), cwd=project, env=EPOCH)
    assert result.returncode == 0, result.stderr
    assert snapshot(merged) == snapshot(built)
    reports = [json.loads((folder / "report.json").read_text()) for folder in (built, merged)]
    for report in reports:
        for locale in report["locales"]:
            locale.pop("seconds")
    assert reports[0] == reports[1]


def test_report_and_step_summary(built: Path) -> None:
    report = json.loads((built / "report.json").read_text())
    assert [entry["locale"] for entry in report["locales"]] == list(LOCALES)
    for entry in report["locales"]:
        assert entry["published"] and entry["pages"] == 6 and entry["completeness"] == 100.0
    page = (built / "report.html").read_text()
    assert 'src="de/preview/page-1.png"' in page
    assert "| Deutsch (de) | yes | 100% | 6 | 0 | 0 |" in (built.parent / "summary.md").read_text()


def test_plain_progress_has_no_control_codes(built: Path) -> None:
    """The session's build printed to a pipe, as in a CI log."""
    stdout = (built.parent / "stdout.txt").read_text(encoding="utf-8")
    assert "\x1b" not in stdout
    assert "de: pdf" in stdout and "de: done" in stdout
    assert set(states(stdout).values()) == {"rendered"} and set(states(stdout)) == set(LOCALES)


def test_workflow_runs_the_documented_commands() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "brochure.yml").read_text())
    steps = {name: [step.get("run", "") for step in job["steps"]] for name, job in workflow["jobs"].items()}
    check = "\n".join(steps["check"])
    for command in ("brochure extract --check", "brochure update --check", "brochure check --strict"):
        assert command in check
    matrix = workflow["jobs"]["build"]["strategy"]["matrix"]["locale"]
    assert matrix == "${{ fromJSON(needs.locales.outputs.locales) }}"
    assert any("pipeline/matrix.py" in run for run in steps["locales"])
    printed = subprocess.run(
        [sys.executable, "pipeline/matrix.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert printed == f"locales={json.dumps(list(LOCALES))}\n"
    for job in ("check", "build", "assemble"):
        assert any("make system" in run for run in steps[job]), job
    assert any("brochure build --strict -l ${{ matrix.locale }}" in run for run in steps["build"])
    assert any("brochure assemble" in run for run in steps["assemble"])
    # Every job installs the lock, hash-checked, through the Makefile; the weekly one the newest releases.
    for job in ("check", "build", "assemble"):
        assert any("make .venv/.installed" in run for run in steps[job]), job
    assert any("make test-latest" in run for run in steps["latest"])
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"], "the weekly run on the newest releases"
    readme = (ROOT / "README.md").read_text()
    for command in ("brochure extract --check", "brochure build -l", "brochure assemble"):
        assert command in readme
