"""A table's ``text_as_html`` parsed into rows and cells the way the library's ``HtmlTable`` does, and ``format_td``.

The compact form has no thead/tbody/tfoot, no attributes but spans, th turned into td and
whitespace normalized; each row remembers its source HTML and whether it is a header row
(in a thead, or only th cells after a blank corner), so :mod:`.tables` can repeat headers.
"""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass
from typing import Any

__all__ = ["Cell", "HtmlTable", "Row", "format_td", "parse_table"]


@dataclass(slots=True)
class Cell:
    text: str
    html: str
    colspan: int


@dataclass(slots=True)
class Row:
    html: str
    source_html: str
    cells: list[Cell]
    is_header: bool

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells if c.text]

    @property
    def text_len(self) -> int:
        return len(" ".join(self.texts))


@dataclass(slots=True)
class HtmlTable:
    html: str
    rows: list[Row]


def format_td(cell_text: str, colspan: int = 1, rowspan: int = 1) -> str:
    """A ``<td>`` the way the library writes one (escaped, whitespace-normalized, ``<td/>`` if empty)."""
    s = "<br/>".join(html.escape(cell_text).split("\n"))
    text = " ".join(s.split())
    attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
    return f"<td{attrs}>{text}</td>" if text else f"<td{attrs}/>"


def _cell_text(td: Any) -> str:
    if next(td.iterdescendants("br"), None) is None:
        return " ".join(td.text_content().split())
    clone = copy.deepcopy(td)
    for br in clone.xpath(".//br"):
        br.tail = f" {br.tail or ''}"
    return " ".join(clone.text_content().split())


def parse_table(text_as_html: str) -> HtmlTable | None:
    from lxml import etree
    from lxml.html import fragment_fromstring

    try:
        root = fragment_fromstring(text_as_html)
    except (etree.ParserError, ValueError):
        return None
    tables = root.xpath("//table")
    if not tables:
        return None
    table = tables[0]
    trs = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    sources = [etree.tostring(tr, encoding=str) for tr in trs]
    headers: list[bool] = []
    for tr in trs:
        cells = tr.xpath("./th | ./td")
        first_th = next((i for i, cell in enumerate(cells) if cell.tag == "th"), None)
        blank_corner = first_th is not None and all(c.tag == "td" and not c.text_content().strip() for c in cells[:first_th])
        only_th = first_th is not None and all(
            c.tag == "th" or (c.tag == "td" and not c.text_content().strip()) for c in cells[first_th:]
        )
        headers.append(tr.getparent().tag == "thead" or (blank_corner and only_th))
    for group in table.xpath(".//thead | .//tbody | .//tfoot"):
        group.drop_tag()
    for e in table.iter():
        kept = {k: e.attrib[k] for k in ("colspan", "rowspan") if k in e.attrib}
        e.attrib.clear()
        for k, v in kept.items():
            e.attrib[k] = v
        if e.tag == "th":
            e.tag = "td"
        if e.text:
            e.text = " ".join(e.text.split())
        if e.tail:
            parts = e.tail.split()
            if not parts:
                e.tail = None
            else:
                e.tail = (" " if e.tail[0].isspace() else "") + " ".join(parts) + (" " if e.tail[-1].isspace() else "")
    rows = []
    for index, tr in enumerate(table.xpath("./tr")):
        cells = []
        for td in tr:
            text = _cell_text(td)
            try:
                colspan = int(td.attrib.get("colspan", 1))
            except ValueError:
                colspan = 1
            cell_html = etree.tostring(td, encoding=str) if text else format_td("", colspan)
            cells.append(Cell(text, cell_html, colspan))
        rows.append(
            Row(
                etree.tostring(tr, encoding=str),
                sources[index] if index < len(sources) else "",
                cells,
                headers[index] if index < len(headers) else False,
            )
        )
    return HtmlTable(etree.tostring(table, encoding=str), rows)
