"""Keys that the usual ways of writing one name share.

``spelling_key``: a name in Latin letters (Cyrillic romanized first) folded so that
BGN/PCGN, ISO 9 / GOST 7.79, scholarly, ALA-LC and passport romanizations of Russian
agree (Lavrov, Lavrow; Shoigu, Šojgu, Шойгу; Khabarovsk, Habarovsk), and so do Hepburn,
Kunrei and Russian's Polivanov system for Japanese (Kishida, Kisida, Кисида; Kōzuki,
Kouzuki, Kozuki, Кодзуки).

``skeleton``: a spelling key's consonants, with the pairs katakana does not tell apart
merged (l/r, b/v/f/w/p, d/t, z/s), an initial vowel marked, the first a, e or i and a
final a or e kept, because katakana adds u or o after consonants (Lavrov → ラブロフ
raburofu, both "arbrb"; Ivanov "_abnb" but Ivanova "_abnba").
"""

import re
import unicodedata

MIN_KEY = 3  # letters: a shorter word (a initial, "Li") is matched by its spelling only
MIN_SKELETON = 3  # consonants: a shorter skeleton would match too much

# Russian letters as BGN/PCGN writes them (ё as e; й as i), before folding.
_CYRILLIC = {
    **dict(zip("абвгдезийклмнопрстуфыэі", "abvgdeziiklmnoprstufyei", strict=True)),
    **{"ё": "yo", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
    **{"ъ": "", "ь": "", "ю": "yu", "я": "ya"},
}
# Letters with a háček or circumflex in ISO 9 and scholarly romanization.
_MARKED = {"š": "sh", "č": "ch", "ž": "zh", "ŝ": "shch", "ĉ": "ch", "ẑ": "zh", "ß": "ss"}
_FOLDS = [
    (re.compile(r"shch|sch"), "sh"),
    (re.compile(r"tch"), "ch"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"dz"), "z"),
    (re.compile(r"ts(?=u)"), "t"),  # Hepburn tsu, Kunrei tu
    (re.compile(r"(?<![aeiou])ye|^ye"), "e"),  # Yeltsin, Eltsin
    (re.compile(r"c(?!h)"), "ts"),  # ISO 9 c is ц
    (re.compile(r"(sh|ch|zh|j)(?=[aeouy])"), r"\1i"),  # sha/sya/ся, cha/tya/тя
    (re.compile(r"sh"), "s"),
    (re.compile(r"zh"), "z"),  # ж as Japanese ジ (Brezhnev, ブレジネフ)
    (re.compile(r"ch"), "t"),
    (re.compile(r"j(?=i)"), "z"),  # Hepburn ji, Kunrei zi
    (re.compile(r"hu"), "fu"),
    (re.compile(r"m(?=[bp])"), "n"),  # Shimbun, Shinbun
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"ou|oh(?![aeiou])"), "o"),  # long vowels: Kouzuki, Kohzuki, Kōzuki
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters and long vowels
    # ё as e or yo (Gorbachev, Горбачёв; Pyotr, Пётр; Yoshihide, Ёсихидэ): io and ie as e.
    (re.compile(r"i[oe]"), "e"),
    (re.compile(r"([a-z])\1+"), r"\1"),
]
_NOT_LETTER = re.compile(r"[^a-z]")
_SKELETON_MERGES = str.maketrans("lvfwpdz", "rbbbbts")
_VOWELS = re.compile(r"[aeiou]")
_FIRST_OWN_VOWEL = re.compile(r"[aei]")


def romanized(word: str) -> str:
    """A word in lower-case Latin letters: Cyrillic romanized, marks taken off."""
    word = word.casefold()
    word = "".join(_CYRILLIC.get(char, _MARKED.get(char, char)) for char in word)
    word = unicodedata.normalize("NFKD", word)
    return "".join(char for char in word if not unicodedata.combining(char))


def spelling_key(word: str) -> str:
    """The key a name's spellings in Latin and Cyrillic letters share; "" when the word
    is too short to be told apart or has no letters of either."""
    key = _NOT_LETTER.sub("", romanized(word))
    for pattern, replacement in _FOLDS:
        key = pattern.sub(replacement, key)
    return key if len(key) >= MIN_KEY else ""


def skeleton(key: str) -> str:
    """A spelling key's consonants as katakana keeps them apart; "" when too few."""
    # A final g is said k (Yekaterinburg, エカテリンブルク).
    merged = re.sub(r"g(?=[uo]?$)", "k", key.replace("ts", "t")).translate(_SKELETON_MERGES)
    initial = "_" if merged[:1] in ("a", "e", "i", "o", "u") else ""
    # A final a or e is the name's own (Ivanova); a final i is often katakana's reading
    # of a soft consonant (Igor, イーゴリ), so it is not kept.
    final = merged[-1] if merged and merged[-1] in "ae" else ""
    consonants = re.sub(r"(.)\1+", r"\1", _VOWELS.sub("", merged))
    # An initial vowel tells a short name apart (Oleg, オレグ; Adam, アダム).
    enough = len(consonants) >= (MIN_SKELETON - 1 if initial else MIN_SKELETON)
    # The first a, e or i: katakana's added vowels are u and o, so it keeps the name's
    # own (Lavrov and ラブロフ have a; Lovilivi, "rbrb" as well, has i).
    first = _FIRST_OWN_VOWEL.search(merged)
    signature = first.group() if first else ""
    return f"{initial}{signature}{consonants}{final}" if enough else ""
