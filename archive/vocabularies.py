"""Controlled vocabularies: ISO 639-1 languages and ISO 3166 countries, from pycountry."""

from functools import cache

import pycountry


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


def language_name(code: str) -> str:
    return dict(language_choices()).get(code, code)
