"""Turn a locale's inputs into a fingerprint, and the fingerprints into the locales to render again.

The cache is a convenience, never a source of truth: a missing, corrupt or foreign cache file,
or an output that is no longer what the build wrote, means the locale is rendered again.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import platform
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from .files import write_text_atomic

SCHEMA = "brochure-build-cache/2"
PIPELINE_DIR = Path(__file__).parent


def cache_folder(out: Path) -> Path:
    """Where builds into the folder `out` keep what they reuse: beside it, never published in it."""
    return out.parent / ".brochure-cache"


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


# The libraries whose releases change the bytes a build writes.
OUTPUT_LIBRARIES = (
    "babel", "weasyprint", "pydyf", "fonttools", "markdown-it-py", "mdit-py-plugins", "jinja2",
    "polib", "pypdfium2",
)  # fmt: skip
# The same names WeasyPrint loads them by (weasyprint/text/ffi.py), for Linux, macOS and Windows.
NATIVE_LIBRARIES = {
    "pango": (("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"), "pango_version_string"),
    "harfbuzz": (("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"), "hb_version_string"),
}
LOCK_FILE = "requirements.lock"


def pipeline_version(root: Path) -> str:
    """What a build is made with: the pipeline's code, the lock, Python, and the libraries'
    releases, Pango's and HarfBuzz's included. A change to any of them renders again."""
    lock = root / LOCK_FILE
    locked = digest(lock.read_bytes()) if lock.is_file() else "no lock"
    return "\n".join((tree_digest(PIPELINE_DIR.rglob("*.py"), PIPELINE_DIR), locked, *toolchain()))


@cache
def toolchain() -> tuple[str, ...]:
    """`name version` of Python and of every library that shapes the output."""
    return (
        f"python {platform.python_version()}",
        *(f"{name} {library_version(name)}" for name in OUTPUT_LIBRARIES),
        *(f"{name} {native_version(name)}" for name in NATIVE_LIBRARIES),
    )


def library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def native_version(name: str) -> str:
    """The release a C library reports of itself; read with ctypes, so a no-op build stays fast."""
    files, function = NATIVE_LIBRARIES[name]
    for file in files:
        try:
            reporter = getattr(ctypes.CDLL(file), function)
        except (OSError, AttributeError):
            continue
        reporter.restype = ctypes.c_char_p
        return str(reporter().decode("ascii"))
    return "absent"


def fingerprint(*parts: str) -> str:
    return digest("\0".join((SCHEMA, *parts)).encode())


@dataclass(slots=True)
class BuildCache:
    """Fingerprints of the locales last built into one output folder, and their files' hashes."""

    path: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> BuildCache:
        path = cache_folder(out) / f"{out.name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            locales = dict(data["locales"]) if data["schema"] == SCHEMA else {}
        except (OSError, ValueError, LookupError, TypeError):
            locales = {}
        return cls(path, {key: value for key, value in locales.items() if isinstance(value, dict)})

    def is_fresh(self, locale: str, key: str, folder: Path) -> bool:
        entry = self.entries.get(locale, {})
        files = entry.get("files")
        if entry.get("fingerprint") != key or not isinstance(files, dict) or not files:
            return False
        return all(
            (folder / name).is_file() and digest((folder / name).read_bytes()) == hashed
            for name, hashed in files.items()
        )

    def record(self, name: str, key: str, folder: Path, paths: Iterable[Path]) -> None:
        """Remember `key` for `name`, and the hashes of the files among `paths`, named from `folder`."""
        files = {
            path.relative_to(folder).as_posix(): digest(path.read_bytes()) for path in paths if path.is_file()
        }
        self.entries[name] = {"fingerprint": key, "files": files}

    def save(self) -> None:
        text = json.dumps({"schema": SCHEMA, "locales": self.entries}, indent=1, sort_keys=True)
        write_text_atomic(self.path, text + "\n")
