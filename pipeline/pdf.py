"""Turn a print HTML page into a PDF with WeasyPrint (tagged for the screen, PDF/X for the press),
fetching nothing outside source/."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from contextlib import nullcontext
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import press
from .errors import BrochureError
from .tagging import recording, retag


class RefusedURL(ValueError):
    """A resource the brochure may not load: outside source/, or not a file at all."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something WeasyPrint said about our inputs, placed in the file that caused it."""

    path: Path
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    data: bytes
    pages: int
    document: Any  # weasyprint.Document: the laid-out pages, for inspection
    missing_glyphs: tuple[str, ...] = ()
    # CSS that WeasyPrint ignored: a warning, an error under --strict.
    ignored: tuple[Problem, ...] = ()


# WeasyPrint reports through logging, and only by wording tells a missing glyph or a font that
# failed to load from the rest; tests/test_couplings.py fails when the wording changes.
NOTDEF = ".notdef glyph"
FONT_NOT_LOADED = "Font-face "
CSS_PLACE = re.compile(r" at (\d+):(\d+)")
QUOTED = re.compile(r"`([^`:]+)|'([^']+)'|(\S+\.css)")


class RendererLog(logging.Handler):
    """Everything WeasyPrint says while it renders one document: its errors become ours."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def missing_glyphs(self) -> tuple[str, ...]:
        """The characters WeasyPrint found in no font (it draws .notdef boxes)."""
        found = [str(r.args[0]) for r in self.records if is_notdef(r) and isinstance(r.args, tuple)]
        return tuple(dict.fromkeys(found))

    def errors(self) -> list[str]:
        """Loads that failed, URLs refused, options unknown: the output would not be what was asked."""
        return [
            r.getMessage()
            for r in self.records
            if r.levelno >= logging.ERROR or r.getMessage().startswith(FONT_NOT_LOADED)
        ]

    def ignored(self) -> list[str]:
        """Warnings about CSS that WeasyPrint skipped (an unknown property or value, say)."""
        return [r.getMessage() for r in self.records if r.levelno < logging.ERROR and not is_notdef(r)]


def is_notdef(record: logging.LogRecord) -> bool:
    return record.getMessage().startswith(NOTDEF)


def place(message: str, styles: Path) -> Problem:
    """Find the stylesheet line a message is about: WeasyPrint gives `line:column` but not the file,
    and for a failed load the URL but not who asked for it."""
    files = sorted(styles.rglob("*.css"))
    at = CSS_PLACE.search(message)
    named = QUOTED.search(message)
    needle = next((group for group in named.groups() if group), "") if named else ""
    needle = Path(unquote(urlsplit(needle).path)).name if "://" in needle else needle.strip()
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        if at and int(at[1]) <= len(lines) and needle.split(":")[0] in lines[int(at[1]) - 1]:
            return Problem(path, int(at[1]), message)
        if not at and needle and any(needle in line for line in lines):
            return Problem(path, next(n for n, line in enumerate(lines, 1) if needle in line), message)
    return Problem(files[0] if files else styles, int(at[1]) if at else 1, message)


# What source/ holds, as WeasyPrint needs to know it (the system's MIME tables vary by machine).
CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".ttf": "font/ttf", ".png": "image/png"}


def fetcher_class() -> type:
    """WeasyPrint's URLFetcher, narrowed to files under one folder and data: URIs."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SourceOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.root = root.resolve()

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = allowed_path(url, self.root)
            content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return SourceOnlyFetcher


def allowed_path(url: str, root: Path) -> Path:
    """The file a file: URL names, if it lies under `root` once links and '..' are resolved."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"refused {url}: only files under {root} may be loaded")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise RefusedURL(f"refused {url}: not a file under {root}")
    return path


class PdfKind(StrEnum):
    """The two editions: for screens and screen readers, and for the press."""

    SCREEN = "screen"  # PDF/UA-1, tagged, A4
    PRINT = "print"  # PDF/X-4, A4 trimmed, 3 mm bleed, crop marks, pages in fours


# The print edition is sRGB in WeasyPrint's hands (press.py says why), untagged.
OPTIONS: dict[PdfKind, dict[str, Any]] = {
    PdfKind.SCREEN: {"pdf_variant": "pdf/ua-1", "pdf_tags": True},
    PdfKind.PRINT: {"pdf_variant": "pdf/x-4", "output_intent": "srgb"},
}


def render_pdf(
    html: str,
    source_dir: Path,
    identifier: str,
    lang: str,
    kind: PdfKind = PdfKind.SCREEN,
    profile: Path = Path(),
) -> RenderedPdf:
    """Lay out `html` (its relative links resolve in `source_dir`) and write the edition's PDF:
    PDF/UA-1 for the screen, PDF/X-4 with `profile` as its output intent for the press.

    Whatever WeasyPrint could not load fails here, naming the stylesheet and line, before a byte
    is written; so does a PDF that came out other than asked (not PDF/UA or PDF/X, untagged, another
    language, boxes unfit for the press).
    """
    log = RendererLog()
    logging.getLogger("weasyprint").addHandler(log)
    try:
        document, data, record = lay_out_and_write(html, source_dir, identifier, kind)
    finally:
        logging.getLogger("weasyprint").removeHandler(log)
    styles = source_dir / "styles"
    for message in log.errors():
        problem = place(message, styles)
        raise BrochureError(problem.path, problem.line, f"the renderer failed: {problem.message}")
    if kind is PdfKind.SCREEN:
        # What WeasyPrint's tagging leaves undone for PDF/UA (artifacts, /Lang, Note, Lbl, text layer).
        data = retag(data, record)
        problems = unfulfilled(data, lang)
    else:
        data = press.finish(data, profile)
        problems = press.unfulfilled(data)
    for message in problems:
        raise BrochureError(source_dir / "templates" / "print.html", 1, message)
    ignored = tuple(place(message, styles) for message in log.ignored())
    return RenderedPdf(data, len(document.pages), document, log.missing_glyphs(), ignored)


def lay_out_and_write(html: str, source_dir: Path, identifier: str, kind: PdfKind) -> tuple[Any, bytes, Any]:
    """WeasyPrint's layout and PDF; for the screen, with a record of what its tags came from."""
    import weasyprint

    fetcher = fetcher_class()(source_dir)
    document = weasyprint.HTML(
        string=html, base_url=source_dir.resolve().as_uri() + "/", url_fetcher=fetcher
    ).render(font_config=font_configuration(), cache=IMAGE_CACHE, **OPTIONS[kind])
    pdf_identifier = hashlib.md5(identifier.encode("utf-8")).hexdigest().encode("ascii")
    with recording() if kind is PdfKind.SCREEN else nullcontext() as record:
        data = document.write_pdf(pdf_identifier=pdf_identifier, **OPTIONS[kind])
    return document, data, record


def unfulfilled(data: bytes, lang: str) -> list[str]:
    """What the PDF lacks of what was asked: PDF/UA-1 identification, tags, the edition's language."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root: Any = pdf.Root
        part = pdf.open_metadata().get("pdfuaid:part")
        problems = [] if part == "1" else [f"the PDF does not identify as PDF/UA-1 (pdfuaid:part {part})"]
        marked = "/MarkInfo" in root and bool(root.MarkInfo.get("/Marked"))
        if "/StructTreeRoot" not in root or not marked:
            problems.append("the PDF is not tagged (no structure tree, or /MarkInfo not /Marked)")
        if (found := str(root.get("/Lang", ""))) != lang:
            problems.append(f"the PDF's /Lang is {found!r}, not {lang!r}")
    return problems


# One font configuration and image cache per process, reused for every locale it renders.
IMAGE_CACHE: dict[str, Any] = {}


@cache
def font_configuration() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def page_previews(data: bytes, scale: float) -> list[bytes]:
    """PNG images of each page (scale 1 is 72 dpi), for readers without a PDF viewer."""
    import pypdfium2

    images = []
    with pypdfium2.PdfDocument(data) as document:
        for page in document:
            stream = io.BytesIO()
            page.render(scale=scale).to_pil().save(stream, format="PNG")
            images.append(stream.getvalue())
    return images
