"""reStructuredText (.rst): docutils' parser, its doctree rendered as the HTML pandoc's rst reader writes, then partition_html.

docutils (the reference implementation of the format) parses; its transforms do not run, and
file insertion (``include``, ``csv-table :file:``, ``raw :file:/:url:``) and ``raw`` are disabled, so
a document cannot make us read a file or fetch a URL (pandoc ran ``--sandbox`` for the same
guarantee). What becomes what, as in pandoc's HTML: sections -> ``<h1>``... by nesting (the title
is not promoted), paragraphs, bullet/enumerated lists, definition and field lists -> ``<dl>``,
literal and doctest blocks and code directives -> ``<pre>``, admonitions -> a div with a "Note"
title paragraph, tables -> ``<table>`` (header rows in ``<thead>``), images -> ``<img>`` (alt
"image" by default), substitutions resolved, footnotes -> an end list; comments, targets, system
messages and ``contents`` placeholders dropped.
"""

from __future__ import annotations

import html as std_html
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings, decode_text
from .rst_docutils import parser_and_settings

MAX_DEPTH = 60  # doctree nesting beyond which only the text is kept
_ADMONITIONS = {
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
}
_DROP = frozenset(
    {
        "comment",
        "system_message",
        "target",
        "substitution_definition",
        "pending",
        "raw",
        "meta",
        "decoration",
        "colspec",
        "classifier",
    }
)
_INLINE_TAGS = {
    "emphasis": "em",
    "strong": "strong",
    "literal": "code",
    "title_reference": "cite",
    "subscript": "sub",
    "superscript": "sup",
}
_LIST_NAMES = frozenset({"bullet_list", "enumerated_list", "definition_list"})
_BLOCK_DIVS = frozenset({"compound", "container", "topic", "sidebar", "line_block", "admonition", "legend"})


class _Renderer:
    def __init__(self) -> None:
        self.substitutions: dict[str, Any] = {}
        self.footnotes: list[str] = []
        self.notes_seen = 0

    def inline(self, node: Any, depth: int = 0) -> str:
        """HTML of a node's inline content."""
        parts: list[str] = []
        for child in node.children:
            name = child.tagname
            if name == "#text":
                parts.append(std_html.escape(child.astext(), quote=False))
            elif name in _DROP:
                continue
            elif depth > MAX_DEPTH:
                parts.append(std_html.escape(child.astext(), quote=False))
            elif name in _INLINE_TAGS:
                tag = _INLINE_TAGS[name]
                parts.append(f"<{tag}>{self.inline(child, depth + 1)}</{tag}>")
            elif name == "reference":
                href = child.get("refuri")
                body = self.inline(child, depth + 1)
                parts.append(f'<a href="{std_html.escape(href)}">{body}</a>' if href else body)
            elif name == "image":
                parts.append(self.image(child))
            elif name == "substitution_reference":
                definition = self.substitutions.get(child.get("refname", ""))
                if definition is not None and depth < 8:
                    parts.append(self.inline(definition, depth + 1))
                else:
                    parts.append(std_html.escape(child.astext(), quote=False))
            elif name == "footnote_reference":
                self.notes_seen += 1  # auto-numbered ([#]_) references have no text before transforms
                parts.append(f"<sup>{std_html.escape(child.astext() or str(self.notes_seen))}</sup>")
            elif name == "citation_reference":
                parts.append(f"[{std_html.escape(child.astext())}]")
            else:
                parts.append(self.inline(child, depth + 1))
        return "".join(parts)

    def image(self, node: Any) -> str:
        src = std_html.escape(node.get("uri", ""))
        alt = std_html.escape(node.get("alt", "image"))
        return f'<img src="{src}" alt="{alt}" />'

    def blocks(self, node: Any, out: list[str], level: int, depth: int = 0) -> None:
        """Append the HTML of ``node``'s block children to ``out``."""
        for child in node.children:
            self.block(child, out, level, depth)

    def block(self, node: Any, out: list[str], level: int, depth: int) -> None:
        name = node.tagname
        if name == "comment":
            # pandoc ends a comment at its first blank line: what follows is a block quote
            _, sep, rest = node.astext().partition("\n\n")
            if sep and rest.strip() and depth < 8:
                out.append("<blockquote>" + rst_to_html(rest, "comment", self, depth + 1) + "</blockquote>")
            return
        if name in _DROP or (name == "topic" and "contents" in node.get("classes", ())):
            return
        if depth > MAX_DEPTH or name == "#text":
            text = node.astext().strip()
            if text:
                out.append(f"<p>{std_html.escape(text, quote=False)}</p>")
            return
        d = depth + 1
        if name == "section":
            title = node.next_node(_title_class()) if node.children else None
            if title is not None and title.parent is node:
                n = min(level + 1, 6)
                out.append(f"<h{n}>{self.inline(title, d)}</h{n}>")
            for child in node.children:
                if child is not title:
                    self.block(child, out, level + 1, d)
        elif name == "paragraph":
            out.append(f"<p>{self.inline(node, d)}</p>")
        elif name in ("bullet_list", "enumerated_list"):
            tag = "ul" if name == "bullet_list" else "ol"
            out.append(f"<{tag}>")
            tight = _tight(node.children)
            for item in node.children:
                out.append("<li>")
                self.item(item, out, level, d, tight)
                out.append("</li>")
            out.append(f"</{tag}>")
        elif name in ("definition_list", "field_list", "option_list"):
            out.append("<dl>")
            for item in node.children:
                for part in item.children:
                    if part.tagname in ("term", "field_name", "option_group"):
                        out.append(f"<dt>{self.inline(part, d)}</dt>")
                    elif part.tagname == "field_body" and _after_blank(part):
                        # pandoc ends a field's body at a blank line: the indented rest is a block quote
                        kids = list(part.children)
                        out.append("<dd>")
                        self.item(_Wrap(kids[:1]), out, level, d, True)
                        out.append("</dd></dl><blockquote>")
                        self.blocks(_Wrap(kids[1:]), out, level, d)
                        out.append("</blockquote><dl>")
                    elif part.tagname in ("definition", "field_body", "description"):
                        out.append("<dd>")
                        field = part.tagname != "definition"  # a field body's lone paragraph is Plain
                        self.item(part, out, level, d, field and len(_shown(part)) == 1)
                        out.append("</dd>")
            out.append("</dl>")
        elif name in ("literal_block", "doctest_block", "math_block"):
            out.append(f"<pre><code>{std_html.escape(node.astext(), quote=False)}</code></pre>")
        elif name == "block_quote":
            out.append("<blockquote>")
            self.blocks(node, out, level, d)
            out.append("</blockquote>")
        elif name == "attribution":
            out.append(f"<p>— {self.inline(node, d)}</p>")
        elif name in _ADMONITIONS:
            out.append(f"<div><div><p>{_ADMONITIONS[name]}</p></div>")
            self.blocks(node, out, level, d)
            out.append("</div>")
        elif name in ("title", "rubric", "caption"):
            out.append(f"<p>{self.inline(node, d)}</p>")
        elif name == "line":
            out.append(f"{self.inline(node, d)}<br />")
        elif name in _BLOCK_DIVS:
            out.append("<div>")
            self.blocks(node, out, level, d)
            out.append("</div>")
        elif name == "table":
            out.append(self.table(node, d))
        elif name == "image":
            out.append(f"<p>{self.image(node)}</p>")
        elif name == "reference":  # an image with a :target:
            out.append(f"<p>{self.inline(_Wrap(node), d)}</p>")
        elif name == "figure":
            out.append("<figure>")
            self.blocks(node, out, level, d)
            out.append("</figure>")
        elif name in ("footnote", "citation"):
            parts: list[str] = []
            for child in node.children:
                if child.tagname != "label":
                    self.block(child, parts, level, d)
            self.footnotes.append("".join(parts))
        elif name == "transition":
            out.append("<hr />")
        else:
            self.blocks(node, out, level, d)

    def item(self, node: Any, out: list[str], level: int, depth: int, bare: bool) -> None:
        """A list item, definition or field body; ``bare``: its first paragraph is written without
        ``<p>`` (pandoc's Plain)."""
        for k, child in enumerate(c for c in node.children if c.tagname not in _DROP):
            if k == 0 and bare and child.tagname == "paragraph":
                out.append(self.inline(child, depth))
            else:
                self.block(child, out, level, depth)

    def table(self, node: Any, depth: int) -> str:
        parts = ["<table>"]
        for group in node.findall(_tgroup_class()):
            for section in group.children:
                if section.tagname not in ("thead", "tbody"):
                    continue
                parts.append(f"<{section.tagname}>")
                cell = "th" if section.tagname == "thead" else "td"
                for row in section.children:
                    cells = []
                    for entry in row.children:
                        body: list[str] = []
                        for part in entry.children:
                            if part.tagname == "paragraph":
                                body.append(self.inline(part, depth))
                            elif part.tagname not in _DROP:
                                self.block(part, body, 0, depth)
                        cells.append(f"<{cell}>{' '.join(body)}</{cell}>")
                    parts.append("<tr>" + "".join(cells) + "</tr>")
                parts.append(f"</{section.tagname}>")
        parts.append("</table>")
        return "".join(parts)


def _shown(node: Any) -> list[Any]:
    return [c for c in node.children if c.tagname not in _DROP and c.tagname != "comment"]


def _tight(items: list[Any]) -> bool:
    """pandoc's list compaction: items are Plain unless some item holds a paragraph other than a
    lone one or one before a nested list."""
    for item in items:
        shown = _shown(item)
        if not shown or shown[0].tagname != "paragraph":
            if any(c.tagname == "paragraph" for c in shown):
                return False
        elif len(shown) > 2 or (len(shown) == 2 and shown[1].tagname not in _LIST_NAMES):
            return False
    return True


def _after_blank(body: Any) -> bool:
    """Whether a field body's first block is a one-liner followed by more blocks (a blank line between)."""
    kids = body.children
    return len(kids) > 1 and (kids[0].tagname == "pending" or "\n" not in kids[0].astext())


class _Wrap:
    """Nodes as the children of a stand-in parent, for rendering them through ``inline``/``blocks``."""

    def __init__(self, nodes: Any) -> None:
        self.children = nodes if isinstance(nodes, list) else [nodes]


def _title_class() -> Any:
    from docutils import nodes

    return nodes.title


def _tgroup_class() -> Any:
    from docutils import nodes

    return nodes.tgroup


def rst_to_html(text: str, filename: str, outer: _Renderer | None = None, depth: int = 0) -> str:
    """The HTML pandoc's rst reader would write for ``text`` (structure and text); ``outer``: the
    renderer of the document a comment's text comes from."""
    from docutils import nodes
    from docutils.utils import new_document

    parser, settings = parser_and_settings()
    document = new_document(filename, settings.copy())
    parser.parse(text, document)
    renderer = outer or _Renderer()
    for definition in document.findall(nodes.substitution_definition):
        for name in definition.get("names", ()):
            renderer.substitutions[name] = definition
    out: list[str] = []
    renderer.blocks(document, out, 0, depth)
    if renderer.footnotes and outer is None:
        out.append("<section><hr /><ol>" + "".join(f"<li>{f}</li>" for f in renderer.footnotes) + "</ol></section>")
    return "".join(out)


def partition_rst(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a reStructuredText file."""
    from .html import partition_html

    text, warnings = decode_text(path.read_bytes(), settings.encoding, sink.filename)
    sink.warnings.extend(warnings)
    return partition_html(rst_to_html(text, sink.filename), sink, settings)
