"""Turn catalogs into files with GNU gettext's tools: msgfmt checks, msgmerge merges, msgcat writes.

GNU tools rewrite every catalog they touch, so any other writer's bytes show up as churn the next
time a translator runs msgmerge or saves in Poedit. As Django's makemessages does, the pipeline
leaves merging and formatting to gettext itself and keeps polib for reading.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import polib

from .errors import BrochureError

# The one wrapping width of every file the pipeline writes (GNU's default is 79; 76 leaves room
# for the quotes and the keyword in a translator's 80-column editor).
WRAP_WIDTH = 76
# --previous and the writer whose bytes the shipped catalogs hold; older releases wrap otherwise.
MINIMUM_VERSION = (0, 21)
INSTALL_HINT = "install GNU gettext 0.21 or newer (Debian and Ubuntu: apt-get install gettext)"
VERSION = re.compile(r"\(GNU gettext-tools\) (\d+)\.(\d+)")
UNTERMINATED = "end-of-line within string"
PLACE = re.compile(r"([^:\s][^:]*):(\d+):(?:\d+:)? (.*)")


@cache
def tool(name: str) -> str:
    """The path of msgfmt, msgmerge or msgcat, after checking that its release is new enough."""
    path = shutil.which(name)
    if path is None:
        raise BrochureError(Path(name), 1, f"{name} not found; {INSTALL_HINT}")
    found = VERSION.search(run([path, "--version"], name))
    if found is None or (int(found[1]), int(found[2])) < MINIMUM_VERSION:
        release = f"{found[1]}.{found[2]}" if found else "of unknown release"
        raise BrochureError(Path(path), 1, f"{name} is {release}; {INSTALL_HINT}")
    return path


def run(command: list[str], name: str, stdin: str | None = None) -> str:
    """Run a gettext tool; its complaint becomes a BrochureError. GNU writes `file:line: message`
    after any warnings: the first error and its place are kept."""
    # Catalogs are UTF-8 whatever the machine's locale (CI may run with LANG unset).
    result = subprocess.run(command, input=stdin, capture_output=True, encoding="utf-8", check=False)
    if result.returncode == 0:
        return result.stdout
    for line in result.stderr.splitlines():
        found = PLACE.match(line)
        if found and not found[3].startswith("warning:"):
            raise BrochureError(Path(found[1]), int(found[2]), found[3])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    raise BrochureError(Path(name), 1, lines[-1].removeprefix(f"{name}: ") if lines else f"{name} failed")


def check_syntax(path: Path) -> None:
    """GNU msgfmt's verdict on a catalog's syntax (polib accepts files msgfmt rejects): the first
    error, at its line, or nothing; no file is written."""
    msgfmt = tool("msgfmt")
    try:
        run([msgfmt, "--output-file=/dev/null", str(path)], "msgfmt")
    except BrochureError as error:
        # msgfmt finds an unterminated string at the end of its line, and reports the next one.
        line = error.line - 1 if error.message == UNTERMINATED else error.line
        raise BrochureError(path, max(1, line), error.message) from None


def format_catalog(catalog: polib.POFile) -> str:
    """The catalog as GNU writes it: msgcat reformats polib's text, given unwrapped because
    msgcat wraps strings but keeps comments as they come."""
    width, catalog.wrapwidth = catalog.wrapwidth, 0
    try:
        text = str(catalog)
    finally:
        catalog.wrapwidth = width
    command = [tool("msgcat"), f"--width={WRAP_WIDTH}", "--force-po", "--output-file=-", "-"]
    return run(command, "msgcat", stdin=text)


def merge_catalog(catalog: Path, template: Path) -> str:
    """`msgmerge --previous`: the catalog updated to the template, as msgmerge writes it.

    Translations carry over; a changed message becomes fuzzy with its previous msgid (`#|`); a
    removed one becomes obsolete (`#~`), never dropped.
    """
    command = [
        *(tool("msgmerge"), "--previous", "--quiet", f"--width={WRAP_WIDTH}"),
        *("--force-po", "--output-file=-", str(catalog), str(template)),
    ]
    return run(command, "msgmerge")
