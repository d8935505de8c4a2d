#!/usr/bin/env python3
"""Benchmark `brochure build` against bare WeasyPrint, in a throw-away copy of the project.

    python bench/build.py [--runs 5] [--scale-runs 3] [--memory-runs 3] [--markdown PATH]

Run it with the project's Python (the one `brochure` is installed in): every measurement is a
subprocess `python -m pipeline.cli ...` (or a small WeasyPrint script) started by this one, timed
from outside with the wall clock. Nothing is written into the work tree: pyproject.toml, source/
and locales/ are copied into a temporary folder and every build and every edit happens there.

The measurements (see BENCHMARKS.md for the targets):

1. full cold build of every configured locale, HTML and PDF, `--jobs 1 --force`, fresh --out,
   against bare WeasyPrint rendering the same print HTML documents in one Python process;
2. the same build with `--jobs 2`, against the `--jobs 1` build of the same runs;
3. a no-op rebuild (`brochure build` right after a build);
4. one edited de.po (one msgstr changed per run) then `brochure build`, against one bare
   WeasyPrint render of the German print HTML including interpreter start-up;
5. scaling to 8, 16 and 32 locales (pseudo-translated catalogs for real CLDR locales),
   `--jobs 2 --force`, in seconds per locale;
6. peak resident memory of the full build with `--jobs 1` and `--jobs 2`.

This is a benchmark, not a test: it exits 0 whether or not a target is met, and 1 only when a
command it measures fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("pyproject.toml", "source", "locales")
# Every build stamps this timestamp (reproducible output, and no `git log` in the timed runs).
SOURCE_DATE_EPOCH = "1764028800"  # 2025-11-25T00:00:00Z
# Real CLDR locales for the scaling runs, added after the configured ones (28: up to 32 in all).
EXTRA_LOCALES = (
    "nl", "sv", "da", "nb", "fi", "pl", "cs", "pt", "es", "ca", "ro", "hu", "sk", "sl",
    "hr", "et", "lv", "lt", "el", "bg", "uk", "tr", "id", "ms", "vi", "ga", "is", "mt",
)  # fmt: skip
SCALES = (8, 16, 32)
EDITED_MSGID = "Economic expansion"
COUNTER_WORDS = ("eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn")

TARGET_COLD_RATIO = 1.25
TARGET_JOBS_RATIO = 0.75
TARGET_NOOP_SECONDS = 0.5
TARGET_EDIT_RATIO = 1.3
TARGET_MEMORY_MB = 300.0
LINEAR_TOLERANCE = 0.20  # per-locale cost within +-20 % across the scales counts as flat

# ------------------------------------------------------------------ helper scripts (subprocesses)

# The print HTML of each locale, rendered by the project's own code (argv: out folder, locales...).
PRINT_HTML_SCRIPT = """\
import sys
from pathlib import Path
from pipeline.config import load_project
from pipeline.html import Renderer
from pipeline.inputs import read_inputs
from pipeline.render import make_edition

project = load_project(Path.cwd())
inputs = read_inputs(project, project.all_locales)
out = Path(sys.argv[1])
for locale in sys.argv[2:]:
    translator = inputs.translator(locale)
    edition = make_edition(project, inputs, translator)
    html = Renderer(project.templates_dir, translator).render("print.html", edition=edition)
    (out / f"print-{locale}.html").write_text(html, encoding="utf-8")
"""

# The baseline: bare WeasyPrint in one process (argv: base URL, HTML files...).
BARE_WEASYPRINT_SCRIPT = """\
import sys
from pathlib import Path
import weasyprint

base_url = sys.argv[1]
for name in sys.argv[2:]:
    html = Path(name).read_text(encoding="utf-8")
    weasyprint.HTML(string=html, base_url=base_url).write_pdf()
"""

# Pseudo-translated catalogs from the template (argv: project, fill (full|accents), locales...).
CATALOGS_SCRIPT = """\
import sys
from pathlib import Path
import polib
from babel import Locale
from babel.messages.plurals import get_plural
from pipeline.pseudo import ACCENTS, PROTECTED, pseudo_translate

def accents_only(text):
    pieces = PROTECTED.split(text)
    return "".join(p if PROTECTED.fullmatch(p) else p.translate(ACCENTS) for p in pieces)

root, fill, locales = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
translate = pseudo_translate if fill == "full" else accents_only
for code in locales:
    catalog = polib.pofile(str(root / "locales" / "brochure.pot"))
    plural = get_plural(Locale.parse(code))
    catalog.header = f"Pseudo-translated catalog for benchmarks ({fill} fill), locale {code}."
    catalog.metadata.update({
        "Language": code,
        "Language-Team": f"benchmark <{code}@example.invalid>",
        "Last-Translator": "bench/build.py <bench@example.invalid>",
        "PO-Revision-Date": "2025-11-25 00:00+0000",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural.plural_forms,
    })
    for entry in catalog:
        if entry.msgid_plural:
            entry.msgstr_plural = {
                index: translate(entry.msgid if index == 0 else entry.msgid_plural)
                for index in range(plural.num_plurals)
            }
        else:
            entry.msgstr = translate(entry.msgid)
    path = root / "locales" / code / "LC_MESSAGES" / "brochure.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.save(str(path))
"""

# One edit of de.po: the msgstr of one msgid gets a counter word (argv: catalog, msgid, word).
EDIT_SCRIPT = """\
import sys
import polib

path, msgid, word = sys.argv[1:4]
catalog = polib.pofile(path)
entry = catalog.find(msgid)
if entry is None:
    sys.exit(f"{path}: no msgid {msgid!r}")
base = entry.msgstr.split(" · ")[0]
entry.msgstr = f"{base} · {word}"
catalog.save(path)
"""


class BenchError(Exception):
    """A measured command failed: the numbers would mean nothing."""


# ------------------------------------------------------------------ numbers


@dataclass(slots=True)
class Series:
    """Several runs of one thing: wall seconds (or MB)."""

    values: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU seconds (user + system) of the process tree

    def add(self, wall: float, cpu: float) -> None:
        self.values.append(wall)
        self.cpu.append(cpu)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)


@dataclass(slots=True)
class Row:
    name: str
    series: Series
    unit: str  # "s" or "MB"
    baseline_name: str = ""
    baseline: Series | None = None
    target: str = ""
    verdict: str = ""
    ratio: float | None = None
    cpu_ratio: float | None = None


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"
    return f"{value:.0f} MB"


def spread(series: Series, unit: str) -> str:
    return f"{fmt(series.low, unit)} – {fmt(series.high, unit)}"


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


# ------------------------------------------------------------------ the bench


class Bench:
    def __init__(
        self, work: Path, python: str, runs: int, scale_runs: int, memory_runs: int, live_code: bool = False
    ) -> None:
        self.work = work
        self.live_code = live_code
        self.code_digest = ""
        self.python = python
        self.runs = runs
        self.scale_runs = scale_runs
        self.memory_runs = memory_runs
        self.project = work / "project"
        self.runs_dir = work / "runs"
        self.html_dir = work / "html"
        self.scripts = work / "scripts"
        self.rows: list[Row] = []
        self.scaling: list[tuple[int, Series]] = []
        self.scaling_note = ""
        self.notes: list[str] = []
        self.raw: dict[str, list[float]] = {}
        self.env = dict(os.environ)
        self.env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
        # Bytecode is cached as on a normal install, but under the temporary folder: never
        # beside the sources in the work tree (PYTHONDONTWRITEBYTECODE would recompile every run).
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        self.env.pop("GITHUB_STEP_SUMMARY", None)
        self.env["TERM"] = "dumb"
        self.counter = 0
        self.last_cpu = 0.0

    # -------------------------------------------------------------- set-up

    def setup(self) -> None:
        copy_inputs(ROOT, self.project)
        if not self.live_code:
            # A snapshot of the pipeline's code, imported first (PYTHONPATH): edits made to the
            # work tree while the bench runs neither change what is measured nor, through the
            # cache's code fingerprint, turn the no-op rebuild into a full one.
            code = self.work / "code"
            shutil.copytree(
                ROOT / "pipeline", code / "pipeline", ignore=shutil.ignore_patterns("__pycache__")
            )
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(code), os.environ.get("PYTHONPATH"))))
            self.code_digest = tree_digest(code / "pipeline")
        else:
            self.code_digest = tree_digest(ROOT / "pipeline") + " (live work tree)"
        for folder in (self.runs_dir, self.html_dir, self.scripts):
            folder.mkdir(parents=True)
        for name, text in (
            ("print_html.py", PRINT_HTML_SCRIPT),
            ("bare_weasyprint.py", BARE_WEASYPRINT_SCRIPT),
            ("catalogs.py", CATALOGS_SCRIPT),
            ("edit_po.py", EDIT_SCRIPT),
        ):
            (self.scripts / name).write_text(text, encoding="utf-8")
        self.locales = configured_locales(self.project)
        self.source_url = (self.project / "source").resolve().as_uri() + "/"
        self.check([self.python, "-c", "import pipeline.cli, weasyprint, polib"], self.project)
        self.check(
            [self.python, str(self.scripts / "print_html.py"), str(self.html_dir), *self.locales],
            self.project,
        )
        self.html = [self.html_dir / f"print-{locale}.html" for locale in self.locales]

    def check(self, command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(command, cwd=cwd, env=self.env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BenchError(
                f"{' '.join(map(str, command))} (in {cwd}) exited {result.returncode}:\n"
                f"{tail(result.stderr or result.stdout)}"
            )
        return result

    # -------------------------------------------------------------- one timed command

    def timed(self, command: Sequence[str], cwd: Path) -> tuple[float, str]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, env=self.env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The command's CPU time, its worker processes' included (they are waited for by it):
        # less sensitive than wall time to other users of a shared machine.
        self.last_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if result.returncode != 0:
            raise BenchError(
                f"{' '.join(map(str, command))} (in {cwd}) exited {result.returncode}:\n"
                f"{tail(result.stderr or result.stdout)}"
            )
        return seconds, result.stdout

    def brochure(self, *arguments: str) -> list[str]:
        return [self.python, "-m", "pipeline.cli", *arguments]

    def fresh_out(self, label: str) -> Path:
        self.counter += 1
        folder = self.runs_dir / f"{label}-{self.counter}"
        folder.mkdir()
        return folder / "out"

    def full_build(self, jobs: int, project: Path | None = None, label: str = "full") -> float:
        project = project or self.project
        out = self.fresh_out(f"{label}-j{jobs}")
        seconds, _ = self.timed(
            self.brochure("build", "--jobs", str(jobs), "--force", "--out", str(out)), project
        )
        shutil.rmtree(out.parent)
        return seconds

    def bare(self, html: Sequence[Path]) -> float:
        command = [self.python, str(self.scripts / "bare_weasyprint.py"), self.source_url, *map(str, html)]
        seconds, _ = self.timed(command, self.project)
        return seconds

    def progress(self, text: str) -> None:
        print(f"  {time.strftime('%H:%M:%S')} {text}", flush=True)

    # -------------------------------------------------------------- 1 and 2

    def cold(self) -> None:
        n = len(self.locales)
        print(
            f"[1, 2] full cold build of {n} locales (--jobs 1, --jobs 2) and bare WeasyPrint, "
            f"{self.runs} runs each, interleaved",
            flush=True,
        )
        self.progress("warm-up (untimed): one build and one bare WeasyPrint run")
        self.full_build(1, label="warmup")
        self.bare(self.html)
        kinds: list[tuple[str, Callable[[], float]]] = [
            ("jobs1", lambda: self.full_build(1)),
            ("jobs2", lambda: self.full_build(2)),
            ("bare", lambda: self.bare(self.html)),
        ]
        series = {name: Series() for name, _ in kinds}
        for run in range(self.runs):
            shift = run % len(kinds)  # rotate the order, so that no kind always runs first
            for name, measure in kinds[shift:] + kinds[:shift]:
                series[name].add(measure(), self.last_cpu)
            self.progress(
                f"run {run + 1}/{self.runs}: "
                + ", ".join(f"{name} {series[name].values[-1]:.2f} s" for name, _ in kinds)
            )
        j1, j2, bare = series["jobs1"], series["jobs2"], series["bare"]
        self.raw.update(
            {
                "build --jobs 1 --force": j1.values,
                "build --jobs 2 --force": j2.values,
                f"bare WeasyPrint, {n} documents": bare.values,
                "CPU s, build --jobs 1 --force": j1.cpu,
                "CPU s, build --jobs 2 --force": j2.cpu,
                f"CPU s, bare WeasyPrint, {n} documents": bare.cpu,
            }
        )
        ratio = j1.median / bare.median
        self.rows.append(
            Row(
                f"1. Full cold build, {n} locales, HTML+PDF, `--jobs 1 --force`",
                j1,
                "s",
                f"bare WeasyPrint, same {n} print HTML, one process",
                bare,
                f"ratio ≤ {TARGET_COLD_RATIO}",
                met(ratio <= TARGET_COLD_RATIO),
                ratio,
                j1.cpu_median / bare.cpu_median,
            )
        )
        ratio = j2.median / j1.median
        self.rows.append(
            Row(
                "2. Same build, `--jobs 2 --force`",
                j2,
                "s",
                "the `--jobs 1` build above",
                j1,
                f"ratio ≤ {TARGET_JOBS_RATIO} (2 cores)",
                met(ratio <= TARGET_JOBS_RATIO),
                ratio,
            )
        )

    # -------------------------------------------------------------- 3

    def noop(self) -> None:
        print(f"[3] no-op rebuild, {self.runs} runs", flush=True)
        out = self.fresh_out("noop")
        self.timed(self.brochure("build", "--out", str(out)), self.project)
        series = Series()
        for _ in range(self.runs):
            seconds, stdout = self.timed(self.brochure("build", "--out", str(out)), self.project)
            if "nothing changed" not in stdout:
                raise BenchError(f"the no-op rebuild rendered something:\n{tail(stdout)}")
            series.add(seconds, self.last_cpu)
        self.progress("runs: " + ", ".join(f"{value:.3f} s" for value in series.values))
        self.raw["no-op build"] = series.values
        self.rows.append(
            Row(
                "3. No-op rebuild (`brochure build`, nothing changed)",
                series,
                "s",
                "",
                None,
                f"median < {TARGET_NOOP_SECONDS} s",
                met(series.median < TARGET_NOOP_SECONDS),
            )
        )

    # -------------------------------------------------------------- 4

    def edit(self) -> None:
        print(
            f"[4] one edited de.po then `brochure build`, against bare WeasyPrint (de), "
            f"{self.runs} runs each, interleaved",
            flush=True,
        )
        if "de" not in self.locales:
            raise BenchError("the project has no de locale to edit")
        out = self.fresh_out("edit")
        self.timed(self.brochure("build", "--out", str(out)), self.project)
        catalog = self.project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
        german = [self.html_dir / "print-de.html"]
        self.bare(german)  # warm-up
        build, bare = Series(), Series()
        for run in range(self.runs):
            word = f"{COUNTER_WORDS[run % len(COUNTER_WORDS)]}{'' if run < len(COUNTER_WORDS) else run}"
            self.check(
                [self.python, str(self.scripts / "edit_po.py"), str(catalog), EDITED_MSGID, word],
                self.project,
            )
            pair = [
                ("build", lambda: self.timed(self.brochure("build", "--out", str(out)), self.project)),
                ("bare", lambda: (self.bare(german), "")),
            ]
            for name, measure in pair if run % 2 == 0 else pair[::-1]:
                seconds, stdout = measure()
                if name == "build":
                    rendered = rendered_locales(stdout)
                    if rendered != ["de"]:
                        raise BenchError(
                            f"editing de.po rendered {rendered or 'nothing'}, not de alone:\n{tail(stdout)}"
                        )
                    build.add(seconds, self.last_cpu)
                else:
                    bare.add(seconds, self.last_cpu)
            self.progress(
                f"run {run + 1}/{self.runs}: build {build.values[-1]:.2f} s, bare de {bare.values[-1]:.2f} s"
            )
        restore_catalog(ROOT, self.project, "de")
        self.raw["edited de.po, build"] = build.values
        self.raw["bare WeasyPrint, de, with start-up"] = bare.values
        self.raw["CPU s, edited de.po, build"] = build.cpu
        self.raw["CPU s, bare WeasyPrint, de, with start-up"] = bare.cpu
        ratio = build.median / bare.median
        self.rows.append(
            Row(
                "4. One msgstr edited in de.po, then `brochure build`",
                build,
                "s",
                "bare WeasyPrint, German print HTML once, incl. Python start-up",
                bare,
                f"ratio ≤ {TARGET_EDIT_RATIO}",
                met(ratio <= TARGET_EDIT_RATIO),
                ratio,
                build.cpu_median / bare.cpu_median,
            )
        )

    # -------------------------------------------------------------- 5

    def scale(self) -> None:
        base = len(self.locales)
        wanted = [n for n in SCALES if n > base and n - base <= len(EXTRA_LOCALES)]
        print(
            f"[5] scaling to {', '.join(map(str, wanted))} locales, `--jobs 2 --force`, "
            f"{self.scale_runs} runs each",
            flush=True,
        )
        projects: dict[int, Path] = {}
        fill = "full"
        for attempt in ("full", "accents"):
            fill = attempt
            failure = ""
            for n in wanted:
                extra = list(EXTRA_LOCALES[: n - base])
                project = self.work / f"project-{n}"
                if project.exists():
                    shutil.rmtree(project)
                copy_inputs(self.project, project)
                restore_catalog(ROOT, project, "de")  # undo the edits of measurement 4
                set_locales(project, [*self.locales[1:], *extra])
                self.check(
                    [self.python, str(self.scripts / "catalogs.py"), str(project), fill, *extra], project
                )
                projects[n] = project
                self.progress(
                    f"{n} locales ({fill} pseudo fill): warm-up build (untimed, checks it succeeds)"
                )
                try:
                    self.full_build(2, project, label=f"warmup-{n}")
                except BenchError as error:
                    failure = str(error)
                    break
            if not failure:
                break
            self.progress(f"the {fill} pseudo fill fails the build: {first_error(failure)}")
            if attempt == "accents":
                raise BenchError(f"scaling builds fail even with the accents-only fill:\n{failure}")
        if fill == "full":
            self.scaling_note = (
                "Extra catalogs: the template with every msgstr filled by "
                "`pipeline.pseudo.pseudo_translate` (accented, ~40 % longer, bracketed)."
            )
        else:
            self.scaling_note = (
                "Extra catalogs: the full pseudo fill (`pseudo_translate`, ~40 % longer) overflows the "
                "layout budget of source/layout.toml, which fails the build, so every msgstr is the msgid "
                f"with accents only (no padding, no brackets). First failure: `{first_error(failure)}`"
            )
        for n in wanted:
            series = Series()
            for _ in range(self.scale_runs):
                series.add(self.full_build(2, projects[n], label=f"scale-{n}"), self.last_cpu)
            self.progress(f"{n} locales: " + ", ".join(f"{value:.2f} s" for value in series.values))
            self.raw[f"{n} locales, build --jobs 2 --force"] = series.values
            self.raw[f"CPU s, {n} locales, build --jobs 2 --force"] = series.cpu
            self.scaling.append((n, series))

    # -------------------------------------------------------------- 6

    def memory(self) -> None:
        gnu_time = Path("/usr/bin/time")
        self.memory_tool = "GNU time" if gnu_time.is_file() and os.access(gnu_time, os.X_OK) else "getrusage"
        n = len(self.locales)
        print(
            f"[6] peak memory of the full build ({self.memory_tool}), {self.memory_runs} runs per --jobs",
            flush=True,
        )
        for jobs in (1, 2):
            series = Series()
            for _ in range(self.memory_runs):
                out = self.fresh_out(f"memory-j{jobs}")
                command = self.brochure("build", "--jobs", str(jobs), "--force", "--out", str(out))
                series.values.append(self.peak_rss_kib(command) * 1024 / 1e6)
                shutil.rmtree(out.parent)
            self.progress(f"--jobs {jobs}: " + ", ".join(f"{value:.0f} MB" for value in series.values))
            self.raw[f"peak RSS MB, --jobs {jobs}"] = series.values
            self.rows.append(
                Row(
                    f"6. Peak RSS, full build of {n} locales, `--jobs {jobs}`",
                    series,
                    "MB",
                    "",
                    None,
                    f"≤ {TARGET_MEMORY_MB:.0f} MB (max of runs)",
                    met(series.high <= TARGET_MEMORY_MB),
                )
            )

    def peak_rss_kib(self, command: Sequence[str]) -> int:
        """Largest resident set of one process in the tree (the kernel's ru_maxrss), in KiB."""
        if self.memory_tool == "GNU time":
            report = self.runs_dir / "time.txt"
            self.check(["/usr/bin/time", "-f", "%M", "-o", str(report), *command], self.project)
            return int(report.read_text().split()[-1])
        # A fresh helper process, so that RUSAGE_CHILDREN covers this one command only.
        helper = (
            "import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        return int(self.check([self.python, "-c", helper, *command], self.project).stdout.split()[-1])


# ------------------------------------------------------------------ the project's files


def copy_inputs(source: Path, destination: Path) -> None:
    destination.mkdir(parents=True)
    for name in INPUTS:
        if (source / name).is_dir():
            shutil.copytree(source / name, destination / name)
        else:
            shutil.copy2(source / name, destination / name)


def tree_digest(folder: Path) -> str:
    """A short hash of the pipeline's Python files, to tell which code was measured."""
    hasher = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()[:12]


def restore_catalog(source_root: Path, project: Path, locale: str) -> None:
    relative = Path("locales") / locale / "LC_MESSAGES" / "brochure.po"
    if (source_root / relative).is_file():
        shutil.copy2(source_root / relative, project / relative)


def configured_locales(project: Path) -> list[str]:
    settings = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["brochure"]
    return [str(settings.get("source-locale", "en")), *map(str, settings.get("locales", []))]


def set_locales(project: Path, locales: list[str]) -> None:
    """[tool.brochure] locales = [...] in the copied pyproject.toml."""
    path = project / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    listed = ", ".join(f'"{locale}"' for locale in locales)
    text, count = re.subn(r"(?m)^locales\s*=\s*\[[^\]]*\]", f"locales = [{listed}]", text, count=1)
    if count != 1:
        raise BenchError(f"{path}: no `locales = [...]` line in [tool.brochure]")
    path.write_text(text, encoding="utf-8")
    if configured_locales(project)[1:] != locales:
        raise BenchError(f"{path}: the locales were not set as intended")


def rendered_locales(stdout: str) -> list[str]:
    """The locales that the summary table of `brochure build` says were rendered."""
    return [line.split()[0] for line in stdout.splitlines() if re.search(r"\srendered$", line)]


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def first_error(text: str) -> str:
    for line in text.splitlines():
        if ": error: " in line:
            return line.strip()
    return tail(text, 1)


# ------------------------------------------------------------------ the report


def environment(python: str) -> list[tuple[str, str]]:
    def ask(code: str) -> str:
        result = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
        return result.stdout.strip() or "?"

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPUs usable", f"{cpus} ({model or platform.processor() or 'unknown model'})"),
        ("Python", ask("import sys; print(sys.version.split()[0])")),
        ("WeasyPrint", ask("import weasyprint; print(weasyprint.__version__)")),
        ("platform", platform.platform()),
        ("load average at start", " ".join(f"{value:.2f}" for value in os.getloadavg())),
    ]


def text_table(bench: Bench) -> str:
    header = (
        "measurement (vs baseline)",
        "median",
        "min – max",
        "baseline",
        "min – max",
        "ratio",
        "CPU ratio",
        "target",
        "verdict",
    )
    body = []
    for row in bench.rows:
        name = row.name.replace("`", "")
        baseline = low_high = ""
        if row.baseline is not None:
            name += f" — vs {row.baseline_name.replace('`', '')}"
            baseline, low_high = fmt(row.baseline.median, row.unit), spread(row.baseline, row.unit)
        body.append(
            (
                name,
                fmt(row.series.median, row.unit),
                spread(row.series, row.unit),
                baseline,
                low_high,
                f"{row.ratio:.2f}" if row.ratio is not None else "",
                f"{row.cpu_ratio:.2f}" if row.cpu_ratio is not None else "",
                row.target,
                row.verdict,
            )
        )
    rule = "-" * sum(WIDTHS) + "-" * 2 * (len(WIDTHS) - 1)
    lines = [*wrap_row(header), rule]
    for row in body:
        lines += wrap_row(row)
    text = "\n".join(lines)
    if bench.scaling:
        text += "\n\n" + "\n".join(scaling_lines(bench, markdown=False))
    return text


WIDTHS = (44, 8, 17, 8, 17, 5, 5, 16, 7)


def wrap_row(row: Sequence[str]) -> list[str]:
    cells = [textwrap.wrap(cell, width) or [""] for cell, width in zip(row, WIDTHS, strict=True)]
    height = max(len(cell) for cell in cells)
    return [
        "  ".join(
            (cell[i] if i < len(cell) else "").ljust(width) for cell, width in zip(cells, WIDTHS, strict=True)
        ).rstrip()
        for i in range(height)
    ]


SCALING_HEADER = (
    "locales",
    "runs",
    "median",
    "min – max",
    "s / locale",
    "marginal s / added locale",
    "CPU s (median)",
    "CPU s / locale",
)


def scaling_rows(bench: Bench) -> tuple[list[tuple[str, ...]], str]:
    rows = []
    previous: tuple[int, float] | None = None
    for n, series in bench.scaling:
        per_locale = series.median / n
        marginal = ""
        if previous is not None:
            marginal = f"{(series.median - previous[1]) / (n - previous[0]):.2f} s"
        rows.append(
            (
                str(n),
                str(len(series.values)),
                fmt(series.median, "s"),
                spread(series, "s"),
                f"{per_locale:.2f} s",
                marginal,
                f"{series.cpu_median:.1f} s",
                f"{series.cpu_median / n:.2f} s",
            )
        )
        previous = (n, series.median)
    verdict = ""
    if len(bench.scaling) >= 2:
        verdict = (
            f"Wall time: {shape_of(bench, lambda series: series.median)} "
            f"CPU time (user + system, all processes): {shape_of(bench, lambda series: series.cpu_median)}"
        )
    return rows, verdict


def shape_of(bench: Bench, value: Callable[[Series], float]) -> str:
    """How the cost per locale changes from the smallest to the largest scale, and a fitted line."""
    (first, low), (last, high) = bench.scaling[0], bench.scaling[-1]
    per_first, per_last = value(low) / first, value(high) / last
    change = per_last / per_first - 1
    flat = abs(change) <= LINEAR_TOLERANCE
    shape = (
        "flat, growth is linear"
        if flat
        else (
            "rising, growth is worse than linear"
            if change > 0
            else "falling, fixed costs are being amortised"
        )
    )
    counts = [float(n) for n, _ in bench.scaling]
    values = [value(series) for _, series in bench.scaling]
    slope, intercept = least_squares(counts, values)
    worst = max(abs(v - (intercept + slope * n)) / v for n, v in zip(counts, values, strict=True))
    return (
        f"{per_first:.2f} s per locale at {first} locales, {per_last:.2f} s at {last} ({change:+.0%}; "
        f"within ±{LINEAR_TOLERANCE:.0%} counts as flat) → {shape} ({met(flat or change < 0)}); "
        f"least-squares line {intercept:.1f} s + {slope:.2f} s × locales, largest deviation {worst:.0%}."
    )


def least_squares(xs: list[float], ys: list[float]) -> tuple[float, float]:
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    return slope, mean_y - slope * mean_x


def scaling_lines(bench: Bench, markdown: bool) -> list[str]:
    rows, verdict = scaling_rows(bench)
    header = SCALING_HEADER
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return [
            "**5. Scaling**, full build `--jobs 2 --force`:",
            "",
            *lines,
            "",
            verdict,
            "",
            bench.scaling_note,
        ]
    widths = (8, 5, 9, 19, 11, 26, 15, 14)
    lines = ["5. Scaling, full build --jobs 2 --force:"]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    wrapped = [textwrap.fill(text, 110, subsequent_indent="  ") for text in (verdict, bench.scaling_note)]
    return [*lines, *wrapped]


def markdown(bench: Bench, env: list[tuple[str, str]], command: str) -> str:
    lines = [
        "# `brochure build` benchmark results",
        "",
        f"Command: `{command}`",
        "",
        *[f"- {name}: {value}" for name, value in env],
        f"- load average at end: {' '.join(f'{value:.2f}' for value in os.getloadavg())}",
        f"- runs: {bench.runs} (scaling {bench.scale_runs}, memory {bench.memory_runs}); "
        f"SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}",
        f"- pipeline code measured: sha256 of pipeline/*.py {bench.code_digest or '?'}",
        "",
        "| measurement | median | min – max | baseline: median (min – max) | ratio | CPU ratio | target "
        "| verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in bench.rows:
        baseline = "—"
        if row.baseline is not None:
            median, low_high = fmt(row.baseline.median, row.unit), spread(row.baseline, row.unit)
            baseline = f"{row.baseline_name}: {median} ({low_high})"
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "—"
        cpu_ratio = f"{row.cpu_ratio:.2f}" if row.cpu_ratio is not None else "—"
        lines.append(
            f"| {row.name} | {fmt(row.series.median, row.unit)} | {spread(row.series, row.unit)} | "
            f"{baseline} | {ratio} | {cpu_ratio} | {row.target} | {row.verdict} |"
        )
    if bench.scaling:
        lines += ["", *scaling_lines(bench, markdown=True)]
    if bench.notes:
        lines += ["", *[f"- {note}" for note in bench.notes]]
    lines += ["", "Raw runs (seconds, or MB for memory):", ""]
    lines += [
        f"- {name}: {', '.join(f'{value:.3f}' for value in values)}" for name, values in bench.raw.items()
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--scale-runs", type=int, default=3, help="runs per scaling step (default 3)")
    parser.add_argument("--memory-runs", type=int, default=3, help="runs per memory measurement (default 3)")
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown to this file")
    parser.add_argument("--python", default=sys.executable, help="the Python with the project installed")
    parser.add_argument(
        "--only", default="1,3,4,5,6", help="measurements to run, comma-separated (1 includes 2; default all)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--live-code",
        action="store_true",
        help="import the installed pipeline package instead of a snapshot of pipeline/",
    )
    arguments = parser.parse_args(argv)
    if min(arguments.runs, arguments.scale_runs, arguments.memory_runs) < 1:
        parser.error("runs must be at least 1")
    only = {part.strip() for part in arguments.only.split(",")}
    command = "python bench/build.py " + " ".join(argv if argv is not None else sys.argv[1:])
    env = environment(arguments.python)
    work = Path(tempfile.mkdtemp(prefix="brochure-bench-"))
    print(f"working in {work} (a copy of {ROOT}'s inputs); SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}", flush=True)
    bench = Bench(
        work,
        arguments.python,
        arguments.runs,
        arguments.scale_runs,
        arguments.memory_runs,
        arguments.live_code,
    )
    status = 0
    try:
        bench.setup()
        steps = {"1": bench.cold, "3": bench.noop, "4": bench.edit, "5": bench.scale, "6": bench.memory}
        for key, step in steps.items():
            if key in only or (key == "1" and "2" in only):
                step()
    except BenchError as error:
        print(f"bench/build.py: a measured command failed:\n{error}", file=sys.stderr)
        bench.notes.append(f"INCOMPLETE: a measured command failed: {first_error(str(error))}")
        status = 1
    except KeyboardInterrupt:
        print("bench/build.py: interrupted", file=sys.stderr)
        status = 130
    finally:
        if arguments.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if bench.rows or bench.scaling:
        if any(row.unit == "MB" for row in bench.rows):
            gnu = getattr(bench, "memory_tool", "") == "GNU time"
            tool = "/usr/bin/time -f %M" if gnu else "getrusage(RUSAGE_CHILDREN)"
            bench.notes.append(
                "Peak RSS is the kernel's ru_maxrss of the `brochure` command "
                f"({tool}): the largest resident set of any ONE process in its tree (with --jobs 2, the "
                "parent or one forked worker, whichever peaked higher), not the sum over the processes. "
                "MB = 10^6 bytes."
            )
        bench.notes.append(
            "ratio = median wall time / median wall time of the baseline (the verdicts use it); CPU ratio = "
            "the same with CPU seconds (user + system of the command and the processes it waited for, from "
            "getrusage(RUSAGE_CHILDREN) before and after each run), less disturbed by other load on the "
            "machine."
        )
        bench.notes.append(
            "Wall times are measured around the whole subprocess (interpreter start-up included); "
            "each kind of command had one untimed warm-up run first; bytecode is cached under the "
            "temporary folder (PYTHONPYCACHEPREFIX)."
        )
        print()
        print(text_table(bench))
        for note in bench.notes:
            print("\n".join(textwrap.wrap(f"- {note}", 110, subsequent_indent="  ")))
        if arguments.markdown:
            arguments.markdown.write_text(markdown(bench, env, command.strip()), encoding="utf-8")
            print(f"\nwrote {arguments.markdown}")
    return status


if __name__ == "__main__":
    sys.exit(main())
