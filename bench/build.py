"""Benchmark `brochure build` of the first four editions against bare WeasyPrint on the same HTML.

    python -m bench.build [--runs 5] [--scale-runs 3]

1-2. cold build `--jobs 1`, against bare WeasyPrint on the documents the build lays out, and
     `--jobs 2` against `--jobs 1`; 3. a no-op rebuild; 4. one de.po msgstr edited then a build,
     against bare WeasyPrint on the German documents; 5. 8, 16 and 32 locales (pseudo-translated
     catalogs), `--jobs 2`; 6. peak RSS of the builds of 1-2. Results on stdout, as Markdown.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import sys
import tomllib
from functools import partial
from pathlib import Path

import polib

from bench import runner
from bench.runner import FIRST_FOUR, Run
from pipeline.pseudo import pseudo_translate

EDITED_MSGID = "Economic expansion"
SCALING = tomllib.loads((Path(__file__).parent / "scaling.toml").read_text(encoding="utf-8"))


def bare(project: Path, documents: list[Path]) -> Run:
    """The baseline: one fresh Python process that hands `documents` to WeasyPrint."""
    return runner.run([sys.executable, "-m", "bench.weasy", "source", *map(str, documents)], project)


def capture(work: Path, project: Path, locales: list[str]) -> dict[str, list[Path]]:
    """Each locale's HTML documents as the build hands them to WeasyPrint (bench.capture)."""
    runner.run([sys.executable, "-m", "bench.capture", str(work / "html"), *locales], project)
    return {locale: sorted((work / "html" / locale).glob("*.html")) for locale in locales}


def cold(project: Path, documents: list[Path], runs: int) -> list[str]:
    """Measurements 1, 2 and 6."""
    series = runner.interleave(
        {
            "--jobs 1": lambda: runner.cold_build(project, "--jobs", "1"),
            "--jobs 2": lambda: runner.cold_build(project, "--jobs", "2"),
            "bare WeasyPrint": lambda: bare(project, documents),
        },
        runs,
    )
    one, two, weasy = series.values()
    peaks = " / ".join(f"{max(run.peak_mb for run in s.runs):.0f}" for s in (one, two))
    return [
        runner.row(f"1. cold build, 4 locales, `--jobs 1 --force` ({len(documents)} PDFs)", one, weasy),
        runner.row("2. cold build, `--jobs 2 --force`", two, one),
        f"| 6. peak RSS, `--jobs 1` / `--jobs 2` | {peaks} MB | — | — | — |",
    ]


def noop(project: Path, runs: int) -> str:
    """Measurement 3: `brochure build` again, nothing changed."""
    build = partial(runner.brochure, project, "build", "--out", "out")
    series = runner.interleave({"no-op": build}, runs)["no-op"]
    if any("nothing changed" not in run.output for run in series.runs):
        runner.log("warning: a no-op rebuild rendered something")
    return runner.row("3. no-op rebuild", series)


def edit(project: Path, german: list[Path], runs: int) -> str:
    """Measurement 4: one msgstr of de.po changed (untimed), then `brochure build`."""
    catalog = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    counter = itertools.count(1)

    def edited_build() -> Run:
        po = polib.pofile(str(catalog))
        entry = po.find(EDITED_MSGID)
        entry.msgstr = f"{entry.msgstr.split(' · ')[0]} · {next(counter)}"
        po.save(str(catalog))
        result = runner.brochure(project, "build", "--out", "out")
        rendered = re.findall(r"(?m)^(\S+) .* rendered$", result.output)
        if rendered != ["de"]:
            runner.log(f"warning: editing de.po rendered {rendered}, not de alone")
        return result

    kinds = {"edit": edited_build, "bare WeasyPrint, de": lambda: bare(project, german)}
    build, weasy = runner.interleave(kinds, runs).values()
    return runner.row(f"4. de.po edited, then build ({len(german)} PDFs)", build, weasy)


def scaled(work: Path, count: int) -> Path:
    """The first four editions and `count - 4` more, whose catalogs `brochure init` starts and
    `pseudo_translate` fills (accented, about 40 percent longer, bracketed)."""
    extra = SCALING["extra-locales"][: count - 1 - len(FIRST_FOUR)]
    project = runner.copy_project(work / f"project-{count}", [*FIRST_FOUR, *extra])
    for locale in extra:
        runner.brochure(project, "init", locale)
        catalog = polib.pofile(str(project / "locales" / locale / "LC_MESSAGES" / "brochure.po"))
        for entry in catalog:
            entry.msgstr = pseudo_translate(entry.msgid)
            for index in entry.msgstr_plural:
                entry.msgstr_plural[index] = pseudo_translate(entry.msgid_plural if index else entry.msgid)
        catalog.save()
    return project


def scale(work: Path, runs: int) -> str:
    """Measurement 5: seconds per locale, and a least-squares line through the medians."""
    lines = ["| locales | median (min – max) | s / locale | CPU s / locale |", "| --- | --- | --- | --- |"]
    medians = []
    for count in SCALING["counts"]:
        build = partial(runner.cold_build, scaled(work, count), "--jobs", "2")
        (one,) = runner.interleave({f"{count} locales": build}, runs).values()
        medians.append(one.wall)
        per_locale = f"{one.wall / count:.2f} | {one.cpu / count:.2f}"
        lines.append(f"| {count} | {one.wall:.2f} s ({one.spread()}) | {per_locale} |")
    slope, intercept = statistics.linear_regression(SCALING["counts"], medians)
    return "\n".join([*lines, "", f"Least-squares line: {intercept:.1f} s + {slope:.2f} s × locales."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of measurements 1-4 (default 5)")
    parser.add_argument("--scale-runs", type=int, default=3, help="timed runs per scale, 0 to skip")
    arguments = parser.parse_args()
    with runner.workspace() as work:
        project = runner.copy_project(work / "project", FIRST_FOUR)
        documents = capture(work, project, ["en", *FIRST_FOUR])
        rows = cold(project, [path for paths in documents.values() for path in paths], arguments.runs)
        rows += [noop(project, arguments.runs), edit(project, documents["de"], arguments.runs)]
        print(runner.table(*rows), flush=True)
        if arguments.scale_runs > 0:
            print(f"\n{scale(work, arguments.scale_runs)}")


if __name__ == "__main__":
    main()
