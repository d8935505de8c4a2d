"""The baseline: bare WeasyPrint turning HTML files into PDFs in one process, and nothing else.

    python -m bench.weasy SOURCE_DIR FILE...

Relative links resolve in SOURCE_DIR, as in the build; the PDFs are made and thrown away.
"""

from __future__ import annotations

import sys
from pathlib import Path

import weasyprint


def render(source_dir: Path, files: list[Path]) -> None:
    base_url = source_dir.resolve().as_uri() + "/"
    for file in files:
        weasyprint.HTML(string=file.read_text(encoding="utf-8"), base_url=base_url).write_pdf()


if __name__ == "__main__":
    render(Path(sys.argv[1]), [Path(name) for name in sys.argv[2:]])
