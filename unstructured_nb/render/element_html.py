"""Elements as HTML: the reading view of documents without pages to draw, and the selected element's details.

Element text and ``text_as_html`` are document content, so text is always escaped and table
HTML goes through an allow-list sanitizer (nh3, the binding of the Rust ``ammonia`` crate:
a maintained sanitizer, not a hand-written one) that keeps table structure and
``colspan``/``rowspan`` and drops everything else: scripts, event handlers, styles, links.
Each block carries ``data-i`` (its index), ``data-id`` and ``data-type``, which is all the
viewer's JavaScript and its tests need.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from .layout import element_type, page_of
from .style import type_colour

__all__ = ["READING_PAGE_SIZE", "detail_html", "reading_html", "reading_pages", "sanitize_table"]

READING_PAGE_SIZE = 200  # elements per reading page when the document has no page numbers
TEXT_CHARS = 5000  # of one element's text in the reading view
DETAIL_CHARS = 2000
TABLE_HTML_CHARS = 200_000
_TABLE_TAGS = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td", "br", "b", "i", "em", "strong"}
_TABLE_TAGS |= {"sub", "sup", "p", "span", "div"}
_SPAN = {"colspan", "rowspan"}


def sanitize_table(markup: str) -> str:
    """``text_as_html`` reduced to table structure (no scripts, handlers, styles or links)."""
    import nh3

    return nh3.clean(
        markup[:TABLE_HTML_CHARS],
        tags=_TABLE_TAGS,
        attributes={"td": _SPAN, "th": _SPAN, "col": {"span"}, "colgroup": {"span"}},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


def _text(element: Mapping[str, Any], limit: int) -> str:
    text = element.get("text")
    if not isinstance(text, str):
        return ""
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _metadata(element: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = element.get("metadata")
    return meta if isinstance(meta, Mapping) else {}


def reading_pages(elements: Sequence[Mapping[str, Any]]) -> list[list[int]]:
    """The reading view's pages: by page number when most elements have one, else runs of ``READING_PAGE_SIZE``."""
    numbered = sum(1 for e in elements if page_of(e) is not None)
    if elements and numbered * 2 >= len(elements):
        groups: dict[int, list[int]] = {}
        current = 1
        for index, element in enumerate(elements):
            current = page_of(element) or current  # an element without a page stays with the one before it
            groups.setdefault(current, []).append(index)
        return [groups[p] for p in sorted(groups)]
    indices = list(range(len(elements)))
    return [indices[i : i + READING_PAGE_SIZE] for i in range(0, len(indices), READING_PAGE_SIZE)] or [[]]


def _attrs(index: int, element: Mapping[str, Any], selected: bool) -> str:
    etype = element_type(element)
    eid = element.get("element_id")
    classes = "unb-el unb-selected" if selected else "unb-el"
    return (
        f' class="{classes}" data-i="{index}" data-id="{html.escape(str(eid or ""))}" data-type="{html.escape(etype)}"'
        f' style="border-left-color:{type_colour(etype)}"'
    )


def _block(index: int, element: Mapping[str, Any], selected: bool) -> str:
    etype = element_type(element)
    attrs = _attrs(index, element, selected)
    text = html.escape(_text(element, TEXT_CHARS))
    if etype == "Title":
        depth = _metadata(element).get("category_depth")
        level = 2 + (depth if isinstance(depth, int) and not isinstance(depth, bool) and 0 <= depth <= 3 else 0)
        return f"<h{level}{attrs}>{text}</h{level}>"
    if etype in ("Table", "TableChunk"):
        markup = _metadata(element).get("text_as_html")
        inner = sanitize_table(markup) if isinstance(markup, str) and markup.strip() else f"<pre>{text}</pre>"
        return f'<div{attrs}><div class="unb-table">{inner}</div></div>'
    if etype in ("CodeSnippet", "Formula"):
        return f"<pre{attrs}>{text}</pre>"
    if etype in ("Image", "Figure", "Picture"):
        return f'<p{attrs}><span class="unb-kind">[{html.escape(etype)}]</span> {text}</p>'
    if etype in ("Header", "Footer", "PageNumber", "PageBreak"):
        return f'<p{attrs}><span class="unb-kind">{html.escape(etype)}:</span> {text}</p>'
    return f"<p{attrs}>{text}</p>"


def reading_html(elements: Sequence[Mapping[str, Any]], indices: Sequence[int], selected: frozenset[str] = frozenset()) -> str:
    """The elements at ``indices`` in order, styled by type: titles as headings, tables as tables, list items as a list."""
    parts: list[str] = ['<div class="unb-reading">']
    in_list = False
    for index in indices:
        element = elements[index]
        is_item = element_type(element) == "ListItem"
        if is_item and not in_list:
            parts.append('<ul class="unb-list">')
        elif not is_item and in_list:
            parts.append("</ul>")
        in_list = is_item
        chosen = str(element.get("element_id") or "") in selected
        if is_item:
            parts.append(f"<li{_attrs(index, element, chosen)}>{html.escape(_text(element, TEXT_CHARS))}</li>")
        else:
            parts.append(_block(index, element, chosen))
    if in_list:
        parts.append("</ul>")
    if not indices:
        parts.append('<p class="unb-empty">No elements.</p>')
    parts.append("</div>")
    return "".join(parts)


def detail_html(element: Mapping[str, Any], *, pages: Sequence[int] = (), originals: int | None = None, pane: str = "") -> str:
    """The selected element beside the page: its type, id, pages, parent and text, escaped."""
    meta = _metadata(element)
    etype = element_type(element)
    rows: list[tuple[str, str]] = []
    if pane:
        rows.append(("view", html.escape(pane)))
    rows.append(("type", f'<span class="unb-swatch" style="background:{type_colour(etype)}"></span>{html.escape(etype)}'))
    rows.append(("element_id", f"<code>{html.escape(str(element.get('element_id') or ''))}</code>"))
    if pages:
        rows.append(("page", html.escape(", ".join(str(p) for p in pages[:20]))))
    parent = meta.get("parent_id")
    if parent:
        rows.append(("parent_id", f"<code>{html.escape(str(parent))}</code>"))
    if originals is not None:
        rows.append(("originals", str(originals)))
    rows.append(("text", f'<div class="unb-text">{html.escape(_text(element, DETAIL_CHARS))}</div>'))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="unb-detail">{body}</table>'
