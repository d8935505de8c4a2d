"""The translator preview, `brochure serve`: a real server on 127.0.0.1 over a project copy."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polib
import pytest

from pipeline import serve
from pipeline.config import load_project
from pipeline.errors import BrochureError
from pipeline.glossary import load_vocabulary
from pipeline.segmap import map_file
from pipeline.serve import Preview, Snapshot, render_snapshot
from pipeline.source import segment_key

from .conftest import copy_project, run_cli

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
SAVE_TO_PAGE_SECONDS = 60.0
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
    """Status, content type and body; errors are answers too. The timeout is a bound against
    hanging: a PDF made on demand takes 3 s on a quiet machine and 30 s under a load of 12."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=120) as response:
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


# ---------------------------------------------------------------- the segment map the build writes


# The shared project's catalog, as a translator leaves it halfway: one translation waits for
# review, one is emptied, one entry is gone, one carries markup its source lacks.
FUZZY = INTRO
EMPTIED = "Socrates"
REMOVED = "Lao Tzu"
REFUSED = "Economic expansion"
REPEATED = "The Global Exploration Strategy"  # a heading the brochure repeats


def occurrences(root: Path, msgid: str) -> list[str]:
    """Where the template says `msgid` stands in the source: path:line, in source order."""
    entry = polib.pofile(str(root / "locales" / "brochure.pot")).find(msgid, msgctxt=None)
    return [f"{path}:{line}" for path, line in entry.occurrences]


def halfway(root: Path) -> Path:
    """`root` with its German catalog as FUZZY, EMPTIED, REMOVED and REFUSED say."""
    catalog = root / CATALOG
    po = polib.pofile(str(catalog), wrapwidth=76)
    entries = {entry.msgid: entry for entry in po if not entry.msgctxt}
    next(entry for msgid, entry in entries.items() if msgid.startswith(FUZZY)).flags.append("fuzzy")
    entries[EMPTIED].msgstr = ""
    po.remove(entries[REMOVED])
    entries[REFUSED].msgstr = f"*{entries[REFUSED].msgstr}*"
    po.save()
    return root


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One halfway project for the tests that only read: never write into it."""
    return halfway(copy_project(tmp_path_factory.mktemp("shared") / "project"))


@pytest.fixture(scope="module")
def segment_maps(shared_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web pages of `shared_project` in German, English and the pseudo-locale, built as a user would."""
    out = tmp_path_factory.mktemp("maps") / "out"
    locales = ("-l", "de", "-l", "en", "-l", "en-XA")
    result = run_cli("build", *locales, "--to", "html", "--out", str(out), cwd=shared_project)
    assert result.returncode == 0, result.stderr
    return out


def msgid_line_of(catalog: Path, entry: polib.POEntry) -> int:
    """The line of the entry's msgid; polib counts an entry from its first comment line."""
    lines = catalog.read_text(encoding="utf-8").splitlines()
    number = int(entry.linenum)
    while not lines[number - 1].startswith("msgid "):
        number += 1
    return number


def expected_status(entry: polib.POEntry | None) -> str:
    if entry is None:
        return "untranslated"
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if not entry.msgstr:
        return "untranslated"
    return "refused" if entry.msgid == REFUSED else "translated"


def test_the_build_writes_each_segments_status_and_catalog_line(
    shared_project: Path, segment_maps: Path
) -> None:
    segments = json.loads(map_file(segment_maps / "de").read_text(encoding="utf-8"))
    catalog = shared_project / CATALOG
    po, template = polib.pofile(str(catalog)), polib.pofile(str(shared_project / "locales/brochure.pot"))
    page = (segment_maps / "de" / "index.html").read_text(encoding="utf-8")
    assert [segment["msgid"] for segment in segments][:2] == [HEADLINE, template[1].msgid]
    for segment in segments:
        msgid, entry = segment["msgid"], po.find(segment["msgid"], msgctxt=None)
        assert segment["key"] == segment_key(msgid)
        assert segment["status"] == expected_status(entry), msgid
        assert segment["msgstr"] == (entry.msgstr if entry else "")
        # The catalog's line of the msgid; without an entry, the source's line of the segment.
        pot = template.find(msgid, msgctxt=None)
        cited = f"{CATALOG.as_posix()}:{msgid_line_of(catalog, entry)}" if entry else None
        assert segment["where"] == (cited or "{}:{}".format(*pot.occurrences[0])), msgid
        assert segment["comment"] == pot.comment  # what translators read in the catalog
        assert segment["terms"] == glossary_of(shared_project, msgid)
        assert segment["lang"] == ("" if segment["status"] == "translated" else "en")
        assert f'data-msg="{segment["key"]}">{segment["html"]}</' in page  # the page's own HTML
    assert {segment["status"] for segment in segments} == {"translated", "fuzzy", "untranslated", "refused"}
    assert [segment["msgid"] for segment in segments].count(REPEATED) == len(
        occurrences(shared_project, REPEATED)
    )


def test_the_source_editions_map_cites_the_source(shared_project: Path, segment_maps: Path) -> None:
    segments = json.loads(map_file(segment_maps / "en").read_text(encoding="utf-8"))
    repeated = [segment["where"] for segment in segments if segment["msgid"] == REPEATED]
    assert repeated == occurrences(shared_project, REPEATED)
    assert {(segment["status"], segment["msgstr"], segment["lang"]) for segment in segments} == {
        ("source", "", "")
    }


def test_the_pseudo_locales_map_cites_the_template(shared_project: Path, segment_maps: Path) -> None:
    segments = json.loads(map_file(segment_maps / "en-XA").read_text(encoding="utf-8"))
    template = shared_project / "locales" / "brochure.pot"
    headline = polib.pofile(str(template)).find(HEADLINE, msgctxt=None)
    assert segments[0]["where"] == f"locales/brochure.pot:{msgid_line_of(template, headline)}"
    assert {segment["status"] for segment in segments} == {"translated"}


# ---------------------------------------------------------------- over HTTP, reading only


@pytest.fixture(scope="module")
def shared(shared_project: Path) -> Iterator[Server]:
    """One preview of the halfway project for every test that only reads."""
    with running_preview(shared_project) as server:
        yield server


def test_serves_the_german_page_with_the_preview_script(shared: Server) -> None:
    page = text(shared.page_url)
    title = translation(shared.catalog, TITLE, TITLE_CONTEXT)
    assert '<html lang="de"' in page
    assert f"<title>{title} · ISECG</title>" in page
    assert '<script src="/_preview/preview.js"' in page
    assert shared.page_url in shared.output()  # announced once it listens
    assert text(shared.base + "/") == page  # the root redirects to the locale's page
    status, content_type, _ = get(shared.base + "/_preview/preview.js")
    assert (status, content_type.split(";")[0]) == (200, "text/javascript")
    assert get(shared.base + "/styles/screen.css")[0] == 200
    assert get(shared.base + "/de/webfonts/fonts.css")[0] == 200  # the page's own web fonts
    assert 'data-note=""' in page  # enough is translated to publish


def test_segments_cite_the_msgid_line_of_the_catalog(shared: Server) -> None:
    status, content_type, body = get(shared.base + "/segments.json")
    assert (status, content_type.split(";")[0]) == (200, "application/json")
    segments = json.loads(body)
    headline = segments[segment_key(HEADLINE)]
    assert headline["msgid"] == HEADLINE
    assert headline["msgstr"] == translation(shared.catalog, HEADLINE)
    assert headline["status"] == "translated"
    assert "Cover headline" in headline["comment"]
    assert headline["where"] == f"{CATALOG.as_posix()}:{msgid_line(shared.catalog, HEADLINE)}"
    assert headline["terms"] == []


def glossary_of(root: Path, msgid: str) -> list[str]:
    """'English term → German rendering' for each glossary term of `msgid`, from the glossary."""
    vocabulary = load_vocabulary(load_project(root))
    return [f"{term.english[0]} → {term.approved('de')}" for term in vocabulary.terms_in(msgid)]


def test_segments_name_their_glossary_terms(shared: Server) -> None:
    segments = json.loads(get(shared.base + "/segments.json")[2])
    heading = segments[segment_key(REPEATED)]
    assert heading["terms"] == glossary_of(shared.root, REPEATED)
    assert heading["terms"][0].startswith("Global Exploration Strategy → ")
    intro = next(info for info in segments.values() if info["msgid"].startswith(INTRO))
    assert len(intro["terms"]) == 2  # the Strategy and "space agencies"


def test_fallbacks_carry_their_status(shared: Server) -> None:
    segments = json.loads(get(shared.base + "/segments.json")[2])
    intro = next(msgid for msgid in (info["msgid"] for info in segments.values()) if msgid.startswith(INTRO))
    assert segments[segment_key(intro)]["status"] == "fuzzy"
    assert segments[segment_key(EMPTIED)]["status"] == "untranslated"
    assert segments[segment_key(REFUSED)]["status"] == "refused"
    removed = segments[segment_key(REMOVED)]
    assert (removed["status"], removed["where"].split(":")[0]) == ("untranslated", "source/brochure.md")
    assert f'<figcaption><span lang="en" data-msg="{segment_key(EMPTIED)}">{EMPTIED}</span>' in text(
        shared.page_url
    )


def test_side_by_side_shows_source_and_translation_per_block(shared: Server) -> None:
    page = text(shared.base + "/side-by-side")
    assert page.count('<th scope="col">') == 2
    row = page[page.index(f'<tr data-msg="{segment_key(HEADLINE)}"') :]
    row = row[: row.index("</tr>")]
    assert f'<td lang="en">{HEADLINE}</td>' in row
    assert translation(shared.catalog, HEADLINE) in row
    assert f"brochure.po:{msgid_line(shared.catalog, HEADLINE)}" in row
    # Matched by key and occurrence: a heading the brochure repeats has its source every time.
    repeated = page.split(f'<tr data-msg="{segment_key(REPEATED)}"')[1:]
    assert len(repeated) == len(occurrences(shared.root, REPEATED)) > 1
    assert all(f'<td lang="en">{REPEATED}</td>' in row for row in repeated)


def test_pdf_and_its_pages_on_demand(shared: Server) -> None:
    status, content_type, body = get(shared.base + "/pdf")
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-")
    pages = text(shared.base + "/pages")
    assert '<img src="/pages/page-1.png"' in pages
    assert "fits the design" in pages
    status, content_type, body = get(shared.base + "/pages/page-1.png")
    assert (status, content_type, body[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")


def test_listens_on_loopback_only_and_writes_nothing_into_the_project(shared: Server) -> None:
    # Bound to 127.0.0.1 itself: another loopback address of the same machine gets no answer.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", shared.port), timeout=2):
        pass
    assert get(shared.page_url, {"Host": f"attacker.example:{shared.port}"})[0] == 421
    assert get(shared.base + "/styles/%2e%2e/%2e%2e/pyproject.toml")[0] == 404
    assert get(shared.base + "/de/%2e%2e/%2e%2e/pyproject.toml")[0] == 404
    assert get(shared.base + "/fr/index.html")[0] == 404
    assert not (shared.root / "output").exists()
    assert sorted(path.name for path in shared.root.iterdir()) == [
        "locales",
        "pyproject.toml",
        "source",
    ]


# ---------------------------------------------------------------- over HTTP, while a translator edits


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


def replace_file(path: Path, text: str) -> None:
    """Save as many editors do: a new file written beside the old one, then renamed over it."""
    new = path.with_name(f".{path.name}.new")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def note_is(server: Server, expected: str) -> bool:
    """Whether the toolbar's note reads `expected` after its percentage ('' for no note at all)."""
    note = re.search(r'data-note="([^"]*)"', text(server.page_url))
    return note is not None and re.sub(r"^\d+", "", note[1]) == expected


def test_settings_saved_by_replacing_the_file_are_followed(project: Path) -> None:
    halfway(project)  # not quite all translated
    settings = project / "pyproject.toml"
    original = settings.read_text(encoding="utf-8")
    below = "% of words translated, below the 100% needed to publish"
    with running_preview(project) as server:
        assert note_is(server, "")
        # Twice: the watch must follow the new file, not stay with the one the first save replaced.
        for threshold, note in ((100, below), (80, "")):
            replace_file(
                settings, original.replace("publish-threshold = 80", f"publish-threshold = {threshold}")
            )
            eventually(partial(note_is, server, note), SAVE_TO_PAGE_SECONDS, f"the note at {threshold}%")


def test_broken_catalog_shows_its_error_and_recovers(preview: Server) -> None:
    original = preview.catalog.read_text(encoding="utf-8")
    line = break_catalog(preview.catalog, TITLE, TITLE_CONTEXT)
    expected = f"{CATALOG.as_posix()}:{line}: error: end-of-line within string"  # msgfmt's words
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


def test_pages_show_a_layout_that_outgrows_its_pages(preview: Server) -> None:
    po = polib.pofile(str(preview.catalog))
    long = next(entry for entry in po if len(entry.msgid) > 200 and not set("{*[") & set(entry.msgid))
    set_translation(preview.catalog, long.msgid, " ".join([long.msgstr] * 8))
    pages = text(preview.base + "/pages")
    assert "its budget ends on page" in pages
    assert f"{CATALOG.as_posix()}:" in pages


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


# ---------------------------------------------------------------- the watcher


def test_a_save_made_during_the_first_build_is_not_missed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watch starts before the first build; what changes meanwhile waits for the watcher."""
    new = "Gemeinsam zu Mond und Mars"

    def build_then_save(*args: Any) -> Snapshot:
        snapshot = render_snapshot(*args)
        if args[-1] == 1:  # saved during the first build, once it had read the catalog
            set_translation(project / CATALOG, HEADLINE, new)
        return snapshot

    monkeypatch.setattr(serve, "render_snapshot", build_then_save)
    preview = Preview(load_project(project), "de", tmp_path / "preview")
    watcher = preview.begin()
    stop = threading.Event()
    thread = threading.Thread(target=preview.watch, args=(stop, watcher))
    thread.start()
    try:
        eventually(lambda: preview.snapshot.generation > 1, SAVE_TO_PAGE_SECONDS, "a build after the save")
    finally:
        stop.set()
        thread.join()
    assert f">{new}</h1>" in preview.snapshot.page


def test_a_failed_pdf_is_tried_again_only_after_a_save(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[str] = []

    def failing_build(project: object, locale: str, *args: object) -> None:
        tries.append(locale)
        raise BrochureError(Path("locales/de/LC_MESSAGES/brochure.po"), 12, "the cover outgrows its page")

    monkeypatch.setattr(serve, "build_one", failing_build)
    preview = Preview(load_project(project), "de", tmp_path / "preview")
    error = "locales/de/LC_MESSAGES/brochure.po:12: error: the cover outgrows its page"
    assert preview.make_pdf() == preview.make_pdf() == (error,)
    assert tries == ["de"]
    preview.snapshot = replace(preview.snapshot, generation=preview.snapshot.generation + 1)  # a save
    assert preview.make_pdf() == (error,)
    assert tries == ["de", "de"]


def test_a_save_during_a_pdf_build_builds_it_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = Preview(load_project(project), "de", tmp_path / "preview")
    tries: list[int] = []

    def build_while_saving(*args: object) -> None:
        tries.append(preview.snapshot.generation)
        if len(tries) == 1:  # a save, and its page rebuilt, while the PDF builds
            preview.snapshot = replace(preview.snapshot, generation=preview.snapshot.generation + 1)

    monkeypatch.setattr(serve, "build_one", build_while_saving)
    assert preview.make_pdf() == preview.make_pdf() == preview.make_pdf() == ()
    assert tries == [0, 1]


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
        expected = f"{CATALOG.as_posix()}:{line}: error: end-of-line within string"  # msgfmt's words
        page.wait_for_function(
            "text => document.body.textContent.includes(text)",
            arg=expected,
            timeout=SAVE_TO_PAGE_SECONDS * 1000,
        )
        catalog.write_text(original, encoding="utf-8")
        headline.wait_for(timeout=SAVE_TO_PAGE_SECONDS * 1000)
        assert headline.text_content() == new
        assert page.locator("#preview-translator-mode").get_attribute("aria-pressed") == "true"
