"""The HTML of the panel's own parts (its frame, the chosen files, the error box, the results), drawn from its state.

The runs table itself is ``render.html``'s, the same as the magic's live table. Nothing here
imports ipywidgets: these are pure functions of plain values, also used for the panel's
``text/html`` and ``text/plain`` snapshots where widgets cannot render.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..render.html import attr, esc, runs_html
from ..render.snapshot import RunSnapshot
from ..render.style import format_size
from ..render.text import runs_text
from ..runs import InputFile
from .panel_state import PanelState, Preview

__all__ = [
    "PANEL_CSS",
    "error_html",
    "files_html",
    "files_text",
    "notice_html",
    "preview_html",
    "runs_table_html",
    "snapshot_html",
    "snapshot_text",
    "state_files_html",
    "title_html",
]

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
.unb-panel .unb-muted { color: var(--jp-ui-font-color2, #656d76); font-size: 12px; }
.unb-panel .unb-h { font-weight: 600; font-size: 13px; margin: 10px 0 4px 0; color: var(--jp-ui-font-color1, #1f2328); }
.unb-panel table.unb-table td, .unb-panel table.unb-table th { color: var(--jp-ui-font-color1, #1f2328); }
.unb-panel .unb-error { border: 1px solid #ff818266; border-left: 4px solid #cf222e; background: #ffebe9;
  color: #82071e; padding: 8px 12px; border-radius: 6px; font-size: 13px; margin: 6px 0; }
.unb-panel .unb-warn { color: #9a6700; font-weight: 600; }
.unb-panel .unb-notice { color: var(--jp-ui-font-color1, #1f2328); font-size: 13px; }
.unb-panel .unb-main-button { min-width: 96px; }
.unb-panel .unb-label { text-align: right; padding-right: 8px;
  color: var(--jp-widgets-label-color, var(--jp-ui-font-color1, #1f2328)); }
</style>
"""


def _empty_note(allow_paths: bool) -> str:
    if allow_paths:
        return "No files chosen yet: upload files from your computer, or type paths of files on the kernel's disk."
    return "No files chosen yet: upload files from your computer."


def title_html(api_label: str) -> str:
    return (
        PANEL_CSS
        + '<div class="unb-title"><b>Unstructured</b> · run workflows and on-demand jobs'
        + f'<span class="unb-sub">{esc(api_label)}</span></div>'
    )


def notice_html(text: str, *, muted: bool = False, warn: bool = False) -> str:
    kind = "unb-warn" if warn else "unb-muted" if muted else "unb-notice"
    return f'<span class="{kind}">{esc(text)}</span>'


def error_html(paragraph: str) -> str:
    """The error box: one paragraph, escaped (it is never a traceback)."""
    if not paragraph:
        return ""
    return f'<div class="unb-error" role="alert"><b>Error.</b> {esc(paragraph)}</div>'


def _too_big(f: InputFile, limit: int) -> bool:
    return f.size is not None and f.size > limit


def files_html(
    files: Sequence[InputFile],
    problems: Sequence[str],
    note: str | None,
    limit: int,
    max_rows: int = 8,
    *,
    allow_paths: bool = True,
    remote: bool = True,
    show_paths: bool = True,
) -> str:
    """The chosen-files list with sizes, a warning for files above the platform's limit, and problems.

    At most ``max_rows`` files are listed (files above the limit first); the others are counted.
    ``remote``: the server is the platform, whose size limit applies. ``show_paths``: put the
    kernel-side path in a tooltip (not in Voila, whose visitors need not know the server's folders).
    """
    if not remote:
        limit = 1 << 62  # the local engine has its own, larger limit and says so itself
    parts = [f'<div class="unb-warn" role="alert">✗ {esc(p)}</div>' for p in problems]
    if note:
        parts.append(f'<div class="unb-muted">{esc(note)}</div>')
    if not files:
        if not problems:
            parts.append(f'<span class="unb-muted">{esc(_empty_note(allow_paths))}</span>')
        return "".join(parts)
    keep = {id(f) for f in sorted(files, key=lambda f: not _too_big(f, limit))[:max_rows]}
    rows = []
    for f in (f for f in files if id(f) in keep):  # in the user's order
        size = esc(format_size(f.size))
        if _too_big(f, limit):
            size = f'<span class="unb-warn">{size} ⚠</span>'
        tip = f' title="{attr(f.path)}"' if show_paths and f.path and f.shown != "uploaded" else ""
        shown = f'<td class="unb-muted"{tip}>{esc(f.shown)}</td>'
        rows.append(f'<tr><td>{esc(f.name)}</td><td style="text-align:right">{size}</td>{shown}</tr>')
    if len(files) > len(keep):
        rows.append(f'<tr><td class="unb-muted" colspan="3">… and {len(files) - len(keep)} more</td></tr>')
    noun = "file" if len(files) == 1 else "files"
    parts.append(
        f'<table class="unb-table" style="border-collapse:collapse;font-size:12px"><thead><tr><th>{len(files)} {noun}</th>'
        f'<th style="text-align:right">size</th><th>from</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    parts.append(f'<div class="unb-muted">Total {esc(format_size(sum(f.size or 0 for f in files)))}</div>')
    big = [f for f in files if _too_big(f, limit)]
    if big:
        names = ", ".join(f.name for f in big[:5]) + (" …" if len(big) > 5 else "")
        parts.append(
            f'<div class="unb-warn">⚠ Over the {esc(format_size(limit))} size limit: {esc(names)}. '
            "The Unstructured Platform may refuse files this big.</div>"
        )
    return "".join(parts)


def files_text(files: Sequence[InputFile], problems: Sequence[str], limit: int) -> str:
    lines = [f"  ✗ {p}" for p in problems]
    if not files and not problems:
        lines.append("  (no files chosen)")
    for f in files:
        flag = "  ⚠ over the size limit" if _too_big(f, limit) else ""
        lines.append(f"  {f.name}  {format_size(f.size)}  ({f.shown}){flag}")
    return "\n".join(lines)


def preview_html(preview: Preview | None) -> str:
    """The results area: a title, the first elements, and where to find all of them."""
    if preview is None:
        return ""
    parts = [f'<div class="unb-h">{esc(preview.title)}</div>']
    if preview.columns:
        head = "".join(f'<th style="text-align:left;padding:3px 10px">{esc(c)}</th>' for c in preview.columns)
        body = "".join(
            "<tr>"
            + "".join(f'<td style="text-align:left;padding:3px 10px;max-width:520px">{_cut(v)}</td>' for v in row)
            + "</tr>"
            for row in preview.rows
        )
        parts.append(f'<table class="unb-table" style="border-collapse:collapse;font-size:12px"><thead><tr>{head}</tr></thead>')
        parts.append(f"<tbody>{body}</tbody></table>")
    if preview.note:
        parts.append(f'<span class="unb-muted">{esc(preview.note)}</span>')
    if preview.hint:
        parts.append(f'<div class="unb-muted">{esc(preview.hint)}</div>')
    return "".join(parts)


def _cut(text: str, limit: int = 100) -> str:
    if len(text) <= limit:
        return esc(text)
    return f'<span title="{attr(text)}">{esc(text[: limit - 1])}…</span>'


def runs_table_html(runs: Sequence[RunSnapshot]) -> str:
    """The runs started from the panel: the same view as the magic's live table."""
    return ('<div class="unb-h">Runs from this panel</div>' + runs_html(runs)) if runs else ""


def state_files_html(state: PanelState) -> str:
    """:func:`files_html` of the panel's state: uploads that failed or were refused first, then the files."""
    return files_html(
        state.files,
        (*state.upload_problems, *state.path_problems),
        state.path_note,
        state.size_limit_bytes,
        allow_paths=state.allow_paths,
        remote=state.remote,
        show_paths=state.code_hints,
    )


def _workflow_line(state: PanelState) -> tuple[str, str]:
    if state.choice.mode != "workflow":
        return "Run with", state.choice.label() or "no template chosen"
    wf = state.chosen_workflow
    if wf and wf not in {w.id for w in state.workflows}:
        return "Workflow", f"{wf!r} (typed; resolved on Run)"
    if wf:
        return "Workflow", f"{state.workflow_label(wf)} (id {wf})"
    names = ", ".join(w.name for w in state.workflows)
    return "Workflow", "none chosen" + (f" (available: {names})" if names else "")


def snapshot_html(state: PanelState, runs: Sequence[RunSnapshot]) -> str:
    """The whole panel as static HTML, for exported notebooks and front ends without widgets."""
    head, line = _workflow_line(state)
    files = state_files_html(state)
    sections = [
        f"<b>{esc(head)}:</b> {esc(line)}",
        f"<b>Files:</b> {files}",
        error_html(state.error),
        runs_table_html(runs),
        preview_html(state.preview),
        '<span class="unb-muted">A snapshot: the interactive panel needs a live kernel with ipywidgets '
        "(JupyterLab, Notebook 7 or Voila).</span>",
    ]
    body = "".join(f'<div class="unb-row">{s}</div>' for s in sections if s)
    return f'<div class="unb-panel">{title_html(state.api_label)}{body}</div>'


def snapshot_text(state: PanelState, runs: Sequence[RunSnapshot]) -> str:
    """The whole panel as plain text, for terminals and text-only exports."""
    head, line = _workflow_line(state)
    lines = [f"Unstructured panel ({state.api_label})", f"{head}: {line}", "Files:"]
    lines.append(files_text(state.files, state.path_problems, state.size_limit_bytes))
    if state.error:
        lines.append(f"Error: {state.error}")
    lines += ["Runs:", runs_text(runs)] if runs else ["Runs: none yet"]
    lines.append("(A snapshot: the interactive panel needs a live kernel with ipywidgets.)")
    return "\n".join(lines)
