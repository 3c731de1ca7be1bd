"""_text_type's ASCII fast paths (str.translate) agree with the regexes they stand for."""

from __future__ import annotations

import random

import pytest

from unstructured_nb.local.partition import _text_type as tt


def _texts() -> list[str]:
    rng = random.Random(3)
    alphabet = [chr(i) for i in range(128)] + ["The ", "is ", "walked ", ". ", "Report ", "x_y ", "RUNNING "]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]


def test_ascii_translate_tables_match_the_regexes() -> None:
    for text in _texts():
        assert text.translate(tt._ASCII_PUNCT) == tt._PUNCT.sub("", text)
        assert len(text.translate(tt._ASCII_NOT_LETTER)) == len(tt._NOT_LETTER.sub("", text))


def test_non_ascii_text_takes_the_regex_path() -> None:
    assert tt._without_punctuation("café, «déjà»!") == "café déjà"
    assert not tt.under_non_alpha_ratio("Ærø og Ålborg")
    assert tt.under_non_alpha_ratio("§§ 12.3 — 45 ½")


def test_checks_in_any_order_give_the_library_answers() -> None:
    assert tt.classify("The committee approved the budget for next year.") == (
        "NarrativeText",
        "The committee approved the budget for next year.",
    )
    assert tt.classify("Quarterly Results")[0] == "Title"
    # all capitals exceeds the capital ratio (the library's rule), as do mostly capitalized words
    assert tt.classify("THE COMMITTEE APPROVED THE BUDGET.")[0] == "UncategorizedText"
    assert tt.classify("Annual Report Of The Board Was Approved")[0] == "Title"
    # mostly digits: not narrative although it has a verb
    assert tt.classify("12 34 56 is 78")[0] == "UncategorizedText"
    assert tt.contains_verb("Le conseil a approuvé le budget", "fra")
    assert not tt.contains_verb("RELATED WORK")


@pytest.mark.slow  # thorough; the README's command runs it, the fast subset does not
def test_an_alphabetic_chunk_is_its_own_token() -> None:
    # spacy_like_tokens skips its regexes for chunks that are all letters: none of them can
    # change such a chunk (checked for every letter of Unicode, at the start, end and middle)
    patterns = (tt._SPACY_PREFIX, tt._SPACY_SUFFIX, tt._SPACY_CLITIC, tt._SPACY_INFIX)
    for c in map(chr, range(0x110000)):
        if c.isalpha():
            word = "ab" + c + "cd"
            for chunk in (c, c + "ab", "ab" + c, word):
                assert not any(p.search(chunk) for p in patterns), (hex(ord(c)), chunk)


def test_an_alphanumeric_first_or_last_character_is_no_prefix_or_suffix() -> None:
    # spacy_like_tokens skips the prefix (suffix) regex when a chunk starts (ends) alphanumeric
    for c in map(chr, range(0x110000)):
        if c.isalnum():
            assert tt._SPACY_PREFIX.match(c + "x.") is None, hex(ord(c))
            assert tt._SPACY_SUFFIX.search(",x" + c) is None, hex(ord(c))
