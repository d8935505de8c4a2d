"""The translator preview, `brochure serve`: a real server on 127.0.0.1 over a project copy."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import polib
import pytest

from pipeline.config import load_project
from pipeline.glossary import load_vocabulary
from pipeline.html import segment_key

if TYPE_CHECKING:
    from playwright.sync_api import Page

HOST = "127.0.0.1"
CATALOG = Path("locales/de/LC_MESSAGES/brochure.po")
HEADLINE = "Exploring together"  # the cover headline: a segment, <h1 data-msg=...>
TITLE = "Exploring together"  # a UI string with context: the page's <title>
TITLE_CONTEXT = "brochure title"
INTRO = "ISECG is the international forum set up by"  # the cover's introduction starts so
# How long a test waits for the page to follow a save before it fails: a bound against hanging,
# not a speed requirement (the preview's speed is measured in bench/, never asserted here).
SAVE_TO_PAGE_SECONDS = 30.0
STARTUP_SECONDS = 30.0
# Debian's Chromium; CHROMIUM_PATH names another build of it.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Until cli.py wires `serve`, the preview is started through its library function.
# No proxy: every request of these tests goes to the loopback address.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def serve_command(locale: str, port: int) -> list[str]:
    """The command a translator runs."""
    return [sys.executable, "-m", "pipeline.cli", "serve", "-l", locale, "--port", str(port)]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def browser_missing() -> str:
    """Why the browser tests cannot run here, or '' when they can."""
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return ""


# On a developer's machine a missing browser skips; in CI (CI=true) it fails the test instead.
needs_browser = pytest.mark.skipif(
    bool(browser_missing()) and not in_ci(), reason=browser_missing() or "browser present"
)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    root: Path
    port: int

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def page_url(self) -> str:
        return f"{self.base}/de/index.html"

    @property
    def catalog(self) -> Path:
        return self.root / CATALOG

    def output(self) -> str:
        return (self.root.parent / "serve.stdout").read_text(encoding="utf-8", errors="replace")

    def error_output(self) -> str:
        return (self.root.parent / "serve.stderr").read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """Status, content type and body; errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Content-Type", ""), error.read()


def text(url: str) -> str:
    status, _, body = get(url)
    assert status == 200, (url, status)
    return unescape(body.decode("utf-8"))


def eventually(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll `condition` until it holds; how long that took, or a failure after `seconds`."""
    started = time.perf_counter()
    while True:
        if condition():
            return time.perf_counter() - started
        if time.perf_counter() - started > seconds:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)


def wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the preview exited with {server.process.returncode}:\n{server.error_output()}")
        try:
            if get(server.page_url)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"the preview did not answer within {STARTUP_SECONDS} s:\n{server.error_output()}")


def stop(server: Server, number: signal.Signals = signal.SIGTERM) -> int:
    if server.process.poll() is None:
        server.process.send_signal(number)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode


@contextmanager
def running_preview(root: Path, locale: str = "de") -> Iterator[Server]:
    port = free_port()
    # The server's own temporary folder goes here, where the tests can see it removed.
    temporary = root.parent / "tmp"
    temporary.mkdir(exist_ok=True)
    environment = {**os.environ, "TMPDIR": str(temporary)}
    with (
        open(root.parent / "serve.stdout", "wb") as stdout,
        open(root.parent / "serve.stderr", "wb") as stderr,
    ):
        command = serve_command(locale, port)
        process = subprocess.Popen(command, cwd=root, stdout=stdout, stderr=stderr, env=environment)
        server = Server(process, root, port)
        try:
            wait_until_answering(server)
            yield server
        finally:
            stop(server)


@pytest.fixture
def preview(project: Path) -> Iterator[Server]:
    with running_preview(project) as server:
        yield server


# ---------------------------------------------------------------- a translator's edits


def translation(catalog: Path, msgid: str, context: str | None = None) -> str:
    entry = polib.pofile(str(catalog)).find(msgid, msgctxt=context or False)
    assert entry is not None, msgid
    return str(entry.msgstr)


def set_translation(
    catalog: Path, msgid: str, msgstr: str, *, fuzzy: bool = False, context: str | None = None
) -> None:
    po = polib.pofile(str(catalog), wrapwidth=76)
    entry = po.find(msgid, msgctxt=context or False)
    assert entry is not None, msgid
    entry.msgstr = msgstr
    if fuzzy:
        entry.flags.append("fuzzy")
    po.save()


def msgid_line(catalog: Path, msgid: str, context: str | None = None) -> int:
    lines = catalog.read_text(encoding="utf-8").splitlines()
    if context:
        start = lines.index(f'msgctxt "{context}"')
        return lines.index(f'msgid "{msgid}"', start) + 1
    return lines.index(f'msgid "{msgid}"') + 1


def break_catalog(catalog: Path, msgid: str, context: str | None = None) -> int:
    """Drop the closing quote of `msgid`'s msgstr, as a slip of the keyboard would; its line."""
    lines = catalog.read_text(encoding="utf-8").splitlines(keepends=True)
    line = msgid_line(catalog, msgid, context) + 1
    assert lines[line - 1].startswith('msgstr "'), lines[line - 1]
    lines[line - 1] = lines[line - 1].rstrip().removesuffix('"') + "\n"
    catalog.write_text("".join(lines), encoding="utf-8")
    return line


# ---------------------------------------------------------------- over HTTP


def test_serves_the_german_page_with_the_preview_script(preview: Server) -> None:
    page = text(preview.page_url)
    title = translation(preview.catalog, TITLE, TITLE_CONTEXT)
    assert '<html lang="de"' in page
    assert f"<title>{title} · ISECG</title>" in page
    assert '<script src="/_preview/preview.js"' in page
    assert preview.page_url in preview.output()  # announced once it listens
    assert text(preview.base + "/") == page  # the root redirects to the locale's page
    status, content_type, _ = get(preview.base + "/_preview/preview.js")
    assert (status, content_type.split(";")[0]) == (200, "text/javascript")
    assert get(preview.base + "/styles/screen.css")[0] == 200


def test_page_follows_catalog_edits(preview: Server) -> None:
    new = "Gemeinsam zu Mond und Mars"
    events = http.client.HTTPConnection(HOST, preview.port, timeout=SAVE_TO_PAGE_SECONDS + 1)
    events.request("GET", "/events?since=1")
    stream = events.getresponse()
    assert stream.getheader("Content-Type") == "text/event-stream"
    try:
        set_translation(preview.catalog, HEADLINE, new)
        eventually(
            lambda: f">{new}</h1>" in text(preview.page_url),
            SAVE_TO_PAGE_SECONDS,
            "the new headline",
        )
        lines = [stream.readline() for _ in range(4)]
    finally:
        events.close()
    assert b"event: reload\n" in lines


def test_broken_catalog_shows_its_error_and_recovers(preview: Server) -> None:
    original = preview.catalog.read_text(encoding="utf-8")
    line = break_catalog(preview.catalog, TITLE, TITLE_CONTEXT)
    expected = f"{CATALOG.as_posix()}:{line}: error: unterminated"
    eventually(lambda: expected in text(preview.page_url), SAVE_TO_PAGE_SECONDS, expected)
    assert get(preview.page_url)[0] == 200
    preview.catalog.write_text(original, encoding="utf-8")
    headline = translation(preview.catalog, HEADLINE)
    eventually(
        lambda: f">{headline}</h1>" in text(preview.page_url),
        SAVE_TO_PAGE_SECONDS,
        "the brochure again",
    )


def test_error_page_lists_the_check_findings_of_a_catalog_that_parses(preview: Server) -> None:
    source = preview.root / "source" / "brochure.md"
    lines = source.read_text(encoding="utf-8").count("\n")
    source.write_text(source.read_text(encoding="utf-8") + "\n::: epigraph\n", encoding="utf-8")
    # The catalog parses, so `check` has something to say: a placeholder the source lacks.
    set_translation(preview.catalog, TITLE, "%(num)s Gemeinsam", context=TITLE_CONTEXT)
    expected = f"source/brochure.md:{lines + 2}: error: container block 'epigraph' is never closed"
    eventually(lambda: expected in text(preview.page_url), SAVE_TO_PAGE_SECONDS, expected)
    line = msgid_line(preview.catalog, TITLE, TITLE_CONTEXT)
    assert f"{CATALOG.as_posix()}:{line}: error[" in text(preview.page_url)


def test_segments_cite_the_msgid_line_of_the_catalog(preview: Server) -> None:
    status, content_type, body = get(preview.base + "/segments.json")
    assert (status, content_type.split(";")[0]) == (200, "application/json")
    segments = json.loads(body)
    headline = segments[segment_key(HEADLINE)]
    assert headline["msgid"] == HEADLINE
    assert headline["msgstr"] == translation(preview.catalog, HEADLINE)
    assert headline["status"] == "translated"
    assert "Cover headline" in headline["comment"]
    assert headline["where"] == f"{CATALOG.as_posix()}:{msgid_line(preview.catalog, HEADLINE)}"
    assert headline["where"].endswith(f"brochure.po:{msgid_line(preview.catalog, HEADLINE)}")
    assert headline["terms"] == []


def glossary_of(root: Path, msgid: str) -> list[str]:
    """'English term → German rendering' for each glossary term of `msgid`, from the glossary."""
    vocabulary = load_vocabulary(load_project(root))
    return [f"{term.english[0]} → {term.approved('de')}" for term in vocabulary.terms_in(msgid)]


def test_segments_name_their_glossary_terms(preview: Server) -> None:
    segments = json.loads(get(preview.base + "/segments.json")[2])
    heading = segments[segment_key("The Global Exploration Strategy")]
    assert heading["terms"] == glossary_of(preview.root, "The Global Exploration Strategy")
    assert heading["terms"][0].startswith("Global Exploration Strategy → ")
    intro = next(info for info in segments.values() if info["msgid"].startswith(INTRO))
    assert len(intro["terms"]) == 2  # the Strategy and "space agencies"


def test_fallbacks_carry_their_status(project: Path) -> None:
    catalog = project / CATALOG
    intro = next(entry.msgid for entry in polib.pofile(str(catalog)) if entry.msgid.startswith(INTRO))
    set_translation(catalog, HEADLINE, "Gemeinsam erkunden", fuzzy=True)
    set_translation(catalog, intro, "")
    with running_preview(project) as server:
        segments = json.loads(get(server.base + "/segments.json")[2])
        page = text(server.page_url)
    assert segments[segment_key(HEADLINE)]["status"] == "fuzzy"
    assert segments[segment_key(intro)]["status"] == "untranslated"
    assert f'<h1 lang="en" data-msg="{segment_key(HEADLINE)}">{HEADLINE}</h1>' in page


def test_side_by_side_shows_source_and_translation_per_block(preview: Server) -> None:
    page = text(preview.base + "/side-by-side")
    assert page.count('<th scope="col">') == 2
    row = page[page.index(f'<tr data-msg="{segment_key(HEADLINE)}"') :]
    row = row[: row.index("</tr>")]
    assert f'<td lang="en">{HEADLINE}</td>' in row
    assert translation(preview.catalog, HEADLINE) in row
    assert f"brochure.po:{msgid_line(preview.catalog, HEADLINE)}" in row


def test_pdf_and_its_pages_on_demand(preview: Server) -> None:
    status, content_type, body = get(preview.base + "/pdf")
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-")
    pages = text(preview.base + "/pages")
    assert '<img src="/pages/page-1.png"' in pages
    assert "fits the design" in pages
    status, content_type, body = get(preview.base + "/pages/page-1.png")
    assert (status, content_type, body[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")


def test_pages_show_a_layout_that_outgrows_its_pages(preview: Server) -> None:
    po = polib.pofile(str(preview.catalog))
    long = next(entry for entry in po if len(entry.msgid) > 200 and not set("{*[") & set(entry.msgid))
    set_translation(preview.catalog, long.msgid, " ".join([long.msgstr] * 8))
    pages = text(preview.base + "/pages")
    assert "its budget ends on page" in pages
    assert f"{CATALOG.as_posix()}:" in pages


def test_listens_on_loopback_only_and_writes_nothing_into_the_project(preview: Server) -> None:
    # Bound to 127.0.0.1 itself: another loopback address of the same machine gets no answer.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", preview.port), timeout=2):
        pass
    assert get(preview.page_url, {"Host": f"attacker.example:{preview.port}"})[0] == 421
    assert get(preview.base + "/styles/%2e%2e/%2e%2e/pyproject.toml")[0] == 404
    assert get(preview.base + "/fr/index.html")[0] == 404
    assert not (preview.root / "output").exists()
    assert sorted(path.name for path in preview.root.iterdir()) == [
        "locales",
        "pyproject.toml",
        "source",
    ]


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stops_cleanly_on_a_signal(preview: Server, number: signal.Signals) -> None:
    temporary = preview.root.parent / "tmp"
    assert [path.name for path in temporary.iterdir()][0].startswith("brochure-serve-")
    get(preview.base + "/side-by-side")  # an open event stream must not hold the server up
    events = http.client.HTTPConnection(HOST, preview.port, timeout=5)
    events.request("GET", "/events?since=1")
    try:
        assert events.getresponse().status == 200
        assert stop(preview, number) == 0
    finally:
        events.close()
    assert "Traceback" not in preview.error_output()
    assert list(temporary.iterdir()) == []
    with pytest.raises(OSError), socket.create_connection((HOST, preview.port), timeout=2):
        pass


# ---------------------------------------------------------------- in a real browser


@contextmanager
def chromium_page(url: str) -> Iterator[Page]:
    missing = browser_missing()
    if missing:
        pytest.fail(f"CI is set, so the browser tests must run: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            yield page
        finally:
            browser.close()


@needs_browser
def test_in_the_browser(project: Path) -> None:
    catalog = project / CATALOG
    intro = next(entry.msgid for entry in polib.pofile(str(catalog)) if entry.msgid.startswith(INTRO))
    set_translation(catalog, intro, translation(catalog, intro), fuzzy=True)
    headline_key, intro_key = segment_key(HEADLINE), segment_key(intro)
    with running_preview(project) as server, chromium_page(server.page_url) as page:
        assert page.title() == f"{translation(catalog, TITLE, TITLE_CONTEXT)} · ISECG"

        # A saved translation shows up without anyone touching the browser.
        new = "Gemeinsam zu Mond und Mars"
        set_translation(catalog, HEADLINE, new)
        page.wait_for_function(
            "([key, text]) => document.querySelector(`main [data-msg='${key}']`)?.textContent === text",
            arg=[headline_key, new],
            timeout=SAVE_TO_PAGE_SECONDS * 1000,
            polling=20,
        )
        assert page.url == server.page_url

        # Translator mode, from the keyboard: statuses outlined, a segment's catalog line on focus.
        toggle = page.locator("#preview-translator-mode")
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-pressed") == "true"
        fuzzy = page.locator(f"main [data-msg='{intro_key}']")
        fuzzy.and_(page.locator("[data-preview-status='fuzzy']")).wait_for()
        assert fuzzy.evaluate("node => getComputedStyle(node).outlineStyle") == "dotted"
        assert fuzzy.get_attribute("lang") == "en"
        headline = page.locator(f"main [data-msg='{headline_key}']")
        assert headline.get_attribute("tabindex") == "0"
        headline.focus()
        where = page.locator("#preview-panel [data-field='where']")
        where.wait_for(state="visible")
        assert where.text_content() == f"{CATALOG.as_posix()}:{msgid_line(catalog, HEADLINE)}"
        assert page.locator("#preview-panel [data-field='msgid']").text_content() == HEADLINE
        fuzzy.focus()
        status = page.locator("#preview-panel [data-field='status']")
        assert (status.text_content() or "").startswith("fuzzy")
        terms = page.locator("#preview-panel [data-field='terms']").text_content() or ""
        assert terms == "; ".join(glossary_of(server.root, intro))

        # A broken catalog shows its error in place of the page, and the page comes back when fixed.
        original = catalog.read_text(encoding="utf-8")
        line = break_catalog(catalog, TITLE, TITLE_CONTEXT)
        expected = f"{CATALOG.as_posix()}:{line}: error: unterminated"
        page.wait_for_function(
            "text => document.body.textContent.includes(text)",
            arg=expected,
            timeout=SAVE_TO_PAGE_SECONDS * 1000,
        )
        catalog.write_text(original, encoding="utf-8")
        headline.wait_for(timeout=SAVE_TO_PAGE_SECONDS * 1000)
        assert headline.text_content() == new
        assert page.locator("#preview-translator-mode").get_attribute("aria-pressed") == "true"
