"""Turn a command line into calls of the pipeline's stages; the only module that prints."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .build import BuildOptions, Format, build
from .checks import CODES, Severity, catalog_stats, check_catalog
from .config import Project, find_root, load_project
from .errors import BrochureError, UsageError
from .extract import extract

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(Path("brochure"), 1, message)


def parser() -> ArgumentParser:
    main = ArgumentParser(prog="brochure", description="Publish Exploring Together from gettext catalogs.")
    commands = main.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    command = commands.add_parser("extract", help="write locales/brochure.pot from source/")
    command.add_argument("--check", action="store_true", help="exit 1 if the template is out of date")
    command = commands.add_parser("check", help="check catalogs: path:line: severity[code]: message")
    add_locales(command)
    command.add_argument("--strict", action="store_true", help="warnings fail too")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.add_argument("--ignore", action="append", default=[], metavar="CODE", help="skip a check")
    command = commands.add_parser("stats", help="translated, fuzzy and untranslated messages and words")
    add_locales(command)
    command.add_argument("--format", choices=("text", "json"), default="text")
    command = commands.add_parser("build", help="render every locale to HTML and PDF")
    command.add_argument("-l", "--locale", action="append", dest="locales", metavar="LOCALE")
    command.add_argument("--to", default="html,pdf", help="formats, comma-separated: html,pdf")
    command.add_argument("--out", type=Path, help="output folder (default: output/)")
    command.add_argument("--jobs", type=int, default=0, help="worker processes")
    return main


def add_locales(command: argparse.ArgumentParser) -> None:
    command.add_argument("-l", "--locale", action="append", dest="locales", metavar="LOCALE")


def translated_locales(project: Project, requested: list[str] | None) -> tuple[str, ...]:
    """The locales with catalogs among those asked for (the source locale has none)."""
    return tuple(locale for locale in project.select(requested) if locale != project.source_locale)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        arguments = parser().parse_args(argv)
        project = load_project(find_root(Path.cwd()))
        return COMMANDS[arguments.command](project, arguments)
    except BrochureError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("brochure: interrupted; files already written are complete", file=sys.stderr)
        return 130


def run_extract(project: Project, arguments: argparse.Namespace) -> int:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    result = extract(project, check=arguments.check, now=now)
    name = project.relative(result.path)
    if arguments.check:
        if result.changed:
            print(f"{name} is out of date; run 'brochure extract':\n{result.diff}", end="")
            return EXIT_FAILED
        print(f"{name} is up to date ({result.messages} messages)")
        return EXIT_OK
    state = "written" if result.changed else "unchanged"
    print(f"{name}: {result.messages} messages, {state}")
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
    )
    report = build(project, options)
    for locale in report.locales:
        if not locale.published:
            print(f"{locale.locale:6} {locale.name:12} not published: {locale.note}")
            continue
        fallback = sum(count for status, count in locale.segments.items() if status not in ("source", "translated"))
        print(
            f"{locale.locale:6} {locale.name:12} {locale.pages:3} pages  "
            f"{locale.pdf_bytes / 1024:7.0f} KiB  {fallback:3} fallback segments  {locale.seconds:5.2f} s"
        )
    print(f"wrote {project.relative(options.out) if options.out.is_relative_to(project.root) else options.out}/")
    return EXIT_OK


def run_check(project: Project, arguments: argparse.Namespace) -> int:
    unknown = set(arguments.ignore) - CODES
    if unknown:
        raise UsageError(Path("brochure"), 1, f"unknown check code {sorted(unknown)[0]}; codes: {', '.join(sorted(CODES))}")
    findings = [
        finding
        for locale in translated_locales(project, arguments.locales)
        for finding in check_catalog(
            project.catalog_path(locale),
            project.template_path,
            locale,
            project.publish_threshold,
            frozenset(arguments.ignore),
        )
    ]
    if arguments.format == "json":
        print(json.dumps([finding.as_dict() for finding in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding)
    errors = sum(finding.severity is Severity.ERROR for finding in findings)
    warnings = len(findings) - errors
    if arguments.format == "text":
        print(f"{errors} errors, {warnings} warnings", file=sys.stderr)
    failed = errors or (arguments.strict and warnings)
    return EXIT_FAILED if failed else EXIT_OK


def run_stats(project: Project, arguments: argparse.Namespace) -> int:
    rows = [
        catalog_stats(project.catalog_path(locale), project.template_path)
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
    "check": run_check,
    "stats": run_stats,
    "build": run_build,
}

if __name__ == "__main__":
    sys.exit(main())
