"""Turn one web page's text into the WOFF2 fonts it needs and the @font-face rules that load them.

Each language's text goes to the first family of its stack (source/fonts.toml) that has the
character, as a browser's fallback would; every face of that family is cut to those characters,
and its rule declares them as its `unicode-range`, so a browser fetches a face only for the
characters it really sets in it.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from itertools import groupby
from pathlib import Path

from .cache import cache_folder
from .errors import BrochureError, line_of
from .files import read_toml, write_if_changed
from .subset import covered, subset_woff2

# Generated content that the stylesheets add to the text: quotation marks, list counters, the
# footnote's asterisk and the separators; present or not, they cost a few glyphs.
GENERATED = "0123456789*,.:;–—‘’“”«»„‚「」『』"
FOLDER, FONTS_STYLESHEET = "webfonts", "fonts.css"


@dataclass(frozen=True, slots=True)
class Face:
    family: str
    weight: int
    style: str
    path: Path
    index: int
    shipped: bool = False  # a file in source/, not a face installed on the system

    @property
    def file_name(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.family.lower()).strip("-")
        return f"{slug}-{self.weight}{'-italic' if self.style == 'italic' else ''}.woff2"


@dataclass(frozen=True, slots=True)
class FontSet:
    """The faces web pages may load, and each language's stack of families."""

    faces: tuple[Face, ...]
    stacks: dict[str, tuple[str, ...]]

    def stack(self, lang: str) -> tuple[str, ...]:
        language = lang.split("-")[0].lower()
        return self.stacks.get(language, self.stacks["default"])

    def family(self, name: str) -> tuple[Face, ...]:
        return tuple(face for face in self.faces if face.family == name)


@dataclass(frozen=True, slots=True)
class WebFont:
    face: Face
    characters: str
    data: bytes


def read_fonts(path: Path) -> FontSet:
    text, data = read_toml(path, "the web pages' fonts")
    stacks = data.get("stacks")
    faces = data.get("faces")
    if not isinstance(stacks, dict) or "default" not in stacks or not isinstance(faces, list):
        raise BrochureError(path, 1, "needs a [stacks] table with 'default' and [[faces]] entries")
    found = tuple(read_face(path, text, entry) for entry in faces)
    families = {face.family for face in found}
    # The first unknown name in the file's order, so that the error is the same on every run.
    unknown = [name for stack in stacks.values() for name in stack if name not in families]
    if unknown:
        name = unknown[0]
        raise BrochureError(path, line_of(text, name), f"stack names '{name}', which no [[faces]] entry has")
    return FontSet(found, {str(key): tuple(value) for key, value in stacks.items()})


def read_face(path: Path, text: str, entry: dict[str, object]) -> Face:
    family, weight = str(entry.get("family", "")), entry.get("weight", 400)
    style = str(entry.get("style", "normal"))
    if not family or not isinstance(weight, int):
        raise BrochureError(path, line_of(text, "[[faces]]"), "each face needs a family and a numeric weight")
    if "file" in entry:
        return Face(family, weight, style, path.parent / str(entry["file"]), 0, shipped=True)
    system = str(entry.get("system", ""))
    font_path, index = installed_font(system, path, line_of(text, system or family))
    return Face(family, weight, style, font_path, index)


@cache
def installed_font(pattern: str, path: Path, line: int) -> tuple[Path, int]:
    """The file and face index fontconfig finds for `pattern`, if it is that family."""
    wanted = pattern.split(":")[0]
    result = subprocess.run(
        ["fc-match", "--format=%{file}|%{index}|%{family}", pattern], capture_output=True, text=True
    )
    file, _, rest = result.stdout.partition("|")
    index, _, families = rest.partition("|")
    if result.returncode != 0 or wanted not in families.split(","):
        raise BrochureError(path, line, f"font '{wanted}' is not installed; 'make system' installs it")
    return Path(file), int(index or 0)


class _TextByLanguage(HTMLParser):
    """The characters of a page's body, grouped by the language of the element they are in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.langs: list[tuple[str, str]] = []
        self.text: dict[str, set[str]] = defaultdict(set)
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        inherited = self.langs[-1][1] if self.langs else ""
        self.in_body = self.in_body or tag == "body"
        if tag not in VOID_ELEMENTS:
            self.langs.append((tag, dict(attrs).get("lang") or inherited))

    def handle_endtag(self, tag: str) -> None:
        while self.langs and self.langs.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.in_body and self.langs:
            self.text[self.langs[-1][1]].update(data)


VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})


def text_by_language(html: str) -> dict[str, str]:
    parser = _TextByLanguage()
    parser.feed(html)
    return {lang: "".join(sorted(chars)) for lang, chars in parser.text.items()}


def assign(fonts: FontSet, texts: dict[str, str]) -> dict[str, set[str]]:
    """Which characters each family sets: the first of the language's stack that has them."""
    chosen: dict[str, set[str]] = defaultdict(set)
    for lang, text in texts.items():
        wanted = {c for c in text + text.upper() + GENERATED if not c.isspace()} | {" ", "\u00a0"}
        for family in fonts.stack(lang):
            faces = fonts.family(family)
            found = covered(faces[0].path, faces[0].index, wanted)
            chosen[family] |= found
            wanted -= found
    return chosen


def web_fonts(fonts: FontSet, html: str, out: Path) -> list[WebFont]:
    """Every face the page needs, cut to the characters it sets in that face; the cuts are kept
    in the build cache of the output folder `out`."""
    chosen = assign(fonts, text_by_language(html))
    store = cache_folder(out) / FOLDER
    return [
        WebFont(face, characters, subset_woff2(face.path, face.index, characters, store))
        for face in fonts.faces
        if (characters := "".join(sorted(chosen.get(face.family, ()))))
    ]


def font_face_rules(fonts: list[WebFont]) -> str:
    """The stylesheet that loads `fonts`, kept beside them (FONTS_STYLESHEET)."""
    rules = [
        f'@font-face {{ font-family: "{font.face.family}"; font-weight: {font.face.weight}; '
        f"font-style: {font.face.style}; font-display: swap; "
        f'src: url("{font.face.file_name}") format("woff2"); '
        f"unicode-range: {unicode_range(font.characters)}; }}"
        for font in fonts
    ]
    return "\n".join(rules) + "\n"


def unicode_range(characters: str) -> str:
    """`U+20-22,U+41`: the code points of `characters`, consecutive ones merged."""
    points = enumerate(sorted({ord(c) for c in characters}))
    # In a run of consecutive code points, each one's distance from its position is the same.
    runs = [[point for _, point in run] for _, run in groupby(points, lambda pair: pair[1] - pair[0])]
    return ",".join(f"U+{run[0]:X}" if len(run) == 1 else f"U+{run[0]:X}-{run[-1]:X}" for run in runs)


def write_fonts(page_folder: Path, fonts: list[WebFont]) -> str:
    """The subsets and the stylesheet of their @font-face rules, in the page's webfonts/ (what
    did not change is left alone, a subset no longer used goes); the stylesheet's address."""
    folder = page_folder / FOLDER
    for font in fonts:
        write_if_changed(folder / font.face.file_name, font.data)
    write_if_changed(folder / FONTS_STYLESHEET, font_face_rules(fonts).encode("utf-8"))
    for stale in set(folder.glob("*.woff2")) - {folder / font.face.file_name for font in fonts}:
        stale.unlink()
    return f"{FOLDER}/{FONTS_STYLESHEET}"
