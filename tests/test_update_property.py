"""A property: whatever the source goes through, `extract` + `update` never lose a translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalogs import init_catalog, open_catalog
from pipeline.config import load_project
from pipeline.extract import extract
from pipeline.files import write_if_changed
from pipeline.gnu import format_catalog, merge_catalog

ROOT = Path(__file__).parent / "roots" / "basic"
WORDS = st.sampled_from(
    ["moon", "mars", "orbit", "agency", "rover", "lander", "crew", "habitat", "science", "launch"]
)
SENTENCE = st.lists(WORDS, min_size=4, max_size=14).map(lambda words: " ".join(words).capitalize() + ".")
STEP = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 50), WORDS),
    st.tuples(st.just("add"), st.integers(0, 50), SENTENCE),
    st.tuples(st.just("remove"), st.integers(0, 50), st.just("")),
    st.tuples(st.just("translate"), st.integers(0, 50), st.just("")),
)


def write_source(project: Path, paragraphs: list[str]) -> None:
    body = "\n\n".join(paragraphs)
    text = f":::: cover\n\n# Title\n\n::::\n\n:::: section s\n\n## Heading\n\n{body}\n\n::::\n"
    (project / "source" / "brochure.md").write_text(text, encoding="utf-8")


def apply(step: tuple[str, int, str], paragraphs: list[str]) -> None:
    action, index, value = step
    if action == "add":
        paragraphs.insert(index % (len(paragraphs) + 1), value)
    elif paragraphs and action == "edit":
        words = paragraphs[index % len(paragraphs)].rstrip(".").split()
        words[index % len(words)] = value
        paragraphs[index % len(paragraphs)] = " ".join(words) + "."
    elif paragraphs and action == "remove" and len(paragraphs) > 1:
        paragraphs.pop(index % len(paragraphs))


def translate_one(path: Path, index: int, written: set[str]) -> None:
    catalog = open_catalog(path).po
    open_entries = [
        entry
        for entry in catalog
        if not entry.obsolete and not entry.msgstr and entry.msgid and not entry.msgid_plural
    ]
    if open_entries:
        entry = open_entries[index % len(open_entries)]
        entry.msgstr = f"DE {entry.msgid}"
        written.add(entry.msgstr)
        write_if_changed(path, format_catalog(catalog).encode("utf-8"))


def every_msgstr(path: Path) -> set[str]:
    return {entry.msgstr for entry in polib.pofile(str(path)) if entry.msgstr}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.lists(SENTENCE, min_size=2, max_size=6, unique=True), steps=st.lists(STEP, max_size=12))
def test_no_translation_is_ever_lost(
    tmp_path_factory, start: list[str], steps: list[tuple[str, int, str]]
) -> None:
    project_dir = tmp_path_factory.mktemp("property")
    shutil.copytree(ROOT / "source", project_dir / "source")
    shutil.copy(ROOT / "pyproject.toml", project_dir / "pyproject.toml")
    project = load_project(project_dir)
    paragraphs = list(start)
    write_source(project_dir, paragraphs)
    extract(project, check=False, now="2026-01-01 00:00+0000")
    path = project.catalog_path("de")
    new = init_catalog(open_catalog(project.template_path).po, "de", "2026-01-01 00:00+0000", project.root)
    write_if_changed(path, format_catalog(new).encode("utf-8"))
    written: set[str] = set()
    for step in steps:
        if step[0] == "translate":
            translate_one(path, step[1], written)
        else:
            apply(step, paragraphs)
            write_source(project_dir, paragraphs)
        extract(project, check=False, now="2026-01-01 00:00+0000")
        write_if_changed(path, merge_catalog(path, project.template_path).encode("utf-8"))
        missing = written - every_msgstr(path)
        assert not missing, (step, missing)
