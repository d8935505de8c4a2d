"""Read inputs as UTF-8 text and TOML; write outputs atomically (a temporary file, then a rename)."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .errors import BrochureError


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a reader sees the old file or the new one, never half."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise BrochureError(path, 1, f"cannot write here: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise BrochureError(path, 1, f"cannot write the file: {error.strerror}") from None
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file holds it already, so that building again changes no file's time;
    True if it wrote."""
    with suppress(OSError):
        if path.read_bytes() == data:
            return False
    write_atomic(path, data)
    return True


@contextmanager
def exclusive(lock_path: Path, what: str) -> Iterator[None]:
    """Hold an advisory lock while writing `what`; a second writer is told, not left to collide."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise BrochureError(lock_path, 1, f"cannot write here: {error.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BrochureError(
                lock_path, 1, f"{what} is being written by {holder}; wait for it to finish, or use --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_text(path: Path, purpose: str, noun: str = "file") -> str:
    """The text of a UTF-8 file; `purpose` says what it holds when it is missing."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BrochureError(path, 1, f"file not found; {purpose} must be here") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BrochureError(path, 1, f"cannot read the {noun} as UTF-8: {error}") from None


def read_toml(path: Path, purpose: str) -> tuple[str, dict[str, Any]]:
    """The text and the tables of a TOML file."""
    text = read_text(path, purpose)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib says where in its message ("... (at line 3, column 5)"); lift that into the line.
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise BrochureError(path, int(match[1]) if match else 1, f"invalid TOML: {message}") from None
