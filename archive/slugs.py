"""Entry addresses in Latin letters: a title in any script becomes a short, readable slug
(Japanese read in Hepburn romanization by pykakasi's dictionary, every other script
transliterated by anyascii), so that a permalink printed in a citation is never a string
of percent escapes."""

import re
from functools import cache

from anyascii import anyascii
from django.utils.text import slugify

from archive.search import kakasi

MAX_LENGTH = 100
# Runs of Japanese: kanji, hiragana, katakana (full and half width), the prolonged mark.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]+")


@cache
def _reader():
    return kakasi()


def _romanized(run: str) -> str:
    return " ".join(part["hepburn"] for part in _reader().convert(run) if part["hepburn"])


def latin_slug(title: str) -> str:
    """``"ラブロフ外相、岸田首相と会談"`` → ``"raburofu-gaishou-kishida-shushou-to-kaidan"``;
    ``"Южно-Сахалинск"`` → ``"yuzhno-sakhalinsk"``; at most ``MAX_LENGTH`` characters, cut
    at a word; "" when nothing is left."""
    words = re.sub(r"[\u2010-\u2015/]", "-", title)
    words = _JAPANESE.sub(lambda run: f" {_romanized(run.group())} ", words)
    slug = slugify(anyascii(words))
    if len(slug) > MAX_LENGTH:
        slug = slug[:MAX_LENGTH].rsplit("-", 1)[0]
    return slug.strip("-")
