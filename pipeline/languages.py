"""Turn source/languages.toml and fonts.toml into each language's typography: what the checks
expect of a translation, and the stylesheet rules (quotation marks, font stacks) that set it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BrochureError
from .files import read_toml
from .webfonts import FontSet


@dataclass(frozen=True, slots=True)
class QuoteStyle:
    marks: tuple[str, ...]  # outer opening and closing, inner opening and closing, as CSS sets them
    foreign: str  # marks that open or close other languages' quotations
    example: str


@dataclass(frozen=True, slots=True)
class Languages:
    quotes: dict[str, QuoteStyle]
    spaced_marks: dict[str, str]
    doubled_words: dict[str, frozenset[str]]
    length: dict[str, tuple[float, float]]
    min_source: int
    danda: frozenset[str]
    final_marks: dict[str, str]
    same_as_source: tuple[tuple[str, frozenset[str]], ...]


def read_languages(path: Path) -> Languages:
    text, data = read_toml(path, "what the checks know of each language")
    try:
        length = dict(data["length"])
        return Languages(
            quotes={
                code: QuoteStyle(tuple(style["marks"]), style["foreign"], style["example"])
                for code, style in data["quotes"].items()
            },
            spaced_marks=dict(data["spaced-marks"]),
            doubled_words={code: frozenset(words) for code, words in data["doubled-words"].items()},
            min_source=int(length.pop("min-source")),
            length={code: (float(low), float(high)) for code, (low, high) in length.items()},
            danda=frozenset(data["danda"]["languages"]),
            final_marks=dict(data["final-marks"]),
            same_as_source=tuple(
                (str(rule["pattern"]), frozenset(rule["locales"])) for rule in data["same-as-source"]
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BrochureError(
            path, 1, f"malformed table or value ({error}); see the comments in the file"
        ) from None


def stylesheet(languages: Languages, fonts: FontSet, *, font_files: bool) -> str:
    """Each language's quotation marks and font stack (--sans), from the data that the checks and
    the web fonts read too; with `font_files`, the @font-face rules of the faces shipped in source/
    (print loads them whole; web pages load WOFF2 subsets instead)."""
    rules = [
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
        f'font-style: {face.style}; src: url("{face.path.as_uri()}"); }}'
        for face in fonts.faces
        if font_files and face.shipped
    ]
    for code, stack in fonts.stacks.items():
        families = ", ".join(f'"{family}"' for family in stack)
        rules.append(f"{selector(code)} {{ --sans: {families}, sans-serif; }}")
    for code, style in languages.quotes.items():
        marks = " ".join(f'"{mark}"' for mark in style.marks)
        rules.append(f"{selector(code)} {{ quotes: {marks}; }}")
    return "\n".join(rules) + "\n"


def selector(code: str) -> str:
    """[lang] for the default, which every element that names a language gets; else :lang(zh)."""
    return "[lang]" if code == "default" else f":lang({code.replace('_', '-')})"
