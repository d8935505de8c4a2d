"""Turn the locales built into an output folder into the site: chooser, static files and reports.

Each locale leaves its own report (build.json) beside its files, so that locales built by
separate CI jobs and unpacked into one folder assemble to the same site as one full build.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import jinja2
from markupsafe import Markup

from .config import Project
from .files import write_if_changed
from .html import TITLE_CONTEXT, TITLE_MSGID, PdfInfo, Renderer
from .inputs import Inputs
from .languages import stylesheet
from .reports import LocaleReport, read_locale_report
from .webfonts import web_fonts, write_fonts

# Pages load fonts as WOFF2 subsets made for each (webfonts/), never source/fonts' whole files.
STATIC_FOLDERS = ("styles", "assets")
REPORT_TEMPLATES = Path(__file__).parent / "templates"


def assemble(project: Project, out: Path, inputs: Inputs, known: dict[str, LocaleReport]) -> None:
    """The chooser, the static files and the reports, from every configured locale found in `out`
    (`known`: the reports of the locales just rendered, which need not be read back)."""
    for folder in STATIC_FOLDERS:
        copy_tree(project.source_dir / folder, out / folder)
    reports = [
        report
        for locale in project.all_locales
        if (report := known.get(locale) or read_locale_report(out, locale))
    ]
    editions = [chooser_entry(project, inputs, report) for report in reports if report.published]
    write_if_changed(out / "index.html", chooser_page(project, out, inputs, editions).encode())
    payload = {"created": inputs.created.isoformat(), "locales": [asdict(report) for report in reports]}
    write_if_changed(out / "report.json", (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode())
    write_if_changed(out / "report.html", report_page(reports, out, inputs.created.isoformat()).encode())
    append_step_summary(reports)


def chooser_page(project: Project, out: Path, inputs: Inputs, editions: list[dict[str, object]]) -> str:
    """The language chooser, with the WOFF2 subsets of its ten languages' names and titles."""
    renderer = Renderer(project.templates_dir, None)
    context: dict[str, object] = {
        "editions": editions,
        "source": {"lang": project.source_locale},
        "site_url": project.site_url,
        "fonts_stylesheet": "",
        "language_css": Markup(stylesheet(inputs.languages, inputs.fonts, font_files=False)),
    }
    context["fonts_stylesheet"] = write_fonts(
        out, web_fonts(inputs.fonts, renderer.render("chooser.html", **context), out)
    )
    return renderer.render("chooser.html", **context)


def chooser_entry(project: Project, inputs: Inputs, report: LocaleReport) -> dict[str, object]:
    translator = inputs.translator(report.locale)
    label = translator.translate("PDF, %(num)s page", "PDF, %(num)s pages", report.pages, printf=True).text
    return {
        "lang": report.locale,
        "dir": "ltr",
        "name": report.name,
        "title": translator.translate(TITLE_MSGID, context=TITLE_CONTEXT).text,
        "pdf": PdfInfo(project.pdf_name(report.locale), report.pages, report.pdf_bytes),
        "pdf_label": label % {"num": report.pages},
    }


def report_page(reports: list[LocaleReport], out: Path, created: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPORT_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return environment.get_template("report.html").render(
        reports=reports,
        previews={report.locale: previews(out, report.locale, "preview") for report in reports},
        print_previews={report.locale: previews(out, report.locale, "preview-print") for report in reports},
        created=created,
    )


def previews(out: Path, locale: str, folder: str) -> list[str]:
    """The page images of one edition, in page order, as links relative to `out`."""
    images = sorted((out / locale / folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    return [image.relative_to(out).as_posix() for image in images]


def append_step_summary(reports: list[LocaleReport]) -> None:
    """On GitHub Actions, a Markdown table in the job's summary page."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    lines = ["| locale | published | translated | pages | errors | warnings |", "|---|---|---|---|---|---|"]
    for report in reports:
        lines.append(
            f"| {report.name} ({report.locale}) | {'yes' if report.published else 'no'} | "
            f"{report.completeness:.0f}% | {report.pages} | {report.errors} | {report.warnings} |"
        )
    with open(summary, "a", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")


def copy_tree(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file():
            write_if_changed(target / path.relative_to(source), path.read_bytes())
