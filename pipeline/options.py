"""The options of a build and how it reports progress: plain values that every stage may import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

Progress = Callable[[str, str], None]


class Format(StrEnum):
    HTML = "html"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    locales: tuple[str, ...]
    formats: frozenset[Format]
    out: Path
    jobs: int = 1
    force: bool = False
    # CSS the renderer ignores fails the build instead of being reported (CI sets it).
    strict: bool = False


def quiet(locale: str, stage: str) -> None:
    """Progress that goes nowhere, for callers that do not show any."""
