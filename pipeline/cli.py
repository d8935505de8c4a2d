"""Turn a command line into calls of the pipeline's stages; the only module that prints."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .build import BuildOptions, BuildReport, Format, build, default_jobs
from .config import PSEUDO_LOCALE, Project, find_root, load_project
from .errors import BrochureError, UsageError
from .options import Progress

if TYPE_CHECKING:
    from .catalogs import Catalog

# The commands import their stages when they run: `brochure build` with nothing to do
# answers in a fraction of a second because it never loads the parsers or the renderer.

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(Path("brochure"), 1, message)


def parser() -> ArgumentParser:
    main = ArgumentParser(prog="brochure", description="Publish Exploring Together from gettext catalogs.")
    commands = main.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    locales = ArgumentParser(add_help=False)
    locales.add_argument("-l", "--locale", action="append", dest="locales", metavar="LOCALE")
    command = commands.add_parser("extract", help="write locales/brochure.pot from source/")
    command.add_argument("--check", action="store_true", help="exit 1 if the template is out of date")
    about = "merge the template into each catalog, as msgmerge does"
    command = commands.add_parser("update", parents=[locales], help=about)
    command.add_argument("--check", action="store_true", help="exit 1 if a catalog would change")
    command = commands.add_parser("init", help="start a catalog for a new locale")
    command.add_argument("locale", metavar="LOCALE", help="a CLDR locale code such as pt_BR")
    about = "check catalogs: path:line: severity[code]: message"
    command = commands.add_parser("check", parents=[locales], help=about)
    command.add_argument("--strict", action="store_true", help="warnings fail too")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.add_argument("--ignore", action="append", default=[], metavar="CODE", help="skip a check")
    about = "translated, fuzzy and untranslated messages and words"
    command = commands.add_parser("stats", parents=[locales], help=about)
    command.add_argument("--format", choices=("text", "json"), default="text")
    command = commands.add_parser("serve", help="preview one locale on 127.0.0.1, rebuilt on every save")
    command.add_argument(
        "-l", "--locale", metavar="LOCALE", help="the locale to preview (default: the first translated one)"
    )
    command.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    command = commands.add_parser("assemble", help="build the chooser and report from locales in --out")
    command.add_argument("--out", type=Path, help="output folder holding built locales (default: output/)")
    command = commands.add_parser("build", parents=[locales], help="render every locale to HTML and PDF")
    command.add_argument("--to", default="html,pdf", help="formats, comma-separated: html,pdf")
    command.add_argument("--out", type=Path, help="output folder (default: output/)")
    command.add_argument("--jobs", type=int, default=0, help="worker processes (default: the cores)")
    command.add_argument("--force", action="store_true", help="render every locale, changed or not")
    command.add_argument(
        "--strict", action="store_true", help="CSS the renderer ignores is an error (always so when CI=true)"
    )
    return main


def translated_locales(project: Project, requested: list[str] | None) -> tuple[str, ...]:
    """The locales with catalogs among those asked for (the source locale has none)."""
    return tuple(locale for locale in project.select(requested) if locale != project.source_locale)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    # The renderer's log stays off the terminal: pipeline/pdf.py turns what matters in it (failed
    # loads, missing glyphs, ignored CSS) into our own errors and findings, with file and line.
    logging.getLogger("weasyprint").propagate = False
    # SIGTERM unwinds like Ctrl-C, so that half-written temporary files are removed on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        arguments = parser().parse_args(argv)
        project = load_project(find_root(Path.cwd()))
        return COMMANDS[arguments.command](project, arguments)
    except BrochureError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (`brochure stats | head`); nothing is left to say to it.
        sys.stderr.close()
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("brochure: interrupted; files already written are complete", file=sys.stderr)
        return 130


def run_extract(project: Project, arguments: argparse.Namespace) -> int:
    from .extract import extract

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    result = extract(project, check=arguments.check, now=now)
    name = project.relative(result.path)
    if arguments.check and result.changed:
        print(f"{name} is out of date; run 'brochure extract':\n{result.diff}", end="")
        return EXIT_FAILED
    if arguments.check:
        print(f"{name} is up to date ({result.messages} messages)")
    else:
        print(f"{name}: {result.messages} messages, {'written' if result.changed else 'unchanged'}")
    return EXIT_OK


def run_build(project: Project, arguments: argparse.Namespace) -> int:
    try:
        formats = frozenset(Format(name.strip()) for name in arguments.to.split(",") if name.strip())
    except ValueError:
        raise UsageError(Path("brochure"), 1, f"--to takes html, pdf or both, not '{arguments.to}'") from None
    options = BuildOptions(
        locales=project.select(arguments.locales),
        formats=formats,
        out=(arguments.out or project.output_dir).resolve(),
        jobs=arguments.jobs or default_jobs(),
        force=arguments.force,
        strict=arguments.strict or os.environ.get("CI") == "true",
    )
    report = build(project, options, progress_lines())
    print_summary(project, options, report)
    return EXIT_OK


def progress_lines() -> Progress:
    """Build events as lines a person can follow, on a terminal or in a CI log. Forked workers
    write their own: each line is one short write, so lines from two workers never mix."""
    started = time.perf_counter()

    def show(locale: str, stage: str) -> None:
        sys.stdout.write(f"[{time.perf_counter() - started:6.2f}s] {locale}: {stage}\n")
        sys.stdout.flush()

    return show


def print_summary(project: Project, options: BuildOptions, report: BuildReport) -> None:
    if not report.rendered:
        print(f"nothing changed: {len(report.fresh)} locales up to date ({report.seconds:.2f} s)")
    print(f"{'locale':8}{'language':12}{'translated':>11}{'pages':>7}{'size':>10}{'time':>9}  state")
    for locale in report.locales:
        state = "rendered" if locale.locale in report.rendered else "up to date"
        if not locale.published:
            state = f"not published: {locale.note}"
        size = f"{locale.pdf_bytes / 1024:.0f} KiB" if locale.pdf_bytes else "-"
        print(
            f"{locale.locale:8}{locale.name:12}{locale.completeness:>10.0f}%{locale.pages:>7}"
            f"{size:>10}{locale.seconds:>8.2f}s  {state}"
        )
        if locale.locale == PSEUDO_LOCALE and locale.note:
            print(f"        layout: {locale.note}")
    shown = options.out.relative_to(project.root) if options.out.is_relative_to(project.root) else options.out
    print(f"output: {shown}/ (report: {shown}/report.html)")


def run_update(project: Project, arguments: argparse.Namespace) -> int:
    """msgmerge each catalog with the template; GNU's writer decides every byte."""
    from .catalogs import open_catalog
    from .files import write_if_changed
    from .gnu import merge_catalog

    template = open_catalog(project.template_path)  # a broken template is reported as ours
    stale = []
    for locale in translated_locales(project, arguments.locales):
        path = project.catalog_path(locale)
        open_catalog(path)
        merged = merge_catalog(path, project.template_path)
        name = project.relative(path)
        if arguments.check:
            if path.read_text(encoding="utf-8") != merged:
                stale.append(name)
            continue
        state = "written" if write_if_changed(path, merged.encode("utf-8")) else "unchanged"
        print(f"{name}: {describe_catalog(open_catalog(path), template, locale)}, {state}")
    if stale:
        print("out of date, run 'brochure update': " + ", ".join(stale))
        return EXIT_FAILED
    if arguments.check:
        print("catalogs up to date")
    return EXIT_OK


def describe_catalog(catalog: Catalog, template: Catalog, locale: str) -> str:
    from .catalogs import catalog_stats

    stats = catalog_stats(catalog, template, locale)
    obsolete = sum(entry.obsolete for entry in catalog.po)
    counts = f"{stats.fuzzy} fuzzy, {stats.untranslated} untranslated, {obsolete} obsolete"
    return f"{stats.messages} messages ({counts})"


def run_init(project: Project, arguments: argparse.Namespace) -> int:
    from .catalogs import init_catalog, open_catalog
    from .files import write_text_atomic
    from .gnu import format_catalog

    locale = arguments.locale.replace("-", "_")
    path = project.catalog_path(locale)
    if path.exists():
        raise UsageError(path, 1, f"a catalog for '{locale}' exists already; 'brochure update' refreshes it")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    template = open_catalog(project.template_path)
    write_text_atomic(path, format_catalog(init_catalog(template.po, locale, now, Path("brochure init"))))
    print(f"{project.relative(path)}: {describe_catalog(open_catalog(path), template, locale)}")
    if locale not in project.locales:
        print(f'to publish it, add "{locale}" to locales in [tool.brochure] of pyproject.toml')
    return EXIT_OK


def run_assemble(project: Project, arguments: argparse.Namespace) -> int:
    from .inputs import read_inputs
    from .site import assemble

    out = (arguments.out or project.output_dir).resolve()
    assemble(project, out, read_inputs(project), {})
    print(f"assembled {out}/index.html and report.json from the locales found there")
    return EXIT_OK


def run_serve(project: Project, arguments: argparse.Namespace) -> int:
    from .serve import serve

    locale = arguments.locale or (project.locales[0] if project.locales else project.source_locale)

    def ready(url: str) -> None:
        print(f"Preview of {locale}: {url}", flush=True)
        print("It rebuilds whenever source/, locales/ or pyproject.toml change; Ctrl-C stops it.", flush=True)

    serve(project, locale, arguments.port, ready=ready)
    return EXIT_OK


def run_check(project: Project, arguments: argparse.Namespace) -> int:
    from .checks import CODES, check_locales
    from .reports import Severity

    if unknown := set(arguments.ignore) - CODES:
        codes = ", ".join(sorted(CODES))
        raise UsageError(Path("brochure"), 1, f"unknown check code {sorted(unknown)[0]}; codes: {codes}")
    locales = translated_locales(project, arguments.locales)
    findings = check_locales(project, locales, frozenset(arguments.ignore))
    errors = sum(finding.severity is Severity.ERROR for finding in findings)
    warnings = len(findings) - errors
    if arguments.format == "json":
        print(json.dumps([finding.as_dict() for finding in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding)
        print(f"{errors} errors, {warnings} warnings", file=sys.stderr)
    return EXIT_FAILED if errors or (arguments.strict and warnings) else EXIT_OK


def run_stats(project: Project, arguments: argparse.Namespace) -> int:
    from .catalogs import catalog_stats, open_catalog

    template = open_catalog(project.template_path)
    rows = [
        catalog_stats(open_catalog(project.catalog_path(locale)), template, locale)
        for locale in translated_locales(project, arguments.locales)
    ]
    if arguments.format == "json":
        print(json.dumps([row.as_dict() for row in rows], indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{'locale':8}{'translated':>12}{'fuzzy':>8}{'untranslated':>14}{'words':>14}{'percent':>9}")
    for row in rows:
        words = f"{row.translated_words}/{row.words}"
        print(
            f"{row.locale:8}{row.translated:>12}{row.fuzzy:>8}{row.untranslated:>14}"
            f"{words:>14}{row.percent:>8.1f}%"
        )
    return EXIT_OK


COMMANDS = {
    "extract": run_extract,
    "update": run_update,
    "init": run_init,
    "check": run_check,
    "stats": run_stats,
    "build": run_build,
    "assemble": run_assemble,
    "serve": run_serve,
}

if __name__ == "__main__":
    sys.exit(main())
