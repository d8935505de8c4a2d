"""Turn source/languages.toml into what the checks expect of each language's typography and usage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BrochureError
from .files import read_toml


@dataclass(frozen=True, slots=True)
class QuoteStyle:
    opening: str
    closing: str
    foreign: str  # marks that open or close other languages' quotations
    example: str


@dataclass(frozen=True, slots=True)
class Languages:
    """source/languages.toml: what the checks expect of each language."""

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
            quotes={code: QuoteStyle(**style) for code, style in data["quotes"].items()},
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
