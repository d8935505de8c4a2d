"""Shared fixtures: copies of the project in tmp_path, and one real build shared by the session.

The session's build is made once per run, whatever the number of xdist workers: the first worker
to need it builds it under a file lock, the others wait for it and read the same folder. Tests
only read it; a test that changes something and builds again works on a copy (`copy_built`),
whose build cache makes the rebuild render only what changed.
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import polib
import pytest

from pipeline.cli import main
from pipeline.config import load_project

ROOT = Path(__file__).resolve().parents[1]
# The editions the repository publishes, as [tool.brochure] configures them.
TRANSLATED = load_project(ROOT).locales
LOCALES = (load_project(ROOT).source_locale, *TRANSLATED)
# The timestamp of the session's build; a build that is to reuse its cache must use the same.
SOURCE_DATE_EPOCH = "1700000000"


# The modules that take longest, longest first; xdist hands out whole modules (`--dist loadfile
# --no-loadscope-reorder`, see the Makefile) in collection order, and a long module handed out
# last would leave one worker running it alone while the other idles.
LONGEST_FIRST = (
    "test_engine.py",
    "test_serve.py",
    "test_tagging.py",
    "test_browser.py",
    "test_pdf.py",
    "test_security.py",
    "test_robustness.py",
    "test_scripts.py",
    "test_workflow.py",
    "test_update_property.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module's tests keep their order


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


def brochure(
    *arguments: str, cwd: Path, env: Mapping[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """`brochure ...` in this process: the command line's own entry point, pipeline.cli.main, with
    its output captured. For the many calls where a new Python process would prove nothing more
    than run_cli's; `env` sets (or, with None, removes) variables for the call only."""
    stdout, stderr = io.StringIO(), io.StringIO()
    # What the command logs reaches its stderr as in a process of its own (main()'s basicConfig
    # adds no handler under pytest, whose handlers are there already).
    log = logging.StreamHandler(stderr)
    log.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    log.setLevel(logging.WARNING)
    terminate = signal.getsignal(signal.SIGTERM)  # main() makes SIGTERM unwind like Ctrl-C
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(stdout), redirect_stderr(stderr):
        patch.chdir(cwd)
        for name, value in (env or {}).items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        logging.getLogger().addHandler(log)
        try:
            code = main(list(arguments))
        finally:
            logging.getLogger().removeHandler(log)
            signal.signal(signal.SIGTERM, terminate)
    return subprocess.CompletedProcess(["brochure", *arguments], code, stdout.getvalue(), stderr.getvalue())


def catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (waiting for it) across processes."""
    with open(path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run sees: the base temporary folder above xdist's workers'."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """output/ of one full build (`brochure build --jobs 2`) of a copy of the repository's source
    and catalogs, at SOURCE_DATE_EPOCH, on GitHub Actions' step summary (built.parent/summary.md);
    what it printed is in built.parent/stdout.txt. Read it, never change it: see copy_built."""
    folder = shared_folder(tmp_path_factory) / "built"
    with locked(folder.parent / "built.lock"):
        if not (folder / "stdout.txt").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            build_once(folder)
    return folder / "out"


def build_once(folder: Path) -> None:
    source = copy_project(folder / "project")
    environment = {
        **os.environ,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "GITHUB_STEP_SUMMARY": str(folder / "summary.md"),
    }
    result = run_cli("build", "--jobs", "2", "--out", str(folder / "out"), cwd=source, env=environment)
    assert result.returncode == 0, result.stderr
    (folder / "stdout.txt").write_text(result.stdout, encoding="utf-8")


def copy_built(built: Path, destination: Path) -> Path:
    """destination/out: a copy of the session's output with its build cache, for a project copied
    into destination/project; a build there at SOURCE_DATE_EPOCH renders only what changed."""
    out = shutil.copytree(built, destination / "out")
    cache = destination / ".brochure-cache"
    cache.mkdir(exist_ok=True)
    shutil.copy2(built.parent / ".brochure-cache" / f"{built.name}.json", cache / f"{out.name}.json")
    shutil.copytree(built.parent / ".brochure-cache" / "webfonts", cache / "webfonts", dirs_exist_ok=True)
    return out
