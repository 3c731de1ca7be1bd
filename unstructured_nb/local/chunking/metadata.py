"""Chunk metadata: consolidated from the original elements with the library's rules, ``orig_elements``, chunk ids."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any

__all__ = ["DROPPED_FIELDS", "assign_ids", "consolidate", "decode_orig_elements", "encode_orig"]

_FIRST = frozenset(
    {
        "attached_to_filename",
        "bcc_recipient",
        "cc_recipient",
        "data_source",
        "email_message_id",
        "file_directory",
        "filename",
        "filetype",
        "last_modified",
        "page_name",
        "page_number",
        "sent_from",
        "sent_to",
        "signature",
        "subject",
        "table_as_cells",
        "table_extraction_method",
        "url",
    }
)
_LIST_CONCATENATE = frozenset({"emphasized_text_contents", "emphasized_text_tags", "link_texts", "link_urls"})
_LIST_UNIQUE = frozenset({"languages"})
_STRING_CONCATENATE = frozenset({"text_as_html"})
_DICT_LIST_UNIQUE = frozenset({"enrichment_origins"})
# dropped from chunks (a Table chunk keeps every other field of its table)
DROPPED_FIELDS = frozenset(
    {
        "category_depth",
        "chunk_index",
        "coordinates",
        "detection_class_prob",
        "detection_origin",
        "header_footer_type",
        "image_base64",
        "image_mime_type",
        "image_path",
        "image_url",
        "is_continuation",
        "is_extracted",
        "key_value_pairs",
        "link_start_indexes",
        "links",
        "max_characters",
        "num_carried_over_header_rows",
        "orig_elements",
        "parent_id",
        "routing",
        "routing_score",
        "segment_end_seconds",
        "segment_start_seconds",
        "style_name",
        "table_id",
    }
)
# Everything else (parent_id, category_depth, coordinates, link_start_indexes, style_name, ...) is dropped.


def consolidate(elements: list[Mapping[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for element in elements:
        for key, value in (element.get("metadata") or {}).items():
            if value is None:
                continue
            if key in _FIRST:
                result.setdefault(key, value)
            elif key in _LIST_CONCATENATE:
                result.setdefault(key, []).extend(value)
            elif key in _LIST_UNIQUE or key in _DICT_LIST_UNIQUE:
                seen = result.setdefault(key, [])
                for item in value:
                    if item not in seen:
                        seen.append(item)
            elif key in _STRING_CONCATENATE:
                result[key] = f"{result[key]} {value.strip()}" if key in result else value.strip()
    return result


def encode_orig(elements: list[Mapping[str, Any]]) -> str:
    """base64(zlib(JSON)) of the original elements, without nested orig_elements."""
    dicts = []
    for element in elements:
        item = dict(element)  # shallow: only the top level changes, and it is serialized at once
        meta = item.get("metadata")
        if isinstance(meta, Mapping) and "orig_elements" in meta:
            item["metadata"] = {k: v for k, v in meta.items() if k != "orig_elements"}
        dicts.append(item)
    payload = json.dumps(dicts, sort_keys=True).encode("utf-8")
    return base64.b64encode(zlib.compress(payload)).decode("ascii")


def decode_orig_elements(value: str, max_bytes: int | None = None) -> list[dict[str, Any]]:
    """Inverse of the ``orig_elements`` encoding (zlib-deflated JSON in base64).

    ``max_bytes`` bounds the inflated JSON (a ``ValueError`` past it), for values that came
    from elsewhere: a few kilobytes of deflated data can inflate to gigabytes.
    """
    data = base64.b64decode(value)
    if max_bytes is None:
        payload = zlib.decompress(data)
    else:
        inflater = zlib.decompressobj()
        payload = inflater.decompress(data, max_bytes + 1)
        if len(payload) > max_bytes or inflater.unconsumed_tail:
            raise ValueError(f"orig_elements inflates to more than {max_bytes} bytes")
    elements: list[dict[str, Any]] = json.loads(payload.decode("utf-8"))
    return elements


def assign_ids(chunks: list[dict[str, Any]]) -> None:
    """Deterministic ids: the partition scheme (filename + text + page + sequence on the page)."""
    previous_page: object = object()
    seq = 0
    for chunk in chunks:
        meta = chunk["metadata"]
        page = meta.get("page_number")
        seq = seq + 1 if page == previous_page else 0
        previous_page = page
        key = f"{meta.get('filename')}{chunk['text']}{page}{seq}"
        chunk["element_id"] = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
