"""Turn `[tool.brochure]` of pyproject.toml into CI's locale matrix: `locales=["en", "de", ...]`.

CI's first job runs it before anything is installed (`python3 pipeline/matrix.py`), so it uses
the standard library only; the build jobs fan out over what it prints.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path


def matrix(pyproject: Path) -> list[str]:
    """The source locale, then the configured ones: every edition one build job renders."""
    settings = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["brochure"]
    return [str(settings.get("source-locale", "en")), *(str(locale) for locale in settings["locales"])]


if __name__ == "__main__":
    pyproject = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("pyproject.toml")
    print(f"locales={json.dumps(matrix(pyproject))}")
