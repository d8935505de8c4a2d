"""Turn findings and one locale's build results into its report file (build.json), and read them back."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from .errors import display_path

LOCALE_REPORT = "build.json"


class Severity(StrEnum):
    ERROR = "error"  # the page would be wrong or unsafe: `check` fails
    WARNING = "warning"  # worth a look: `check --strict` fails


@dataclass(frozen=True, slots=True)
class Finding:
    path: Path
    line: int  # of the entry's msgid, counted from 1
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.severity}[{self.code}]: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return {**asdict(self), "path": display_path(self.path), "severity": str(self.severity)}


@dataclass(frozen=True, slots=True)
class LocaleReport:
    """What one locale's build produced and found; the schema of report.json's entries."""

    locale: str
    name: str
    published: bool
    completeness: float = 0.0
    pages: int = 0
    pdf_bytes: int = 0
    # The print edition (PDF/X-4, pages in fours), beside the screen edition above.
    print_pages: int = 0
    print_pdf_bytes: int = 0
    seconds: float = 0.0
    segments: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    @property
    def errors(self) -> int:
        return sum(finding.get("severity") == "error" for finding in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def to_json(value: object) -> str:
    return json.dumps(asdict(value), indent=2, ensure_ascii=False) + "\n"  # type: ignore[call-overload]


def read_locale_report(out: Path, locale: str) -> LocaleReport | None:
    """A locale's report as its build left it, or None when it is missing or not ours."""
    try:
        data = json.loads((out / locale / LOCALE_REPORT).read_text(encoding="utf-8"))
        known = {item.name for item in fields(LocaleReport)}
        return LocaleReport(**{key: value for key, value in data.items() if key in known})
    except (OSError, ValueError, TypeError):
        return None
