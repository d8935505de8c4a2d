"""Turn the source and the catalogs into output/: per locale HTML and PDF, a chooser and a report.

The orchestrator. It decides what changed from content hashes, renders the locales that did
(in worker processes when there are several), and assembles the site. A build with nothing to
do stops at the first hash and never imports the parsers or the renderer.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import BuildCache, cache_folder, digest, fingerprint, pipeline_version, tree_digest
from .clock import source_date
from .config import Project
from .files import exclusive
from .options import BuildOptions, Format, Progress, quiet
from .reports import LocaleReport, read_locale_report

if TYPE_CHECKING:
    from .inputs import Inputs

__all__ = ["BuildOptions", "BuildReport", "Format", "build", "default_jobs"]

WHOLE_BUILD = "*"
SITE_FILES = ("index.html", "report.json", "report.html")


@dataclass(frozen=True, slots=True)
class BuildReport:
    locales: tuple[LocaleReport, ...]
    rendered: tuple[str, ...] = ()
    fresh: tuple[str, ...] = ()
    seconds: float = 0.0


def build(project: Project, options: BuildOptions, progress: Progress = quiet) -> BuildReport:
    lock = cache_folder(options.out) / f"{options.out.name}.lock"
    with exclusive(lock, f"{options.out}/"):
        return build_unlocked(project, options, progress)


def build_unlocked(project: Project, options: BuildOptions, progress: Progress) -> BuildReport:
    started = time.perf_counter()
    cache_file = BuildCache.load(options.out)
    whole = whole_fingerprint(project, options)
    if not options.force and cache_file.is_fresh(WHOLE_BUILD, whole, options.out):
        return finish(options, {}, tuple(options.locales), started, progress)
    from .html import Renderer
    from .inputs import read_inputs
    from .site import assemble

    inputs = read_inputs(project, options.locales)
    Renderer(project.templates_dir, None).check()  # a template that does not compile stops here
    stale, fresh = plan_build(project, inputs, options, cache_file)
    rendered = render_locales(project, inputs, tuple(stale), options, progress)
    assemble(project, options.out, inputs, rendered)
    for locale, key in stale.items():
        cache_file.record(locale, key, options.out / locale, (options.out / locale).rglob("*"))
    cache_file.record(WHOLE_BUILD, whole, options.out, site_files(options))
    cache_file.save()
    return finish(options, rendered, fresh, started, progress)


def finish(
    options: BuildOptions,
    rendered: dict[str, LocaleReport],
    fresh: tuple[str, ...],
    started: float,
    progress: Progress,
) -> BuildReport:
    """The reports the workers returned; a locale that was up to date keeps the one its build wrote."""
    for locale in fresh:
        progress(locale, "up to date")
    reports = (rendered.get(locale) or read_locale_report(options.out, locale) for locale in options.locales)
    return BuildReport(
        locales=tuple(report for report in reports if report is not None),
        rendered=tuple(rendered),
        fresh=fresh,
        seconds=round(time.perf_counter() - started, 3),
    )


def site_files(options: BuildOptions) -> Iterator[Path]:
    yield from (options.out / name for name in SITE_FILES)
    for locale in options.locales:
        yield from (options.out / locale).rglob("*")


def whole_fingerprint(project: Project, options: BuildOptions) -> str:
    """Every byte a build reads, the code that reads it, the options and the timestamp."""
    settings = f"{sorted(options.formats)}|{options.locales}|strict={options.strict}"
    return inputs_fingerprint(
        project, project.locales_dir.rglob("*"), settings, source_date(project).isoformat()
    )


def plan_build(
    project: Project, inputs: Inputs, options: BuildOptions, cache_file: BuildCache
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The locales to render again, with their fingerprints, and the locales up to date: a locale is
    rendered again only when something its output depends on has changed.

    Other locales' catalogs count only through their mottos, which every edition prints:
    editing de.po renders German again, and the others only if the German motto changed.
    """
    mottos = "|".join(f"{motto.lang}={motto.text}" for motto in inputs.mottos)
    settings = f"{sorted(options.formats)}|strict={options.strict}"
    created = inputs.created.isoformat()
    shared = inputs_fingerprint(project, [project.template_path], mottos, settings, created)
    stale: dict[str, str] = {}
    fresh: list[str] = []
    for locale in options.locales:
        key = fingerprint(shared, locale, tree_digest([project.catalog_path(locale)], project.root))
        if not options.force and cache_file.is_fresh(locale, key, options.out / locale):
            fresh.append(locale)
        else:
            stale[locale] = key
    return stale, tuple(fresh)


def inputs_fingerprint(project: Project, files: Iterable[Path], *settings: str) -> str:
    """The project's settings and source, `files`, `settings`, the code and the print edition's
    output intent, which lives outside the project (Debian installs it)."""
    profile = project.print_profile
    return fingerprint(
        tree_digest([project.root / "pyproject.toml", *project.source_dir.rglob("*"), *files], project.root),
        *settings,
        pipeline_version(project.root),
        digest(profile.read_bytes()) if profile.is_file() else f"no {profile}",
    )


def render_locales(
    project: Project, inputs: Inputs, locales: tuple[str, ...], options: BuildOptions, progress: Progress
) -> dict[str, LocaleReport]:
    from .render import build_locale, prepare_workers, render_in_worker

    if options.jobs <= 1 or len(locales) <= 1:
        return {locale: build_locale(project, inputs, locale, options, progress) for locale in locales}
    # Forked after this, the workers inherit the parsed inputs and report progress themselves.
    prepare_workers(project, inputs, progress)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(options.jobs, len(locales)), mp_context=context) as pool:
        futures = {locale: pool.submit(render_in_worker, locale, options) for locale in locales}
        return {locale: future.result() for locale, future in futures.items()}


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
