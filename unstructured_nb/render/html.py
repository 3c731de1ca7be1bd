"""The HTML view of runs (the live table, the panel, ``text/html`` snapshots): tables with status badges.

Styles are inline, so the view looks the same in JupyterLab, Notebook 7, Voila and an
exported notebook, with no stylesheet to load.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timezone

from .snapshot import NodeProgress, RunSnapshot
from .style import status_colours
from .tables import Table, extra_blocks, status_table

__all__ = ["attr", "esc", "progress_html", "runs_html", "status_badge", "table_html"]

_TABLE = "border-collapse:collapse;font-size:12px;margin:2px 0 6px 0"
_TH = "text-align:left;font-weight:600;padding:4px 7px;border-bottom:1px solid #d0d7de;white-space:nowrap"
_TD = "text-align:left;padding:3px 7px;border-bottom:1px solid #eaeef2;vertical-align:top"
_NOWRAP = ";white-space:nowrap"
_WRAP = ";white-space:normal;min-width:120px;max-width:360px"
_BADGE = "display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:11px;white-space:nowrap"
# Columns whose long texts wrap instead of widening the table; id columns are shown short,
# and times of today without their date (the whole value is in the tooltip), so the status
# table fits a 1024-pixel projector.
_WRAP_COLUMNS = frozenset({"text", "input files", "error", "file"})
_ID_COLUMNS = frozenset({"job_id", "element_id"})
_TIME_COLUMNS = frozenset({"created", "last polled"})


def esc(value: object) -> str:
    """Escape text for an element's content."""
    return html.escape("" if value is None else str(value), quote=False)


def attr(value: object) -> str:
    """Escape text for an attribute value."""
    return html.escape("" if value is None else str(value), quote=True)


def status_badge(text: str, state: str | None = None) -> str:
    """A coloured pill for a status; ``state`` (``PARTIAL``, say) picks the colour when the text says more."""
    key = (state or text).upper()
    fg, bg = status_colours(key)
    # a partial completion says more: it may wrap onto two lines rather than widen the table
    extra = f";border:1px solid {fg};white-space:normal;max-width:150px;line-height:1.35" if key == "PARTIAL" else ""
    return f'<span data-status="{attr(key)}" style="{_BADGE};color:{fg};background:{bg}{extra}">{esc(text)}</span>'


def _cell(column: str, text: str, max_chars: int, state: str | None = None) -> str:
    style = _TD + (_WRAP if column in _WRAP_COLUMNS else _NOWRAP)
    if column == "status" and text:
        return f'<td style="{style}">{status_badge(text, state)}</td>'
    if column in _ID_COLUMNS and len(text) > 12:
        return f'<td style="{style}" title="{attr(text)}"><code>{esc(text[:8])}</code>…</td>'
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d ")
    if column in _TIME_COLUMNS and text.startswith(today):
        return f'<td style="{style}" title="{attr(text)} UTC">{esc(text[len(today) :])}</td>'
    if len(text) > max_chars:
        return f'<td style="{style}" title="{attr(text)}">{esc(text[: max_chars - 1])}…</td>'
    return f'<td style="{style}">{esc(text)}</td>'


def table_html(table: Table, *, max_rows: int | None = None, max_chars: int = 120) -> str:
    """``table`` as an HTML table; long texts are cut (the whole text is in the cell's tooltip)."""
    shown = table.rows if max_rows is None else table.rows[:max_rows]
    head = "".join(f'<th style="{_TH}">{esc(c)}</th>' for c in table.columns)
    states = table.states or ("",) * len(table.rows)
    body = "".join(
        "<tr>" + "".join(_cell(c, v, max_chars, state) for c, v in zip(table.columns, row, strict=True)) + "</tr>"
        for row, state in zip(shown, states, strict=False)
    )
    hidden = len(table.rows) - len(shown)
    if hidden > 0:
        more = f"… and {hidden} more row{'s' if hidden != 1 else ''}"
        body += f'<tr><td style="{_TD}" colspan="{len(table.columns)}">{esc(more)}</td></tr>'
    return f'<table class="unb-table" style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def progress_html(progress: Sequence[NodeProgress]) -> str:
    """Per-node progress bars (success green, failure red) with the counts beside them."""
    rows = []
    for p in progress:
        done = 100.0 * p.success / p.total if p.total else 0.0
        failed = 100.0 * p.failure / p.total if p.total else 0.0
        bar = (
            '<span style="display:inline-block;width:140px;height:8px;border-radius:4px;background:#eaeef2;'
            f'overflow:hidden;vertical-align:middle"><span style="display:block;float:left;height:100%;width:{done:.1f}%;'
            f'background:#2da44e"></span><span style="display:block;float:left;height:100%;width:{failed:.1f}%;'
            'background:#cf222e"></span></span>'
        )
        name = p.node + (f" ({p.kind})" if p.kind else "")
        cells = (
            f"{p.finished}/{p.total} done",
            f"{p.in_progress} running",
            f"{p.ready} waiting",
            f"{p.failure} failed",
        )
        tds = "".join(f'<td style="{_TD}{_NOWRAP}">{esc(c)}</td>' for c in cells)
        rows.append(f'<tr><td style="{_TD}{_NOWRAP}">{esc(name)}</td><td style="{_TD}">{bar}</td>{tds}</tr>')
    return f'<table class="unb-table" style="{_TABLE}"><tbody>{"".join(rows)}</tbody></table>'


def runs_html(snapshots: Sequence[RunSnapshot], *, max_rows: int = 50) -> str:
    """The status table, then progress, failed files, notes and polling problems."""
    parts = ['<div class="unstructured-nb-runs">', table_html(status_table(snapshots), max_rows=max_rows)]
    for block in extra_blocks(snapshots):
        if block.table is not None:
            parts.append(f'<div style="font-weight:600;font-size:13px;margin:8px 0 2px 0">{esc(block.title)}</div>')
            parts.append(progress_html(block.progress) if block.progress else table_html(block.table, max_rows=max_rows))
        else:
            colour = "#cf222e" if block.kind == "problem" else "#57606a"
            parts.append(f'<p style="margin:0.4em 0;color:{colour}"><b>{esc(block.title)}:</b> {esc(block.text)}</p>')
    parts.append("</div>")
    return "".join(parts)
