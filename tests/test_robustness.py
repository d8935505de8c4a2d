"""Nothing lost: atomic writes, interrupted builds, concurrent builds, and random input."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalogs import open_catalog
from pipeline.errors import BrochureError
from pipeline.files import write_atomic
from pipeline.source import parse_document

from .conftest import SOURCE_DATE_EPOCH, brochure, copy_built
from .test_errors import assert_clean_failure

EPOCH = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}


def test_a_full_disk_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brochure.po"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        # Buffered writes reach the disk at the latest on fsync, which is where a full disk shows.
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(BrochureError, match="No space left on device"):
        write_atomic(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["brochure.po"]


def test_output_folder_that_cannot_be_written(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = brochure("build", "--out", str(blocker / "out"), cwd=project)
    assert_clean_failure(result.stderr, result.returncode, ".lock")


def test_template_syntax_error_stops_before_any_output(project: Path, tmp_path: Path) -> None:
    page = project / "source" / "templates" / "page.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9] + " {% if %}"
    page.write_text("\n".join(lines) + "\n")
    result = brochure("build", "--out", str(tmp_path / "out"), cwd=project)
    assert assert_clean_failure(result.stderr, result.returncode, "source/templates/page.html") == 10
    assert not any(path.is_file() for path in (tmp_path / "out").rglob("*"))


def test_a_killed_build_leaves_the_previous_outputs_readable(
    project: Path, tmp_path: Path, built: Path
) -> None:
    """A build killed while it writes the first edition's PDF (English, the first locale)."""
    out = copy_built(built, tmp_path)
    before = {path: path.read_bytes() for path in out.rglob("*.pdf")}
    style = project / "source" / "styles" / "print.css"
    style.write_text(style.read_text(encoding="utf-8") + "\nh2 { color: #123456; }\n")
    command = [sys.executable, "-m", "pipeline.cli", "build", "-l", "en", "--jobs", "1", "--out", str(out)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        process = subprocess.Popen(
            command, cwd=project, env=EPOCH, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        wait_for_line(process, "en: pdf")
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=30)
        assert "Traceback" not in stderr
        for path, old in before.items():
            data = path.read_bytes()
            assert data == old or (data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"))
    # SIGKILL leaves no chance to clean up: at most the one temporary file being written stays.
    assert len(list(out.rglob(".*.tmp"))) <= 1
    again = brochure(*command[3:], cwd=project, env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert again.returncode == 0, again.stderr
    assert "en: done" in again.stdout


def wait_for_line(process: subprocess.Popen[str], marker: str) -> None:
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if marker in line:
            return
    pytest.fail(f"the build never printed {marker!r}")


def test_two_builds_at_once_do_not_collide(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    arguments = ["build", "-l", "de", "--to", "html", "--jobs", "1", "--out", str(out)]
    first = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", *arguments],
        cwd=project,
        env=EPOCH,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_line(first, ": checks")
    # The second, in this process, asks for the lock at once: the first is still rendering.
    second = brochure(*arguments, cwd=project, env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert second.returncode == 2
    assert "is being written by process" in second.stderr
    first.communicate(timeout=120)
    assert first.returncode == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_random_bytes_in_a_catalog_give_only_our_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.po"
    path.write_bytes(data)
    read_or_report(path)


def read_or_report(path: Path) -> None:
    """The catalog parses, or the one error a user sees comes out: nothing else may escape."""
    try:
        open_catalog(path)
    except BrochureError as error:
        assert error.line >= 1


PO_PIECES = st.sampled_from(
    [
        'msgid ""',
        'msgstr ""',
        'msgid "a"',
        'msgstr "b"',
        '"cont"',
        "#, fuzzy",
        '#~ msgid "x"',
        'msgid_plural "p"',
        'msgstr[0] "x"',
        'msgctxt "c"',
        '"bad \\q"',
        '"open',
        "",
        "# c",
        '#| msgid "o"',
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(PO_PIECES, max_size=14))
def test_random_po_structure_gives_only_our_error(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.po"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_or_report(path)


SOURCE_PIECES = st.sampled_from(
    [
        ":::: cover",
        ":::: section s",
        "::: epigraph p",
        "::: motto",
        "::: footnote f",
        "::: members",
        ":::",
        "::::",
        "::: nonsense",
        "# Title",
        "## Heading",
        "Paragraph text",
        "1. item",
        "- bullet",
        "> quote",
        "```",
        "<div>",
        "",
        "    code",
        "| a | b |",
        "***",
    ]
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(SOURCE_PIECES, max_size=16), noise=st.text(max_size=40))
def test_random_source_gives_only_our_error(lines: list[str], noise: str) -> None:
    try:
        parse_document("\n".join(lines) + "\n" + noise, Path("brochure.md"))
    except BrochureError as error:
        assert error.line >= 1
