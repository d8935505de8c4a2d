"""Time pipeline.merge + pipeline.pofile against GNU msgmerge on a large generated catalog.

    python bench/catalog_update.py [--messages 10000] [--runs 5] [--seed 1]

(with the project installed, as `pip install -e .` does)

Generates a template of English-like sentences (5 to 60 words) and a fully translated catalog,
edits a tenth of the template's messages by a word or two, then times, on the same files:

- ours, in-process: update_catalog alone, and update_catalog + format_catalog + writing
  (files already parsed by polib);
- ours, whole process: `python -c` that imports, parses both files with polib, updates, writes;
- GNU: `msgmerge --previous -q -o OUT old.po new.pot`.

It prints the median of the runs, the ratios, and how far the fuzzy messages agree.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.merge import update_catalog
from pipeline.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]

WORDS = re.findall(
    r"\S+",
    """the of and to in is that for on with as by at from this are be or an which their it we
our will can has have more new space agency agencies exploration mission missions lunar surface
orbit orbital crew crewed robotic human humans partner partners science scientific station
gateway habitat rover sample samples return launch launcher module deep Mars Moon Earth together
sustainable international coordination technology technologies research development future long
term capability capabilities infrastructure commercial industry nations global roadmap
destination destinations landing lander power propulsion communication navigation life support
radiation health operations logistics cargo supply vehicle vehicles system systems test testing
demonstration precursor architecture strategy objectives goals benefits society knowledge
economy innovation education inspiration generation engineers students history first step
steps beyond near far asteroid asteroids resources water ice oxygen fuel production""",
)

SCRIPT = """\
import sys
from pathlib import Path
import polib
from pipeline.merge import update_catalog
from pipeline.pofile import write_po
write_po(Path(sys.argv[3]), update_catalog(polib.pofile(sys.argv[2]), polib.pofile(sys.argv[1])))
"""


@dataclass(frozen=True, slots=True)
class Agreement:
    gnu: int
    ours: int
    both: int
    same_source: int

    @property
    def jaccard(self) -> float:
        return self.both / max(1, self.gnu + self.ours - self.both)

    @property
    def recall(self) -> float:
        return self.both / max(1, self.gnu)


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 60))]
    for index in range(4, len(words) - 1, rng.randint(6, 14)):
        words[index] += ","
    return " ".join(words).capitalize() + "."


def translation(msgid: str) -> str:
    """A fake German: each word turned round, with an umlaut or two for the wider code paths."""
    return " ".join(word[::-1].replace("a", "ä").replace("o", "ö") for word in msgid.split())


def edited(rng: random.Random, msgid: str) -> str:
    words = msgid.split()
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def generate(messages: int, seed: int) -> tuple[polib.POFile, polib.POFile]:
    """The old catalog and the new template, a tenth of whose messages changed."""
    rng = random.Random(seed)
    msgids: list[str] = []
    seen: set[str] = set()
    while len(msgids) < messages:
        msgid = sentence(rng)
        if msgid not in seen:
            seen.add(msgid)
            msgids.append(msgid)
    old, new = header("de"), header("")
    for line, msgid in enumerate(msgids, start=1):
        where = [("source/brochure.md", str(line))]
        old.append(polib.POEntry(msgid=msgid, msgstr=translation(msgid), occurrences=where))
        if line % 10 == 0:
            changed = edited(rng, msgid)
            msgid = changed if changed not in seen else f"{changed} Again."
            seen.add(msgid)
        new.append(polib.POEntry(msgid=msgid, occurrences=where))
    return old, new


def header(language: str) -> polib.POFile:
    catalog = polib.POFile()
    catalog.header = "Benchmark catalog of generated sentences."
    catalog.metadata = {
        "Project-Id-Version": "Benchmark",
        "POT-Creation-Date": "2026-01-01 00:00+0000",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    return catalog


def median_seconds(runs: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, cwd=ROOT)


def agreement(gnu_file: Path, ours: polib.POFile) -> Agreement:
    gnu = fuzzy_sources(polib.pofile(str(gnu_file)))
    mine = fuzzy_sources(ours)
    both = gnu.keys() & mine.keys()
    same = sum(1 for msgid in both if gnu[msgid] == mine[msgid])
    return Agreement(len(gnu), len(mine), len(both), same)


def fuzzy_sources(catalog: polib.POFile) -> dict[str, str | None]:
    return {e.msgid: e.previous_msgid for e in catalog if "fuzzy" in e.flags and not e.obsolete}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    if shutil.which("msgmerge") is None:
        sys.exit("GNU gettext's msgmerge is needed for the comparison")
    with tempfile.TemporaryDirectory() as folder:
        report(Path(folder), options.messages, options.runs, options.seed)


def report(folder: Path, messages: int, runs: int, seed: int) -> None:
    old, new = generate(messages, seed)
    old_path, new_path = folder / "old.po", folder / "new.pot"
    write_po(old_path, old)
    write_po(new_path, new)
    # Parsed as the pipeline would parse them, so that in-process runs start from the files.
    old, new = polib.pofile(str(old_path)), polib.pofile(str(new_path))
    ours, theirs, whole = folder / "ours.po", folder / "gnu.po", folder / "whole.po"

    def in_process() -> None:
        ours.unlink(missing_ok=True)
        write_po(ours, update_catalog(new, old))

    python = [sys.executable, "-c", SCRIPT, str(old_path), str(new_path), str(whole)]
    gnu = ["msgmerge", "--previous", "-q", "-o", str(theirs), str(old_path), str(new_path)]
    timings = {
        "ours, update_catalog alone": median_seconds(runs, lambda: update_catalog(new, old)),
        "ours, in-process (update + format + write)": median_seconds(runs, in_process),
        "ours, whole `python -c` process (imports, polib parsing too)": median_seconds(
            runs, lambda: run(python)
        ),
        "GNU msgmerge --previous -q -o OUT old.po new.pot": median_seconds(runs, lambda: run(gnu)),
    }
    print_report(messages, runs, timings, agreement(theirs, polib.pofile(str(ours))))


def print_report(messages: int, runs: int, timings: dict[str, float], agreed: Agreement) -> None:
    print(f"{messages} messages, {messages // 10} edited by one or two words; median of {runs} runs")
    for label, seconds in timings.items():
        print(f"  {seconds:8.3f} s  {label}")
    *ours, gnu = timings.values()
    print(f"  ours / msgmerge, in-process:    {ours[1] / gnu:.3f}")
    print(f"  ours / msgmerge, whole process: {ours[2] / gnu:.3f}")
    print(
        f"fuzzy: msgmerge {agreed.gnu}, ours {agreed.ours}, both {agreed.both}; "
        f"agreement (Jaccard) {100 * agreed.jaccard:.2f} %; "
        f"msgmerge's fuzzy also fuzzy here {100 * agreed.recall:.2f} %; "
        f"same previous msgid {100 * agreed.same_source / max(1, agreed.both):.2f} %"
    )


if __name__ == "__main__":
    main()
