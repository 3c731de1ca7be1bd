"""OpenDocument text (.odt): content.xml read directly, giving the elements the library gets through pandoc's .docx.

The library converts an odt to .docx with pandoc and partitions that; this walks the ODF XML
and applies the same rules to what pandoc would have written: ``text:h`` -> Title with
``category_depth`` = outline level - 1 (pandoc's "Heading N"); paragraphs -> the docx text rules
(Address/EmailAddress/NarrativeText/UncategorizedText, never Title from text alone; a bulleted
text is a ListItem); ``text:list`` items -> ListItem with the label pandoc's Word numbering shows
("1.", "a)", "(i)"; bullets none) and ``category_depth`` = nesting; tables -> Table with the
docx table HTML. As in pandoc's output there are no headers or footers (pandoc does not read
master pages), no page numbers, no notes' text (Word footnotes, which the library skips) and no
text of frames (images, text boxes). Bold/italic runs and links give the docx metadata.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._lang import detect_languages
from ._text_type import clean_bullet, is_bulleted, word_paragraph_type
from .odt_styles import OFFICE, TEXT_NS, OdfStyles, T
from .zip_parts import ZipParts

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MAX_REPEAT = 1_000  # a repeated row/column stands for at most this many (LibreOffice repeats empty ones)
MAX_TABLE_CELLS = 250_000

_P, _H, _LIST, _SPAN, _A, _S, _TAB, _BR = (f"{T}{n}" for n in ("p", "h", "list", "span", "a", "s", "tab", "line-break"))
# inline content pandoc leaves out: notes (Word footnotes), annotations, bookmarks, change marks, fields' declarations
# references pandoc links to an anchor; inline elements whose text it keeps as it is
_REFERENCES = frozenset({f"{T}bookmark-ref"})
_TEXT_INLINE = frozenset({f"{T}reference-ref", f"{T}sequence", f"{T}bibliography-mark"})
# blocks whose children are blocks of the body
# (pandoc leaves tables of contents and other indexes out)
_CONTAINERS = frozenset({f"{T}section"})


def partition_odt(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an OpenDocument text document."""
    advice = "check that the file is not corrupt, or re-save it as .odt"
    with ZipParts(path, sink.filename, "an OpenDocument text", advice) as parts:
        content = parts.xml("content.xml")
        styles = parts.xml("styles.xml") if "styles.xml" in parts.names else None
    body = content.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise parts.error("content.xml has no text body (is it a spreadsheet or a presentation?)")
    OdtWalker(OdfStyles([r for r in (styles, content) if r is not None]), sink).blocks(body)
    return sink.finish(settings)


class OdtWalker:
    """The body's blocks in document order, as elements."""

    def __init__(self, styles: OdfStyles, sink: ElementSink) -> None:
        self.styles = styles
        self.sink = sink
        self.language: str | None = None
        self.after_paragraph = False  # pandoc's "First Paragraph" / "Body Text" style names
        self.table_cells = 0
        self.anchors: dict[str, int] = {}
        self.links = 0

    def blocks(self, parent: Any) -> None:
        if self.language is None:
            sample = " ".join(" ".join(p.itertext()) for _, p in zip(range(400), parent.iter(_P, _H), strict=False))
            self.language = detect_languages(sample[:20_000])[0]
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _H:
                self.heading(child)
            elif tag == _LIST:
                self.list(child, None, 1)
            elif tag == f"{TABLE}table":
                self.table(child)
            elif tag in _CONTAINERS:
                self.blocks(child)

    # -- paragraphs --

    def heading(self, h: Any, label: str = "") -> None:
        """A heading; in a list item it keeps its heading style and the item's label comes first."""
        level_text = h.get(f"{T}outline-level") or "1"
        level = int(level_text) if level_text.isdigit() else 1
        text, meta = self.inline(h)
        if label and text.strip():
            text = f"{label} {text}"
        self.after_paragraph = False
        if not text.strip():
            return
        meta.update(category_depth=max(level, 1) - 1, style_name=f"Heading {level}")
        if is_bulleted(text):
            self.sink.add("ListItem", clean_bullet(text), **meta)
        elif 1 <= level <= 9:
            self.sink.add("Title", text, **meta)
        else:
            meta["category_depth"] = 0
            self.sink.add(word_paragraph_type(text.strip(), self.language or "eng"), text, **meta)

    def paragraph(self, p: Any, label: str | None = None, depth: int = 0, loose: bool = False) -> None:
        """A paragraph; ``label`` is not None for a list item's paragraph (its Word numbering label)."""
        text, meta = self.inline(p)
        if label is not None:
            style = "Normal" if loose else "Compact"  # pandoc's tight item (one block) is "Compact"
        elif self.styles.indented(p.get(f"{T}style-name")):
            style = "Block Text"  # pandoc reads an indented paragraph as a block quote
        else:
            style = "Body Text" if self.after_paragraph else "First Paragraph"
        self.after_paragraph = style == "Body Text" or style == "First Paragraph"
        if not text.strip():
            return
        meta.update(category_depth=depth if label is not None else 0, style_name=style)
        if label is not None:
            clean = clean_bullet(text) if is_bulleted(text) else text.strip()
            if clean:
                self.sink.add("ListItem", f"{label} {clean}" if label else clean, **meta)
        elif is_bulleted(text):
            if clean_bullet(text):
                self.sink.add("ListItem", clean_bullet(text), **meta)
        else:
            self.sink.add(word_paragraph_type(text.strip(), self.language or "eng"), text, **meta)

    def inline(self, p: Any) -> tuple[str, dict[str, Any]]:
        """(text, emphasis and link metadata) of a paragraph's inline content."""
        tokens = self._collect(p, (False, False, None))
        text = "".join(t[0] for t in tokens)
        meta: dict[str, Any] = {}
        # pandoc writes one Word run per stretch of equal formatting; the docx rules read runs
        runs: list[list[Any]] = []
        for piece, fmt in tokens:
            if runs and runs[-1][1] == fmt:
                runs[-1][0] += piece
            else:
                runs.append([piece, fmt])
        contents: list[str] = []
        tags: list[str] = []
        links: list[list[str]] = []
        previous_link: tuple[str, int] | None = None
        for piece, (bold, italic, link) in runs:
            if link is not None:
                if links and previous_link == link:
                    links[-1][0] += piece
                else:
                    links.append([piece, link[0]])
            else:
                stripped = piece.strip()
                for flag, tag in ((bold, "b"), (italic, "i")):
                    if flag and stripped:
                        contents.append(stripped)
                        tags.append(tag)
            previous_link = link
        if contents:
            meta["emphasized_text_contents"] = contents
            meta["emphasized_text_tags"] = tags
        links = [link for link in links if link[0] and link[1]]
        if links:
            meta["link_texts"] = [link[0] for link in links]
            meta["link_urls"] = [link[1] for link in links]
        return text, meta

    def _collect(self, el: Any, fmt: _Format) -> list[tuple[str, _Format]]:
        """The inline tokens (" " a space, "\n" a line break, else text) of ``el``, joined as
        pandoc's inline builder joins pieces: two spaces meeting at a join become one, and a space
        next to a line break goes (so ``text:s``, tabs and text spaces add up as in its output)."""
        out: list[tuple[str, _Format]] = []
        if el.text:
            _join(out, _words(el.text, fmt))
        for child in el.iterchildren():
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == _SPAN:
                b, i = self.styles.emphasis("text", child.get(f"{T}style-name"))
                _join(out, self._collect(child, (fmt[0] if b is None else b, fmt[1] if i is None else i, fmt[2])))
            elif tag == _A:
                _join(out, self._collect(child, (fmt[0], fmt[1], self._link(_href(child.get(XLINK_HREF) or "")))))
            elif tag in _REFERENCES:
                # pandoc links a bookmark reference to an anchor it names "anchor", "anchor-1", ...
                anchor = self.anchors.setdefault(child.get(f"{T}ref-name") or "", len(self.anchors))
                _join(out, self._collect(child, (fmt[0], fmt[1], self._link(f"#anchor-{anchor}" if anchor else "#anchor"))))
            elif tag == _S:
                count = child.get(f"{T}c") or "1"
                _join(out, [(" ", fmt)] * min(int(count) if count.isdigit() else 1, 1_000))
            elif tag == _TAB:
                _join(out, [(" ", fmt)])
            elif tag == _BR:
                _join(out, [("\n", fmt)])
            elif tag in _TEXT_INLINE:
                _join(out, self._collect(child, fmt))
            # anything else (fields such as page numbers and dates, notes, frames, annotations,
            # ruby, change marks) pandoc's reader leaves out, text and all
            if child.tail:
                _join(out, _words(child.tail, fmt))
        return out

    def _link(self, href: str) -> tuple[str, int]:
        self.links += 1  # each link is one Word hyperlink, even next to one with the same target
        return href, self.links

    # -- lists --

    def list(self, lst: Any, inherited: str | None, level: int) -> None:
        style = lst.get(f"{T}style-name") or inherited
        counter: int | None = None
        for item in lst.iterchildren(f"{T}list-item", f"{T}list-header"):
            item_style = style or self.styles.paragraph_list_style(_first_paragraph_style(item))
            list_level = self.styles.list_level(item_style, level)
            # (pandoc takes the start from the list style: an item's text:start-value and a list's
            # continue-numbering do not change its numbers)
            counter = list_level.start if counter is None else counter + 1
            label: str | None = list_level.label(counter)
            loose = sum(1 for block in item.iterchildren(_P, _LIST, f"{TABLE}table")) > 1
            for block in item.iterchildren():
                tag = block.tag
                if tag in (_P, _H):
                    if tag == _H:
                        self.heading(block, label or "")
                    else:
                        self.paragraph(block, label if label is not None else "", level - 1, loose)
                    label = ""  # the item's later paragraphs are unnumbered list paragraphs
                elif tag == _LIST:
                    self.list(block, item_style, level + 1)
                elif tag == f"{TABLE}table":
                    self.table(block)
        self.after_paragraph = False

    # -- tables --

    def table(self, table: Any) -> None:
        from ..chunking import format_td  # the library's cell formatting

        self.after_paragraph = False
        if self.table_cells >= MAX_TABLE_CELLS:
            return
        # (text, colspan, rowspan) per cell; covered cells are the merged ones' other parts (pandoc skips them)
        rows: list[list[tuple[str, int, int]]] = []
        for row in _rows(table):
            cells: list[tuple[str, int, int]] = []
            budget = MAX_TABLE_CELLS - self.table_cells  # the document's tables together, repeats counted
            for cell in row.iterchildren(f"{TABLE}table-cell"):
                # the cell's paragraphs, in lists too; pandoc leaves a nested table out
                texts = [self.inline(p)[0].strip() for p in _cell_paragraphs(cell)]
                text = " ".join(t for t in texts if t)
                spanned = (text, _count(cell, "number-columns-spanned"), _count(cell, "number-rows-spanned"))
                cells.extend([spanned] * min(_count(cell, "number-columns-repeated"), max(budget - len(cells), 0)))
            repeat = min(_count(row, "number-rows-repeated"), budget // max(len(cells), 1))
            rows.extend([cells] * repeat)
            self.table_cells += len(cells) * repeat
            if self.table_cells >= MAX_TABLE_CELLS:
                self.sink.warnings.append(
                    f"{self.sink.filename}: its tables hold more than {MAX_TABLE_CELLS:,} cells; the rest are left out"
                )
                break
        if not rows:
            return
        html = "".join("<tr>" + "".join(format_td(*cell) for cell in row) + "</tr>" for row in rows)
        text = " ".join(" ".join(cell[0] for row in rows for cell in row if cell[0]).split())
        self.sink.add("Table", text, text_as_html=f"<table>{html}</table>")


_Format = tuple[bool, bool, "tuple[str, int] | None"]  # bold, italic, (link target, which link)
_WHITESPACE = re.compile(r"([ \t\r\n]+)")  # not a no-break space


def _words(text: str, fmt: _Format) -> list[tuple[str, _Format]]:
    """Text as pandoc's ``B.text`` reads it: words, and one space for each run of whitespace."""
    return [(" " if _WHITESPACE.fullmatch(piece) else piece, fmt) for piece in _WHITESPACE.split(text) if piece]


def _join(out: list[tuple[str, _Format]], more: list[tuple[str, _Format]]) -> None:
    if out and more:
        last, first = out[-1][0], more[0][0]
        if last == " " and first == " ":
            more = more[1:]
        elif last == " " and first == "\n":
            out.pop()
        elif last == "\n" and first == " ":
            more = more[1:]
    out.extend(more)


def _href(href: str) -> str:
    """A link target as pandoc gives it: ODF's relative links count from inside the package (one
    ``../`` more than from the document's folder), pandoc's from the folder."""
    return href[3:] if href.startswith("../") else href


def _rows(table: Any) -> list[Any]:
    found: list[Any] = []
    for child in table.iterchildren():
        tag = child.tag
        if tag == f"{TABLE}table-row":
            found.append(child)
        elif tag in (f"{TABLE}table-header-rows", f"{TABLE}table-rows", f"{TABLE}table-row-group"):
            found.extend(_rows(child))
    return found


def _count(el: Any, attribute: str) -> int:
    value = el.get(f"{TABLE}{attribute}") or "1"
    return max(1, min(int(value) if value.isdigit() else 1, MAX_REPEAT))


def _cell_paragraphs(parent: Any) -> list[Any]:
    found: list[Any] = []
    for child in parent.iterchildren(_P, _H, _LIST, f"{T}list-item", f"{T}list-header", f"{T}section"):
        found.extend([child] if child.tag in (_P, _H) else _cell_paragraphs(child))
    return found


def _first_paragraph_style(item: Any) -> str | None:
    p = item.find(f"{{{TEXT_NS}}}p")
    return p.get(f"{T}style-name") if p is not None else None
