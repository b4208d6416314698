"""How titles sort: a key kept with each document, compared as bytes.

Case, accents and width do not count (``Éclair`` sorts with ``eclair``, ``ﾗﾌﾞﾛﾌ`` with
``ラブロフ``), nor leading punctuation or an English article ("The Kuril question" under
K, "[Devised title]" under D). Scripts follow Unicode's order, as a library's catalogue
of the three languages files them: Latin, then Cyrillic, then kana and kanji. Keys are
cut at ``KEY_BYTES`` of UTF-8 (whose byte order is the code points' order); titles equal
that far keep the index's order.
"""

import re
import unicodedata

KEY_BYTES = 24
_LEADING = re.compile(r"^(?:\W|_)+")
_ARTICLE = re.compile(r"^(?:the|an?)\s+(?=\w)")


def title_sort_key(title: str) -> str:
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _ARTICLE.sub("", _LEADING.sub("", text))
    text = unicodedata.normalize("NFC", _LEADING.sub("", text))
    return text.encode("utf-8")[:KEY_BYTES].decode("utf-8", "ignore")
