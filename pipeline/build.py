"""Turn the source and the catalogs into output/: per locale HTML and PDF, a chooser and a report.

The orchestrator. It decides what changed from content hashes, renders the locales that did
(in worker processes when there are several), and assembles the site. A build with nothing to
do stops at the first hash and never imports the parsers or the renderer.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cache import BuildCache, digest, fingerprint, pipeline_version, tree_digest
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


@dataclass(slots=True)
class _Plan:
    keys: dict[str, str] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)


def build(project: Project, options: BuildOptions, progress: Progress = quiet) -> BuildReport:
    lock = options.out.parent / ".brochure-cache" / f"{options.out.name}.lock"
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
    plan = plan_build(project, inputs, options, cache_file)
    rendered = render_locales(project, inputs, tuple(plan.stale), options, progress)
    assemble(project, options.out, inputs, rendered)
    for locale in plan.stale:
        cache_file.record(locale, plan.keys[locale], options.out / locale)
    cache_file.record(WHOLE_BUILD, whole, options.out, site_files(options))
    cache_file.save()
    return finish(options, rendered, tuple(plan.fresh), started, progress)


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


def site_files(options: BuildOptions) -> list[str]:
    files = [path for path in SITE_FILES if (options.out / path).is_file()]
    for locale in options.locales:
        folder = options.out / locale
        files += [path.relative_to(options.out).as_posix() for path in folder.rglob("*") if path.is_file()]
    return sorted(files)


def whole_fingerprint(project: Project, options: BuildOptions) -> str:
    """Every byte a build reads, the code that reads it, the options and the timestamp."""
    files = [project.root / "pyproject.toml", *project.source_dir.rglob("*"), *project.locales_dir.rglob("*")]
    settings = f"{sorted(options.formats)}|{options.locales}|strict={options.strict}"
    created = source_date(project).isoformat()
    return fingerprint(
        tree_digest(files, project.root),
        settings,
        created,
        pipeline_version(project.root),
        profile_digest(project),
    )


def plan_build(project: Project, inputs: Inputs, options: BuildOptions, cache_file: BuildCache) -> _Plan:
    """Render a locale again only when something its output depends on has changed."""
    shared = shared_fingerprint(project, inputs, options)
    plan = _Plan()
    for locale in options.locales:
        key = fingerprint(shared, locale, locale_digest(project, locale))
        plan.keys[locale] = key
        fresh = not options.force and cache_file.is_fresh(locale, key, options.out / locale)
        (plan.fresh if fresh else plan.stale).append(locale)
    return plan


def shared_fingerprint(project: Project, inputs: Inputs, options: BuildOptions) -> str:
    """What every locale's output depends on: source, design, facts, mottos, code, options.

    Other locales' catalogs count only through their mottos, which every edition prints:
    editing de.po renders German again, and the others only if the German motto changed.
    """
    files = [project.root / "pyproject.toml", *project.source_dir.rglob("*"), project.template_path]
    mottos = "|".join(f"{motto.lang}={motto.text}" for motto in inputs.mottos)
    settings = f"{sorted(options.formats)}|strict={options.strict}"
    return fingerprint(
        tree_digest(files, project.root),
        mottos,
        settings,
        inputs.created.isoformat(),
        pipeline_version(project.root),
        profile_digest(project),
    )


def profile_digest(project: Project) -> str:
    """The print edition's output intent lives outside the project (Debian installs it)."""
    path = project.print_profile
    return digest(path.read_bytes()) if path.is_file() else f"no {path}"


def locale_digest(project: Project, locale: str) -> str:
    catalog = project.catalog_path(locale)
    return tree_digest([catalog], project.root) if catalog.is_file() else locale


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
