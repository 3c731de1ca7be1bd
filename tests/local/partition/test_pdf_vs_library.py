"""PDF against the library's stored fast-strategy output on the real PDF corpus (pdf_corpus/SOURCES.md).

Per document: the element-type sequence match (difflib ratio) and the word coverage must stay at or
above the floors measured when they were last raised, and the boxes of elements found in both
(same page, same text) must agree with the library's within 2 points. ``python -m
benchmarks.bench_pdf`` prints today's figures; raise a floor when a change improves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_pdf import corpus, ours, reference, score

# name -> (type-sequence match, word coverage) as measured with pdfminer's layout (0.005 slack below)
FLOORS: dict[str, tuple[float, float]] = {
    "amsldoc-p1-8.pdf": (0.893, 0.9975),
    "campaign_donors.pdf": (1.0, 1.0),
    "census-12s0324.pdf": (0.975, 1.0),
    "clsguide-p1-8.pdf": (0.952, 0.9956),
    "crazyones.pdf": (1.0, 1.0),
    "fancyhdr-p1-8.pdf": (0.786, 0.9970),
    "form_dd0293.pdf": (0.89, 0.9979),
    "geobase-data-model.pdf": (0.74, 0.9942),
    "indirect-rotation.pdf": (0.719, 0.6151),
    "lamport-manual.pdf": (0.891, 0.9932),
    "lppl.pdf": (0.990, 0.9863),
    "multicolumn.pdf": (1.0, 1.0),
    "reportlab-userguide.pdf": (0.892, 0.9997),
    "sandwich.pdf": (0.914, 0.9986),
    "tugboat-babelbib.pdf": (0.903, 0.9982),
    "vicksburg-ocr.pdf": (0.96, 0.9991),
}
SLACK = 0.005
BOXES_WITHIN = 0.97  # measured minimum 138/142 (fancyhdr): share of paired elements within 2 points
# ~60 s for the whole corpus (pdfminer is pure Python): run by the README's command, not the fast subset
pytestmark = pytest.mark.slow


def test_every_corpus_pdf_has_a_reference_and_a_floor() -> None:
    assert {p.name for p in corpus()} == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_pdf_matches_the_library(name: str) -> None:
    path = next(p for p in corpus() if p.name == name)
    result = score(path, ours(path), reference(path))
    type_floor, coverage_floor = FLOORS[name]
    assert result.type_match >= type_floor - SLACK, f"type sequence {result.type_match} < {type_floor}"
    assert result.coverage >= coverage_floor - SLACK, f"word coverage {result.coverage} < {coverage_floor}"
    assert result.boxes_compared > 0
    share = result.boxes_within / result.boxes_compared
    assert share >= BOXES_WITHIN, f"{result.boxes_within}/{result.boxes_compared} boxes within 2 points"


def test_reference_is_the_library_fast_strategy() -> None:
    elements = reference(Path("crazyones.pdf"))
    assert elements and all(e["points"] and e["layout_width"] for e in elements)
