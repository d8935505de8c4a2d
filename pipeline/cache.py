"""Turn a locale's inputs into a fingerprint, and the fingerprints into the locales to render again.

The cache is a convenience, never a source of truth: a missing, corrupt or foreign cache file,
or an output that is no longer what the build wrote, means the locale is rendered again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .files import write_text_atomic

SCHEMA = "brochure-build-cache/1"
PIPELINE_DIR = Path(__file__).parent


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_digest(paths: Iterable[Path], root: Path) -> str:
    """One hash over files' names (relative to `root`) and contents, in a stable order."""
    hasher = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            hasher.update(path.relative_to(root).as_posix().encode() + b"\0")
            hasher.update(digest(path.read_bytes()).encode())
    return hasher.hexdigest()


def pipeline_version() -> str:
    """The pipeline's own code and the renderer's version: a change to either renders again."""
    try:
        renderer = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        renderer = "unknown"
    return f"{tree_digest(PIPELINE_DIR.rglob('*.py'), PIPELINE_DIR)}:weasyprint-{renderer}"


def fingerprint(*parts: str) -> str:
    return digest("\0".join((SCHEMA, *parts)).encode())


@dataclass(slots=True)
class BuildCache:
    """Fingerprints of the locales last built into one output folder, and their files' hashes."""

    path: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> BuildCache:
        path = out.parent / ".brochure-cache" / f"{out.name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if (
            not isinstance(data, dict)
            or data.get("schema") != SCHEMA
            or not isinstance(data.get("locales"), dict)
        ):
            return cls(path)
        return cls(path, {key: value for key, value in data["locales"].items() if isinstance(value, dict)})

    def is_fresh(self, locale: str, key: str, folder: Path) -> bool:
        entry = self.entries.get(locale, {})
        files = entry.get("files")
        if entry.get("fingerprint") != key or not isinstance(files, dict) or not files:
            return False
        return all(
            (folder / name).is_file() and digest((folder / name).read_bytes()) == hashed
            for name, hashed in files.items()
        )

    def record(self, name: str, key: str, folder: Path, files: list[str] | None = None) -> None:
        """Remember `key` for `name`, with the hashes of its files (all under `folder` by default)."""
        if files is None:
            files = [path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()]
        hashes = {name_: digest((folder / name_).read_bytes()) for name_ in sorted(files)}
        self.entries[name] = {"fingerprint": key, "files": hashes}

    def save(self) -> None:
        text = json.dumps({"schema": SCHEMA, "locales": self.entries}, indent=1, sort_keys=True)
        write_text_atomic(self.path, text + "\n")
