"""The build knows what it was built with: the lock, Python, Pango, HarfBuzz and the output libraries."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

import pytest

from pipeline import cache
from pipeline.cache import NATIVE_LIBRARIES, OUTPUT_LIBRARIES, pipeline_version, toolchain

from .conftest import brochure


def test_the_toolchain_names_python_the_libraries_and_the_native_renderers() -> None:
    named = dict(line.split(" ", 1) for line in toolchain())
    assert named["python"] == platform.python_version()
    for library in ("babel", "weasyprint", "pydyf", "fonttools", "markdown-it-py", "jinja2"):
        assert library in OUTPUT_LIBRARIES
        assert named[library] == metadata.version(library)
    assert set(NATIVE_LIBRARIES) == {"pango", "harfbuzz"}
    assert all(named[name][0].isdigit() for name in NATIVE_LIBRARIES), named


def test_a_new_release_of_any_of_them_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = pipeline_version(tmp_path)
    for index, line in enumerate(toolchain()):
        name, version = line.split(" ", 1)
        upgraded = [*toolchain()]
        upgraded[index] = f"{name} {version}.post1"
        monkeypatch.setattr(cache, "toolchain", lambda upgraded=upgraded: tuple(upgraded))
        assert pipeline_version(tmp_path) != before, name
        monkeypatch.undo()


def test_a_changed_lock_renders_again(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    arguments = ("build", "-l", "de", "--to", "html", "--out", str(out))
    assert brochure(*arguments, cwd=project).returncode == 0
    assert "nothing changed" in brochure(*arguments, cwd=project).stdout
    (project / "requirements.lock").write_text("babel==2.19.0 --hash=sha256:00\n", encoding="utf-8")
    again = brochure(*arguments, cwd=project)
    assert again.returncode == 0, again.stderr
    assert "nothing changed" not in again.stdout and "rendered" in again.stdout
