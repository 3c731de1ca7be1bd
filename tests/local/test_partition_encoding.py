"""Text that is not UTF-8: the declared encoding first, then a guess that reads like text."""

from __future__ import annotations

import pytest

from unstructured_nb.local.partition._common import decode_text

CASES = [
    ("French, Latin-1", "La crème brûlée était délicieuse.", "latin-1"),
    ("one word", "crème", "latin-1"),
    ("German", "Grüße aus München, schöne Straße.", "cp1252"),
    ("Polish", "Zażółć gęślą jaźń. Łódź jest pięknym miastem, które lubię.", "cp1250"),
    ("Czech", "Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
    ("Russian", "Привет, как дела? Это тестовый текст на русском языке.", "cp1251"),
    ("Russian, KOI8-R", "Привет, как дела? Это тестовый текст.", "koi8_r"),
    ("Greek", "Καλημέρα κόσμε, αυτό είναι ένα κείμενο.", "cp1253"),
    ("typography", "Price: 5 € – “quoted” text…", "cp1252"),
]


@pytest.mark.parametrize(("label", "text", "codec"), CASES, ids=[c[0] for c in CASES])
def test_legacy_encodings_are_guessed_with_a_warning(label: str, text: str, codec: str) -> None:
    decoded, warnings = decode_text(text.encode(codec), None, "notes.txt")
    assert decoded == text
    assert len(warnings) == 1 and "notes.txt is not valid utf-8" in warnings[0]


def test_the_declared_encoding_wins_without_a_warning() -> None:
    data = "Příliš žluťoučký kůň".encode("cp1250")
    assert decode_text(data, "cp1250", "a.txt") == ("Příliš žluťoučký kůň", [])


def test_utf8_and_boms_are_read_as_such() -> None:
    assert decode_text("naïve".encode(), None, "a.txt") == ("naïve", [])
    assert decode_text("\ufeffnaïve".encode("utf-8"), None, "a.txt") == ("naïve", [])
    assert decode_text("naïve".encode("utf-16"), None, "a.txt") == ("naïve", [])
