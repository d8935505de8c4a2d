"""Turn `[tool.brochure]` in pyproject.toml into a frozen Project: where everything lives."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from babel import Locale, UnknownLocaleError

from .errors import BrochureError, UsageError, line_of
from .files import read_toml

PDF_STEM = "exploring-together"
PSEUDO_LOCALE = "en-XA"
# The print edition's printing condition when pyproject.toml names none: Ghostscript's CMYK
# (SWOP) characterization, which `make` installs from Debian's libgs-common.
PRINT_PROFILE = "/usr/share/color/icc/ghostscript/default_cmyk.icc"
LOCALE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Project:
    """All knowledge of where the source, the catalogs and the outputs live."""

    root: Path
    source_locale: str
    locales: tuple[str, ...]
    publish_threshold: float
    source_dir: Path
    locales_dir: Path
    output_dir: Path
    domain: str
    site_url: str = ""
    keep_words_whole: tuple[str, ...] = ()
    print_profile: Path = Path()  # the printing condition's ICC profile, the print edition's output intent

    @property
    def brochure_path(self) -> Path:
        return self.source_dir / "brochure.md"

    @property
    def data_path(self) -> Path:
        return self.source_dir / "data.toml"

    @property
    def layout_path(self) -> Path:
        return self.source_dir / "layout.toml"

    @property
    def languages_path(self) -> Path:
        return self.source_dir / "languages.toml"

    @property
    def fonts_path(self) -> Path:
        return self.source_dir / "fonts.toml"

    @property
    def templates_dir(self) -> Path:
        return self.source_dir / "templates"

    @property
    def template_path(self) -> Path:
        return self.locales_dir / f"{self.domain}.pot"

    def messages_path(self, locale: str) -> Path:
        """Where a locale's text comes from, to cite in errors: the source for the source locale,
        the template for the pseudo-locale (made from it), else the locale's catalog."""
        if locale == self.source_locale:
            return self.brochure_path
        return self.template_path if locale == PSEUDO_LOCALE else self.catalog_path(locale)

    def catalog_path(self, locale: str) -> Path:
        return self.locales_dir / locale / "LC_MESSAGES" / f"{self.domain}.po"

    @property
    def all_locales(self) -> tuple[str, ...]:
        """The source locale first, then the translated ones."""
        return (self.source_locale, *self.locales)

    def relative(self, path: Path) -> str:
        """`path` as catalogs cite it: relative to the project root, with forward slashes."""
        return path.relative_to(self.root).as_posix()

    def pdf_name(self, locale: str) -> str:
        return f"{PDF_STEM}-{locale}.pdf"

    def print_pdf_name(self, locale: str) -> str:
        """The print edition: PDF/X-4 with bleed and crop marks, beside the screen edition."""
        return f"{PDF_STEM}-{locale}-print.pdf"

    def select(self, requested: list[str] | None) -> tuple[str, ...]:
        """The locales a command works on: those asked for, or all of them, in config order."""
        known = (*self.all_locales, PSEUDO_LOCALE)
        unknown = [locale for locale in requested or () if locale not in known]
        if unknown:
            raise UsageError(
                self.root / "pyproject.toml",
                1,
                f"unknown locale '{unknown[0]}'; configured locales are {', '.join(self.all_locales)} "
                "(add it to [tool.brochure] locales, or run 'brochure init')",
            )
        return tuple(locale for locale in known if locale in requested) if requested else self.all_locales


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` whose pyproject.toml has [tool.brochure]."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "[tool.brochure]" in candidate.read_text(encoding="utf-8"):
            return folder
    raise BrochureError(start / "pyproject.toml", 1, "no pyproject.toml with [tool.brochure] here or above")


def load_project(root: Path) -> Project:
    path = root / "pyproject.toml"
    text, data = read_toml(path, "the project's settings")
    settings = data.get("tool", {}).get("brochure")
    if not isinstance(settings, dict):
        raise BrochureError(path, 1, "no [tool.brochure] table")
    line = line_of(text, "[tool.brochure]")
    source_locale = str(settings.get("source-locale", "en"))
    locales = tuple(str(locale) for locale in settings.get("locales", []))
    for locale in (source_locale, *locales):
        validate_locale(locale, path, line)
    return Project(
        root=root,
        source_locale=source_locale,
        locales=locales,
        publish_threshold=float(settings.get("publish-threshold", 80)),
        source_dir=root / settings.get("source", "source"),
        locales_dir=root / settings.get("locales-dir", "locales"),
        output_dir=root / settings.get("output", "output"),
        domain=str(settings.get("domain", "brochure")),
        site_url=site_url(settings, path, text),
        keep_words_whole=tuple(str(locale) for locale in settings.get("keep-words-whole", [])),
        print_profile=root / str(settings.get("print-profile", PRINT_PROFILE)),
    )


def site_url(settings: dict[str, object], path: Path, text: str) -> str:
    """The site's address, ending in '/', from which pages build their absolute hreflang links."""
    url = str(settings.get("site-url", "https://example.org/"))
    if not url.startswith(("https://", "http://")):
        raise UsageError(
            path, line_of(text, "site-url"), f"site-url must be an absolute http(s) URL, not '{url}'"
        )
    return url if url.endswith("/") else url + "/"


def html_lang(code: str) -> str:
    """The BCP 47 tag a page declares for a locale code as gettext writes it: zh_Hans -> zh-Hans."""
    return code.replace("_", "-")


def language(code: str) -> str:
    """The language of a locale code: zh for zh_Hans, pt for pt-BR."""
    return code.replace("-", "_").split("_")[0]


def for_locale(table: Mapping[str, V], code: str, default: V) -> V:
    """The entry of `table` for the locale (zh_Hans), else for its language (zh), else `default`."""
    code = code.replace("-", "_")
    return table.get(code, table.get(language(code), default))


def babel_locale(code: str) -> Locale:
    """CLDR's data for a locale code; the pseudo-locale en-XA reads as English."""
    return Locale.parse("en" if code == PSEUDO_LOCALE else code.replace("-", "_"))


def validate_locale(code: str, path: Path, line: int) -> Locale:
    """A CLDR locale for `code` (as gettext writes it, `pt_BR`), or a clear error."""
    problem = UsageError(path, line, f"'{code}' is not a CLDR locale; use a code such as de, fr_CA or pt_BR")
    if not LOCALE_CODE.fullmatch(code):
        raise problem
    try:
        parsed = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise problem from None
    # Babel maps some codes to others ("und" is en_US); only the language asked for will do.
    if parsed.language != language(code).lower() or not parsed.english_name:
        raise problem
    return parsed
