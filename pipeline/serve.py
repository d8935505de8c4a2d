"""Turn each save under source/ and locales/ into a rebuilt live preview, read from the build's segment map.

watchfiles reports the saves; the build writes one locale's page and its segment map into a folder of
the preview's own (never output/); pages served on 127.0.0.1 reload through server-sent events, and a
catalog that does not build shows its errors, and what `check` finds in it, until it is fixed.
"""

from __future__ import annotations

import json
import logging
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
from watchfiles._rust_notify import RustNotify
from watchfiles.main import _default_force_polling

from .build import BuildOptions, BuildReport, Format, build
from .checks import check_locales
from .config import Project, load_project
from .errors import BrochureError, UsageError
from .html import language_name
from .segmap import MappedSegment, read_segment_map, side_by_side

LOGGER = logging.getLogger(__name__)

# Loopback only: the preview shows unpublished translations and is nobody else's business.
HOST = "127.0.0.1"
HEARTBEAT_SECONDS = 15.0
# The writes of one save come as one change: watchfiles reports once STEP_MS pass without another.
DEBOUNCE_MS, STEP_MS = 1600, 50
PREVIEW_DIR = Path(__file__).parent / "preview"
STATIC_FOLDERS = ("styles", "assets", "fonts")
UTF8 = "; charset=utf-8"
CONTENT_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".ttf": "font/ttf", ".woff2": "font/woff2"}
CONTENT_TYPES |= {".css": "text/css" + UTF8, ".js": "text/javascript" + UTF8, ".txt": "text/plain" + UTF8}
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(PREVIEW_DIR), autoescape=True, undefined=jinja2.StrictUndefined
)
SIGNALS = (signal.SIGINT, signal.SIGTERM)
BROKEN = "Fix what is listed below and save: this page turns back into the brochure by itself."
NOT_HERE = "The preview serves the {} edition only; start 'brochure serve -l LOCALE' for another language."


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One rendering of the locale: its page and segment map, or the errors that stopped it."""

    generation: int
    page: str = ""
    segments: tuple[MappedSegment, ...] = ()
    errors: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    completeness: float = 100.0  # the build's, which the toolbar notes when it is too low to publish


@dataclass(frozen=True, slots=True)
class Response:
    body: bytes
    content_type: str
    status: HTTPStatus = HTTPStatus.OK
    location: str = ""


def build_one(project: Project, locale: str, out: Path, kind: Format) -> BuildReport:
    options = BuildOptions(locales=(locale,), formats=frozenset({kind}), out=out)
    # A preview shows a translation however far it has come: no publishing threshold.
    return build(replace(project, publish_threshold=0.0), options)


def render_snapshot(root: Path, locale: str, out: Path, generation: int) -> Snapshot:
    """Build the locale's page and segment map into `out`; or the errors, and what `check` finds."""
    try:
        project = load_project(root)
        project.select([locale])
        report = build_one(project, locale, out, Format.HTML)
        page = (out / locale / "index.html").read_text(encoding="utf-8")
        completeness = report.locales[0].completeness if report.locales else 100.0
        return Snapshot(generation, page, read_segment_map(out / locale), completeness=completeness)
    except BrochureError as error:
        errors = (str(error),)
    except Exception:
        # A bug, not bad input: its traceback goes to the terminal and the preview carries on.
        LOGGER.exception("the preview of %s failed", locale)
        errors = ("the pipeline failed unexpectedly (a bug): the traceback is in the terminal",)
    return Snapshot(generation, errors=errors, findings=check_findings(root, locale))


def check_findings(root: Path, locale: str) -> tuple[str, ...]:
    """What `check` finds in the locale's catalog, when it parses at all."""
    try:
        return tuple(str(finding) for finding in check_locales(load_project(root), (locale,)))
    except BrochureError:
        return ()  # the build's errors already say why the catalog cannot be checked (or that there is none)
    except Exception:
        LOGGER.exception("checking the %s catalog failed", locale)
        return ()


def file_response(folder: Path, relative: str) -> Response | None:
    """A file below `folder`, never one that a '..' or a link would reach outside it."""
    base = folder.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return Response(path.read_bytes(), CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"))


class Preview:
    """One locale's preview: the snapshot that each build replaces, and what each address serves."""

    def __init__(self, project: Project, locale: str, folder: Path) -> None:
        self.root, self.locale, self.folder = project.root, locale, folder
        self.project = project  # the last configuration that loaded
        self.name = language_name(locale)
        self.changed = threading.Condition()
        self.closing = False
        self.snapshot = Snapshot(generation=0)
        self.building = threading.Lock()  # a second build into the same folder would be refused
        self.pdf_made: tuple[int, tuple[str, ...]] = (-1, ())  # the generation built, what stopped it

    def start_watching(self) -> RustNotify:
        """A watch on the configured files that records every change from now on, waited for or
        not. A broken pyproject.toml keeps the last good configuration; the snapshot says why."""
        with suppress(BrochureError):
            self.project = load_project(self.root)
        watched = (self.root / "pyproject.toml", self.project.source_dir, self.project.locales_dir)
        paths = [str(path) for path in watched if path.exists()]
        # debug, force_polling, poll_delay_ms (when polling), recursive, ignore_permission_denied
        # Polling where no events come: watchfiles' own choice (WATCHFILES_FORCE_POLLING, or WSL).
        return RustNotify(paths, False, _default_force_polling(None), 300, True, True)

    def begin(self) -> RustNotify:
        """The watch, then the first build: a save made while it builds is not missed."""
        watcher = self.start_watching()
        self.rebuild()
        return watcher

    def watch(self, stop: threading.Event, watcher: RustNotify) -> None:
        """Build again after every save that `watcher` reports, until `stop` is set."""
        try:
            while isinstance(changes := watcher.watch(DEBOUNCE_MS, STEP_MS, 0, stop), set):
                names = [Path(path).name for _, path in changes]
                if all(name.startswith(".") or name.endswith("~") for name in names):
                    continue  # an editor's hidden or backup files, not a save
                # A new watch before each build, so that a save made during the build is not missed.
                # It also follows pyproject.toml: an editor that saves by replacing the file leaves the
                # old watch on the old file, and the new settings may name other folders.
                watcher.close()
                watcher = self.start_watching()
                self.rebuild()
        finally:
            watcher.close()

    def rebuild(self) -> None:
        snapshot = render_snapshot(self.root, self.locale, self.folder / "html", self.snapshot.generation + 1)
        with self.changed:
            self.snapshot = snapshot
            self.changed.notify_all()
        LOGGER.info("rebuilt %s: generation %d", self.locale, snapshot.generation)

    def wait_for_change(self, generation: int, timeout: float) -> int | None:
        """The generation once it differs from `generation`, or after `timeout`; None on closing."""
        with self.changed:
            self.changed.wait_for(lambda: self.closing or self.snapshot.generation != generation, timeout)
            return None if self.closing else self.snapshot.generation

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def make_pdf(self) -> tuple[str, ...]:
        """Build the PDF and its page images of the current files (the build's cache makes them once); what
        stopped them. A failed build writes nothing: the last PDF's pages stay, shown as such. It is
        not built again until a save makes a new generation: the files would give the same result."""
        with self.building:
            generation = self.snapshot.generation  # a save during the build makes a newer one
            if self.pdf_made[0] != generation:
                try:
                    build_one(self.project, self.locale, self.folder / "pdf", Format.PDF)
                    self.pdf_made = (generation, ())
                except BrochureError as error:
                    self.pdf_made = (generation, (str(error),))
            return self.pdf_made[1]

    def source_segments(self) -> tuple[MappedSegment, ...]:
        """The source edition's map, built when the side-by-side view needs it."""
        source = self.project.source_locale
        if source == self.locale:
            return self.snapshot.segments
        with self.building:
            build_one(self.project, source, self.folder / "source", Format.HTML)
            return read_segment_map(self.folder / "source" / source)

    def answer(self, path: str) -> Response:
        """What each address of the preview serves; `path` is already unquoted."""
        if path in ("/", "/index.html", f"/{self.locale}", f"/{self.locale}/"):
            return Response(b"", "text/plain", HTTPStatus.FOUND, f"/{self.locale}/index.html")
        pdf = f"/{self.locale}/{self.project.pdf_name(self.locale)}"
        pages: dict[str, Callable[[], Response]] = {f"/{self.locale}/index.html": self.brochure_page}
        pages |= {"/segments.json": self.segments_json, "/side-by-side": self.side_by_side_page}
        pages |= {"/pdf": self.pdf_file, pdf: self.pdf_file, "/pages": self.pages_page}
        if path in pages:
            return pages[path]()
        # Styles, assets and fonts straight from source/, so that a change of style shows without a build.
        folders = {"/_preview/": PREVIEW_DIR, "/pages/": self.folder / "pdf" / self.locale / "preview"}
        folders |= {f"/{self.locale}/": self.folder / "html" / self.locale}
        folders |= {f"/{name}/": self.project.source_dir / name for name in STATIC_FOLDERS}
        for prefix, folder in folders.items():
            if path.startswith(prefix) and (found := file_response(folder, path.removeprefix(prefix))):
                return found
        not_here = self.error_page(f"Not in this preview: {path}", NOT_HERE.format(self.name))
        return replace(not_here, status=HTTPStatus.NOT_FOUND)

    def html(self, page: str, kind: str) -> Response:
        """The page with the preview's stylesheet and script before </body>: all the preview adds."""
        tags = TEMPLATES.get_template("toolbar.html").render(preview=self, kind=kind)
        index = page.rfind("</body>")
        page = page + tags if index < 0 else page[:index] + tags + page[index:]
        return Response(page.encode("utf-8"), "text/html" + UTF8)

    def render(self, template: str, kind: str, **context: object) -> Response:
        return self.html(TEMPLATES.get_template(template).render(preview=self, **context), kind)

    def error_page(self, title: str, intro: str, errors: tuple[str, ...] = ()) -> Response:
        return self.render("error.html", "error", title=title, intro=intro, errors=errors)

    def brochure_page(self) -> Response:
        if errors := self.snapshot.errors:
            return self.error_page(f"The {self.name} preview cannot be rendered", BROKEN, errors)
        return self.html(self.snapshot.page, "brochure")

    def side_by_side_page(self) -> Response:
        snapshot = self.snapshot
        if snapshot.errors:
            return self.brochure_page()
        try:
            rows = side_by_side(snapshot.segments, self.source_segments())
        except BrochureError as error:
            intro = "The source edition could not be built for the side-by-side view."
            return self.error_page("No side-by-side view", intro, (str(error),))
        source = language_name(self.project.source_locale)
        return self.render("side-by-side.html", "side-by-side", rows=rows, source_name=source)

    def pdf_file(self) -> Response:
        errors = self.make_pdf()
        pdf = self.folder / "pdf" / self.locale / self.project.pdf_name(self.locale)
        if errors or not pdf.is_file():
            return self.error_page("No PDF", "The PDF could not be made from the current files.", errors)
        return Response(pdf.read_bytes(), "application/pdf")

    def pages_page(self) -> Response:
        errors = self.make_pdf()
        images = [image.name for image in (self.folder / "pdf" / self.locale / "preview").glob("page-*.png")]
        images.sort(key=lambda name: int(name[5:-4]))  # page-10.png follows page-9.png
        return self.render("pages.html", "pages", images=images, errors=errors)

    def segments_json(self) -> Response:
        """Translator mode's panel data: the map's segments by key."""
        data = {segment.key: asdict(segment) for segment in self.snapshot.segments}
        return Response(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json" + UTF8)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, preview: Preview) -> None:
        self.preview = preview
        try:
            super().__init__((HOST, port), PreviewHandler)
        except (OSError, OverflowError) as error:  # OverflowError: a port beyond 65535
            reason = getattr(error, "strerror", None) or str(error)
            message = f"cannot listen on {HOST}:{port} ({reason.rstrip('.')}); try another --port"
            raise UsageError(Path("brochure"), 1, message) from None

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that drops a connection (it reloads) is normal; anything else is a bug."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            LOGGER.exception("the preview failed to answer %s", client_address)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = 30
    server_version = "brochure-preview"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        # Other Host names are refused, so that a web page cannot reach the preview by DNS rebinding.
        port = self.server.server_port
        if self.headers.get("Host", "") not in (f"{HOST}:{port}", f"localhost:{port}"):
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "this preview answers only at its own address")
            return
        parts = urlsplit(self.path)
        if parts.path == "/events":
            self.stream_events(parse_qs(parts.query).get("since", ["0"])[0])
            return
        response = self.server.preview.answer(unquote(parts.path))
        headers = {"Content-Type": response.content_type, "Content-Length": str(len(response.body))}
        self.start(response.status, headers | {"Location": response.location})
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_HEAD = do_GET

    def start(self, status: HTTPStatus, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "Cache-Control": "no-store"}.items():
            if value:
                self.send_header(name, value)
        self.end_headers()

    def stream_events(self, since: str) -> None:
        """Server-sent events: `reload` whenever the generation differs from the page's."""
        generation = int(since) if since.isdigit() else 0
        self.start(HTTPStatus.OK, {"Content-Type": "text/event-stream"})
        try:
            self.wfile.write(b"retry: 500\n\n")  # reconnect quickly after a restart
            self.wfile.flush()
            while (current := self.server.preview.wait_for_change(generation, HEARTBEAT_SECONDS)) is not None:
                # The comment line keeps idle connections alive and finds closed ones.
                event = ": alive" if current == generation else f"event: reload\ndata: {current}"
                generation = current
                self.wfile.write(f"{event}\n\n".encode("ascii"))
                self.wfile.flush()
        except ConnectionError:
            return  # the page went away or reloaded

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        LOGGER.debug("%s %s", self.address_string(), format % args)


def serve(project: Project, locale: str, port: int, *, ready: Callable[[str], None] | None = None) -> None:
    """Preview `locale` at http://127.0.0.1:`port`/ until SIGINT or SIGTERM (the main thread's) stops it."""
    project.select([locale])
    folder = Path(tempfile.mkdtemp(prefix="brochure-serve-"))
    stop = threading.Event()
    handlers = {number: signal.signal(number, lambda *_: stop.set()) for number in SIGNALS}
    try:
        preview = Preview(project, locale, folder)
        watcher = preview.begin()
        with PreviewServer(port, preview) as server:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
            thread.start()
            try:
                if ready is not None:
                    ready(f"http://{HOST}:{server.server_port}/{locale}/index.html")
                preview.watch(stop, watcher)
            finally:
                preview.close()
                server.shutdown()
                thread.join()
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        shutil.rmtree(folder, ignore_errors=True)
