"""Turn build events (locale, stage) into progress a person can follow: live on a terminal,
plain lines without control codes anywhere else (CI logs)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .options import Progress


@contextmanager
def progress_display(locales: tuple[str, ...]) -> Iterator[Progress]:
    if sys.stdout.isatty():
        with live_table(locales) as progress:
            yield progress
    else:
        yield plain_lines()


def plain_lines() -> Progress:
    started = time.perf_counter()

    def show(locale: str, stage: str) -> None:
        print(f"[{time.perf_counter() - started:6.2f}s] {locale}: {stage}", flush=True)

    return show


@contextmanager
def live_table(locales: tuple[str, ...]) -> Iterator[Progress]:
    from rich.live import Live
    from rich.table import Table

    stages = dict.fromkeys(locales, "waiting")

    def table() -> Table:
        grid = Table(show_header=True, header_style="bold")
        grid.add_column("locale")
        grid.add_column("stage")
        for locale, stage in stages.items():
            grid.add_row(locale, stage)
        return grid

    with Live(table(), refresh_per_second=8, transient=True) as live:

        def show(locale: str, stage: str) -> None:
            stages[locale] = stage
            live.update(table())

        yield show
