"""Markdown: markdown-it-py's token stream mapped onto elements.

The library renders Markdown to HTML and partitions the HTML; walking markdown-it's tokens gives
the same structure (``#`` headings -> Title with ``category_depth`` = level - 1, list items ->
ListItem with the list nesting depth, pipe tables -> Table with a thead/tbody ``text_as_html``,
paragraphs -> the text heuristics, never Title; fenced and indented code -> CodeSnippet; images ->
Image with the alt text and ``image_url``) without building and re-parsing a DOM.
"""

from __future__ import annotations

import re
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._lang import detect_languages
from ._text_type import classify
from .html_text import visible_text

_SPACES = re.compile(r"\s+")

_PARSER: Any = None


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    return _PARSER


def _inline_text(token: Any, links: list[tuple[str, str]] | None = None, images: list[tuple[str, str]] | None = None) -> str:
    """Plain text of an inline token; collects (text, url) of links when ``links`` is given, and
    (alt, src) of images when ``images`` is given (their alt text then stays out of the text)."""
    parts: list[str] = []
    link_url: str | None = None
    link_start = 0
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            if images is not None and child.attrs.get("src"):
                images.append((_SPACES.sub(" ", child.content or "").strip(), str(child.attrs["src"])))
            else:
                parts.append(child.content or "")
        elif kind == "link_open":
            link_url = str(child.attrs.get("href", ""))
            link_start = len(parts)
        elif kind == "link_close" and link_url is not None:
            if links is not None:
                links.append(("".join(parts[link_start:]).strip(), link_url))
            link_url = None
    return _SPACES.sub(" ", "".join(parts)).strip()


def partition_markdown(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition Markdown source into elements."""
    language = detect_languages(text[:20_000])[0]
    tokens = _parser().parse(text)
    list_depth = 0
    # open list items: [text parts, links, flushed?]
    items: list[list[Any]] = []
    table_rows: list[list[str]] | None = None
    header_rows = 0
    in_thead = False
    row: list[str] = []

    def flush_item(item: list[Any]) -> None:
        if item[2]:
            return
        item[2] = True
        body = _SPACES.sub(" ", " ".join(item[0])).strip()
        if body:
            sink.add("ListItem", body, category_depth=list_depth, **_link_meta(item[1]))

    def add_block(body: str, links: list[tuple[str, str]]) -> None:
        if not body:
            return
        # the library partitions the rendered HTML, where only headings are titles
        type_, clean = classify(body, language, allow_title=False)
        if clean:
            sink.add(type_, clean, **_link_meta(links))

    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "heading_open":
            links: list[tuple[str, str]] = []
            body = _inline_text(tokens[i + 1], links)
            if body:
                sink.add("Title", body, category_depth=int(tok.tag[1]) - 1, **_link_meta(links))
            i += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            if items:
                flush_item(items[-1])
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open":
            items.append([[], [], False])
        elif kind == "list_item_close":
            flush_item(items.pop())
        elif kind == "table_open":
            table_rows, header_rows = [], 0
        elif kind == "thead_open":
            in_thead = True
        elif kind == "thead_close":
            in_thead = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and table_rows is not None:
            table_rows.append(row)
            header_rows += 1 if in_thead else 0
        elif kind in ("th_open", "td_open"):
            row.append(_inline_text(tokens[i + 1]))
            i += 3
            continue
        elif kind == "table_close" and table_rows is not None:
            sink.add_table(table_rows, header_rows=header_rows)
            table_rows = None
        elif kind == "inline":
            links = []
            if items and not items[-1][2]:
                items[-1][0].append(_inline_text(tok, links))
                items[-1][1].extend(links)
            else:
                images: list[tuple[str, str]] = []
                add_block(_inline_text(tok, links, images), links)
                for alt, src in images:  # as the library's <img>: an Image with the alt text
                    sink.add("Image", alt, image_url=src)
        elif kind in ("fence", "code_block"):
            # as the library's <pre>: a CodeSnippet, whitespace kept, one trailing newline dropped
            body = tok.content[:-1] if tok.content.endswith("\n") else tok.content
            if items and not items[-1][2]:
                flush_item(items[-1])
            if body.strip():
                sink.add("CodeSnippet", body)
        elif kind == "html_block":
            # its text by the HTML scanner (linear on any markup), entities decoded
            body = _SPACES.sub(" ", visible_text(tok.content)).strip()
            if body:
                add_block(body, [])
        i += 1
    return sink.finish(settings, languages=[language])


def _link_meta(links: list[tuple[str, str]]) -> dict[str, Any]:
    if not links:
        return {}
    return {"link_texts": [t for t, _ in links], "link_urls": [u for _, u in links]}
