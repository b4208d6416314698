"""A document's date as its own text writes it near the top (a dateline: "Tokyo,
5 September 2018", "Москва, 5 сентября 2018 г.", "2018年9月5日", "令和三年十二月十日"), as
precise as it is written. A file's own timestamps are not the document's date: this is
read first."""

import datetime
import re
from dataclasses import dataclass

from dateparser.search import search_dates

from archive.dates import named_date

# Datelines stand at a document's head: a date further down is what it is about.
HEAD_CHARACTERS = 800
LANGUAGES = ["en", "ru", "ja"]
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")

# Japanese eras (gengō), by the year their first year fell in; 元年 is the first year.
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_KANJI_DIGITS = {digit: value for value, digit in enumerate("〇一二三四五六七八九")}
_NUMBER = r"[0-9〇一二三四五六七八九十]+|元"
_ERA_DATE = re.compile(
    rf"({'|'.join(ERAS)})\s*({_NUMBER})\s*年(?:\s*({_NUMBER})\s*月(?:\s*({_NUMBER})\s*日)?)?"
)


@dataclass(frozen=True)
class Dateline:
    day: datetime.date  # the first day of the period written
    precision: str  # "day" or "month"
    text: str  # as written


def _number(written: str) -> int:
    """ "12", "十二", "二十一", "元" (the first year of an era) as a number."""
    if written == "元":
        return 1
    if written.isdigit():
        return int(written)
    tens, _, units = written.partition("十")
    if "十" not in written:
        return int("".join(str(_KANJI_DIGITS[c]) for c in written))
    return (_KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (_KANJI_DIGITS[units] if units else 0)


def _era_date(head: str) -> Dateline | None:
    for match in _ERA_DATE.finditer(head):
        era, year, month, day = match.groups()
        if not month:
            continue  # a year alone is not a dateline
        try:
            found = datetime.date(
                ERAS[era] + _number(year) - 1, _number(month), _number(day) if day else 1
            )
        except (ValueError, KeyError):
            continue
        return Dateline(found, "day" if day else "month", match.group())
    return None


def dateline(text: str) -> Dateline | None:
    """The first date written with its year near the top of ``text``, or None."""
    head = text[:HEAD_CHARACTERS]
    era = _era_date(head)
    settings = {"REQUIRE_PARTS": ["year", "month"], "PREFER_DAY_OF_MONTH": "first"}
    found = search_dates(head, languages=LANGUAGES, settings=settings) or []
    for written, moment in found:
        if not _YEAR.search(written) or not 1800 <= moment.year <= 2100:
            continue
        if era is not None and head.find(era.text) < head.find(written):
            return era
        read = named_date(written)
        if read is None:
            continue
        return Dateline(read.value, read.precision, written.strip())
    return era
