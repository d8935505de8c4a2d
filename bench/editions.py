"""Benchmark the cold build of all ten editions against the first four, in one run.

    python -m bench.editions [--runs 5]

Both builds use the default jobs (one per core) and alternate run by run. Also reported: each
PDF's size (target for the CJK ones: at most 1.2 MB) and the peak RSS of any one process.
"""

from __future__ import annotations

import argparse

from bench.runner import FIRST_FOUR, cold_build, copy_project, interleave, row, table, workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each build (default 5)")
    arguments = parser.parse_args()
    with workspace() as work:
        four = copy_project(work / "four", FIRST_FOUR)
        ten = copy_project(work / "ten")
        series = interleave(
            {"four editions": lambda: cold_build(four), "ten editions": lambda: cold_build(ten)},
            arguments.runs,
        )
        print(table(row("ten editions against four", series["ten editions"], series["four editions"])))
        peak = max(run.peak_mb for one in series.values() for run in one.runs)
        print(f"\nPeak RSS of one process over all timed builds: {peak:.0f} MB\n")
        for pdf in sorted((ten / "out").glob("*/*.pdf")):
            print(f"- {pdf.stem}: {pdf.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
