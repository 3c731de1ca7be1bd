"""Structured data: JSON (.json) and XML (.xml).

XML follows the library's ``partition_xml``: the text of each element that has some (as written,
in closing order), classified by the text heuristics; with ``xml_keep_tags`` the whole document, tags included, as one
UncategorizedText. Parsing streams (lxml ``iterparse``) with entity expansion and network
access off, so a hostile file cannot read local files or fetch URLs.

JSON, as the library's ``partition_json`` (0.27): a file that already holds element JSON (a list
of ``{"type", "text", ...}``, e.g. an earlier run's output) is read back as those elements; any
other JSON becomes UncategorizedText holding pretty-printed JSON (``indent=2``, keys sorted): one
element per object of an array of objects (one per record), else one for the whole value; an
empty array has no elements.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings, decode_text
from ._errors import FileProcessingError
from ._json_pretty import load_json, pretty_json
from ._lang import detect_languages
from ._text_type import classify

_SINK_KEYS = frozenset({"filename", "filetype", "file_directory", "languages", "last_modified", "parent_id"})


# -- JSON --------------------------------------------------------------------------------------


def partition_json(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a JSON document into elements."""
    try:
        data, floats = load_json(text)
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
    _add_arbitrary(data, sink, floats)
    # the library's partition_json sets no languages on JSON that is not element JSON
    return sink.finish(settings, languages=[])


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


def _add_arbitrary(data: Any, sink: ElementSink, floats: bool) -> None:
    """The library's flat contract for JSON that is not element JSON."""
    if isinstance(data, list):
        if not data:
            return
        if all(isinstance(item, dict) for item in data):
            for item in data:
                sink.add("UncategorizedText", pretty_json(item, floats=floats))
            return
    sink.add("UncategorizedText", pretty_json(data, floats=floats))


# -- XML ---------------------------------------------------------------------------------------


# The library detects a file's type from its content (libmagic) before its extension. libmagic's
# rules: "<?xml" at the very start is XML; else an HTML tag among the first 4096 bytes makes it
# HTML, so an .xml file opening with a comment and holding a <title> (an RSS 1.0 feed) is HTML there.
_XML_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml", re.IGNORECASE)
_HTML_MAGIC = re.compile(
    rb"<(?:!doctype\s+html|head[\s>]|title[\s>]|html[\s>]|script[\s>]|style[\s>]|table[\s>]|a\s+href=)", re.I
)


def read_as_html(data: bytes) -> bool:
    """Whether libmagic, and so the library, takes this .xml file for an HTML document."""
    return not _XML_DECLARATION.match(data) and _HTML_MAGIC.search(data[:4096]) is not None


def partition_xml(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an XML document: element texts, or the raw document with ``xml_keep_tags``."""
    data = path.read_bytes()
    if not settings.xml_keep_tags and read_as_html(data):
        from .html import partition_html

        text, warnings = decode_text(data, settings.encoding, sink.filename)
        sink.warnings.extend(warnings)
        sink.filetype = "text/html"
        return partition_html(text, sink, settings)
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
            text, _warnings = decode_text(data, settings.encoding, filename)
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
