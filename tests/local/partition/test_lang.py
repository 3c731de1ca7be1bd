"""Language detection: English is ``eng`` (short ASCII text too, as the library), other languages still found."""

from __future__ import annotations

import pytest

from unstructured_nb.local.partition._lang import detect_languages


@pytest.mark.parametrize(
    "text",
    [
        "Foo Bar Baz Zoo a b c yahoo.com abc",  # python-pptx's test deck: was tagged por
        "Test",
        "a) first option b) second option c) third option e) fifth o) other",
        "The licence is granted to you on the terms below, and the notice must be kept in every copy.",
    ],
)
def test_english_is_eng(text: str) -> None:
    assert detect_languages(text) == ["eng"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Le conseil a approuvé le budget et les résultats de la société sont en hausse pour cette année.", "fra"),
        ("Der Vorstand hat das Budget genehmigt und die Ergebnisse sind in diesem Jahr gestiegen.", "deu"),
        ("Налогоплательщик! Информируем Вас об имеющейся задолженности.", "rus"),
    ],
)
def test_other_languages_still_found(text: str, code: str) -> None:
    assert detect_languages(text) == [code]


def test_fast_letter_runs_and_latin_count_equal_the_regexes() -> None:
    import random

    from unstructured_nb.local.partition import _lang

    rng = random.Random(7)
    alphabet = (
        "abcXYZ019_ -.,;:!?'\"()\n\t"  # ASCII letters, digits, punctuation, space
        "éÀÿĀžƏɏ×÷ß"  # Latin-1 Supplement and Extended (the multiplication and division signs are in the regex range)
        "абвЖ中文日本語かなعربي한국어ไทย"  # other scripts
        "²³½①\u00a0\u2003\u3000\u0301\u200d\U0001f600\U0001f1eb"  # superscripts, fractions, odd spaces, marks, emoji
        "\ud800\udfff"  # lone surrogates (bytes decoded with surrogateescape/pass can hold them)
    )
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        lowered = text.lower()
        assert _lang._letter_runs(lowered) == _lang._WORD.findall(lowered), repr(text)
        non_ascii = "".join(set(_lang._NON_ASCII.findall(text)))
        assert _lang._latin_letters(text, non_ascii) == len(_lang._LATIN_LETTER.findall(text)), repr(text)
