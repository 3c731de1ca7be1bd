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
