"""Structured data: JSON (.json) and XML (.xml).

XML follows the library's ``partition_xml``: the text of each element that has some (as written,
in closing order), classified by the text heuristics; with ``xml_keep_tags`` the whole document, tags included, as one
UncategorizedText. Parsing streams (lxml ``iterparse``) with entity expansion and network
access off, so a hostile file cannot read local files or fetch URLs.

JSON: a file that already holds element JSON (a list of ``{"type", "text", ...}``, e.g. an
earlier run's output) is read back as those elements, as the library's ``partition_json`` does.
For any other JSON the library returns the whole file as one UncategorizedText; we partition it
instead, because a user who uploads data expects its structure: arrays of flat records become a
Table, prose values go through the text heuristics, short values become ``key: value``
UncategorizedText (Title under a title-like key), in document order.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings, decode_text
from ._errors import FileProcessingError
from ._lang import detect_languages
from ._text_type import classify

_SINK_KEYS = frozenset({"filename", "filetype", "file_directory", "languages", "last_modified", "parent_id"})


# -- JSON --------------------------------------------------------------------------------------


def partition_json(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition a JSON document into elements."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProcessingError(
            f"{sink.filename} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "fix the file or upload it as .txt"
        ) from None
    if _is_element_json(data):
        for item in data:
            meta = {k: v for k, v in (item.get("metadata") or {}).items() if k not in _SINK_KEYS}
            sink.add(str(item["type"]), str(item.get("text") or ""), **meta)
        return sink.finish(settings)
    language = detect_languages(text[:20_000])[0]
    _walk_json(data, sink, language)
    return sink.finish(settings)


def _is_element_json(data: Any) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("type"), str)
            and isinstance(item.get("text", ""), str)
            and ("element_id" in item or "metadata" in item)
            for item in data
        )
    )


def _is_record_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(v, dict) and v and all(not isinstance(x, (dict, list)) for x in v.values()) for v in value)
    )


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_TITLE_KEYS = frozenset({"title", "heading", "headline", "subject", "caption"})


def _is_short_scalar_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(not isinstance(v, (dict, list)) for v in value)
        and all(len(_scalar(v).split()) <= 3 for v in value)
    )


def _walk_json(data: Any, sink: ElementSink, language: str) -> None:
    """Elements for generic JSON, in document order.

    Prose (4+ words, or a sentence) goes through the text heuristics; a short string is a Title
    under a title-like key and ``key: value`` otherwise, so ids, codes and tags do not pose as
    headings; a list of short scalars (tags, ids) is one ``key: a, b, c`` element.
    """
    # explicit stack: deeply nested JSON must not hit the recursion limit
    stack: list[tuple[str | None, Any]] = [(None, data)]
    while stack:
        key, value = stack.pop()
        if _is_record_list(value):
            columns: list[str] = []
            for record in value:
                for column in record:
                    if column not in columns:
                        columns.append(column)
            rows = [columns] + [[_scalar(record.get(c)) for c in columns] for record in value]
            sink.add_table(rows, header_rows=1)
        elif _is_short_scalar_list(value):
            joined = ", ".join(_scalar(v) for v in value if _scalar(v))
            if joined:
                sink.add("UncategorizedText", f"{key}: {joined}" if key else joined)
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((key, item) for item in reversed(value))
        elif isinstance(value, str):
            body = " ".join(value.split())
            if not body:
                continue
            if len(body.split()) >= 4 or body[-1] in ".!?":
                type_, clean = classify(body, language)
                sink.add(type_, clean)
            elif key is not None and key.lower() in _TITLE_KEYS:
                sink.add("Title", body)
            elif key is not None:
                sink.add("UncategorizedText", f"{key}: {body}")
            else:
                type_, clean = classify(body, language)
                sink.add(type_, clean)
        elif value is not None:
            body = f"{key}: {_scalar(value)}" if key else _scalar(value)
            sink.add("UncategorizedText", body)


# -- XML ---------------------------------------------------------------------------------------


def partition_xml(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition an XML document: element texts, or the raw document with ``xml_keep_tags``."""
    data = path.read_bytes()
    if settings.xml_keep_tags:
        text, warnings = decode_text(data, settings.encoding, sink.filename)
        sink.warnings.extend(warnings)
        # well-formedness is still checked, so a corrupt file is reported, not echoed back
        _iter_leaf_texts(data, sink.filename, settings)
        if text.strip():
            sink.add("UncategorizedText", text)  # as written, like the library
        return sink.finish(settings)
    texts = list(_iter_leaf_texts(data, sink.filename, settings))
    language = detect_languages(" ".join(texts[:2000])[:20_000])[0]
    for text in texts:
        type_, clean = classify(text, language)
        if clean.strip():
            sink.add(type_, clean)
    return sink.finish(settings)


def _iter_leaf_texts(data: bytes, filename: str, settings: PartitionSettings) -> list[str]:
    from lxml import etree

    def parse(source: bytes) -> list[str]:
        texts: list[str] = []
        context = etree.iterparse(
            io.BytesIO(source),
            events=("end",),
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
            load_dtd=False,
        )
        for _, element in context:
            if not isinstance(element.tag, str):
                continue
            # the library takes the text of every element that has some, as written, when the
            # element closes (children first); tails are not read
            if element.text and element.text.strip():
                texts.append(element.text)
            # free what was read: keeps memory flat on large files
            element.clear(keep_tail=True)
        return texts

    try:
        return parse(data)
    except etree.XMLSyntaxError as exc:
        message = str(exc)
        if "encoding" in message.lower() or "Input is not proper UTF-8" in message:
            # no (or a wrong) encoding declaration: decode with the node's encoding and retry
            text, warnings = decode_text(data, settings.encoding, filename)
            stripped = text.lstrip("\ufeff")
            if stripped.startswith("<?xml"):
                stripped = stripped[stripped.find("?>") + 2 :]
            try:
                result = parse(stripped.encode("utf-8"))
            except etree.XMLSyntaxError as exc2:
                message = str(exc2)
            else:
                return result
        raise FileProcessingError(f"{filename} is not well-formed XML ({message}); fix the file or upload it as .txt") from None
