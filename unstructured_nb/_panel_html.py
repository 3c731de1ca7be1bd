"""HTML and text rendering of the panel's parts: pure functions of plain data.

The panel (``widgets.py``) keeps its live state in widget values; this module turns that
state into the HTML those widgets show and into the ``text/html`` / ``text/plain``
snapshots used where widgets cannot render. Nothing here imports ipywidgets, and the
only pandas object handled is a DataFrame passed in, so it can be tested directly.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PANEL_CSS",
    "FileEntry",
    "error_html",
    "esc",
    "failed_html",
    "files_html",
    "files_text",
    "format_size",
    "frame_html",
    "frame_text",
    "notice_html",
    "progress_html",
    "progress_text",
    "status_badge",
]

# Colours follow GitHub's Primer palette (readable in light themes, and the
# background tints stay legible on JupyterLab's dark theme).
_STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "COMPLETED": ("#1a7f37", "#dafbe1"),
    "FAILED": ("#cf222e", "#ffebe9"),
    "STOPPED": ("#9a6700", "#fff8c5"),
    "IN_PROGRESS": ("#0969da", "#ddf4ff"),
    "SCHEDULED": ("#8250df", "#fbefff"),
    "STARTING": ("#57606a", "#eaeef2"),
}

# Scoped to .unb-panel so nothing else on the page changes. The jp-* variables make it
# follow the JupyterLab / Voila theme; the fallbacks apply in exported HTML.
PANEL_CSS = """
<style>
.unb-panel { border: 1px solid var(--jp-border-color1, #d0d7de); border-radius: 8px;
  padding: 0 0 10px 0 !important; background: var(--jp-layout-color0, #ffffff);
  max-width: 1100px; box-shadow: 0 1px 3px rgba(31,35,40,0.08); overflow: hidden; }
.unb-panel .unb-title { background: var(--jp-layout-color2, #f6f8fa);
  border-bottom: 1px solid var(--jp-border-color2, #d8dee4); padding: 8px 14px;
  margin: 0 0 6px 0; font-family: var(--jp-ui-font-family, system-ui, sans-serif); }
.unb-panel .unb-title b { font-size: 15px; color: var(--jp-ui-font-color0, #1f2328); }
.unb-panel .unb-sub { color: var(--jp-ui-font-color2, #656d76); font-size: 12px; margin-left: 10px; }
.unb-panel .unb-row { padding: 0 14px; align-items: center; }
.unb-panel .unb-section { padding: 0 14px; }
.unb-panel .unb-muted { color: var(--jp-ui-font-color2, #656d76); font-size: 12px; }
.unb-panel .unb-h { font-weight: 600; font-size: 13px; margin: 10px 0 4px 0;
  color: var(--jp-ui-font-color1, #1f2328); }
.unb-panel table.unb-table { border-collapse: collapse; font-size: 12px; margin: 2px 0 4px 0;
  font-family: var(--jp-ui-font-family, system-ui, sans-serif); }
.unb-panel table.unb-table th { text-align: left; font-weight: 600; padding: 4px 10px;
  border-bottom: 1px solid var(--jp-border-color1, #d0d7de); color: var(--jp-ui-font-color1, #1f2328);
  white-space: nowrap; }
.unb-panel table.unb-table td { padding: 3px 10px; border-bottom: 1px solid var(--jp-border-color3, #eaeef2);
  vertical-align: top; color: var(--jp-ui-font-color1, #1f2328); max-width: 420px; line-height: 1.45;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.unb-panel table.unb-table td.unb-wrap { white-space: normal; min-width: 160px; }
.unb-panel table.unb-table th { line-height: 1.45; }
.unb-panel table.unb-table tr:nth-child(even) td { background: var(--jp-layout-color1, #fbfcfd); }
.unb-panel .unb-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600;
  font-size: 11px; letter-spacing: 0.02em; white-space: nowrap; }
.unb-panel .unb-bar { display: inline-block; width: 140px; height: 8px; border-radius: 4px;
  background: var(--jp-border-color3, #eaeef2); overflow: hidden; vertical-align: middle; }
.unb-panel .unb-bar > span { display: block; height: 100%; float: left; }
.unb-panel .unb-error { border: 1px solid #ff818266; border-left: 4px solid #cf222e; background: #ffebe9;
  color: #82071e; padding: 8px 12px; border-radius: 6px; font-size: 13px; margin: 6px 0; }
.unb-panel .unb-warn { color: #9a6700; font-weight: 600; }
.unb-panel .unb-notice { color: var(--jp-ui-font-color1, #1f2328); font-size: 13px; }
.unb-panel .unb-main-button { min-width: 96px; }
.unb-panel .unb-label { text-align: right; padding-right: 8px; color: var(--jp-widgets-label-color, var(--jp-ui-font-color1, #1f2328)); }
</style>
"""


@dataclass(frozen=True)
class FileEntry:
    """One chosen input: where it comes from, its name and its size in bytes."""

    name: str
    size: int | None
    source: str  # "upload" or "kernel"
    path: str | None = None  # kernel-side absolute path, for "kernel" files
    shown: str | None = None  # how the path is shown (relative to the working directory if inside it)


def format_size(size: int | None) -> str:
    """``1.2 MB`` style sizes (decimal units, like file managers)."""
    if size is None:
        return "?"
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000.0
        if value < 999.95 or unit == "TB":
            return f"{value:.1f} {unit}"
    return f"{size} B"  # pragma: no cover - unreachable


def esc(value: Any) -> str:
    """Escape text for an element's content (quotes stay readable)."""
    return html.escape("" if value is None else str(value), quote=False)


def _attr(value: Any) -> str:
    """Escape text for an attribute value."""
    return html.escape("" if value is None else str(value), quote=True)


def status_badge(status: Any) -> str:
    """A coloured pill for a job status (unknown statuses get neutral colours)."""
    text = str(getattr(status, "value", status) or "")
    fg, bg = _STATUS_COLOURS.get(text.upper(), ("#57606a", "#eaeef2"))
    return f'<span class="unb-badge" data-status="{_attr(text)}" style="color:{fg};background:{bg}">{esc(text)}</span>'


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if text in ("NaT", "nan", "None"):
        return ""
    return text


# Columns whose long texts wrap instead of widening the table.
_WRAP_COLUMNS = {"text", "input files", "error", "file"}
# Id columns shown short (the full id is in the cell's tooltip, and in ``panel.runs``).
_SHORT_ID_COLUMNS = {"job_id", "element_id"}


def frame_html(df: Any, *, max_chars: int = 120, css_class: str = "unb-table") -> str:
    """A DataFrame as a compact HTML table; a ``status`` column is drawn as badges.

    Long cell texts are cut at ``max_chars`` and ids at 8 characters (the full text is
    in the cell's tooltip); free-text columns wrap, the others stay on one line.
    """
    columns = [str(c) for c in df.columns]
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    rows = []
    for values in df.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(columns, values):
            text = _cell(value)
            wrap = ' class="unb-wrap"' if col.lower() in _WRAP_COLUMNS else ""
            if col.lower() == "status" and text:
                cells.append(f"<td>{status_badge(text)}</td>")
            elif col.lower() in _SHORT_ID_COLUMNS and len(text) > 12:
                cells.append(f'<td title="{_attr(text)}"><code>{esc(text[:8])}</code>…</td>')
            elif len(text) > max_chars:
                cells.append(f'<td{wrap} title="{_attr(text)}">{esc(text[: max_chars - 1])}…</td>')
            else:
                cells.append(f"<td{wrap}>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def frame_text(df: Any, *, max_chars: int = 60) -> str:
    """A DataFrame as aligned plain text (cells cut at ``max_chars``), without the index."""
    columns = [str(c) for c in df.columns]
    rows = []
    for values in df.itertuples(index=False, name=None):
        row = []
        for value in values:
            text = _cell(value).replace("\n", " ")
            row.append(text if len(text) <= max_chars else text[: max_chars - 1] + "…")
        rows.append(row)
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def files_html(entries: Sequence[FileEntry], problems: Sequence[str], limit_bytes: int, max_rows: int = 8) -> str:
    """The chosen-files list with sizes, a warning for files above the limit, and path problems.

    At most ``max_rows`` files are listed (files above the limit first); the others are counted.
    """
    parts: list[str] = []
    for problem in problems:
        parts.append(f'<div class="unb-warn">✗ {esc(problem)}</div>')
    if not entries:
        if not problems:
            parts.append(
                '<span class="unb-muted">No files chosen yet: upload files (about 10 MB in all at most: Jupyter '
                "limits the size of one browser message), or type paths on the kernel's disk for bigger ones.</span>"
            )
        return "".join(parts)
    total = sum(e.size or 0 for e in entries)
    rows = []
    listed = sorted(entries, key=lambda e: not (e.size is not None and e.size > limit_bytes))[:max_rows]
    keep = {id(e) for e in listed}
    listed = [e for e in entries if id(e) in keep]  # in the user's order
    for e in listed:
        big = e.size is not None and e.size > limit_bytes
        size = esc(format_size(e.size))
        if big:
            size = f'<span class="unb-warn">{size} ⚠</span>'
        where = "uploaded" if e.source == "upload" else esc(e.shown or e.path or "kernel")
        rows.append(f'<tr><td>{esc(e.name)}</td><td style="text-align:right">{size}</td><td class="unb-muted">{where}</td></tr>')
    if len(entries) > len(listed):
        rows.append(f'<tr><td class="unb-muted" colspan="3">… and {len(entries) - len(listed)} more</td></tr>')
    noun = "file" if len(entries) == 1 else "files"
    parts.append(
        f'<table class="unb-table"><thead><tr><th>{len(entries)} {noun}</th><th style="text-align:right">size</th>'
        f"<th>from</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    parts.append(f'<div class="unb-muted">Total {esc(format_size(total))}</div>')
    big_ones = [e for e in entries if e.size is not None and e.size > limit_bytes]
    if big_ones:
        names = ", ".join(e.name for e in big_ones[:5]) + (" …" if len(big_ones) > 5 else "")
        uploads = any(e.source == "upload" for e in big_ones)
        advice = (
            " Large uploads travel through the browser and the kernel's memory: put such files on the kernel's disk"
            " and type their paths instead."
            if uploads
            else ""
        )
        parts.append(
            f'<div class="unb-warn">⚠ Over the {esc(format_size(limit_bytes))} size limit: {esc(names)}. '
            f"The Unstructured Platform may refuse files this big.{esc(advice)}</div>"
        )
    return "".join(parts)


def files_text(entries: Sequence[FileEntry], problems: Sequence[str], limit_bytes: int) -> str:
    lines = [f"  ✗ {p}" for p in problems]
    if not entries:
        if not problems:
            lines.append("  (no files chosen)")
        return "\n".join(lines)
    for e in entries:
        flag = "  ⚠ over the size limit" if e.size is not None and e.size > limit_bytes else ""
        where = "uploaded" if e.source == "upload" else (e.shown or e.path or "kernel")
        lines.append(f"  {e.name}  {format_size(e.size)}  ({where}){flag}")
    return "\n".join(lines)


def _stats(details: Any) -> list[Any]:
    return list(getattr(details, "node_stats", ()) or ())


def progress_html(label: str, details: Any) -> str:
    """Per-node progress bars (success green, failure red) from a ``JobDetails``."""
    stats = _stats(details)
    if not stats:
        return ""
    rows = []
    for s in stats:
        total = s.ready + s.in_progress + s.success + s.failure
        done_pct = 100.0 * s.success / total if total else 0.0
        fail_pct = 100.0 * s.failure / total if total else 0.0
        bar = (
            f'<span class="unb-bar"><span style="width:{done_pct:.1f}%;background:#2da44e"></span>'
            f'<span style="width:{fail_pct:.1f}%;background:#cf222e"></span></span>'
        )
        name = s.node_name or s.node_type or "node"
        sub = f" ({s.node_subtype})" if s.node_subtype else ""
        rows.append(
            f"<tr><td>{esc(name)}{esc(sub)}</td><td>{bar}</td>"
            f"<td>{s.success + s.failure}/{total} done</td><td>{s.in_progress} running</td>"
            f"<td>{s.ready} waiting</td><td>{s.failure} failed</td></tr>"
        )
    return f'<div class="unb-h">Progress of {esc(label)}</div><table class="unb-table"><tbody>{"".join(rows)}</tbody></table>'


def progress_text(label: str, details: Any) -> str:
    stats = _stats(details)
    if not stats:
        return ""
    lines = [f"Progress of {label}:"]
    for s in stats:
        total = s.ready + s.in_progress + s.success + s.failure
        name = s.node_name or s.node_type or "node"
        lines.append(
            f"  {name}: {s.success + s.failure}/{total} done, {s.in_progress} running, {s.ready} waiting, {s.failure} failed"
        )
    return "\n".join(lines)


def failed_html(label: str, failed: Iterable[Any]) -> str:
    failed = list(failed or ())
    if not failed:
        return ""
    rows = "".join(f"<tr><td>{esc(f.document)}</td><td>{esc(f.error)}</td></tr>" for f in failed)
    return (
        f'<div class="unb-h">Failed files of {esc(label)}</div>'
        f'<table class="unb-table"><thead><tr><th>file</th><th>error</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def error_html(paragraph: str) -> str:
    """The error box: one paragraph, escaped (it is never a traceback)."""
    if not paragraph:
        return ""
    return f'<div class="unb-error" role="alert"><b>Error.</b> {esc(paragraph)}</div>'


def notice_html(text: str, *, muted: bool = False) -> str:
    cls = "unb-muted" if muted else "unb-notice"
    return f'<span class="{cls}">{esc(text)}</span>'
