"""Name handling for search and duplicate detection: normalising, tokens, a phonetic key, similarity.

Database-independent (Python, with rapidfuzz computing Jaro scores in C), so the same rules run on
SQLite and PostgreSQL and in the bench generator. The phonetic key is tuned to how Kenyan names
vary in writing: doubled letters (Kiptoo/Kipto), r and l (Wanjiru/Wanjilu), voiced and voiceless
pairs (Kibet/Kipet, Adhiambo/Atiambo), silent h after a consonant (Odhiambo/Odiambo), y as a vowel
(Nyambura/Niambura) and vowel drift (Wanjiku/Wanjiko). It only selects candidates; ranking uses ``similarity``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Jaro

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
    """Jaro-Winkler similarity of two strings, 0.0 (nothing alike) to 1.0 (equal): the Jaro part
    computed by rapidfuzz (in C: this runs for every candidate name of every search), Winkler's
    bonus for a common beginning (up to 4 letters) added here, whatever the Jaro score."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    return _winkler(a, b, Jaro.similarity(a, b))


def _winkler(a: str, b: str, jaro: float) -> float:
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


def similar_words(query: str, words: Sequence[tuple[str, str]], cutoff: float, limit: int) -> list[str]:
    """Of ``words`` (word, phonetic key), those other than ``query`` whose ``token_similarity`` to
    it is at least ``cutoff``, most similar first, at most ``limit``.

    Thousands of vocabulary words are compared per typed name, so the Jaro scores are computed in
    one rapidfuzz call (in C) with a cut-off no word reaching ``cutoff`` can be under (Winkler's
    bonus adds at most 0.4 of the remainder); only the words left are scored in full."""
    key = phonetic(query)
    floor = max((cutoff - 0.4) / 0.6, 0.0)
    likely = {
        index
        for _, _, index in process.extract(
            query, [word for word, _ in words], scorer=Jaro.similarity, score_cutoff=floor, limit=None
        )
    }
    scored = []
    for index, (word, word_key) in enumerate(words):
        if word == query or not (index in likely or word_key == key or word.startswith(query)):
            continue
        score = token_similarity(query, word)
        if score >= cutoff:
            scored.append((-score, word))
    scored.sort()
    return [word for _, word in scored[:limit]]


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
    # The names in the order written count for a little: "Mary Wanjiku" is closer to Mary Wanjiku
    # (1.0) than to Wanjiku Mary (0.99), which still beats any misspelling.
    score = sum(s for s, _ in best) / len(q) * 0.99
    positions = [idx for _, idx in best]
    if positions == sorted(positions):
        score += 0.01
    return round(min(score, 1.0), 4)
