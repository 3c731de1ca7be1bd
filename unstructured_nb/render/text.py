"""The plain-text view of runs (terminals, ``text/plain``, exports): aligned tables and their notes."""

from __future__ import annotations

from collections.abc import Sequence

from .snapshot import RunSnapshot
from .tables import Table, extra_blocks, status_table

__all__ = ["runs_text", "table_text"]


def _cut(text: str, limit: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table_text(table: Table, *, max_rows: int | None = None, max_chars: int = 60) -> str:
    """``table`` as left-aligned columns under a header; at most ``max_rows`` rows, cells cut at ``max_chars``."""
    shown = table.rows if max_rows is None else table.rows[:max_rows]
    cells = [[_cut(c, max_chars) for c in row] for row in shown]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    hidden = len(table.rows) - len(shown)
    if hidden > 0:
        lines.append(f"… and {hidden} more row{'s' if hidden != 1 else ''}")
    return "\n".join(lines)


def runs_text(snapshots: Sequence[RunSnapshot], *, max_rows: int = 50) -> str:
    """The status table, then progress, failed files, notes and polling problems."""
    out = [table_text(status_table(snapshots), max_rows=max_rows, max_chars=80)]
    for block in extra_blocks(snapshots):
        if block.table is not None:
            out.append(f"\n{block.title}:\n{table_text(block.table, max_rows=max_rows, max_chars=120)}")
        else:
            out.append(f"\n{block.title}: {block.text}")
    return "\n".join(out)
