"""Where the pipeline leans on a library's internals, a release that changes them fails here, by name.

Each test names the module of ours that relies on the detail, so that the fix starts in the right place.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.markup import inline_tokens
from pipeline.pdf import CSS_PLACE, FONT_NOT_LOADED, NOTDEF, RendererLog, font_configuration

SOURCE_TOKENS = {
    "heading_open",
    "paragraph_open",
    "ordered_list_open",
    "list_item_open",
    "ordered_list_close",
}


def weasyprint_log(html: str, base: Path) -> RendererLog:
    """What WeasyPrint logs while it lays out `html`, caught as pipeline/pdf.py catches it."""
    import weasyprint

    log = RendererLog()
    logging.getLogger("weasyprint").addHandler(log)
    try:
        document = weasyprint.HTML(string=html, base_url=base.as_uri() + "/").render(
            font_config=font_configuration()
        )
        document.write_pdf()  # missing glyphs are noticed while drawing
    finally:
        logging.getLogger("weasyprint").removeHandler(log)
    return log


def test_markdown_it_token_names_that_source_and_markup_read() -> None:
    from pipeline.source import markdown_parser

    tokens = markdown_parser().parse("::: epigraph\n\n# Title\n\nText\n\n1. item\n\n:::\n")
    types = {token.type for token in tokens}
    assert types >= SOURCE_TOKENS, (
        f"pipeline/source.py reads token types markdown-it no longer emits: {types}"
    )
    assert "container_epigraph_open" in types, "pipeline/source.py expects container_<name>_open tokens"
    inline = {token.type for token in inline_tokens("*a* **b** [c](https://example.org) `d`")}
    expected = {"em_open", "strong_open", "link_open", "code_inline", "text"}
    assert expected <= inline, f"pipeline/markup.py's markup_signature reads these inline tokens: {inline}"


def test_weasyprint_page_box_that_the_layout_inspection_walks(tmp_path: Path) -> None:
    import weasyprint

    document = weasyprint.HTML(string='<p data-msg="k">x</p>').render(font_config=font_configuration())
    page = document.pages[0]
    assert hasattr(page, "_page_box"), "pipeline/layout.py walks Page._page_box, which WeasyPrint renamed"
    elements = [getattr(box, "element", None) for box in page._page_box.descendants()]
    assert any(e is not None and e.get("data-msg") == "k" for e in elements), (
        "pipeline/layout.py finds segments by box.element's data-msg; WeasyPrint's boxes changed"
    )


def test_weasyprint_log_wording_that_the_renderer_log_classifies(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    html = """<html lang="en"><head><style>
    @font-face { font-family: Nothing; src: url(fonts/missing.ttf); }
    p { colour: red; font-family: Nothing, sans-serif; }
    </style></head><body><p>x \u0378</p><img src="missing.png" alt=""></body></html>"""
    log = weasyprint_log(html, tmp_path)
    ignored = log.ignored()
    assert any("colour" in message and CSS_PLACE.search(message) for message in ignored), (
        f"pipeline/pdf.py places ignored CSS by ' at LINE:COLUMN' in WeasyPrint's warning: {ignored}"
    )
    errors = log.errors()
    assert any("missing.png" in message for message in errors), (
        f"a failed image load must be logged at ERROR level, naming the URL: {errors}"
    )
    assert any(message.startswith(FONT_NOT_LOADED) for message in errors), (
        f"pipeline/pdf.py recognises a font that failed to load by {FONT_NOT_LOADED!r}: {errors}"
    )
    assert log.missing_glyphs() == ("\u0378",), f"missing glyphs are logged as {NOTDEF!r} with the character"


def test_weasyprint_rejects_an_unknown_rendering_option_at_error_level(tmp_path: Path) -> None:
    import weasyprint

    log = RendererLog()
    logging.getLogger("weasyprint").addHandler(log)
    try:
        weasyprint.HTML(string="<p>x</p>").render(no_such_option=True)
    finally:
        logging.getLogger("weasyprint").removeHandler(log)
    assert any("no_such_option" in message for message in log.errors()), (
        "an unknown rendering option must be an error (else a misspelt pdf_variant would pass silently)"
    )


def test_native_library_versions_agree_with_weasyprints_own(tmp_path: Path) -> None:
    """The cache reads Pango's and HarfBuzz's releases with ctypes; WeasyPrint loads the same ones."""
    from weasyprint.text.ffi import harfbuzz, pango

    from pipeline.cache import native_version

    major, minor, micro = (int(part) for part in native_version("pango").split("."))
    assert pango.pango_version() == major * 10000 + minor * 100 + micro
    major, minor, micro = (int(part) for part in native_version("harfbuzz").split("."))
    assert harfbuzz.hb_version_atleast(major, minor, micro)
    assert not harfbuzz.hb_version_atleast(major, minor, micro + 1)


@pytest.mark.parametrize("name", ["pango", "harfbuzz"])
def test_native_versions_are_known(name: str) -> None:
    from pipeline.cache import native_version

    assert native_version(name) != "absent", (
        f"{name} could not be loaded by the names pipeline/cache.py tries"
    )


def test_watchfiles_rust_notify_is_what_the_preview_calls(tmp_path: Path) -> None:
    """The preview starts watchfiles' RustNotify itself (watch() starts only when iterated, which
    would miss a save made during the first build), polling where watchfiles' private default
    would (WATCHFILES_FORCE_POLLING, WSL): their module paths and calls must hold."""
    import threading

    from watchfiles._rust_notify import RustNotify
    from watchfiles.main import _default_force_polling

    assert _default_force_polling(True) is True and _default_force_polling(False) is False
    watcher = RustNotify([str(tmp_path)], False, _default_force_polling(None), 300, True, True)
    try:
        (tmp_path / "saved.po").write_text("x", encoding="utf-8")
        changes = watcher.watch(50, 10, 5000, threading.Event())
        assert isinstance(changes, set), changes
        assert any(path.endswith("saved.po") for _, path in changes)
    finally:
        watcher.close()
