"""Turn a print HTML page into a tagged PDF with WeasyPrint, fetching nothing outside source/."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .tagging import recording, retag

LOGGER = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A resource the brochure may not load: outside source/, or not a file at all."""


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    data: bytes
    pages: int
    document: Any  # weasyprint.Document: the laid-out pages, for inspection
    missing_glyphs: tuple[str, ...] = ()


class GlyphWatcher(logging.Handler):
    """Collect the characters WeasyPrint could find in no font (it draws .notdef boxes)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.characters: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(".notdef glyph") and isinstance(record.args, tuple):
            character = str(record.args[0])
            if character not in self.characters:
                self.characters.append(character)


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
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": guess_type(path)})

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


def guess_type(path: Path) -> str:
    types = {".css": "text/css", ".svg": "image/svg+xml", ".ttf": "font/ttf", ".png": "image/png"}
    return types.get(path.suffix.lower(), "application/octet-stream")


def render_pdf(html: str, source_dir: Path, identifier: str) -> RenderedPdf:
    """Lay out `html` (its relative links resolve in `source_dir`) and write a PDF/UA-1 file."""
    import weasyprint

    fetcher = fetcher_class()(source_dir)
    watcher = GlyphWatcher()
    logging.getLogger("weasyprint").addHandler(watcher)
    try:
        document = weasyprint.HTML(
            string=html, base_url=source_dir.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(pdf_variant="pdf/ua-1", pdf_tags=True, font_config=font_configuration(), cache=IMAGE_CACHE)
        with recording() as record:
            data = document.write_pdf(
                pdf_variant="pdf/ua-1",
                pdf_tags=True,
                pdf_identifier=hashlib.md5(identifier.encode("utf-8")).hexdigest().encode("ascii"),
            )
    finally:
        logging.getLogger("weasyprint").removeHandler(watcher)
    # What WeasyPrint's tagging leaves undone for PDF/UA (artifacts, /Lang, Note, Lbl, text layer).
    data = retag(data, record)
    return RenderedPdf(data, len(document.pages), document, tuple(watcher.characters))


# One font configuration and image cache per process, reused for every locale it renders.
IMAGE_CACHE: dict[str, Any] = {}


@cache
def font_configuration() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def page_previews(data: bytes, scale: float = 1.0) -> list[bytes]:
    """PNG images of each page (scale 1 is 72 dpi), for readers without a PDF viewer."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    images = []
    try:
        for page in document:
            stream = io.BytesIO()
            page.render(scale=scale).to_pil().save(stream, format="PNG")
            images.append(stream.getvalue())
    finally:
        document.close()
    return images
