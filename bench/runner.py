"""Turn commands run in a throw-away copy of the project into timed runs, and runs into medians."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.cache import cache_folder

ROOT = Path(__file__).resolve().parent.parent
# Every build stamps this time (2025-11-25T00:00:00Z): same bytes each run, no `git log` timed.
SOURCE_DATE_EPOCH = "1764028800"
# The first four editions: the source locale en and these three.
FIRST_FOUR = ("de", "fr", "it")


@dataclass(frozen=True, slots=True)
class Run:
    """One finished command: wall and CPU seconds and peak RSS (the kernel's ru_maxrss of its
    process tree: the largest resident set of any one process), and what it printed."""

    wall: float
    cpu: float
    peak_mb: float
    output: str


@dataclass(slots=True)
class Series:
    """The timed runs of one kind of command."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    def spread(self) -> str:
        return f"{seconds(min(r.wall for r in self.runs))} – {seconds(max(r.wall for r in self.runs))}"


@contextmanager
def workspace() -> Iterator[Path]:
    """A temporary folder, removed afterwards, and the environment of every measured command:
    the pinned timestamp, this checkout's code first on the path, bytecode cached in the folder."""
    work = Path(tempfile.mkdtemp(prefix="brochure-bench-"))
    # Bytecode is cached as on an install, not compiled again by every measured command.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.pop("GITHUB_STEP_SUMMARY", None)
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def copy_project(destination: Path, locales: Sequence[str] | None = None) -> Path:
    """pyproject.toml, source/ and locales/ in `destination`; `locales` replaces the configured
    ones, and the glossary loses the forms of the others (it refuses unconfigured locales)."""
    for folder in ("source", "locales"):
        shutil.copytree(ROOT / folder, destination / folder)
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if locales is not None:
        dropped = set(tomllib.loads(settings)["tool"]["brochure"]["locales"]) - set(locales)
        listed = ", ".join(f'"{locale}"' for locale in locales)
        settings = re.sub(r"(?m)^locales = \[.*\]$", f"locales = [{listed}]", settings)
        glossary = destination / "source" / "glossary.toml"
        forms = rf"(?ms)^({'|'.join(dropped) or '-'}) = \[.*?\]\n"
        glossary.write_text(re.sub(forms, "", glossary.read_text(encoding="utf-8")), encoding="utf-8")
    (destination / "pyproject.toml").write_text(settings, encoding="utf-8")
    return destination


def run(command: Sequence[str], cwd: Path) -> Run:
    """Run `command` to its end; its CPU time and peak RSS include the processes it waited for."""
    started = time.perf_counter()
    with subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:])
        raise SystemExit(f"{' '.join(command)} (in {cwd}) exited {process.returncode}:\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024 / 1e6, output)


def brochure(project: Path, *arguments: str) -> Run:
    """The measured command: `brochure ...` in `project`, with the Python running this benchmark."""
    return run([sys.executable, "-m", "pipeline.cli", *arguments], project)


def cold_build(project: Path, *options: str) -> Run:
    """`brochure build --force` into an empty `out/` of the project, which stays until the next,
    with nothing kept from earlier builds (the web fonts' subsets are in the build cache)."""
    out = project / "out"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache_folder(out), ignore_errors=True)
    return brochure(project, "build", "--force", "--out", str(out), *options)


def interleave(kinds: dict[str, Callable[[], Run]], runs: int) -> dict[str, Series]:
    """Each kind once untimed (warm-up), then `runs` rounds of all kinds, the order rotated each
    round so that a change in the machine's load hits every kind alike."""
    for measure in kinds.values():
        measure()
    series = {name: Series(name) for name in kinds}
    names = list(kinds)
    for number in range(runs):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            series[name].runs.append(kinds[name]())
        done = ", ".join(f"{name} {s.runs[-1].wall:.2f} s" for name, s in series.items())
        log(f"run {number + 1}/{runs}: {done}")
    return series


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def row(label: str, series: Series, baseline: Series | None = None) -> str:
    """A Markdown table row: median (min – max); the baseline's median, the ratio, the CPU ratio."""
    cells = [label, f"{seconds(series.wall)} ({series.spread()})"]
    if baseline is None:
        cells += ["—", "—", "—"]
    else:
        ratios = [f"{series.wall / baseline.wall:.2f}", f"{series.cpu / baseline.cpu:.2f}"]
        cells += [f"{baseline.name}: {seconds(baseline.wall)} ({baseline.spread()})", *ratios]
    return "| " + " | ".join(cells) + " |"


def table(*rows: str) -> str:
    head = "| measurement | median (min – max) | baseline: median (min – max) | ratio | CPU ratio |"
    return "\n".join([head, "| --- | --- | --- | --- | --- |", *rows])


def log(text: str) -> None:
    """Progress on stderr; the results go to stdout."""
    print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)
