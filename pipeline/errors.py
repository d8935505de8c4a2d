"""The project's one exception hierarchy: every error a user can cause says where it is."""

from __future__ import annotations

from pathlib import Path


class BrochureError(Exception):
    """Bad input: a file the user can fix, with the line to look at (counted from 1)."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: error: {self.message}"

    def __reduce__(self) -> tuple[type[BrochureError], tuple[Path, int, str]]:
        # Errors raised in a worker process travel back to the parent pickled.
        return (type(self), (self.path, self.line, self.message))


class UsageError(BrochureError):
    """A command line that asks for something impossible (an unknown locale, say)."""


def display_path(path: Path) -> str:
    """Show `path` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def line_of(text: str, needle: str, default: int = 1) -> int:
    """The 1-based line on which `needle` first occurs in `text`."""
    index = text.find(needle)
    return default if index < 0 else text.count("\n", 0, index) + 1
