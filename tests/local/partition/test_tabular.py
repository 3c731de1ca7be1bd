"""The delimiter sniffer counts only the candidates and still answers as the stdlib's csv.Sniffer."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from unstructured_nb.local.partition.tabular import sniff_delimiter

CORPUS = Path(__file__).parent / "corpus"


def _stdlib(text: str) -> str:
    lines = text[:64_000].splitlines()[:50]
    sample = "\n".join(lines[:-1] if len(lines) > 1 and len(text) > 64_000 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _sample(rng: random.Random) -> str:
    delimiter = rng.choice(",;\t| :")
    plain = ["a", "b c", "1.5", "Name", "2024-01-02", "x", "42", "long cell text", ""]
    odd = ["2,5", "x;y", "t\tu", "p|q", "a: b", '"q, r"']  # cells holding another candidate
    cells = plain + (odd if rng.random() < 0.3 else [])
    rows = []
    width = rng.randint(1, 6)
    regular = rng.uniform(0.6, 1.0)  # the share of rows of the usual width: the sniffer's consistency
    for _ in range(rng.randint(2, 40)):
        n = width if rng.random() < regular else rng.randint(0, width + 2)
        cell_sep = delimiter + (" " if rng.random() < 0.2 else "")
        rows.append(cell_sep.join(rng.choice(cells) for _ in range(n)))
    if rng.random() < 0.2:
        rows.insert(rng.randint(0, len(rows)), "")
    return "\n".join(rows)


@pytest.mark.slow  # thorough; the README's command runs it, the fast subset does not
def test_same_delimiter_as_the_stdlib_sniffer_on_generated_tables() -> None:
    rng = random.Random(5)
    answers = set()
    for _ in range(1000):
        text = _sample(rng)
        assert sniff_delimiter(text) == _stdlib(text), repr(text[:200])
        answers.add(_stdlib(text))
    assert {",", ";", "\t", "|"} <= answers  # every candidate was the answer somewhere


def test_same_delimiter_as_the_stdlib_sniffer_on_the_corpus() -> None:
    for path in sorted(CORPUS.glob("*/*")):
        if path.suffix in (".csv", ".tsv", ".txt", ".md"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert sniff_delimiter(text) == _stdlib(text), path.name
