"""Rank a run's output chunks for a question: by the output's own embeddings, or by BM25 over the texts.

Embeddings are used when they are the local engine's (``local.embed_model``): that is
checked, not assumed, by embedding one chunk's text again and comparing it with its stored
vector, since a platform run (or a platform subtype emulated locally) could carry vectors
of any model. The question is then embedded by that same model and chunks are ranked by
cosine similarity. Otherwise, and with a note saying why, chunks are ranked by Okapi BM25
over their texts (a formula, not a parser: written here rather than adding a dependency).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..render.search_result import Hit, SearchResult
from .outputs import Outputs

__all__ = ["Hit", "SearchResult", "bm25_scores", "chunks_of", "search_outputs"]

_WORD = re.compile(r"\w+", re.UNICODE)
# the commonest English function words: they match every chunk and only add noise to BM25
_STOP = frozenset(
    "a an and are as at be by did do does for from had has have how in is it its of on or that the this to was "
    "were what when where which who whom why will with".split()
)
#: Cosine between a stored vector and the same text embedded again, above which the vectors are the local model's.
SAME_MODEL = 0.999


@dataclass(frozen=True)
class _Chunk:
    file: str
    element: Mapping[str, Any]

    @property
    def text(self) -> str:
        return str(self.element.get("text") or "")


def chunks_of(outputs: Outputs) -> list[_Chunk]:
    """Each file's final-node elements that have text (the chunks, after a chunker)."""
    chunks = []
    for filename, by_node in outputs.items():
        if not by_node:
            continue
        for element in list(by_node.values())[-1]:
            if isinstance(element, Mapping) and str(element.get("text") or "").strip():
                meta = element.get("metadata") or {}
                chunks.append(_Chunk(str(meta.get("filename") or filename), element))
    return chunks


def tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def bm25_scores(query: str, documents: Sequence[str], k1: float = 1.5, b: float = 0.75) -> list[float]:
    """Okapi BM25 of ``query`` against each document (idf with +1 inside the log, so it is never negative)."""
    docs = [Counter(tokens(d)) for d in documents]
    lengths = [sum(d.values()) for d in docs]
    average = (sum(lengths) / len(docs)) if docs else 0.0
    terms = set(tokens(query))
    df = {t: sum(1 for d in docs if t in d) for t in terms}
    n = len(docs)
    scores = []
    for doc, length in zip(docs, lengths, strict=True):
        score = 0.0
        for t in terms:
            tf = doc.get(t, 0)
            if not tf:
                continue
            idf = math.log(1.0 + (n - df[t] + 0.5) / (df[t] + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / (average or 1.0)))
        scores.append(score)
    return scores


def _stored_vectors(chunks: Sequence[_Chunk]) -> list[list[float]] | None:
    vectors = [c.element.get("embeddings") for c in chunks]
    if not vectors or not all(isinstance(v, list) and v for v in vectors):
        return None
    if len({len(v) for v in vectors if isinstance(v, list)}) != 1:
        return None
    return [list(map(float, v)) for v in vectors if isinstance(v, list)]


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def _embedding_ranking(chunks: Sequence[_Chunk], question: str) -> tuple[list[float] | None, str | None]:
    """Scores by the output's embeddings, or (None, why not)."""
    stored = _stored_vectors(chunks)
    if stored is None:
        return (
            None,
            "The output has no embeddings (add an embed node, e.g. --embed), so chunks are ranked by BM25 over their text.",
        )
    from ..local.embed_model import DIMENSIONS, EmbeddingUnavailable, embed_texts

    if len(stored[0]) != DIMENSIONS:
        return None, (
            f"The output's embeddings ({len(stored[0])} dimensions) come from a model that cannot run in this kernel, "
            "so the question cannot be embedded like them: chunks are ranked by BM25 over their text instead."
        )
    try:
        probe = max(range(len(chunks)), key=lambda i: len(chunks[i].text))
        again = embed_texts([chunks[probe].text])[0]
    except EmbeddingUnavailable as exc:
        return None, f"{exc}. Chunks are ranked by BM25 over their text instead."
    if _cosine(again, stored[probe]) < SAME_MODEL:
        return None, (
            "The output's embeddings are not the local model's (one chunk embedded again does not match its vector), "
            "so the question cannot be embedded like them: chunks are ranked by BM25 over their text instead."
        )
    import numpy as np

    matrix = np.asarray(stored, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1)
    query = np.asarray(embed_texts([question])[0], dtype=np.float64)
    scores = np.divide(matrix @ query, norms, out=np.zeros(len(stored)), where=norms > 0)
    return [float(x) for x in scores], None


def search_outputs(outputs: Outputs, question: str, k: int = 5) -> SearchResult:
    """The ``k`` chunks of ``outputs`` that best answer ``question``, best first."""
    if not isinstance(question, str) or not question.strip():
        raise ValueError("search needs a question: a non-empty string")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive whole number, got {k!r}")
    chunks = chunks_of(outputs)
    if not chunks:
        return SearchResult(question, "none", "The output has no text to search.", ())
    scores, note = _embedding_ranking(chunks, question)
    method = "embeddings"
    if scores is None:
        scores, method = bm25_scores(question, [c.text for c in chunks]), "bm25"
    ranked = sorted(range(len(chunks)), key=lambda i: -scores[i])
    # a chunk sharing no word with the question is no answer, however few others there are
    order = [i for i in ranked if method == "embeddings" or scores[i] > 0][:k]
    hits = []
    for i in order:
        meta = chunks[i].element.get("metadata") or {}
        page = meta.get("page_number")
        hits.append(
            Hit(
                score=round(float(scores[i]), 4),
                file=chunks[i].file,
                page=int(page) if isinstance(page, (int, float)) and not isinstance(page, bool) else None,
                text=chunks[i].text,
                element_id=str(chunks[i].element.get("element_id") or ""),
                type=str(chunks[i].element.get("type") or ""),
            )
        )
    return SearchResult(question, method, note, tuple(hits))
