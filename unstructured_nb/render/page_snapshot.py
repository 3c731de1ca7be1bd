"""The page viewer's static snapshot: each shown page image with an inline SVG of its boxes, and a legend, as HTML and text.

This is what a notebook shows where the live widget cannot run (an exported HTML file,
nbviewer, a closed kernel): one ``<svg>`` per shown page, holding the page image and one
``<rect>`` per box with a ``<title>`` tooltip; a chunk's original elements are dashed
``<path>`` outlines, so rects count boxes. Everything a document supplied is escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from .layout import Mark
from .page_images import PageImage

__all__ = ["LegendEntry", "PageShot", "legend_html", "snapshot_html", "snapshot_text"]

VIEW_WIDTH = 1000  # the SVG's user units across a page
_FONT = "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px"


@dataclass(frozen=True)
class LegendEntry:
    """One element type: its colour and how many there are (in the document, and with boxes on this page)."""

    type: str
    colour: str
    count: int
    on_page: int = 0


@dataclass(frozen=True)
class PageShot:
    """One page of one view, as shown: its size (any units: only the aspect counts), image and boxes."""

    title: str
    page: int
    page_count: int
    width: float
    height: float
    image: PageImage | None
    marks: Sequence[Mark] = field(default_factory=tuple)
    note: str = ""
    legend: Sequence[LegendEntry] = field(default_factory=tuple)
    body: str = ""  # a reading view's HTML (already escaped and sanitized), drawn instead of the page


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(shot: PageShot) -> str:
    w = float(VIEW_WIDTH)
    h = w * (shot.height / shot.width if shot.width > 0 and shot.height > 0 else 1.294)
    max_px = min(shot.image.width, 900) if shot.image is not None else 700
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="unb-page-svg" viewBox="0 0 {_f(w)} {_f(h)}" width="100%"'
        f' style="max-width:{max_px}px;display:block;border:1px solid #d0d7de;background:#fff">'
    ]
    if shot.image is not None:
        data = base64.b64encode(shot.image.data).decode("ascii")
        out.append(f'<image href="data:{shot.image.mime};base64,{data}" x="0" y="0" width="{_f(w)}" height="{_f(h)}"/>')
    for mark in shot.marks:
        x0, y0, x1, y1 = mark.box.scaled(w, h)
        colour = html.escape(mark.colour)
        for part in mark.parts:
            px0, py0, px1, py1 = part.scaled(w, h)
            out.append(
                f'<path d="M{_f(px0)} {_f(py0)}H{_f(px1)}V{_f(py1)}H{_f(px0)}Z" fill="none" stroke="{colour}"'
                ' stroke-width="0.8" stroke-dasharray="3 2" opacity="0.8"/>'
            )
        out.append(
            f'<rect class="unb-box" data-id="{html.escape(mark.element_id)}" data-type="{html.escape(mark.type)}"'
            f' x="{_f(x0)}" y="{_f(y0)}" width="{_f(max(x1 - x0, 1.0))}" height="{_f(max(y1 - y0, 1.0))}"'
            f' fill="{colour}" fill-opacity="0.12" stroke="{colour}" stroke-width="1.5">'
            f"<title>{html.escape(mark.tip)}</title></rect>"
        )
        if mark.label:
            out.append(
                f'<text x="{_f(x0 + 3)}" y="{_f(y0 + 19)}" font-size="20" font-weight="700" fill="{colour}"'
                f' font-family="sans-serif">{html.escape(mark.label)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def legend_html(legend: Sequence[LegendEntry]) -> str:
    """The element types, each with its colour swatch and count."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:4px;margin:0 10px 2px 0">'
        f'<span style="width:11px;height:11px;border-radius:2px;background:{html.escape(e.colour)}"></span>'
        f'{html.escape(e.type)} <span style="color:#57606a">{e.count}</span></span>'
        for e in legend
    )
    return f'<div class="unb-legend" style="margin:4px 0">{items}</div>'


def snapshot_html(heading: str, shots: Sequence[PageShot], note: str = "") -> str:
    """A heading, then one figure per shot, side by side: its legend and its page with boxes (or its reading view)."""
    figures = []
    for shot in shots:
        where = f"page {shot.page} of {shot.page_count}"
        caption = f"{shot.title}: {where}" if shot.title else where
        shot_note = f'<div style="color:#57606a">{html.escape(shot.note)}</div>' if shot.note else ""
        drawn = shot.body or _svg(shot)
        figures.append(
            f'<figure class="unb-shot" style="margin:0;flex:1 1 0;min-width:240px">'
            f'<figcaption style="font-weight:600;margin:2px 0">{html.escape(caption)}</figcaption>'
            f"{legend_html(shot.legend)}{shot_note}{drawn}</figure>"
        )
    top_note = f'<div style="color:#9a6700">{html.escape(note)}</div>' if note else ""
    return (
        f'<div class="unb-viewer-snapshot" style="{_FONT}"><div style="font-weight:600">{html.escape(heading)}</div>{top_note}'
        f'<div style="display:flex;gap:12px;align-items:flex-start">{"".join(figures)}</div></div>'
    )


def snapshot_text(heading: str, shots: Sequence[PageShot]) -> str:
    """The plain-text bundle: what this is, and the counts a reader without HTML can use."""
    lines = [heading]
    for shot in shots:
        types = ", ".join(f"{e.type} {e.count}" for e in shot.legend) or "no elements"
        total = sum(e.count for e in shot.legend)
        count = len(shot.marks)
        boxes = f", {count} {'box' if count == 1 else 'boxes'} on page {shot.page} of {shot.page_count}" if not shot.body else ""
        title = f"{shot.title}: " if shot.title and len(shots) > 1 else ""
        lines.append(f"{title}{total} {'element' if total == 1 else 'elements'}{boxes} ({types})")
    lines.append("An interactive page viewer (unstructured_nb.view): with a live kernel, click a box to select its element.")
    return "\n".join(lines)
