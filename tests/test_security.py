"""Untrusted translations: nothing injected into the page, nothing fetched, nothing read outside source/.

The translation tests build the German web page alone (`--to html`) where the page is all they
read, and the PDF too where it is read, or counted on the page.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import polib
import pytest

from pipeline.errors import BrochureError
from pipeline.pdf import RefusedURL, allowed_path, render_pdf

from .conftest import brochure, copy_project

PARAGRAPH = "The Global Exploration Strategy is the key to delivering these benefits."


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A socket on loopback that records whether anything tried to connect."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.5)
    yield server, server.getsockname()[1]
    server.close()


def nothing_connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        return True
    connection.close()
    return False


def translate(project: Path, msgid: str, msgstr: str, locale: str = "de") -> None:
    path = project / "locales" / locale / "LC_MESSAGES" / "brochure.po"
    catalog = polib.pofile(str(path))
    catalog.find(msgid).msgstr = msgstr
    catalog.save(str(path))


def build_german(project: Path, out: Path, formats: str = "html") -> str:
    result = brochure("build", "-l", "de", "--to", formats, "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return (out / "de" / "index.html").read_text(encoding="utf-8")


# Each raw-HTML payload in a paragraph of its own: one build of the page shows what becomes of all.
PAYLOADS = {
    "<script>alert(1)</script> Text": PARAGRAPH,
    '<img src="x" onerror="alert(1)"> Text': "Version 1 of the Global Exploration Roadmap",
    "<iframe src='javascript:alert(1)'></iframe> Text": "Sustainable space exploration is a challenge",
    "<style>body{display:none}</style> Text": "For the foreseeable future, the Moon, Mars",
}


@pytest.fixture(scope="module")
def page_with_raw_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    project = copy_project(tmp_path_factory.mktemp("raw-html") / "project")
    template = polib.pofile(str(project / "locales" / "brochure.pot"))
    for payload, start in PAYLOADS.items():
        translate(project, next(e.msgid for e in template if e.msgid.startswith(start)), payload)
    return build_german(project, project.parent / "out")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_raw_html_in_a_translation_is_escaped(page_with_raw_html: str, payload: str) -> None:
    page = page_with_raw_html
    tag = payload.split()[0].split(">")[0]
    # The page has a <style> of its own (each language's quotes and fonts): the payload's is not there.
    assert payload.removesuffix(" Text") not in page
    assert tag.replace("<", "&lt;") in page
    assert 'onerror="' not in page


def test_template_syntax_in_a_translation_stays_literal(project: Path, tmp_path: Path) -> None:
    translate(project, PARAGRAPH, "{{ 7*7 }} {% include 'page.html' %} {{ config }}")
    page = build_german(project, tmp_path / "out")
    assert "{{ 7*7 }}" in page
    assert "{% include &#39;page.html&#39; %}" in page or "{% include 'page.html' %}" in page
    assert ">49<" not in page and " 49 " not in page


def test_printf_junk_in_a_segment_is_only_text(project: Path, tmp_path: Path) -> None:
    translate(project, PARAGRAPH, "Die Strategie %(x)s ist zu 100 % der Schlüssel %s")
    page = build_german(project, tmp_path / "out")
    assert "Die Strategie %(x)s ist zu 100 % der Schlüssel %s" in page


def test_new_placeholder_is_refused(project: Path, tmp_path: Path) -> None:
    translate(project, PARAGRAPH, "Die Strategie {members} ist der Schlüssel.")
    page = build_german(project, tmp_path / "out")
    assert "Die Strategie" not in page
    assert PARAGRAPH in page


def test_ui_string_with_markup_is_escaped(project: Path, tmp_path: Path) -> None:
    translate(project, "Languages", '"><script>alert(1)</script>')
    page = build_german(project, tmp_path / "out")
    assert "<script>" not in page


def test_ui_string_with_stray_percent_falls_back(project: Path, tmp_path: Path) -> None:
    path = project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"
    catalog = polib.pofile(str(path))
    entry = catalog.find("PDF, %(num)s page")
    entry.msgstr_plural = {0: "PDF %(evil)s", 1: "PDF 100 %"}
    catalog.save(str(path))
    page = build_german(project, tmp_path / "out", "html,pdf")  # the page counts the PDF's pages
    assert "PDF, 6 pages" in page


def test_new_link_target_is_refused(
    project: Path, tmp_path: Path, listener: tuple[socket.socket, int]
) -> None:
    server, port = listener
    msgid = next(
        e.msgid
        for e in polib.pofile(str(project / "locales" / "brochure.pot"))
        if "#note-agencies" in e.msgid
    )
    catalog = polib.pofile(str(project / "locales" / "de" / "LC_MESSAGES" / "brochure.po"))
    hostile = catalog.find(msgid).msgstr.replace("#note-agencies", f"http://127.0.0.1:{port}/track")
    translate(project, msgid, hostile)
    out = tmp_path / "out"
    page = build_german(project, out, "html,pdf")
    assert f"127.0.0.1:{port}" not in page
    assert f"127.0.0.1:{port}".encode() not in (out / "de" / "exploring-together-de.pdf").read_bytes()
    assert nothing_connected(server)


def test_javascript_link_is_never_a_link(project: Path, tmp_path: Path) -> None:
    translate(
        project, PARAGRAPH, "[Klick](javascript:alert(1)) und [Daten](data:text/html;base64,PHNjcmlwdD4=)"
    )
    page = build_german(project, tmp_path / "out")
    assert 'href="javascript:' not in page
    assert 'href="data:' not in page


def test_fetcher_refuses_everything_outside_source(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "ok.css").write_text("p { color: red }")
    (tmp_path / "secret.txt").write_text("secret")
    (source / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert allowed_path((source / "ok.css").as_uri(), source) == (source / "ok.css").resolve()
    for url in (
        "file:///etc/passwd",
        (source / ".." / "secret.txt").as_uri(),
        (source / "link.txt").as_uri(),
        "http://127.0.0.1:9/x.css",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(RefusedURL):
            allowed_path(url, source)


def test_renderer_fetches_nothing_and_the_build_stops(
    tmp_path: Path, listener: tuple[socket.socket, int]
) -> None:
    """Every forbidden load is refused before any I/O, and a refused load stops the PDF altogether."""
    server, port = listener
    source = tmp_path / "source"
    source.mkdir()
    (tmp_path / "secret.txt").write_text("TOP-SECRET-CONTENT")
    (source / "link.css").symlink_to(tmp_path / "secret.txt")
    loopback = f"http://127.0.0.1:{port}"
    html = f"""<!DOCTYPE html><html lang="en"><head><title>t</title>
    <link rel="stylesheet" href="{loopback}/style.css">
    <link rel="stylesheet" href="link.css">
    <link rel="attachment" href="file:///etc/passwd">
    <link rel="attachment" href="../secret.txt">
    <style>@import url("{loopback}/import.css"); @import url("file:///etc/passwd");
    body {{ background: url("{loopback}/bg.png"); }}</style></head>
    <body><p>Hello</p><img src="{loopback}/pixel.png" alt="x"><img src="file:///etc/hostname" alt="y">
    <a rel="attachment" href="../secret.txt">secret</a></body></html>"""
    with pytest.raises(BrochureError) as raised:
        render_pdf(html, source, "security-test", "en")
    assert "refused" in raised.value.message
    assert "TOP-SECRET-CONTENT" not in raised.value.message
    assert nothing_connected(server)


def test_a_page_with_nothing_forbidden_has_no_attachments(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    html = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>Hello</p></body></html>'
    rendered = render_pdf(html, source, "security-test", "en")
    pdf = pikepdf.open(io.BytesIO(rendered.data))
    assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
    assert "/AF" not in pdf.Root
