"""Turn source/data.toml into facts, and facts into text for one locale with Babel's CLDR data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton, tokenize_pattern
from babel.lists import format_list
from babel.numbers import format_decimal

from .config import babel_locale, for_locale
from .errors import BrochureError, line_of
from .files import read_toml

BEFORE_COMMON_ERA = "BC"
ERA_WIDTHS = ("abbreviated", "wide", "narrow")
# CLDR's skeleton for a year with its era: "y G" (470 BC), "G y년" (기원전 470년), "Gy年".
YEAR_WITH_ERA = "Gy"
MEMBER_FORMAT = "{acronym} ({country})"


@dataclass(frozen=True, slots=True)
class Member:
    acronym: str
    territory: str


@dataclass(frozen=True, slots=True)
class Person:
    born: int
    died: int
    before_common_era: bool


@dataclass(frozen=True, slots=True)
class Facts:
    members: tuple[Member, ...]
    founding_agencies: int
    framework: datetime.date
    people: dict[str, Person]
    email: str
    website: str
    era_width: str
    era_widths: dict[str, str]
    member_formats: dict[str, str]

    def era_width_for(self, locale_code: str) -> str:
        """CLDR's width of era name that `locale_code`'s readers expect beside a year."""
        return for_locale(self.era_widths, locale_code, self.era_width)

    def member_format_for(self, locale_code: str) -> str:
        """How `locale_code` writes an agency with its country: 'ASI (Italy)', 'ASI（イタリア）'."""
        return for_locale(self.member_formats, locale_code, MEMBER_FORMAT)


@dataclass(frozen=True, slots=True)
class LocalFacts:
    """The facts as one locale writes them."""

    placeholders: dict[str, str]
    members: tuple[tuple[str, str], ...]
    life_years: dict[str, str]
    email: str
    website: str


def read_facts(path: Path) -> Facts:
    text, data = read_toml(path, "the brochure's facts")
    return _FactsReader(path, text, data).facts()


class _FactsReader:
    """Validate the TOML tables, pointing at the line of what is wrong."""

    def __init__(self, path: Path, text: str, data: dict[str, object]) -> None:
        self.path, self.text, self.data = path, text, data

    def fail(self, needle: str, message: str) -> BrochureError:
        return BrochureError(self.path, line_of(self.text, needle), message)

    def table(self, name: str, optional: bool = False) -> dict[str, Any]:
        """The table `name`; one that is missing is an error unless it is `optional`."""
        value = self.data.get(name, {} if optional else None)
        if not isinstance(value, dict):
            problem = f"[{name}] must be a table" if optional else f"missing table [{name}]"
            raise self.fail(f"[{name}", problem)
        return value

    def facts(self) -> Facts:
        dates, contact = self.table("dates"), self.table("contact")
        framework = dates.get("framework")
        if not isinstance(framework, datetime.date):
            raise self.fail("framework", "[dates] framework must be a date such as 2007-05-31")
        members = self.members()
        # History: how many agencies set up ISECG, which the member list today does not change.
        count = self.table("history").get("founding-agencies")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise self.fail(
                "founding-agencies", "[history] founding-agencies must be a whole number such as 14"
            )
        return Facts(
            members=members,
            founding_agencies=count,
            framework=framework,
            people={key: self.person(key, value) for key, value in self.table("people").items()},
            email=self.string(contact, "email"),
            website=self.string(contact, "website"),
            member_formats=self.member_formats(),
            **self.eras(),
        )

    def string(self, table: object, key: str) -> str:
        value = table.get(key) if isinstance(table, dict) else None
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"missing or empty field '{key}'")
        return value

    def member_formats(self) -> dict[str, str]:
        """[member-format]: per language, how an agency and its country are written together."""
        table = self.table("member-format", optional=True)
        for key, value in table.items():
            if not isinstance(value, str) or "{acronym}" not in value or "{country}" not in value:
                raise self.fail(f"{key} =", f"member-format {key} must contain {{acronym}} and {{country}}")
        return {str(key): str(value) for key, value in table.items()}

    def eras(self) -> dict[str, Any]:
        """[eras] width, and per-locale exceptions in [eras.locales]; each one of CLDR's widths."""
        table = self.table("eras", optional=True)
        width = table.get("width", "abbreviated")
        locales = table.get("locales", {})
        for value in (width, *(locales.values() if isinstance(locales, dict) else [None])):
            if value not in ERA_WIDTHS:
                raise self.fail("[eras", f"era widths are CLDR's: {', '.join(ERA_WIDTHS)}; not {value!r}")
        return {"era_width": width, "era_widths": {str(k): str(v) for k, v in locales.items()}}

    def members(self) -> tuple[Member, ...]:
        rows = self.data.get("members")
        if not isinstance(rows, list) or not rows:
            raise self.fail("members", "missing 'members', the list of member agencies")
        territories = Locale("en").territories
        members = []
        for row in rows:
            acronym, territory = self.string(row, "acronym"), self.string(row, "territory")
            if territory not in territories:
                raise self.fail(f'"{territory}"', f"unknown CLDR territory code '{territory}' for {acronym}")
            members.append(Member(acronym, territory))
        return tuple(members)

    def person(self, key: str, value: object) -> Person:
        header = f"[people.{key}]"
        if not isinstance(value, dict):
            raise self.fail(header, f"{header} must be a table")
        born, died, era = value.get("born"), value.get("died"), value.get("era", "")
        if not isinstance(born, int) or not isinstance(died, int):
            raise self.fail(header, f"{header} needs whole-number 'born' and 'died'")
        if era not in ("", BEFORE_COMMON_ERA):
            raise self.fail(header, f'era must be "{BEFORE_COMMON_ERA}" or absent')
        return Person(int(born), int(died), era == BEFORE_COMMON_ERA)


def localize(facts: Facts, locale_code: str) -> LocalFacts:
    locale = babel_locale(locale_code)
    members = tuple((m.acronym, locale.territories.get(m.territory, m.territory)) for m in facts.members)
    member = facts.member_format_for(locale_code)
    listed = format_list([member.format(acronym=a, country=c) for a, c in members], locale=locale)
    return LocalFacts(
        placeholders={
            "agency_count": format_decimal(len(facts.members), locale=locale),
            "founding_count": format_decimal(facts.founding_agencies, locale=locale),
            "members": listed,
            "framework_month": unbroken(format_skeleton("yMMMM", facts.framework, locale=locale)),
            "framework_date": unbroken(format_date(facts.framework, "long", locale=locale)),
        },
        members=members,
        life_years={
            key: life_years(person, locale, facts.era_width_for(locale_code))
            for key, person in facts.people.items()
        },
        email=facts.email,
        website=facts.website,
    )


def unbroken(text: str) -> str:
    """Text kept on one line, as typography wants a date ('31 mai 2007'): its spaces made no-break."""
    return text.replace(" ", "\N{NO-BREAK SPACE}")


def life_years(person: Person, locale: Locale, era_width: str) -> str:
    """'1857–1935', or years before the common era as CLDR writes a year with its era.

    Python's dates cannot hold them, so the span of years takes the place of the year in
    the locale's era-and-year pattern: '470–399 v. Chr.', '기원전 470–399년', '公元前470–399年'.
    """
    born, died = (format_decimal(year, format="#", locale=locale) for year in (person.born, person.died))
    span = f"{born}–{died}"
    if not person.before_common_era:
        return span
    fields = {"y": span, "G": locale.eras[era_width][0]}
    tokens = tokenize_pattern(locale.datetime_skeletons[YEAR_WITH_ERA].pattern)
    parts = [str(value) if kind == "chars" else fields.get(value[0], "") for kind, value in tokens]
    # One unit on the page: the era never ends up alone at the start of a line.
    return unbroken("".join(parts))
