#!/usr/bin/env python3
"""Benchmark the ten editions against the first four, in one run on one machine.

    .venv/bin/python bench/editions.py [--runs 5]

In a throw-away copy of the project (nothing is written into the work tree), it times a cold
`brochure build --force` into a fresh folder, with the default jobs (one per core), of:

- the four first editions (en, de, fr, it: [tool.brochure] locales cut to de, fr, it), and
- every configured edition (ten),

interleaved run by run, and reports the medians and their ratio (target: at most 2.5), the size
of each CJK PDF (target: at most 1.2 MB each) and the peak resident memory of any one process of
the builds. It exits 0 whatever the numbers; 1 only when a build fails.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_FOUR_LOCALES = ["de", "fr", "it"]
CJK = ("zh", "ja", "ko")
TARGET_RATIO = 2.5
TARGET_CJK_PDF = 1_200_000
SOURCE_DATE_EPOCH = "1764028800"


def copy_project(destination: Path, locales: list[str] | None) -> Path:
    """pyproject.toml, source/ and locales/ in `destination`; `locales` replaces the configured ones."""
    destination.mkdir(parents=True)
    shutil.copytree(ROOT / "source", destination / "source")
    shutil.copytree(ROOT / "locales", destination / "locales")
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if locales is not None:
        listed = ", ".join(f'"{locale}"' for locale in locales)
        settings = re.sub(r"(?m)^locales = \[.*\]$", f"locales = [{listed}]", settings)
    (destination / "pyproject.toml").write_text(settings, encoding="utf-8")
    return destination


def cold_build(project: Path, out: Path) -> float:
    """Wall seconds of one `brochure build --force` into an empty folder."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "TERM": "dumb"}
    environment.pop("GITHUB_STEP_SUMMARY", None)
    command = [sys.executable, "-m", "pipeline.cli", "build", "--force", "--out", str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bench/editions.py: build in {project} failed:\n{result.stderr[-2000:]}")
    return seconds


def measure(work: Path, runs: int) -> tuple[list[float], list[float], Path]:
    four = copy_project(work / "four", FIRST_FOUR_LOCALES)
    ten = copy_project(work / "ten", None)
    cold_build(ten, work / "warm-up")  # untimed: disk caches, bytecode, fontconfig
    four_times, ten_times = [], []
    for run in range(runs):
        pair = [(four, four_times), (ten, ten_times)]
        for project, times in pair if run % 2 == 0 else reversed(pair):
            out = work / f"out-{project.name}-{run}"
            times.append(cold_build(project, out))
            if run < runs - 1:
                shutil.rmtree(out)
        print(f"run {run + 1}/{runs}: four {four_times[-1]:.2f} s, ten {ten_times[-1]:.2f} s", flush=True)
    return four_times, ten_times, work / f"out-ten-{runs - 1}"


def report(four: list[float], ten: list[float], out: Path) -> str:
    ratio = statistics.median(ten) / statistics.median(four)
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    lines = [
        f"four editions: median {statistics.median(four):.2f} s ({', '.join(f'{t:.2f}' for t in four)})",
        f"ten editions:  median {statistics.median(ten):.2f} s ({', '.join(f'{t:.2f}' for t in ten)})",
        f"ratio ten / four: {ratio:.2f} (target <= {TARGET_RATIO}: {verdict})",
    ]
    for pdf in sorted(out.glob("*/exploring-together-*.pdf")):
        size = pdf.stat().st_size
        verdict = ("met" if size <= TARGET_CJK_PDF else "NOT met") if pdf.parent.name.startswith(CJK) else ""
        lines.append(f"PDF {pdf.parent.name}: {size / 1e6:.2f} MB {verdict}".rstrip())
    # ru_maxrss of the children: the largest resident set any one build process reached (KiB).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines.append(f"peak RSS of one process over all builds: {peak:.0f} MiB")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="brochure-editions-"))
    try:
        four, ten, out = measure(work, arguments.runs)
        print(report(four, ten, out))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
