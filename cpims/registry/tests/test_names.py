"""Name normalising, phonetic keys and similarity: the rules search and duplicate detection share."""

from __future__ import annotations

import pytest

from cpims.registry import names


def test_normalise_drops_accents_apostrophes_and_case() -> None:
    assert names.normalise("Ng'ang'a") == "nganga"
    assert names.normalise("  WANJIRŨ-Kamau ") == "wanjiru kamau"
    assert names.tokens("Mary Wanjiku", None, "Kamau", "wanjiku") == ["mary", "wanjiku", "kamau"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wanjiku", "Wanjiko"),
        ("Wanjiru", "Wanjilu"),
        ("Odhiambo", "Odiambo"),
        ("Kiptoo", "Kipto"),
        ("Kibet", "Kipet"),
        ("Nyambura", "Niambura"),
        ("Chepkoech", "Chepkoec"),
        ("Njoroge", "Njoroghe"),
    ],
)
def test_common_spelling_variants_share_a_phonetic_key(a: str, b: str) -> None:
    assert names.phonetic(a) == names.phonetic(b)


def test_different_names_have_different_keys() -> None:
    assert names.phonetic("Kamau") != names.phonetic("Otieno")
    assert names.phonetic("Otieno") != names.phonetic("Atieno")


def test_similarity_ignores_order_and_rewards_prefixes() -> None:
    assert names.similarity(["kamau", "wanjiku"], ["wanjiku", "kamau"]) >= 0.99
    assert names.similarity(["wanj"], ["wanjiku", "kamau"]) > 0.85
    assert names.similarity(["wanjiko", "kamau"], ["wanjiku", "kamau"]) > 0.9
    assert names.similarity(["otieno"], ["wanjiku", "kamau"]) < 0.6
