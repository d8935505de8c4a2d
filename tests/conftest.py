"""Shared fixtures: copies of the project in tmp_path, and one real build shared by the session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from pipeline.config import load_project

ROOT = Path(__file__).resolve().parents[1]
# The editions the repository publishes, as [tool.brochure] configures them.
TRANSLATED = load_project(ROOT).locales
LOCALES = (load_project(ROOT).source_locale, *TRANSLATED)


def copy_project(destination: Path) -> Path:
    """A copy of the project's inputs, so that a test may write without touching the work tree."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "pyproject.toml", destination / "pyproject.toml")
    for folder in ("source", "locales"):
        shutil.copytree(ROOT / folder, destination / folder)
    return destination


def run_cli(
    *arguments: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the documented command line, `brochure ...`, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """output/ of one full build of the repository's own source and catalogs."""
    out = tmp_path_factory.mktemp("output")
    result = run_cli("build", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out
