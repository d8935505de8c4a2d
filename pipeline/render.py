"""Turn one locale's translations into its outputs, stage by stage: checks, PDF, previews, page.

Kept apart from the orchestrator so that a build with nothing to render never imports the
renderers (start-up time is most of a no-op build).
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .config import PSEUDO_LOCALE, Project, html_lang
from .errors import BrochureError
from .facts import localize
from .files import write_atomic, write_text_atomic
from .html import (
    Edition,
    EditionLink,
    PdfInfo,
    Renderer,
    build_nodes,
    cover_text,
    language_name,
    status_counts,
)
from .inputs import Inputs
from .languages import stylesheet
from .layout import Budget, LayoutError, check_layout, inspect_layout
from .options import BuildOptions, Format, Progress
from .pdf import Problem
from .reports import LOCALE_REPORT, Finding, LocaleReport, Severity, to_json
from .segmap import write_segment_map
from .translate import Translator
from .webfonts import web_fonts, write_fonts

# What forked workers inherit from the build: the parsed inputs, and where to send progress.
_worker: tuple[Project, Inputs, Progress] | None = None


def prepare_workers(project: Project, inputs: Inputs, progress: Progress) -> None:
    """Set before the worker processes fork, so that they take the inputs the build already parsed."""
    global _worker
    _worker = (project, inputs, progress)


def render_in_worker(locale: str, options: BuildOptions) -> LocaleReport:
    """One locale in a forked worker process, from the inputs parsed once before the fork."""
    assert _worker is not None, "prepare_workers() runs before the pool forks"
    project, inputs, progress = _worker
    return build_locale(project, inputs, locale, options, progress)


def build_locale(
    project: Project, inputs: Inputs, locale: str, options: BuildOptions, notify: Progress
) -> LocaleReport:
    """One locale, stage by stage: checks, PDF (laid out and inspected), previews, web page."""
    started = time.perf_counter()
    folder = options.out / locale
    notify(locale, "checks")
    report = locale_checks(project, inputs, locale)
    if not report.published:
        write_text_atomic(folder / LOCALE_REPORT, to_json(report))
        notify(locale, "not published")
        return report
    translator = inputs.translator(locale)
    edition = make_edition(project, inputs, translator)
    if Format.PDF in options.formats:
        report = render_pdfs(project, inputs, translator, edition, folder, notify, options.strict, report)
    if Format.HTML in options.formats:
        notify(locale, "html")
        write_page(project, inputs, translator, edition, folder)
    report = replace(
        report,
        pages=edition.pdf.pages,
        pdf_bytes=edition.pdf.size,
        print_pages=edition.print_pdf.pages,
        print_pdf_bytes=edition.print_pdf.size,
        seconds=round(time.perf_counter() - started, 3),
        segments=status_counts(translator),
    )
    write_text_atomic(folder / LOCALE_REPORT, to_json(report))
    notify(locale, "done")
    return report


def render_pdfs(
    project: Project,
    inputs: Inputs,
    translator: Translator,
    edition: Edition,
    folder: Path,
    notify: Progress,
    strict: bool,
    report: LocaleReport,
) -> LocaleReport:
    """Both PDF editions into `edition`; the report gains what the renderer ignored."""
    # The screen edition first: the print edition links its PDF.
    render = partial(render_print, project, inputs, translator, folder, notify, strict)
    edition.pdf, note, ignored = render(edition)
    edition.print_pdf, print_note, found = render(replace(edition, press=True))
    # press.css imports print.css: what both editions ignore is reported once.
    report = replace(
        report, findings=[*report.findings, *ignored, *(item for item in found if item not in ignored)]
    )
    if translator.locale == PSEUDO_LOCALE:
        report = replace(report, note=f"{note}; print edition: {print_note}")
    return report


def write_page(
    project: Project, inputs: Inputs, translator: Translator, edition: Edition, folder: Path
) -> None:
    """The web page, and the WOFF2 subsets of the characters it sets, which its <style> loads."""
    renderer = Renderer(project.templates_dir, translator)
    edition.asset_prefix = "../assets/"
    edition.language_css = Markup(stylesheet(inputs.languages, inputs.fonts, font_files=False))
    fonts = web_fonts(inputs.fonts, renderer.render("page.html", edition=edition), folder.parent)
    edition.fonts_stylesheet = write_fonts(folder, fonts)
    write_text_atomic(folder / "index.html", renderer.render("page.html", edition=edition))
    write_segment_map(project, inputs, translator, edition, folder)


def render_print(
    project: Project,
    inputs: Inputs,
    translator: Translator,
    folder: Path,
    notify: Progress,
    strict: bool,
    edition: Edition,
) -> tuple[PdfInfo, str, list[dict[str, object]]]:
    """One PDF edition (the print edition when `edition.press`), laid out and inspected against
    its budget, its page previews, and the findings about CSS the renderer ignored (fatal under
    `strict`)."""
    from .pdf import PdfKind, page_previews, render_pdf  # WeasyPrint is imported only when a PDF is made

    notify(translator.locale, "print pdf" if edition.press else "pdf")
    kind = PdfKind.PRINT if edition.press else PdfKind.SCREEN
    html = Renderer(project.templates_dir, translator).render("print.html", edition=edition)
    # The file identifier: the screen edition's as it always was, the print edition's its own.
    identifier = f"{translator.locale}:{edition.created}" + (":print" if edition.press else "")
    rendered = render_pdf(
        html, project.source_dir, identifier, html_lang(edition.lang), kind, project.print_profile
    )
    if rendered.missing_glyphs:
        raise missing_glyphs(project, translator, rendered.missing_glyphs)
    if rendered.ignored and strict:
        first = rendered.ignored[0]
        raise BrochureError(first.path, first.line, f"ignored by the renderer (--strict): {first.message}")
    notify(translator.locale, "layout")
    budget = inputs.print_budget if edition.press else inputs.budget
    note = inspected(project, translator, rendered.document, budget)
    name = project.print_pdf_name(translator.locale) if edition.press else project.pdf_name(translator.locale)
    write_atomic(folder / name, rendered.data)
    notify(translator.locale, "previews")
    previews = folder / ("preview-print" if edition.press else "preview")
    write_previews(previews, page_previews(rendered.data, scale=0.5))
    pdf = PdfInfo(name, rendered.pages, len(rendered.data))
    return pdf, note, [ignored_css(problem) for problem in rendered.ignored]


def inspected(project: Project, translator: Translator, document: Any, budget: Budget) -> str:
    """How the laid-out pages fare against the budget; a part that outgrows it fails the build,
    except in the pseudo-locale, which measures the design's room."""
    layout = inspect_layout(document, budget)
    try:
        check_layout(project, translator, layout)
    except LayoutError as error:
        if translator.locale != PSEUDO_LOCALE:
            raise
        return error.message
    return f"fits the layout budget: {layout.pages} pages"


def ignored_css(problem: Problem) -> dict[str, object]:
    """A report finding (as `brochure check` writes them) for CSS the renderer skipped."""
    message = f"ignored by the renderer: {problem.message}"
    return dict(Finding(problem.path, problem.line, Severity.WARNING, "css", message).as_dict())


def missing_glyphs(project: Project, translator: Translator, characters: tuple[str, ...]) -> BrochureError:
    """No font has these characters: name them, and the first segment that uses one."""
    named = ", ".join(f"'{character}' (U+{ord(character):04X})" for character in characters)
    users = [r for r in translator.renditions.values() if any(c in r.text for c in characters)]
    path = project.messages_path(translator.locale)
    line = users[0].line if users and users[0].line else 1
    where = f"; used in “{users[0].msgid[:40]}”" if users else ""
    return BrochureError(path, line, f"{translator.locale}: no font has {named}{where}")


def locale_checks(project: Project, inputs: Inputs, locale: str) -> LocaleReport:
    """Completeness and check findings; a locale below the threshold is not published."""
    name = language_name(locale)
    if locale in (project.source_locale, PSEUDO_LOCALE):
        return LocaleReport(locale, name, True, completeness=100.0)
    # Imported here: a build with nothing to render never needs the checks (start-up time).
    from .catalogs import catalog_stats
    from .checks import Context, check_catalog

    catalog, threshold = inputs.catalogs[locale], project.publish_threshold
    stats = catalog_stats(catalog, inputs.template, locale)
    context = Context(locale, inputs.languages, inputs.vocabulary, threshold)
    findings = check_catalog(catalog, inputs.template, context)
    published = stats.percent >= threshold
    note = (
        "" if published else f"{stats.percent:.0f}% of words translated, below the {threshold:.0f}% threshold"
    )
    return LocaleReport(
        locale,
        name,
        published,
        completeness=round(stats.percent, 1),
        stats=stats.as_dict(),
        findings=[finding.as_dict() for finding in findings],
        note=note,
    )


def write_previews(folder: Path, images: list[bytes]) -> None:
    for number, image in enumerate(images, start=1):
        write_atomic(folder / f"page-{number}.png", image)
    for stale in folder.glob("page-*.png"):
        if int(stale.stem.removeprefix("page-") or 0) > len(images):
            stale.unlink()


def make_edition(project: Project, inputs: Inputs, translator: Translator) -> Edition:
    facts = localize(inputs.facts, translator.locale)
    whole_words = translator.locale in project.keep_words_whole
    blocks = build_nodes(
        inputs.document, translator, facts, list(inputs.mottos), project.source_locale, whole_words
    )
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
        print_pdf=PdfInfo(project.print_pdf_name(translator.locale)),
        editions=tuple(EditionLink(code, language_name(code)) for code in project.all_locales),
        keywords=", ".join(acronym for acronym, _ in facts.members),
        mottos=inputs.mottos,
        site_url=project.site_url,
        language_css=Markup(stylesheet(inputs.languages, inputs.fonts, font_files=True)),
    )
