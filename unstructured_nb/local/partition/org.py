"""Org mode (.org): our own line parser renders the HTML pandoc's org reader would, then partition_html.

What pandoc (as the library runs it) makes of org, and so what this module writes: headlines of
levels 1-3 -> ``<h1>``-``<h3>`` (TODO keyword, priority cookie and tags kept as text; planning
lines, property drawers and LOGBOOK drawers dropped; COMMENT and ``:noexport:`` subtrees dropped);
deeper headlines -> paragraphs, and the children of a level-3-or-deeper headline -> an ordered
list; plain and numbered lists, ``term :: description`` lists, ``|`` tables (a rule after the first
row makes it a header), SRC/EXAMPLE blocks and ``:`` lines -> ``<pre>``, QUOTE -> blockquote,
VERSE -> lines, footnotes -> an end list, ``#+KEYWORD`` lines dropped (``#+TITLE`` is metadata in
pandoc's HTML, not text). Emphasis and links become tags partition_html reads. No regex here can
backtrack catastrophically; nesting (lists, headline levels) is capped.
"""

from __future__ import annotations

import html as std_html
import re
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings, decode_text
from .org_blocks import HEADLINE, KEYWORD, MAX_DEPTH, OrgDoc, blocks, keyword

_TAGS = re.compile(r"[ \t]+(:(?:[\w@#%]+:)+)[ \t]*$")
_PLANNING = re.compile(r"[ \t]*(?:SCHEDULED|DEADLINE|CLOSED):")


def _headline_text(doc: OrgDoc, text: str) -> tuple[str, list[str], bool]:
    """(HTML of a headline's title, its tags, whether it is a COMMENT headline)."""
    tags: list[str] = []
    m = _TAGS.search(text)
    if m:
        tags = [t for t in m.group(1).split(":") if t]
        text = text[: m.start()]
    word, _, rest = text.partition(" ")
    keyword = ""
    if word in doc.todo:
        keyword, text = word, rest.lstrip()
    if text == "COMMENT" or text.startswith("COMMENT "):
        return "", tags, True
    title = doc.inline(text.strip())
    if keyword:
        title = f"<span>{keyword}</span> {title}" if title else f"<span>{keyword}</span>"
    if tags:
        title += " " + " ".join(f"<span>{std_html.escape(t)}</span>" for t in tags)
    return title, tags, False


def org_to_html(text: str) -> str:
    """The HTML pandoc's org reader would write for ``text`` (structure and text; no ids, classes)."""
    doc = OrgDoc()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # sections: (level, headline text or None for the preamble, body lines)
    sections: list[tuple[int, str | None, list[str]]] = [(0, None, [])]
    for line in lines:
        m = HEADLINE.match(line)
        if m:
            sections.append((len(m.group(1)), m.group(2), []))
        else:
            sections[-1][2].append(line)
    for line in sections[0][2]:  # keywords before the first headline set the document's options
        found = KEYWORD.match(line)
        if found:
            keyword(doc, found.group(1).upper(), found.group(2))
    out: list[str] = blocks(doc, sections[0][2])
    # open headlines: (level, depth in the tree, wraps its children in <ol>?, dropped?)
    stack: list[tuple[int, bool, bool]] = []
    for level, title_text, body in sections[1:]:
        while stack and stack[-1][0] >= level:
            _, wraps, _dropped = stack.pop()
            if wraps:
                out.append("</li></ol>")
        if stack and stack[-1][2]:  # inside a dropped subtree
            stack.append((level, False, True))
            continue
        assert title_text is not None
        title, tags, comment = _headline_text(doc, title_text)
        if comment or "noexport" in tags:
            stack.append((level, False, True))
            continue
        parent_wraps = bool(stack) and stack[-1][1]
        if parent_wraps:
            # a sibling list item, or the first item of the parent's list
            out.append("<li>" if out and out[-1].endswith("<ol>") else "</li><li>")
        body = _drop_planning(body)
        if level <= doc.max_level:
            out.append(f"<h{level}>{title}</h{level}>")
        elif parent_wraps:
            out.append(title)  # pandoc writes <li><p>title</p>: the library makes that a ListItem, as this
        else:
            out.append(f"<p>{title}</p>")
        if "ARCHIVE" not in tags:
            out.extend(blocks(doc, body))
        wraps = level >= doc.max_level and len(stack) < MAX_DEPTH
        if wraps:
            out.append("<ol>")
        stack.append((level, wraps, "ARCHIVE" in tags))
    while stack:
        _, wraps, _dropped = stack.pop()
        if wraps:
            out.append("</li></ol>")
    html = "".join(out).replace("<ol></li></ol>", "")
    return html + _footnotes(doc)


def _drop_planning(body: list[str]) -> list[str]:
    """A section's lines without its planning line (SCHEDULED/DEADLINE/CLOSED) and property drawer."""
    k = 0
    while k < len(body) and not body[k].strip():
        k += 1
    if k < len(body) and _PLANNING.match(body[k]):
        body = body[:k] + body[k + 1 :]
    return body


def _footnotes(doc: OrgDoc) -> str:
    if not doc.footnote_order:
        return ""
    items = "".join(f"<li><p>{doc.inline(doc.footnotes.get(name, ''))}</p></li>" for name in doc.footnote_order)
    return f"<section><hr /><ol>{items}</ol></section>"


def partition_org(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an org mode file."""
    from .html import partition_html

    text, warnings = decode_text(path.read_bytes(), settings.encoding, sink.filename)
    sink.warnings.extend(warnings)
    return partition_html(org_to_html(text), sink, settings)
