"""Language detection: English is ``eng`` (short ASCII text too, as the library), other languages still found."""

from __future__ import annotations

import re
from typing import Any

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
        encoded = text.encode("utf-8", "surrogatepass")
        assert _lang._LATIN_LETTERS.count(encoded) == len(re.findall(r"[A-Za-z\u00c0-\u024f]", text)), repr(text)


# the regexes the UTF-8 counters replace (the old code: len(pattern.findall(text)))
_SCRIPT_REGEXES = {
    "jpn": r"[\u3040-\u30ff]",
    "kor": r"[\uac00-\ud7af\u1100-\u11ff]",
    "zho": r"[\u4e00-\u9fff]",
    "rus": r"[\u0400-\u04ff]",
    "ell": r"[\u0370-\u03ff]",
    "ara": r"[\u0600-\u06ff]",
    "heb": r"[\u0590-\u05ff]",
    "hin": r"[\u0900-\u097f]",
    "tha": r"[\u0e00-\u0e7f]",
    "latin": r"[A-Za-z\u00c0-\u024f]",
}


def _counters() -> dict[str, Any]:
    from unstructured_nb.local.partition import _lang

    return {**dict(_lang._SCRIPTS), "latin": _lang._LATIN_LETTERS}


@pytest.mark.slow
def test_utf8_counters_count_every_code_point_as_the_regexes() -> None:
    # every code point, surrogates included (surrogatepass), each counted alone in blocks of 64
    # (a block's count is the sum of its characters', so each block compares 64 verdicts at once,
    # and every character also alone where the block is mixed)
    counters = _counters()
    for name, pattern in _SCRIPT_REGEXES.items():
        regex, counter = re.compile(pattern), counters[name]
        for start in range(0, 0x110000, 64):
            block = "".join(map(chr, range(start, start + 64)))
            expected = len(regex.findall(block))
            assert counter.count(block.encode("utf-8", "surrogatepass")) == expected, (name, hex(start))
            if expected and expected != 64:
                for ch in block:
                    assert counter.count(ch.encode("utf-8", "surrogatepass")) == len(regex.findall(ch)), (name, hex(ord(ch)))
            if expected and name != "latin":  # present() is for the non-ASCII scripts
                assert counter.present(block.encode("utf-8", "surrogatepass")), (name, hex(start))


def test_utf8_counters_on_random_mixed_text() -> None:
    import random

    rng = random.Random(11)
    counters = _counters()
    # characters around every range's ends, and others
    edges = [0x41, 0x5A, 0x61, 0x7A, 0xBF, 0xC0, 0xD7, 0xF7, 0x24F, 0x250, 0x36F, 0x370, 0x3FF, 0x400, 0x4FF, 0x500]
    edges += [0x58F, 0x590, 0x5FF, 0x600, 0x6FF, 0x700, 0x8FF, 0x900, 0x97F, 0x980, 0xDFF, 0xE00, 0xE7F, 0xE80]
    edges += [0x10FF, 0x1100, 0x11FF, 0x1200, 0x303F, 0x3040, 0x30FF, 0x3100, 0x4DFF, 0x4E00, 0x9FFF, 0xA000]
    edges += [0xABFF, 0xAC00, 0xD7AF, 0xD7B0, 0xD800, 0xDFFF, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF]
    alphabet = [chr(c + d) for c in edges for d in (-1, 0, 1) if 0 <= c + d <= 0x10FFFF] + list("abc .,\n")
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        encoded = text.encode("utf-8", "surrogatepass")
        for name, pattern in _SCRIPT_REGEXES.items():
            expected = len(re.findall(pattern, text))
            assert counters[name].count(encoded) == expected, (name, text)
            if name != "latin" and not counters[name].present(encoded):
                assert expected == 0, (name, text)


def _reference_stopword_vote(text: str) -> list[str]:
    """The stopword vote word by word, as first written (regex words, a Counter per language)."""
    from collections import Counter

    from unstructured_nb.local.partition import _lang

    counts: Counter[str] = Counter()
    for word in re.findall(r"[^\W\d_]+", text[: _lang._SAMPLE_CHARS].lower()):
        if len(word) >= 2:
            for code, words in _lang._STOPWORDS.items():
                if word in words:
                    counts[code] += 1
    if not counts:
        return ["eng"]
    code, hits = counts.most_common(1)[0]
    if hits < 2 or (code != "eng" and (hits < 3 or hits <= counts.get("eng", 0))):
        return ["eng"]
    return [code]


def test_stopword_vote_equals_the_word_by_word_count_ties_included() -> None:
    import random

    from unstructured_nb.local.partition import _lang

    rng = random.Random(5)
    # few words, many shared between languages ("de", "la", "en", "die", "que"...): ties are common
    vocabulary = [*sorted({w for words in _lang._STOPWORDS.values() for w in words}), "data", "x", "été", "Über"]
    for _ in range(3000):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(5, 14))]
        text = rng.choice([" ", ", ", "\n"]).join(words)
        assert detect_languages(text) == _reference_stopword_vote(text), text
