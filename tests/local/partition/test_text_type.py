"""The text heuristics against the library's own answers (unstructured 0.27.35 ``text_type``).

Every expected value below is what the library returned for the same text (its spaCy tokenizer,
sentence splitter and POS tagger, checked once with the reference venv), so these pin the rules
that were brought in line with it: the capital ratio counts only all-letter tokens as spaCy splits
them, all-caps text is "capitalized", modals are no verbs, Cyrillic capitals start sentences.
"""

from __future__ import annotations

import pytest

from unstructured_nb.local.partition._text_type import (
    exceeds_cap_ratio,
    is_possible_narrative_text,
    sentence_count,
    spacy_like_tokens,
)


@pytest.mark.parametrize(
    "text",
    [
        "Test OLE file, saved as Word 97-2003 Document.",  # 4 of 7 word tokens capitalized
        "DO NOT RE-WRAP THE FOLLOWING PARAGRAPH!",  # all caps
        "God /Guitar /Sandpaper /Typewriter /Finpaper /Pepper",  # "/Guitar" is one, non-letter token
        "...",  # no word at all
    ],
)
def test_exceeds_cap_ratio_as_the_library(text: str) -> None:
    assert exceeds_cap_ratio(text)


def test_ordinary_sentences_are_not_capitalized() -> None:
    assert not exceeds_cap_ratio("The board met in Paris on Monday.")


@pytest.mark.parametrize(
    ("text", "narrative"),
    [
        ("must, ", False),  # a modal is tagged MD, not a verb
        ("We will publish the results", True),
        ("Here's a transition:", True),  # 's is VBZ
        ("Click to edit Master text styles", True),
    ],
)
def test_verbs_as_the_tagger_finds_them(text: str, narrative: bool) -> None:
    assert is_possible_narrative_text(text) is narrative


def test_cyrillic_capitals_start_sentences() -> None:
    text = "Текущий год не принесет ничего хорошего. В первом квартале ВВП вырос на один процент."
    assert sentence_count(text, 3) == 2
    assert is_possible_narrative_text(text)


def test_spacy_like_tokens() -> None:
    assert spacy_like_tokens("/Earth /Wheel/Highway, don't stop.") == ["/Earth", "/Wheel", "Highway", "do", "n't", "stop"]
