"""Chunk element dicts the way the open-source library's ``unstructured.chunking`` does.

Two phases, as in the library:

1. **Pre-chunks.** Elements are packed in order while they fit: a pre-chunk is "full" once its
   text (elements joined by a blank line) exceeds ``new_after_n_chars`` (soft limit), and an
   element that would push it past ``max_characters`` (hard limit) starts the next one. A Table is
   always alone. ``chunk_by_title`` also starts a pre-chunk at each Title (and at each page change
   when ``multipage_sections`` is false), then combines consecutive small pre-chunks while the
   first is under ``combine_text_under_n_chars`` and the result fits. ``chunk_by_page`` starts one
   at each page change.
2. **Chunks.** A pre-chunk becomes one CompositeElement (or Table); only a pre-chunk holding a
   single oversized element is text-split, at the last newline/space before the limit, each
   continuation starting with an ``overlap``-character tail of the previous piece. Oversized
   tables become TableChunks split on whole rows, text and HTML kept in step.

``overlap_all`` also prefixes every pre-chunk after the first with the tail of the previous one.
Chunk metadata is consolidated from the original elements with the library's rules (first value
for filename/page_number/..., union of languages, concatenation of link lists; parent_id,
category_depth, coordinates dropped), and ``orig_elements`` holds the originals as base64 of
zlib-deflated JSON (the library's ``elements_to_base64_gzipped_json``) when requested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .html_table import format_td
from .metadata import assign_ids, decode_orig_elements
from .options import ChunkOptions
from .prechunks import combine_pre_chunks, iter_pre_chunks

__all__ = ["ChunkOptions", "chunk_elements", "decode_orig_elements", "format_td"]


def chunk_elements(elements: Iterable[Mapping[str, Any]], options: ChunkOptions) -> list[dict[str, Any]]:
    """Chunk partitioned element dicts; returns CompositeElement / Table / TableChunk dicts."""
    pre_chunks = iter_pre_chunks(list(elements), options)
    if options.combine_under > 0:
        pre_chunks = combine_pre_chunks(pre_chunks, options)
    chunks: list[dict[str, Any]] = []
    for pre_chunk in pre_chunks:
        chunks.extend(pre_chunk.chunks())
    assign_ids(chunks)
    return chunks
