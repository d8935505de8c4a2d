"""Build each locale, saving each HTML document it hands to WeasyPrint (the screen edition, then
the print edition) as FOLDER/LOCALE/1.html, 2.html...: the baseline's input, exactly what the
build lays out.  Usage: python -m bench.capture FOLDER LOCALE...
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import weasyprint

from pipeline.cli import main

_original = weasyprint.HTML


def saving_into(folder: Path) -> Callable[..., Any]:
    """weasyprint.HTML, which also saves each document given as a string into `folder`."""

    def html(*args: Any, string: str | None = None, **kwargs: Any) -> Any:
        if string is not None:
            number = len(list(folder.iterdir())) + 1
            (folder / f"{number}.html").write_text(string, encoding="utf-8")
        return _original(*args, string=string, **kwargs)

    return html


def capture(folder: Path, locales: list[str]) -> None:
    for locale in locales:
        (folder / locale).mkdir(parents=True)
        weasyprint.HTML = saving_into(folder / locale)
        arguments = ["build", "--force", "--jobs", "1", "--to", "pdf", "-l", locale]
        if main([*arguments, "--out", str(folder / "out")]) != 0:
            sys.exit(f"bench.capture: the build of {locale} failed")


if __name__ == "__main__":
    capture(Path(sys.argv[1]), sys.argv[2:])
