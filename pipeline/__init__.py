"""Exploring Together: publish a document in many languages from gettext catalogs.

The stages, in the order a build runs them: `source` (brochure.md to blocks), `extract`
(segments to the template), `catalogs` (.po files), `translate` (msgids to safe text),
`facts` (data.toml with CLDR), `html` (Jinja2), `pdf` (WeasyPrint); `build` runs them all.
"""

from .build import BuildOptions, BuildReport, Format, build
from .config import Project, load_project
from .errors import BrochureError

__all__ = ["BrochureError", "BuildOptions", "BuildReport", "Format", "Project", "build", "load_project"]
