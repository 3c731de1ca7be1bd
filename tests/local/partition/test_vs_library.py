"""Differential test: the local partitioner against the library's stored output on the real corpus.

The corpus (``tests/local/partition/corpus``, origins in its SOURCES.md) holds real documents of
every type with the output of unstructured 0.27.35 (fast strategy) stored beside each, so this runs
without the library. Per type, the element-type sequence match and the word coverage must stay at
or above the floors measured when they were last raised: no type may get worse. Raise a floor when
a change improves a type (``python -m benchmarks.fidelity`` prints today's figures).
"""

from __future__ import annotations

import shutil

import pytest

from benchmarks.fidelity import KindScore, score_corpus

# type -> (type-sequence match, word coverage), as measured; a little slack for float noise only
FLOORS: dict[str, tuple[float, float]] = {
    "csv": (1.00, 1.000),
    "doc": (0.98, 1.000),
    "docx": (0.93, 1.000),
    "eml": (0.91, 1.000),
    "epub": (0.98, 1.000),
    "html": (0.95, 1.000),
    "json": (1.00, 1.000),
    "md": (0.97, 0.997),
    "msg": (1.00, 1.000),
    "odt": (1.00, 1.000),
    "org": (1.00, 1.000),
    "ppt": (1.00, 1.000),
    "pptx": (1.00, 1.000),
    "rst": (0.97, 1.000),
    "rtf": (1.00, 1.000),
    "tsv": (1.00, 1.000),
    "txt": (0.99, 1.000),
    "xls": (0.99, 0.999),
    "xlsx": (0.94, 1.000),
    "xml": (0.94, 1.000),
}
# these need LibreOffice; without soffice their files fail with the install message instead
NEEDS_SOFFICE = {"doc", "ppt"}
SLACK = 0.005
# ~20 s: LibreOffice and pandoc conversions of the corpus (run by the README's command, not the fast subset)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scores() -> dict[str, KindScore]:
    return score_corpus()


def test_every_type_in_the_corpus_has_a_floor(scores: dict[str, KindScore]) -> None:
    assert set(FLOORS) <= set(scores), sorted(set(FLOORS) - set(scores))


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_no_type_gets_worse_than_the_library(kind: str, scores: dict[str, KindScore]) -> None:
    if kind in NEEDS_SOFFICE and shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    score = scores[kind]
    type_floor, coverage_floor = FLOORS[kind]
    worst = sorted(score.documents, key=lambda d: d.type_match if d.type_match is not None else 1.0)[:3]
    detail = ", ".join(f"{d.name}={d.type_match}" for d in worst)
    assert score.type_match >= type_floor - SLACK, f"{kind} type match {score.type_match:.3f} < {type_floor} ({detail})"
    assert score.coverage >= coverage_floor - SLACK, f"{kind} word coverage {score.coverage:.4f} < {coverage_floor}"
