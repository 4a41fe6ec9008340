"""Name handling for search and duplicate detection: normalising, tokens, a phonetic key, similarity.

Pure Python and database-independent, so the same rules run on SQLite and PostgreSQL and in the
bench generator. The phonetic key is tuned to how Kenyan names vary in writing: doubled letters
(Kiptoo/Kipto), r and l (Wanjiru/Wanjilu), voiced and voiceless pairs (Kibet/Kipet, Adhiambo /
Atiambo), silent h after a consonant (Odhiambo/Odiambo), y as a vowel (Nyambura/Niambura) and
vowel drift (Wanjiku/Wanjiko). It only selects candidates; ranking uses ``similarity``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Tokens are stored and indexed up to this length (longer names are cut, consistently).
TOKEN_MAX = 40
KEY_MAX = 8

_NON_LETTERS = re.compile(r"[^a-z]+")
_VOWELS = frozenset("aeiouy")
# Consonant classes: letters that Kenyan spellings swap for each other share a class.
_CLASS = {
    "b": "B",
    "p": "B",
    "f": "B",
    "v": "B",
    "c": "K",
    "k": "K",
    "q": "K",
    "g": "K",
    "x": "K",
    "d": "T",
    "t": "T",
    "j": "J",
    "s": "S",
    "z": "S",
    "l": "R",
    "r": "R",
    "m": "M",
    "n": "N",
    "w": "W",
}
_DIGRAPHS = (("sh", "s"), ("ch", "c"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("gh", "g"), ("ng", "n"))


def normalise(text: str) -> str:
    """Lower case ASCII letters and single spaces: accents dropped, apostrophes and hyphens removed.

    "Ng'ang'a" -> "nganga"; "Jean-Baptiste" -> "jean baptiste"; "Wanjirũ" -> "wanjiru".
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("’", "").replace("`", "")
    return " ".join(_NON_LETTERS.sub(" ", text).split())


def tokens(*parts: str | None) -> list[str]:
    """The distinct name tokens of the given name parts, in order, each cut to ``TOKEN_MAX``."""
    out: list[str] = []
    for part in parts:
        for token in normalise(part or "").split():
            token = token[:TOKEN_MAX]
            if token not in out:
                out.append(token)
    return out


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """A coarse sound key for one normalised token (see the module docstring)."""
    word = normalise(token).replace(" ", "")
    if not word:
        return ""
    for digraph, single in _DIGRAPHS:
        word = word.replace(digraph, single)
    first = word[0]
    key = [first.upper() if first in _VOWELS else _CLASS.get(first, first.upper())]
    last = key[0] if first not in _VOWELS else ""
    for ch in word[1:]:
        if ch in _VOWELS or ch == "h":
            last = ""  # a vowel separates repeated consonants: "Kamama" keeps both m's
            continue
        cls = _CLASS.get(ch, ch.upper())
        if cls != last:
            key.append(cls)
        last = cls
        if len(key) >= KEY_MAX:
            break
    return "".join(key)


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two strings, 0.0 (nothing alike) to 1.0 (equal)."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_flags = [False] * len(a)
    b_flags = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(i + window + 1, len(b))
        for j in range(lo, hi):
            if not b_flags[j] and b[j] == ch:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i, ch in enumerate(a):
        if a_flags[i]:
            while not b_flags[j]:
                j += 1
            if ch != b[j]:
                transpositions += 1
            j += 1
    m = float(matches)
    jaro = (m / len(a) + m / len(b) + (m - transpositions / 2) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def token_similarity(query: str, candidate: str) -> float:
    """How well one query token matches one name token; a typed prefix counts as a good match."""
    if query == candidate:
        return 1.0
    score = jaro_winkler(query, candidate)
    if len(query) >= 2 and candidate.startswith(query):
        score = max(score, 0.85 + 0.1 * len(query) / len(candidate))
    if phonetic(query) == phonetic(candidate):
        score = max(score, 0.86)
    return min(score, 0.99)


def similarity(query_tokens: Iterable[str], name_tokens: Iterable[str]) -> float:
    """How well a whole query matches a person's names, in any order: the mean of each query
    token's best match, with a small bonus when the names are in the same order."""
    q = list(query_tokens)
    n = list(name_tokens)
    if not q or not n:
        return 0.0
    best: list[tuple[float, int]] = []
    for token in q:
        scored = [(token_similarity(token, name), idx) for idx, name in enumerate(n)]
        best.append(max(scored))
    score = sum(s for s, _ in best) / len(q)
    positions = [idx for _, idx in best]
    if len(positions) > 1 and positions == sorted(positions):
        score += 0.01
    return round(min(score, 1.0), 4)
