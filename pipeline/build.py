"""Turn the source and the catalogs into output/: per locale HTML and PDF, a chooser and a report."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from .catalogs import published_entries, read_catalog
from .checks import catalog_stats
from .config import Project
from .errors import BrochureError
from .facts import Facts, LocalFacts, localize, read_facts
from .files import write_atomic, write_text_atomic
from .html import (
    Edition,
    EditionLink,
    Motto,
    PdfInfo,
    Renderer,
    build_nodes,
    cover_text,
    headline_msgid,
    language_name,
    segment_key,
    status_counts,
)
from .inspect import Budget, Layout, inspect_layout, read_budget
from .pdf import page_previews, render_pdf
from .source import Document, read_document
from .translate import Translator

LOGGER = logging.getLogger(__name__)
STATIC_FOLDERS = ("styles", "assets", "fonts")
LOCALE_REPORT = "build.json"
PREVIEW_FOLDER = "preview"


class LayoutError(BrochureError):
    """A translation that makes a part of the brochure outgrow the pages the design gives it."""


class Format(StrEnum):
    HTML = "html"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    locales: tuple[str, ...]
    formats: frozenset[Format]
    out: Path


@dataclass(frozen=True, slots=True)
class LocaleReport:
    locale: str
    name: str
    published: bool
    pages: int
    pdf_bytes: int
    seconds: float
    segments: dict[str, int]
    note: str = ""


@dataclass(frozen=True, slots=True)
class BuildReport:
    created: str
    locales: tuple[LocaleReport, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What every locale's build reads: parsed once, before anything is rendered."""

    document: Document
    facts: Facts
    translators: dict[str, Translator]
    mottos: list[Motto]
    created: datetime
    budget: Budget


def build(project: Project, options: BuildOptions) -> BuildReport:
    inputs = read_inputs(project, options.locales)
    reports = [build_locale(project, inputs, locale, options) for locale in options.locales]
    assemble(project, options.out, inputs)
    return BuildReport(created=inputs.created.isoformat(), locales=tuple(reports))


def read_inputs(project: Project, locales: tuple[str, ...]) -> Inputs:
    document = read_document(project.brochure_path)
    facts = read_facts(project.data_path)
    translators = {locale: load_translator(project, locale) for locale in project.all_locales}
    headline = headline_msgid(document)
    mottos = [
        Motto(locale, translators[locale].translate(headline).text)
        for locale in project.all_locales
        if not translators[locale].translate(headline).falls_back
    ]
    for translator in translators.values():
        translator.renditions.clear()
    budget = read_budget(project.layout_path)
    return Inputs(document, facts, translators, mottos, source_date(project), budget)


def load_translator(project: Project, locale: str) -> Translator:
    if locale == project.source_locale:
        return Translator(locale, {}, is_source=True)
    return Translator(locale, published_entries(read_catalog(project.catalog_path(locale))))


def source_date(project: Project) -> datetime:
    """One timestamp per build: SOURCE_DATE_EPOCH, else the last commit touching the inputs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        epoch = last_commit_time(project)
    if not epoch.isdigit():
        inputs = [project.root / "pyproject.toml", *project.source_dir.rglob("*"), *project.locales_dir.rglob("*.po")]
        epoch = str(int(max(path.stat().st_mtime for path in inputs if path.is_file())))
    return datetime.fromtimestamp(int(epoch), UTC)


def last_commit_time(project: Project) -> str:
    try:
        completed = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "source", "locales", "pyproject.toml"],
            cwd=project.root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def build_locale(project: Project, inputs: Inputs, locale: str, options: BuildOptions) -> LocaleReport:
    percent = completeness(project, locale)
    if percent < project.publish_threshold:
        note = f"{percent:.0f}% of words translated, below the {project.publish_threshold:.0f}% threshold"
        LOGGER.warning("%s is not published: %s", locale, note)
        report = LocaleReport(locale, language_name(locale), False, 0, 0, 0.0, {}, note)
        write_text_atomic(options.out / locale / LOCALE_REPORT, to_json(report))
        return report
    started = time.perf_counter()
    translator = inputs.translators[locale]
    facts = localize(inputs.facts, locale)
    edition = make_edition(project, inputs, translator, facts)
    folder = options.out / locale
    pdf = PdfInfo(project.pdf_name(locale))
    if Format.PDF in options.formats:
        print_html = Renderer(project.templates_dir, translator).render("print.html", edition=edition)
        rendered = render_pdf(print_html, project.source_dir, f"{locale}:{edition.created}")
        layout = inspect_layout(rendered.document, inputs.budget)
        check_layout(project, translator, layout, inputs.budget)
        pdf = PdfInfo(pdf.name, rendered.pages, len(rendered.data))
        write_atomic(folder / pdf.name, rendered.data)
        write_previews(folder / PREVIEW_FOLDER, page_previews(rendered.data))
    if Format.HTML in options.formats:
        edition.pdf, edition.asset_prefix = pdf, "../assets/"
        page = Renderer(project.templates_dir, translator).render("page.html", edition=edition)
        write_text_atomic(folder / "index.html", page)
    report = LocaleReport(
        locale=locale,
        name=language_name(locale),
        published=True,
        pages=pdf.pages,
        pdf_bytes=pdf.size,
        seconds=round(time.perf_counter() - started, 3),
        segments=status_counts(translator),
    )
    write_text_atomic(folder / LOCALE_REPORT, to_json(report))
    return report


def completeness(project: Project, locale: str) -> float:
    if locale == project.source_locale:
        return 100.0
    return catalog_stats(project.catalog_path(locale), project.template_path).percent


def check_layout(project: Project, translator: Translator, layout: Layout, budget: Budget) -> None:
    """A part that outgrows its pages fails the build, naming the segments that overflowed."""
    overflowing = layout.overflows(budget)
    if layout.pages == budget.pages and not overflowing:
        return
    part = overflowing[0] if overflowing else None
    page = min(part.end, part.budget_end + 1) if part else min(layout.pages, budget.pages + 1)
    renditions = {segment_key(msgid): rendition for msgid, rendition in translator.renditions.items()}
    cited = [renditions[key] for key in layout.segments[page - 1] if key in renditions]
    where = f"'{part.id}' ends on page {part.end}, its budget ends on page {part.budget_end}" if part else (
        f"{layout.pages} pages, the budget is {budget.pages}"
    )
    names = "; ".join(f"line {r.line} “{r.msgid[:40]}”" for r in cited[:4])
    path = project.catalog_path(translator.locale) if not translator.is_source else project.brochure_path
    line = cited[0].line if cited and cited[0].line else 1
    raise LayoutError(path, line, f"{translator.locale}: {where}; on page {page}: {names}")


def write_previews(folder: Path, images: list[bytes]) -> None:
    for number, image in enumerate(images, start=1):
        write_atomic(folder / f"page-{number}.png", image)
    for stale in folder.glob("page-*.png"):
        if int(stale.stem.removeprefix("page-") or 0) > len(images):
            stale.unlink()


def make_edition(project: Project, inputs: Inputs, translator: Translator, facts: LocalFacts) -> Edition:
    blocks = build_nodes(inputs.document, translator, facts, inputs.mottos, project.source_locale)
    title, description = cover_text(inputs.document, translator, facts)
    return Edition(
        lang=translator.locale,
        source_lang=project.source_locale,
        facts=facts,
        blocks=blocks,
        title=title,
        description=description,
        created=inputs.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        pdf=PdfInfo(project.pdf_name(translator.locale)),
        editions=tuple(EditionLink(code, language_name(code)) for code in project.all_locales),
        keywords=", ".join(acronym for acronym, _ in facts.members),
    )


def assemble(project: Project, out: Path, inputs: Inputs) -> None:
    """The language chooser, the static files and the report, from every locale built into `out`.

    Each locale leaves its own report beside its files, so that locales built by separate
    CI jobs and unpacked into one folder assemble to the same result as one full build.
    """
    for folder in STATIC_FOLDERS:
        copy_tree(project.source_dir / folder, out / folder)
    reports = [report for report in read_locale_reports(project, out) if report.published]
    editions = [chooser_entry(project, inputs, report) for report in reports]
    chooser = Renderer(project.templates_dir, None).render(
        "chooser.html", editions=editions, source={"lang": project.source_locale}
    )
    write_text_atomic(out / "index.html", chooser)
    report = BuildReport(created=inputs.created.isoformat(), locales=tuple(reports))
    write_text_atomic(out / "report.json", to_json(report))


def read_locale_reports(project: Project, out: Path) -> list[LocaleReport]:
    reports = []
    for locale in project.all_locales:
        path = out / locale / LOCALE_REPORT
        if path.is_file():
            reports.append(LocaleReport(**json.loads(path.read_text(encoding="utf-8"))))
    return reports


def to_json(report: object) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n"  # type: ignore[call-overload]


def chooser_entry(project: Project, inputs: Inputs, report: LocaleReport) -> dict[str, object]:
    translator = inputs.translators[report.locale]
    pages = translator.translate("PDF, %(num)s page", "PDF, %(num)s pages", report.pages, printf=True).text
    return {
        "lang": report.locale,
        "dir": "ltr",
        "name": report.name,
        "title": translator.translate("Exploring Together").text,
        "pdf": PdfInfo(project.pdf_name(report.locale), report.pages, report.pdf_bytes),
        "pdf_label": pages % {"num": report.pages},
    }


def copy_tree(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            if not destination.is_file() or destination.read_bytes() != path.read_bytes():
                write_atomic(destination, path.read_bytes())

