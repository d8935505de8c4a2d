"""Turn build events (locale, stage) into lines a person can follow, on a terminal or in a CI log.

Worker processes are forked with this function and write their own lines: each is one short
write, so lines from two workers never mix.
"""

from __future__ import annotations

import sys
import time

from .options import Progress


def progress_lines() -> Progress:
    started = time.perf_counter()

    def show(locale: str, stage: str) -> None:
        sys.stdout.write(f"[{time.perf_counter() - started:6.2f}s] {locale}: {stage}\n")
        sys.stdout.flush()

    return show
