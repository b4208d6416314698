"""Controlled vocabularies: ISO 639-1 languages and ISO 3166 countries, from pycountry;
languages named in the interface's language by Babel."""

from functools import cache

import pycountry
from babel import Locale
from django.utils.translation import get_language


@cache
def language_choices() -> list[tuple[str, str]]:
    languages = [
        (language.alpha_2, language.name)
        for language in pycountry.languages
        if hasattr(language, "alpha_2")
    ]
    return sorted(languages, key=lambda pair: pair[1])


@cache
def country_choices() -> list[tuple[str, str]]:
    countries = [(country.alpha_2, country.name) for country in pycountry.countries]
    return sorted(countries, key=lambda pair: pair[1])


def is_language_code(code: str) -> bool:
    return code in dict(language_choices())


def is_country_code(code: str) -> bool:
    return code in dict(country_choices())


def language_name(code: str, interface: str | None = None) -> str:
    """A language's name in the interface's language (Babel's CLDR names), else its
    English name (pycountry), else its code."""
    interface = interface or get_language() or "en"
    if interface != "en":
        name = _locale(interface).languages.get(code)
        if name:
            return name[:1].upper() + name[1:]
    return dict(language_choices()).get(code, code)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)
