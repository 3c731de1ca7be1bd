"""HTML (.html/.htm): lxml's parser and one non-recursive walk over the tree.

What becomes what, as in the library's HTML partitioner: ``<h1>``-``<h6>`` -> Title with
``category_depth`` = level - 1; ``<li>`` -> ListItem with ``category_depth`` = the number of
enclosing lists; ``<table>`` -> Table with ``text_as_html``; the text of paragraphs, divs and
other blocks -> the text heuristics (NarrativeText, ListItem, ...; never Title: only headings
are). Page chrome the library leaves out
(``<head>``, ``<nav>``, ``<footer>``, scripts, styles, forms' controls) is skipped. Links and
emphasis are kept as ``link_texts``/``link_urls`` and ``emphasized_text_contents``/``_tags``.
"""

from __future__ import annotations

import re
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._lang import detect_languages
from ._text_type import classify
from .html_text import BLOCK_TAGS, visible_text

_SPACES = re.compile(r"\s+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",  # the library: document metadata, even where malformed HTML puts it in <body>
    "nav",
    "footer",
    "svg",
    "iframe",
    "object",
    "embed",
    "canvas",
    "select",
    "button",
    "textarea",
    "input",
)
_HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 5}
_LISTS = frozenset({"ul", "ol", "dl", "menu", "dir"})
_BLOCKS = BLOCK_TAGS | {"body", "center", "dialog", "dir", "hgroup", "html", "legend", "menu"}
# the library's ListItemBlock adopts a sole text block (a Markdown loose list's <li><p>): a child of
# one of these tags (its Flow and BlockItem classes) holding only inline content
_ADOPTABLE = frozenset(
    {"address", "article", "aside", "blockquote", "body", "center", "div", "footer", "header", "hgroup", "main",
     "section", "p", "dt"}
)  # fmt: skip
# what is not inline there: blocks, lists, headings, code, images, tables, left-out blocks
_NOT_INLINE = _ADOPTABLE | frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "pre", "dl", "ol", "ul", "dd", "li", "img", "table", "details", "figure",
     "hr", "nav", "template", "form", "input", "summary"}
)  # fmt: skip
_EMPHASIS = {"b": "b", "strong": "b", "i": "i", "em": "i"}


def parse_html(text: str) -> Any:
    """Parse an HTML document (a str) into an lxml tree, tolerant of anything."""
    from lxml import etree

    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    # etree's HTML parser, not lxml.html's: the same libxml2 tree without lxml.html's Python
    # class lookup for every element (a fifth of the walk's time)
    try:
        return etree.fromstring(text, parser=_html_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


_PARSER: Any = None


def _html_parser() -> Any:
    global _PARSER
    if _PARSER is None:
        from lxml import etree

        _PARSER = etree.HTMLParser(huge_tree=True)
    return _PARSER


# libxml2's nesting limit (with huge_tree): what lies deeper is dropped, silently. A tree that
# never comes near it lost nothing, so the scanner's cross-check (as slow as the walk) is skipped.
_LIBXML2_MAX_DEPTH = 2048
_NEAR_MAX_DEPTH = _LIBXML2_MAX_DEPTH - 16


def partition_html(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an HTML document into elements."""
    root = parse_html(text)
    depth = add_html_elements(sink, root) if root is not None else _LIBXML2_MAX_DEPTH
    if depth < _NEAR_MAX_DEPTH and sink.elements:
        return sink.finish(settings)
    parsed = "".join(" ".join(e["text"] for e in sink.elements).split())
    plain = visible_text(text)
    seen = len("".join(plain.split()))
    if seen > 2 * len(parsed) + 200 or (not parsed and seen):
        # libxml2 drops content nested deeper than its depth limit: fall back to the scanner's
        # text rather than lose it
        from .text import add_text_elements

        sink.elements.clear()
        add_text_elements(sink, plain, detect_languages(plain[:20_000])[0])
        sink.warnings.append(f"{sink.filename}: the HTML is too deeply nested for its structure to be read; partitioned its text")
    return sink.finish(settings)


def add_html_elements(sink: ElementSink, root: Any, **extra_meta: Any) -> int:
    """Walk an lxml HTML tree and append its elements to ``sink``; the tree's greatest depth."""
    from lxml import etree

    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_DROP, with_tail=False)
    sample = " ".join(root.itertext())[:20_000]
    language = detect_languages(sample)[0]

    buf: list[str] = []
    links: list[tuple[str, str]] = []
    emphasis: list[tuple[str, str]] = []
    # per open element: (tag, buffer position at start) for links and emphasis
    marks: list[tuple[str, int, str | None]] = []
    # open block contexts: ("h", depth) / ("li", depth) / ("block", 0)
    contexts: list[tuple[str, int]] = [("block", 0)]
    list_depth = 0
    depth = max_depth = 0
    adopted: Any = None  # the sole text block of the list item being walked, if it has one

    def flush() -> None:
        nonlocal links, emphasis
        if not buf:
            return
        body = _SPACES.sub(" ", "".join(buf)).strip()
        buf.clear()
        meta: dict[str, Any] = dict(extra_meta)
        if links:
            meta["link_texts"] = [t for t, _ in links]
            meta["link_urls"] = [u for _, u in links]
        if emphasis:
            meta["emphasized_text_contents"] = [t for t, _ in emphasis]
            meta["emphasized_text_tags"] = [g for _, g in emphasis]
        links, emphasis = [], []
        if not body:
            return
        kind, depth = contexts[-1]
        if kind == "h":
            sink.add("Title", body, category_depth=depth, **meta)
        elif kind == "li":
            sink.add("ListItem", body, category_depth=depth, **meta)
        else:
            type_, clean = classify(body, language, allow_title=False)
            if clean:
                sink.add(type_, clean, **meta)

    walker = etree.iterwalk(root, events=("start", "end"))
    open_tags: list[str] = []  # each open element's lower-case tag (read once, at its start)
    for event, el in walker:
        if event == "start":
            tag = el.tag
            tag = tag.lower() if isinstance(tag, str) else ""
            open_tags.append(tag)
            depth += 1
            if depth > max_depth:
                max_depth = depth
            if tag in ("table", "pre"):
                # not walked: the number of its descendants bounds how deep it goes
                max_depth = max(max_depth, depth + int(el.xpath("count(.//*)")))
            if tag == "table":
                flush()
                _add_table(sink, el, extra_meta)
                walker.skip_subtree()
                continue
            if tag == "pre":
                # as the library: CodeSnippet, whitespace kept but one leading/trailing newline
                flush()
                code = "".join(el.itertext())
                code = code[1 if code.startswith("\n") else 0 : -1 if code.endswith("\n") else len(code)]
                if code.strip():
                    sink.add("CodeSnippet", code, **extra_meta)
                walker.skip_subtree()
                if el.tail:
                    buf.append(el.tail)
                continue
            if tag == "img":
                flush()
                _add_image(sink, el, extra_meta)
                if el.tail:
                    buf.append(el.tail)
                continue
            if tag in _BLOCKS:
                flush()
                if tag in _HEADINGS:
                    contexts.append(("h", _HEADINGS[tag]))
                elif tag in ("li", "dd"):  # the library: a definition's body is a ListItem too
                    contexts.append(("li", list_depth))
                    adopted = _sole_text_block(el)
                elif el is adopted:  # its text is the list item's
                    contexts.append(contexts[-1])
                elif tag in _LISTS:
                    list_depth += 1
                    contexts.append(("block", 0))
                else:
                    contexts.append(("block", 0))
            elif tag == "br":
                buf.append(" ")
            elif tag == "a":
                marks.append(("a", len(buf), el.get("href")))
            elif tag in _EMPHASIS:
                marks.append((tag, len(buf), None))
            if el.text:
                buf.append(el.text)
        else:
            depth -= 1
            tag = open_tags.pop()
            if tag in ("pre", "img"):
                continue  # emitted at start, tail included, subtree skipped
            if tag == "table":
                pass  # the table was emitted at start, and its subtree skipped
            elif tag in _BLOCKS:
                flush()
                contexts.pop()
                if tag in _LISTS:
                    list_depth -= 1
                if contexts[-1][0] == "li" and tag not in ("li", "dd"):
                    # text after a block inside a list item is a paragraph of its own (the library
                    # makes only the item's leading text a ListItem)
                    contexts[-1] = ("block", 0)
            elif (tag == "a" or tag in _EMPHASIS) and marks and marks[-1][0] == tag:
                _, start, href = marks.pop()
                piece = _SPACES.sub(" ", "".join(buf[start:])).strip()
                if piece:
                    if tag == "a":
                        if href:
                            links.append((piece, href))
                    else:
                        emphasis.append((piece, _EMPHASIS[tag]))
            if el.tail:
                buf.append(el.tail)
    flush()
    return max_depth


def _sole_text_block(item: Any) -> Any:
    """The child a list item adopts, as the library's ``ListItemBlock`` does: its only child, with
    no text around it, an ordinary block (p, div, ...) holding inline content only; else None."""
    if len(item) != 1 or (item.text or "").strip():
        return None
    child = item[0]
    tag = child.tag.lower() if isinstance(child.tag, str) else ""
    if tag not in _ADOPTABLE or (child.tail or "").strip():
        return None
    for node in child.iterdescendants():
        name = node.tag.lower() if isinstance(node.tag, str) else ""
        if name in _NOT_INLINE or (name == "math" and (node.get("display") or "").strip().lower() == "block"):
            return None
    return child


_BASE64_IMAGE = re.compile(r"^data:(image/[^;]+);base64,(.*)", re.S)


def _add_image(sink: ElementSink, img: Any, extra_meta: dict[str, Any]) -> None:
    """An Image element for an ``<img>`` with a source, as the library: alt text, url or inline data."""
    src = (img.get("data-src") or "").strip() or (img.get("src") or "").strip()
    if not src:
        return
    alt = _SPACES.sub(" ", img.get("alt") or "").strip()
    inline = _BASE64_IMAGE.match(src)
    if inline:
        sink.add("Image", alt, image_mime_type=inline.group(1), image_base64=inline.group(2), **extra_meta)
    else:
        sink.add("Image", alt, image_url=src, **extra_meta)


def _add_table(sink: ElementSink, table: Any, extra_meta: dict[str, Any]) -> None:
    """A Table the way the library's ``TableBlock`` builds it: source row groups (thead/tbody/
    tfoot) and cell tags kept, cell text escaped, attributes and nested markup dropped; a nested
    table's text goes into its cell."""
    import html as std_html

    parts = ["<table>"]
    captions: list[str] = []
    row_texts: list[str] = []

    def text_and_html(node: Any) -> tuple[str, str]:
        text = " ".join(t.strip() for t in node.itertext() if t.strip())
        body = " ".join("<br/>".join(std_html.escape(text).split("\n")).split())
        tag = node.tag.lower()
        return text, f"<{tag}>{body}</{tag}>" if body else f"<{tag}/>"

    def append_row(tr: Any) -> None:
        cell_htmls: list[str] = []
        cell_texts: list[str] = []
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("th", "td"):
                continue
            cell_text, cell_html = text_and_html(cell)
            cell_texts.append(cell_text)
            cell_htmls.append(cell_html)
        row_texts.append(" ".join(t for t in cell_texts if t))
        if cell_htmls:
            parts.extend(("<tr>", "".join(cell_htmls), "</tr>"))

    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "caption":
            caption_text, caption_html = text_and_html(child)
            if caption_text:
                captions.append(caption_text)
                parts.append(caption_html)
        elif tag == "tr":
            append_row(child)
        elif tag in ("thead", "tbody", "tfoot"):
            parts.append(f"<{tag}>")
            for tr in child:
                if isinstance(tr.tag, str) and tr.tag.lower() == "tr":
                    append_row(tr)
            parts.append(f"</{tag}>")
    if not " ".join(row_texts).strip():
        return
    parts.append("</table>")
    sink.add("Table", " ".join(captions + row_texts).strip(), text_as_html="".join(parts), **extra_meta)
