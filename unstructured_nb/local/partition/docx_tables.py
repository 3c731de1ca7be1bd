"""Word tables: a ``w:tbl`` as the library's Table (text and HTML with colspan/rowspan)."""

from __future__ import annotations

from typing import Any

from ._ooxml import W as _W


def table_text_and_html(tbl: Any) -> tuple[str, str] | None:
    """(text, ``<table>`` HTML) of a Word table, merged cells as spans; None when it has no cells.

    A table whose cells are all empty is still a Table (text "", its empty grid as HTML), as in the
    library: a form's blank table is part of the document's structure."""
    from ..chunking import format_td  # the library's cell formatting

    grid: list[list[tuple[str, object]]] = []
    above: dict[int, object] = {}
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[tuple[str, object]] = []
        col = 0
        for tc in tr.iterchildren(f"{_W}tc"):
            text = " ".join(
                t for t in ("".join(e.text or "" for e in q.xpath("w:r | w:hyperlink")).strip() for q in tc.iter(f"{_W}p")) if t
            )
            tcpr = tc.find(f"{_W}tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                grid_span = tcpr.find(f"{_W}gridSpan")
                if grid_span is not None and (grid_span.get(f"{_W}val") or "1").isdigit():
                    span = max(1, int(grid_span.get(f"{_W}val")))
                vm = tcpr.find(f"{_W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{_W}val") or "continue"
            if vmerge == "continue" and col in above:
                key = above[col]
                text = next((t for t, k in (grid[-1] if grid else []) if k is key), "")
            else:
                key = object()
            for offset in range(span):
                above[col + offset] = key
                row.append((text, key))
            col += span
        grid.append(row)
    if not any(row for row in grid):
        return None
    spans = _collapse_spans(grid)
    html_rows = "".join("<tr>" + "".join(format_td(t, c, r) for t, c, r in row) + "</tr>" for row in spans)
    text = " ".join(t for row in spans for t, _, _ in row if t)
    return " ".join(text.split()), f"<table>{html_rows}</table>"


def _collapse_spans(matrix: list[list[tuple[str, object]]]) -> list[list[tuple[str, int, int]]]:
    """Merged cells -> (text, colspan, rowspan), as the library's collapse_matrix_of_keyed_cells_to_spans."""
    consumed = [[False] * len(row) for row in matrix]
    out: list[list[tuple[str, int, int]]] = []
    for r, row in enumerate(matrix):
        spanned: list[tuple[str, int, int]] = []
        for c, (text, key) in enumerate(row):
            if consumed[r][c]:
                continue
            consumed[r][c] = True
            colspan = 1
            while c + colspan < len(row) and row[c + colspan][1] is key:
                consumed[r][c + colspan] = True
                colspan += 1
            rowspan = 1
            nxt = r + 1
            while nxt < len(matrix):
                below = matrix[nxt]
                if c + colspan > len(below) or any(below[c + i][1] is not key for i in range(colspan)):
                    break
                for i in range(colspan):
                    consumed[nxt][c + i] = True
                rowspan += 1
                nxt += 1
            spanned.append((text, colspan, rowspan))
        out.append(spanned)
    return out
