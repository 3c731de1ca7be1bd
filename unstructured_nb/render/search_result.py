"""``SearchResult``: the chunks a search found for a question, as plain values the views draw (like a snapshot).

Each hit keeps its element id and page, so another view (a page viewer) can highlight it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Hit", "SearchResult"]


@dataclass(frozen=True)
class Hit:
    """One ranked chunk: its score, where it is from, its text and its element id."""

    score: float
    file: str
    page: int | None
    text: str
    element_id: str
    type: str


@dataclass(frozen=True)
class SearchResult:
    """The best chunks for a question, best first, and how they were ranked (``embeddings`` or ``bm25``)."""

    question: str
    method: str
    note: str | None
    hits: tuple[Hit, ...]
