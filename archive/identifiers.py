"""Standard identifiers: validation and normal forms for ISSN, ISBN, DOI and others."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentifierScheme(models.TextChoices):
    ISSN = "issn", "ISSN"
    ISBN = "isbn", "ISBN"
    DOI = "doi", "DOI"
    OTHER = "other", _("Other")


_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def normalise_issn(value: str) -> str:
    compact = re.sub(r"[\s\-\u2010-\u2015]", "", value).upper()
    if not re.fullmatch(r"\d{7}[\dX]", compact):
        raise ValueError(f"“{value}” is not an ISSN (eight characters, e.g. 2618-7159).")
    total = sum(
        int(digit) * weight for digit, weight in zip(compact[:7], range(8, 1, -1), strict=True)
    )
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if compact[7] != expected:
        raise ValueError(f"“{value}” is not a valid ISSN: its check digit should be {expected}.")
    return f"{compact[:4]}-{compact[4:]}"


def normalise_isbn(value: str) -> str:
    compact = re.sub(r"[\s\-\u2010-\u2015]", "", value).upper()
    if re.fullmatch(r"\d{9}[\dX]", compact):
        total = sum((10 if c == "X" else int(c)) * (10 - i) for i, c in enumerate(compact))
        valid = total % 11 == 0
    elif re.fullmatch(r"\d{13}", compact):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(compact))
        valid = total % 10 == 0
    else:
        raise ValueError(f"“{value}” is not an ISBN (10 or 13 digits).")
    if not valid:
        raise ValueError(f"“{value}” is not a valid ISBN: its check digit is wrong.")
    return compact


def normalise_doi(value: str) -> str:
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value.strip(), flags=re.IGNORECASE)
    if not _DOI.match(doi):
        raise ValueError(f"“{value}” is not a DOI (it should look like 10.1234/abcd).")
    return doi


def address_forms(url: str) -> set[str]:
    """The ways one web address is written: either scheme, with and without its final
    slash (``http://a.jp/x/`` and ``https://a.jp/x`` are one page)."""
    bare = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).rstrip("/")
    return {
        f"{scheme}{bare}{slash}" for scheme in ("https://", "http://") for slash in ("", "/")
    } | {url}


def validate_identifier(scheme: str, value: str) -> str:
    """The identifier in its normal form; ValueError with a readable message if invalid."""
    value = (value or "").strip()
    if not value:
        raise ValueError("An identifier needs a value.")
    if scheme == IdentifierScheme.ISSN:
        return normalise_issn(value)
    if scheme == IdentifierScheme.ISBN:
        return normalise_isbn(value)
    if scheme == IdentifierScheme.DOI:
        return normalise_doi(value)
    if scheme == IdentifierScheme.OTHER:
        return value
    raise ValueError(f"“{scheme}” is not a known identifier scheme.")
