"""The shipped catalogs: complete, valid for GNU gettext, and faithful to the seed's mottos."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import ROOT, TRANSLATED, catalog

MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("locale", TRANSLATED)
def test_msgfmt_accepts_the_catalog(locale: str) -> None:
    path = ROOT / "locales" / locale / "LC_MESSAGES" / "brochure.po"
    result = subprocess.run(
        [MSGFMT, "--check-format", "--check-header", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated_and_none_fuzzy(locale: str) -> None:
    entries = [entry for entry in catalog(locale) if not entry.obsolete]
    assert entries
    assert [entry.msgid for entry in entries if not entry.translated()] == []
    assert catalog(locale).metadata["Language"] == locale


@pytest.mark.parametrize(
    ("locale", "motto"),
    [
        ("de", "Gemeinsam unser Sonnensystem erkunden und erschließen"),
        ("fr", "explorer ensemble"),
        ("it", "esplorando insieme"),
    ],
)
def test_motto_is_the_seeds(locale: str, motto: str) -> None:
    assert catalog(locale).find("Exploring together").msgstr == motto


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalog_covers_the_template(locale: str) -> None:
    import polib

    template = {entry.msgid for entry in polib.pofile(str(ROOT / "locales" / "brochure.pot"))}
    assert template == {entry.msgid for entry in catalog(locale) if not entry.obsolete}
