"""Turn the inputs' history into the one timestamp a build stamps on everything it writes."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime

from .config import Project


def source_date(project: Project) -> datetime:
    """One timestamp per build: SOURCE_DATE_EPOCH, else the last commit touching the inputs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        command = ["git", "log", "-1", "--format=%ct", "--", "source", "locales", "pyproject.toml"]
        try:
            epoch = subprocess.run(command, cwd=project.root, capture_output=True, text=True).stdout.strip()
        except OSError:
            epoch = ""
    if not epoch.isdigit():
        files = [
            project.root / "pyproject.toml",
            *project.source_dir.rglob("*"),
            *project.locales_dir.rglob("*.po"),
        ]
        epoch = str(int(max(path.stat().st_mtime for path in files if path.is_file())))
    return datetime.fromtimestamp(int(epoch), UTC)
