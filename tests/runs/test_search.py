"""run.search: ranking by the output's own (local) embeddings, or by BM25 with a note saying why."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from unstructured_nb.local.embed_model import embed_texts
from unstructured_nb.render.frames import SEARCH_COLUMNS, SearchNote, search_frame
from unstructured_nb.runs.search import bm25_scores, search_outputs

TEXTS = [
    "The cooperative repaired more than four hundred bicycles this year.",
    "Water temperature rose two degrees over the month at the northern coast.",
    "Ana will book the boat for the second week of June.",
    "Quarterly revenue in the South region reached 2860 in Q2.",
]


def outputs(embeddings: list[list[float]] | None = None) -> dict[str, dict[str, list[dict[str, Any]]]]:
    elements = []
    for i, text in enumerate(TEXTS):
        el: dict[str, Any] = {
            "type": "CompositeElement",
            "element_id": f"e{i}",
            "text": text,
            "metadata": {"filename": f"doc{i}.txt", "page_number": i + 1 if i == 0 else None},
        }
        if embeddings is not None:
            el["embeddings"] = embeddings[i]
        elements.append(el)
    return {"docs": {"Partitioner": [], "Embedder": elements}}


def test_bm25_prefers_the_chunk_with_the_rare_words() -> None:
    scores = bm25_scores("boat in June", TEXTS)
    assert max(range(4), key=scores.__getitem__) == 2 and scores[0] == 0


def test_search_by_the_outputs_local_embeddings() -> None:
    result = search_outputs(outputs(embed_texts(TEXTS)), "Who reserves the vessel, and for when?", k=2)
    assert result.method == "embeddings" and result.note is None
    assert result.hits[0].element_id == "e2" and len(result.hits) == 2
    frame = search_frame(result)
    assert tuple(frame.columns) == SEARCH_COLUMNS and frame.index[0] == 1 and frame.attrs["method"] == "embeddings"


def test_foreign_embeddings_and_none_fall_back_to_bm25_with_a_note() -> None:
    other = [[float(i == j) for j in range(256)] for i in range(4)]  # 256 numbers, but not the local model's
    result = search_outputs(outputs(other), "bicycles repaired", k=5)
    assert result.method == "bm25" and "not the local model's" in (result.note or "")
    assert [h.element_id for h in result.hits] == ["e0"]  # chunks sharing no word are not answers
    assert result.hits[0].page == 1 and result.hits[0].file == "doc0.txt"
    wide = search_outputs(outputs([[0.1] * 1536] * 4), "revenue", k=5)
    assert "1536 dimensions" in (wide.note or "") and wide.hits[0].element_id == "e3"
    bare = search_outputs(outputs(), "revenue", k=5)
    assert "no embeddings" in (bare.note or "")
    with warnings.catch_warnings(record=True) as caught:
        search_frame(bare)
        search_frame(bare)
    assert [w.category for w in caught] == [SearchNote, SearchNote]  # every search says so, not only the first


def test_bad_questions() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        search_outputs(outputs(), "  ")
    with pytest.raises(ValueError, match="positive"):
        search_outputs(outputs(), "x", k=0)
    assert search_outputs({}, "x").hits == ()
