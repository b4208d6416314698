"""Dates with a precision: parsing "YYYY[-MM[-DD]]" and showing only what is known."""

import datetime
import re
from dataclasses import dataclass
from functools import cache

from babel.dates import format_date, format_skeleton
from django.utils.translation import get_language, gettext

DAY, MONTH, YEAR, UNDATED = "day", "month", "year", "undated"
# Babel's locale for each interface language: British English writes the day first.
_LOCALES = {"en": "en_GB", "ru": "ru", "ja": "ja"}

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class InvalidPartialDate(ValueError):
    """A date string that is not YYYY, YYYY-MM or YYYY-MM-DD, or names no real day."""


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month, a year, or not at all.

    ``value`` is the first day of the known period (or None), which keeps sorting and
    range filters simple while ``precision`` says how much of it is real.
    """

    value: datetime.date | None
    precision: str

    @classmethod
    def parse(cls, text: str | None) -> "PartialDate":
        if text is None or str(text).strip() == "":
            return cls(None, UNDATED)
        match = _PARTIAL_DATE.match(str(text).strip())
        if not match:
            raise InvalidPartialDate(
                gettext("“%(text)s” is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD")
                % {"text": text}
            )
        year, month, day = match.groups()
        try:
            value = datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError as error:
            raise InvalidPartialDate(
                gettext("“%(text)s” is not a real date (%(reason)s)")
                % {"text": text, "reason": _date_error(error)}
            ) from None
        precision = DAY if day else MONTH if month else YEAR
        return cls(value, precision)

    @classmethod
    def read_typed(cls, text: str | None) -> "PartialDate":
        """A date as people of the three languages type one: ``2021-11-22``,
        ``21.11.2021``, ``2021/11/22``, ``2021年11月``, ``Nov 2021``, ``22 ноября 2021``;
        as precise as it is written. Raises InvalidPartialDate, saying what is accepted."""
        text = (text or "").strip()
        if not text:
            return cls(None, UNDATED)
        if _PARTIAL_DATE.match(text):
            return cls.parse(text)
        iso = _numeric_iso(text)
        if iso is not None:
            try:
                return cls.parse(iso)
            except InvalidPartialDate as error:  # 31.02.2021: said as it was typed
                raise InvalidPartialDate(str(error).replace(iso, text)) from None
        named = named_date(text)
        if named is not None:
            return named
        else:
            raise InvalidPartialDate(
                gettext(
                    "“%(text)s” is not a date we can read: write it as 2021-11-22, "
                    "22.11.2021, November 2021 or 2021"
                )
                % {"text": text}
            )

    def iso(self) -> str:
        """The date as far as it is known: "2021-11-22", "2021-11", "2021" or ""."""
        if self.value is None:
            return ""
        return {
            DAY: self.value.isoformat(),
            MONTH: self.value.strftime("%Y-%m"),
            YEAR: str(self.value.year),
        }[self.precision]

    def display(self, language: str | None = None) -> str:
        """Human form in the interface's language (or ``language``), as precise as the
        date is known: "22 November 2021" / "22 ноября 2021 г." / "2021年11月22日";
        "November 2021" / "ноябрь 2021 г." / "2021年11月"; the year; "undated"."""
        if self.value is None:
            return gettext("undated")
        locale = _LOCALES.get(language or get_language() or "en", "en_GB")
        if self.precision == DAY:
            return format_date(self.value, "long", locale=locale)
        if self.precision == MONTH:
            return format_skeleton("yMMMM", self.value, locale=locale)
        return format_skeleton("y", self.value, locale=locale)


def display_day(value: datetime.date) -> str:
    """A day as the interface's language writes one ("22 ноября 2021 г.")."""
    return PartialDate(value, DAY).display()


def _date_error(error: ValueError) -> str:
    """Python's reason a date does not exist, in the interface's language."""
    reasons = {
        "month must be in 1..12": gettext("month must be in 1..12"),
        "day is out of range for month": gettext("day is out of range for month"),
        "year 0 is out of range": gettext("year 0 is out of range"),
    }
    return reasons.get(str(error), str(error))


def normalise(value: datetime.date | None, precision: str) -> datetime.date | None:
    """The first day of the period a precision keeps, so equal periods compare equal."""
    if value is None or precision == UNDATED:
        return None
    if precision == YEAR:
        return value.replace(month=1, day=1)
    if precision == MONTH:
        return value.replace(day=1)
    return value


# Numeric forms: year first with slashes or dots, day first with dots (as Russian and
# British writers do), Japanese with 年月日.
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$")
_DAY_FIRST = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$")
_JAPANESE = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$")


def _iso_parts(year: str, month: str | None, day: str | None) -> str:
    parts = [year] + [f"{int(part):02d}" for part in (month, day) if part]
    return "-".join(parts)


def _numeric_iso(text: str) -> str | None:
    compact = re.sub(r"\s+", "", text)
    for pattern, order in ((_YEAR_FIRST, "ymd"), (_JAPANESE, "ymd"), (_DAY_FIRST, "dmy")):
        match = pattern.match(compact)
        if match:
            if order == "ymd":
                return _iso_parts(*match.groups())
            day, month, year = match.groups()
            return _iso_parts(year, month, day)
    return None


@cache
def _named_date_parser():
    from dateparser.date import DateDataParser  # a second to load: only when needed

    return DateDataParser(
        languages=["en", "ru", "ja"], settings={"REQUIRE_PARTS": ["year", "month"]}
    )


def named_date(text: str) -> PartialDate | None:
    """A date written with its month's name, in English, Russian or Japanese ("Nov 2021",
    "22 ноября 2021", "2018年9月5日"), as precise as it is written; None if it is none.
    The search form and capture's datelines read dates through this one parser."""
    if not re.search(r"\d{4}", text):
        return None
    parsed = _named_date_parser().get_date_data(text)
    if parsed.date_obj is None:
        return None
    day = parsed.date_obj.date()
    if parsed.period == "day":
        return PartialDate(day, DAY)
    return PartialDate(day.replace(day=1), MONTH)
