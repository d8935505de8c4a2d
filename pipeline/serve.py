"""Turn the project into a live local preview for translators.

`serve` builds one locale's page into a temporary folder it owns (never into output/), serves
it on 127.0.0.1 with a toolbar that published pages never carry, and builds again whenever
source/, locales/ or pyproject.toml change; the page reloads itself through server-sent events.
A catalog that does not parse shows its errors in place of the page until it is fixed.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from html import escape
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
import polib
from markupsafe import Markup

from .build import BuildOptions, Format, build
from .catalogs import catalog_stats, open_catalog, read_catalog
from .checks import check_locales
from .config import Project, load_project
from .errors import BrochureError, UsageError
from .glossary import Vocabulary, load_vocabulary
from .html import language_name
from .source import Segment, read_document, segment_key
from .translate import Status, Translator

LOGGER = logging.getLogger(__name__)

# Loopback only: the preview shows unpublished translations and is nobody else's business.
HOST = "127.0.0.1"
POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0
PREVIEW_DIR = Path(__file__).parent / "preview"
PREVIEW_URL = "/_preview/"
STATIC_FOLDERS = ("styles", "assets", "fonts")
T = TypeVar("T")
PAGE_IMAGE = re.compile(r"page-(\d+)\.png")
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """What the translator-mode panel shows about one message."""

    msgid: str
    msgstr: str
    comment: str
    status: Status
    where: str  # path:line of the msgid in the catalog (or the template, or the source)
    terms: tuple[str, ...] = ()  # the glossary's terms in the msgid, with this locale's rendering


@dataclass(frozen=True, slots=True)
class Row:
    """One segment of the side-by-side view, as both pages show it."""

    key: str
    source: Markup
    translation: Markup
    lang: str  # the translation cell's language when it fell back to the source
    status: Status | None
    where: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One rendering of the locale: its page, or the errors that stopped it."""

    generation: int
    page: str = ""
    segments: dict[str, SegmentInfo] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class PdfPreview:
    """The PDF of one generation, its page images, and why it could not be made, if it could not."""

    generation: int
    pdf: Path | None
    images: tuple[Path, ...]
    errors: tuple[str, ...]
    stale: bool = False  # the images are of an earlier PDF


@dataclass(frozen=True, slots=True)
class Response:
    """What one request gets back."""

    body: bytes
    content_type: str
    status: HTTPStatus = HTTPStatus.OK
    location: str = ""


# ---------------------------------------------------------------- rendering


def render_snapshot(root: Path, locale: str, out: Path, generation: int) -> Snapshot:
    """Build the locale's page into `out`, with what translator mode shows of its segments."""
    try:
        project = load_project(root)
        project.select([locale])
        return Snapshot(
            generation=generation,
            page=build_page(project, locale, out),
            segments=segment_infos(project, locale),
            note=unpublished_note(project, locale),
        )
    except BrochureError as error:
        return failed_snapshot(root, locale, generation, (str(error),))
    except Exception:
        # A bug, not bad input: its traceback goes to the terminal and the preview carries on.
        LOGGER.exception("the preview of %s failed", locale)
        message = "the pipeline failed unexpectedly (a bug): the traceback is in the terminal"
        return failed_snapshot(root, locale, generation, (message,))


def build_page(project: Project, locale: str, out: Path) -> str:
    """The locale's web page, built into `out` by the pipeline's own build."""
    options = BuildOptions(locales=(locale,), formats=frozenset({Format.HTML}), out=out)
    # A preview shows a translation however far it has come: no publishing threshold.
    build(replace(project, publish_threshold=0.0), options)
    path = out / locale / "index.html"
    if not path.is_file():
        raise BrochureError(path, 1, f"the build wrote no page for {locale}")
    return path.read_text(encoding="utf-8")


def failed_snapshot(root: Path, locale: str, generation: int, errors: tuple[str, ...]) -> Snapshot:
    """The errors, and what `check` finds in the locale's catalog when it parses at all."""
    findings: tuple[str, ...] = ()
    try:
        project = load_project(root)
        if project.catalog_path(locale).is_file():
            found = check_locales(project, (locale,))
            findings = tuple(str(finding) for finding in found)
    except BrochureError:
        pass  # the errors above already say why the catalog cannot be checked
    except Exception:
        LOGGER.exception("checking the %s catalog failed", locale)
    return Snapshot(generation=generation, errors=errors, findings=findings)


def unpublished_note(project: Project, locale: str) -> str:
    catalog = project.catalog_path(locale)
    if locale == project.source_locale or not catalog.is_file():
        return ""
    percent = catalog_stats(open_catalog(catalog), open_catalog(project.template_path), locale).percent
    if percent >= project.publish_threshold:
        return ""
    threshold = project.publish_threshold
    return f"{percent:.0f}% of words translated, below the {threshold:.0f}% needed to publish"


def segment_infos(project: Project, locale: str) -> dict[str, SegmentInfo]:
    """Every message the page may show, keyed as its elements' data-msg, with its catalog line."""
    template = active_entries(read_catalog(project.template_path))
    segments = {segment.msgid: segment for segment in read_document(project.brochure_path).segments()}
    catalog = locale_catalog(project, locale)
    entries = active_entries(catalog) if catalog is not None else {}
    if catalog is None:
        translator = Translator(locale, {}, is_source=True)
    else:
        translator = Translator(locale, open_catalog(Path(catalog.fpath)).entries())
    vocabulary = load_vocabulary(project)
    infos = {}
    for msgid in dict.fromkeys([*segments, *template]):
        pot, entry = template.get(msgid), entries.get(msgid)
        plural = pot.msgid_plural if pot is not None else ""
        # UI strings go through %-formatting, segments never do: the same rule as the build's.
        status = translator.translate(msgid, plural, 1, printf=msgid not in segments).status
        comment = pot.comment if pot is not None else segments[msgid].comment
        where = citation(project, catalog, entry, pot, segments.get(msgid))
        terms = glossary_terms(vocabulary, msgid, locale)
        info = SegmentInfo(msgid, msgstr_of(entry), comment, status, where, terms)
        infos[segment_key(msgid)] = info
    return infos


def glossary_terms(vocabulary: Vocabulary, msgid: str, locale: str) -> tuple[str, ...]:
    """Each key term of `msgid` as the panel lists it: 'reference architecture → Referenzarchitektur'."""
    return tuple(
        f"{term.english[0]} → {term.approved(locale)}" if term.forms_for(locale) else term.english[0]
        for term in vocabulary.terms_in(msgid)
    )


def locale_catalog(project: Project, locale: str) -> polib.POFile | None:
    """The locale's catalog; None for the source locale (and the pseudo-locale), which have none."""
    path = project.catalog_path(locale)
    if locale == project.source_locale or not path.is_file():
        return None
    return read_catalog(path)


def citation(
    project: Project,
    catalog: polib.POFile | None,
    entry: polib.POEntry | None,
    pot: polib.POEntry | None,
    segment: Segment | None,
) -> str:
    """Where to edit a message: its msgid line in the catalog, the template or the source."""
    if catalog is not None and entry is not None:
        return f"{project.relative(Path(catalog.fpath))}:{entry.linenum}"
    if catalog is not None and pot is not None:
        return f"{project.relative(project.template_path)}:{pot.linenum}"
    if segment is not None:
        return f"{project.relative(project.brochure_path)}:{segment.line}"
    if pot is not None and pot.occurrences:
        path, line = pot.occurrences[0]
        return f"{path}:{line}" if line else str(path)
    return ""


def active_entries(catalog: polib.POFile) -> dict[str, polib.POEntry]:
    """Entries without context, as the translator looks them up; never obsolete ones."""
    return {
        entry.msgid: entry for entry in catalog if entry.msgid and not entry.obsolete and not entry.msgctxt
    }


def msgstr_of(entry: polib.POEntry | None) -> str:
    if entry is None:
        return ""
    if entry.msgid_plural:
        return str(entry.msgstr_plural.get(0, ""))
    return str(entry.msgstr)


class SegmentCollector(HTMLParser):
    """The inner HTML and lang of each element that carries data-msg, in document order."""

    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self.depth = 0
        self.current: tuple[str, str] = ("", "")
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.parts.append(self.get_starttag_text() or "")
            if tag not in self.VOID:
                self.depth += 1
            return
        values = dict(attrs)
        if values.get("data-msg"):
            self.current = (values["data-msg"] or "", values.get("lang") or "")
            self.parts, self.depth = [], 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in self.VOID:
            return
        self.depth -= 1
        if self.depth:
            self.parts.append(f"</{tag}>")
        else:
            self.found.append((*self.current, "".join(self.parts)))

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(escape(data, quote=False))


def page_segments(page: str) -> list[tuple[str, str, str]]:
    """(key, lang, inner HTML) of the page's segments: the build's own HTML, escaped already."""
    collector = SegmentCollector()
    collector.feed(page)
    collector.close()
    return collector.found


def side_by_side_rows(snapshot: Snapshot, source_page: str) -> list[Row]:
    """The page's segments beside the source page's, matched by key and occurrence."""
    sources: dict[str, deque[str]] = defaultdict(deque)
    for key, _, html in page_segments(source_page):
        sources[key].append(html)
    rows = []
    for key, lang, html in page_segments(snapshot.page):
        info = snapshot.segments.get(key)
        source = sources[key].popleft() if sources[key] else ""
        status, where = (info.status, info.where) if info else (None, "")
        rows.append(Row(key, Markup(source), Markup(html), lang, status, where))
    return rows


def render_pdf_preview(root: Path, locale: str, out: Path, generation: int) -> PdfPreview:
    """The PDF and its page images, built on demand into `out`.

    A build that fails (a layout that outgrows its pages raises LayoutError) writes no PDF;
    its message is shown beside the pages of the last PDF that was made, marked as such.
    """
    try:
        project = load_project(root)
        options = BuildOptions(locales=(locale,), formats=frozenset({Format.PDF}), out=out)
        build(replace(project, publish_threshold=0.0), options)
    except BrochureError as error:
        stale = page_images(out / locale / "preview")
        return PdfPreview(generation, None, stale, (str(error),), stale=True)
    pdf = out / locale / project.pdf_name(locale)
    return PdfPreview(generation, pdf, page_images(out / locale / "preview"), ())


def page_images(folder: Path) -> tuple[Path, ...]:
    """page-1.png, page-2.png, ... in page order (not name order: page-10 follows page-9)."""
    numbered = {}
    for path in folder.glob("page-*.png"):
        if match := PAGE_IMAGE.fullmatch(path.name):
            numbered[int(match[1])] = path
    return tuple(numbered[number] for number in sorted(numbered))


# ---------------------------------------------------------------- state


class OnDemand(Generic[T]):
    """What only some requests need (the PDF, the source page): made when first asked for,
    then kept until the snapshot's generation changes."""

    def __init__(self, make: Callable[[int], T]) -> None:
        self.make = make
        self.lock = threading.Lock()
        self.made: tuple[int, T] | None = None

    def get(self, generation: int) -> T:
        with self.lock:
            if self.made is None or self.made[0] != generation:
                self.made = (generation, self.make(generation))
            return self.made[1]


class Preview:
    """The current snapshot, shared by the watcher (which replaces it) and the request threads."""

    def __init__(self, project: Project, locale: str, folder: Path) -> None:
        self.root = project.root
        self.project = project  # the last configuration that loaded
        self.locale = locale
        self.folder = folder
        self.changed = threading.Condition()
        self.closing = False
        self.snapshot = Snapshot(generation=0)
        self.pdf = OnDemand(self.make_pdf)
        self.source_page = OnDemand(self.make_source_page)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(PREVIEW_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    def rebuild(self) -> None:
        # A broken pyproject.toml keeps the last good configuration for watching and serving;
        # the snapshot reports the error.
        with suppress(BrochureError):
            self.project = load_project(self.root)
        snapshot = render_snapshot(self.root, self.locale, self.folder / "html", self.snapshot.generation + 1)
        with self.changed:
            self.snapshot = snapshot
            self.changed.notify_all()

    def wait_for_change(self, generation: int, timeout: float) -> int | None:
        """The generation once it differs from `generation`, or after `timeout`; None on closing."""
        with self.changed:
            self.changed.wait_for(lambda: self.closing or self.snapshot.generation != generation, timeout)
            return None if self.closing else self.snapshot.generation

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def make_pdf(self, generation: int) -> PdfPreview:
        return render_pdf_preview(self.root, self.locale, self.folder / "pdf", generation)

    def make_source_page(self, generation: int) -> str:
        source = self.project.source_locale
        if source == self.locale:
            return self.snapshot.page
        return build_page(self.project, source, self.folder / "source")

    def current_pdf(self) -> PdfPreview:
        return self.pdf.get(self.snapshot.generation)

    @property
    def watched(self) -> tuple[Path, ...]:
        return (self.root / "pyproject.toml", self.project.source_dir, self.project.locales_dir)

    def render(self, template: str, **context: object) -> str:
        return self.templates.get_template(template).render(locale=self.locale, **context)


def file_states(paths: tuple[Path, ...]) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every file under `paths`; editors' hidden files excluded."""
    found: dict[Path, tuple[int, int]] = {}
    for top in paths:
        for path in (top, *top.rglob("*")) if top.is_dir() else (top,):
            if path.name.startswith(".") or path.name.endswith("~"):
                continue
            try:
                status = path.stat()
            except OSError:
                continue  # removed while we looked: the next poll sees it gone
            if stat.S_ISREG(status.st_mode):
                found[path] = (status.st_mtime_ns, status.st_size)
    return found


def watch(preview: Preview, stop: threading.Event, seen: dict[Path, tuple[int, int]]) -> None:
    """Build again after every change since `seen`, until `stop` is set."""
    while not stop.wait(POLL_SECONDS):
        current = file_states(preview.watched)
        if current != seen:
            seen = current
            preview.rebuild()
            LOGGER.info("rebuilt %s: generation %d", preview.locale, preview.snapshot.generation)


# ---------------------------------------------------------------- HTTP


def with_toolbar(page: str, snapshot: Snapshot, locale: str, kind: str) -> str:
    """The preview's stylesheet and script, before </body>: the only thing the preview adds."""
    tags = (
        f'<link rel="stylesheet" href="{PREVIEW_URL}preview.css">'
        f'<script src="{PREVIEW_URL}preview.js" defer data-generation="{snapshot.generation}"'
        f' data-locale="{escape(locale)}" data-name="{escape(language_name(locale))}"'
        f' data-kind="{escape(kind)}" data-note="{escape(snapshot.note)}"></script>\n'
    )
    index = page.rfind("</body>")
    return page + tags if index < 0 else page[:index] + tags + page[index:]


def html_response(preview: Preview, snapshot: Snapshot, page: str, kind: str) -> Response:
    body = with_toolbar(page, snapshot, preview.locale, kind).encode("utf-8")
    return Response(body, "text/html; charset=utf-8")


def error_page(
    preview: Preview, snapshot: Snapshot, title: str, intro: str, errors: tuple[str, ...] = ()
) -> Response:
    page = preview.render("error.html", title=title, intro=intro, errors=errors, findings=snapshot.findings)
    return html_response(preview, snapshot, page, "error")


def brochure_page(preview: Preview) -> Response:
    snapshot = preview.snapshot
    if snapshot.errors:
        title = f"The {language_name(preview.locale)} preview cannot be rendered"
        intro = "Fix what is listed below and save: this page turns back into the brochure by itself."
        return error_page(preview, snapshot, title, intro, snapshot.errors)
    return html_response(preview, snapshot, snapshot.page, "brochure")


def side_by_side_page(preview: Preview) -> Response:
    snapshot = preview.snapshot
    if snapshot.errors:
        return brochure_page(preview)
    try:
        source_page = preview.source_page.get(snapshot.generation)
    except BrochureError as error:
        intro = "The source edition could not be built for the side-by-side view."
        return error_page(preview, snapshot, "No side-by-side view", intro, (str(error),))
    page = preview.render(
        "side-by-side.html",
        rows=side_by_side_rows(snapshot, source_page),
        name=language_name(preview.locale),
        source=language_name(preview.project.source_locale),
        source_lang=preview.project.source_locale,
    )
    return html_response(preview, snapshot, page, "side-by-side")


def pdf_response(preview: Preview) -> Response:
    result = preview.current_pdf()
    if result.pdf is None or not result.pdf.is_file():
        intro = "The PDF could not be made from the current files."
        return error_page(preview, preview.snapshot, "No PDF", intro, result.errors)
    return Response(result.pdf.read_bytes(), "application/pdf")


def pages_page(preview: Preview) -> Response:
    result = preview.current_pdf()
    images = [f"/pages/{path.name}" for path in result.images]
    page = preview.render(
        "pages.html",
        images=images,
        errors=result.errors,
        stale=result.stale,
        name=language_name(preview.locale),
    )
    return html_response(preview, preview.snapshot, page, "pages")


def page_image(preview: Preview, name: str) -> Response | None:
    result = preview.current_pdf()
    for path in result.images:
        if path.name == name and path.is_file():
            return Response(path.read_bytes(), "image/png")
    return None


def segments_json(preview: Preview) -> Response:
    data = {key: asdict(info) for key, info in preview.snapshot.segments.items()}
    return Response(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


def file_response(folder: Path, relative: str) -> Response | None:
    """A file below `folder`, never one that a '..' or a link would reach outside it."""
    base = folder.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return Response(path.read_bytes(), CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"))


def redirect(location: str) -> Response:
    return Response(b"", "text/plain", HTTPStatus.FOUND, location)


def not_found(preview: Preview, path: str) -> Response:
    intro = (
        f"The preview serves the {language_name(preview.locale)} edition only; "
        f"start 'brochure serve -l LOCALE' for another language."
    )
    response = error_page(preview, preview.snapshot, f"Not in this preview: {path}", intro)
    return replace(response, status=HTTPStatus.NOT_FOUND)


def route(preview: Preview, path: str) -> Response:
    """What each address of the preview serves; `path` is already unquoted."""
    locale, project = preview.locale, preview.project
    page = f"/{locale}/index.html"
    if path in ("/", "/index.html", f"/{locale}", f"/{locale}/"):
        return redirect(page)
    routes: dict[str, Callable[[Preview], Response]] = {
        page: brochure_page,
        "/segments.json": segments_json,
        "/side-by-side": side_by_side_page,
        "/pdf": pdf_response,
        f"/{locale}/{project.pdf_name(locale)}": pdf_response,
        "/pages": pages_page,
    }
    if path in routes:
        return routes[path](preview)
    found: Response | None = None
    if path.startswith(PREVIEW_URL):
        found = file_response(PREVIEW_DIR, path.removeprefix(PREVIEW_URL))
    elif path.startswith("/pages/"):
        found = page_image(preview, path.removeprefix("/pages/"))
    elif (folder := path.lstrip("/").split("/", 1)[0]) in STATIC_FOLDERS:
        # Straight from source/, so that a change of style shows without a build.
        found = file_response(project.source_dir / folder, path.removeprefix(f"/{folder}/"))
    return found or not_found(preview, path)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, preview: Preview) -> None:
        self.preview = preview
        super().__init__((HOST, port), PreviewHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that drops a connection (it reloads) is normal; anything else is a bug."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            LOGGER.exception("the preview failed to answer %s", client_address)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = 30
    server_version = "brochure-preview"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        self.answer(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self.answer(head=True)

    def answer(self, *, head: bool) -> None:
        if not self.trusted_host():
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "this preview answers only at its own address")
            return
        parts = urlsplit(self.path)
        if parts.path == "/events":
            self.stream_events(parse_qs(parts.query).get("since", ["0"])[0])
            return
        self.send(route(self.server.preview, unquote(parts.path)), head=head)

    def trusted_host(self) -> bool:
        """Refuse other Host names, so that a web page cannot reach the preview by DNS rebinding."""
        port = self.server.server_port
        return self.headers.get("Host", "") in (f"{HOST}:{port}", f"localhost:{port}")

    def send(self, response: Response, *, head: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def stream_events(self, since: str) -> None:
        """Server-sent events: `reload` whenever the generation differs from the page's."""
        generation = int(since) if since.isdigit() else 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")  # reconnect quickly after a restart
            self.wfile.flush()
            while True:
                current = self.server.preview.wait_for_change(generation, HEARTBEAT_SECONDS)
                if current is None:
                    return
                # The comment line keeps idle connections alive and finds closed ones.
                event = ": alive" if current == generation else f"event: reload\ndata: {current}"
                generation = current
                self.wfile.write(f"{event}\n\n".encode("ascii"))
                self.wfile.flush()
        except ConnectionError:
            return  # the page went away or reloaded

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        LOGGER.debug("%s %s", self.address_string(), format % args)


# ---------------------------------------------------------------- lifecycle


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` (in the main thread only, where Python allows handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def listening(preview: Preview, port: int) -> Iterator[PreviewServer]:
    try:
        server = PreviewServer(port, preview)
    except (OSError, OverflowError) as error:  # OverflowError: a port beyond 65535
        reason = getattr(error, "strerror", None) or str(error)
        message = f"cannot listen on {HOST}:{port} ({reason.rstrip('.')}); try another --port"
        raise UsageError(Path("brochure"), 1, message) from None
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="brochure-serve"
    )
    thread.start()
    try:
        yield server
    finally:
        preview.close()
        server.shutdown()
        thread.join()
        server.server_close()


def serve(project: Project, locale: str, port: int, *, ready: Callable[[str], None] | None = None) -> None:
    """Preview `locale` at http://127.0.0.1:`port`/ until SIGINT or SIGTERM."""
    project.select([locale])
    folder = Path(tempfile.mkdtemp(prefix="brochure-serve-"))
    stop = threading.Event()
    try:
        with stop_on_signals(stop):
            preview = Preview(project, locale, folder)
            seen = file_states(preview.watched)  # before the first build: no save is missed
            preview.rebuild()
            with listening(preview, port) as server:
                if ready is not None:
                    ready(f"http://{HOST}:{server.server_port}/{locale}/index.html")
                watch(preview, stop, seen)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
