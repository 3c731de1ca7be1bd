"""How values look in every view: the status and element-type colours, times, durations, sizes and short ids."""

from __future__ import annotations

from datetime import datetime, timezone

from ..sizes import format_size

__all__ = [
    "CHUNK_COLOURS",
    "STATUS_COLOURS",
    "TYPE_COLOURS",
    "chunk_colour",
    "format_clock",
    "format_seconds",
    "format_size",
    "format_time",
    "short_id",
    "status_colours",
    "type_colour",
]

#: One colour pair (text, background) per state, for every table and badge. GitHub's
#: Primer palette: readable in light themes, and the tints stay legible on dark ones.
#: PARTIAL (completed, some files failed) is the one amber state; STOPPED, the user's own
#: doing, is grey.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "COMPLETED": ("#1a7f37", "#dafbe1"),
    "PARTIAL": ("#9a6700", "#fff8c5"),
    "FAILED": ("#cf222e", "#ffebe9"),
    "STOPPED": ("#424a53", "#eaeef2"),
    "IN_PROGRESS": ("#0969da", "#ddf4ff"),
    "SCHEDULED": ("#8250df", "#fbefff"),
    "STARTING": ("#57606a", "#eaeef2"),
    "WAITING": ("#57606a", "#eaeef2"),  # a batch's job not launched yet (the platform's limits)
    "NOT SENT": ("#424a53", "#eaeef2"),  # a batch's job never launched (cancelled, or a launch failed); amber is PARTIAL's
}
_NEUTRAL = ("#57606a", "#eaeef2")


def status_colours(status: str) -> tuple[str, str]:
    """(text colour, background) of a status; unknown statuses are neutral."""
    return STATUS_COLOURS.get(status.upper(), _NEUTRAL)


def short_id(job_id: str) -> str:
    """The first 8 characters of an id, as the tables show it."""
    return job_id[:8] if len(job_id) > 8 else job_id


def format_time(dt: datetime | None) -> str:
    """``2026-01-01 12:00:00`` in UTC ('' for none)."""
    if dt is None:
        return ""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def format_clock(dt: datetime | None, now: datetime | None = None) -> str:
    """``12:00:05`` for a time of today (UTC), ``2026-01-01 12:00`` for an older one ('' for none): narrow columns."""
    if dt is None:
        return ""
    utc = dt.astimezone(timezone.utc)
    today = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    return utc.strftime("%H:%M:%S") if utc.date() == today else utc.strftime("%Y-%m-%d %H:%M")


def format_seconds(seconds: float | None) -> str:
    """``0.40 s``, ``12.3 s``, ``4 min 05 s``, ``1 h 02 min`` ('' for none)."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


#: One colour per element type, for the page viewer's boxes, legend and reading view (the
#: Okabe-Ito and Tableau hues, told apart by most colour-blind readers). Chunks cycle through
#: ``CHUNK_COLOURS`` instead, so that neighbouring chunks differ.
TYPE_COLOURS: dict[str, str] = {
    "Title": "#0969da",
    "NarrativeText": "#1a7f37",
    "ListItem": "#d4760a",
    "Table": "#8250df",
    "TableChunk": "#8250df",
    "Image": "#0c8599",
    "Figure": "#0c8599",
    "FigureCaption": "#bf3989",
    "Caption": "#bf3989",
    "Header": "#6e7781",
    "Footer": "#6e7781",
    "PageNumber": "#6e7781",
    "PageBreak": "#6e7781",
    "UncategorizedText": "#9a6700",
    "Text": "#9a6700",
    "Formula": "#cf222e",
    "CodeSnippet": "#57606a",
    "Address": "#116329",
    "EmailAddress": "#116329",
    "Footnote": "#953800",
    "CompositeElement": "#0550ae",
}
_OTHER_TYPES = ("#a40e26", "#4d2d00", "#0a3069", "#3e1f79", "#5a6b00", "#7d4e00")
CHUNK_COLOURS = ("#0969da", "#d4760a", "#1a7f37", "#bf3989", "#8250df", "#0c8599", "#cf222e", "#9a6700")


def type_colour(element_type: str) -> str:
    """The colour of an element type; a type not listed gets a stable one of its own."""
    known = TYPE_COLOURS.get(element_type)
    if known is not None:
        return known
    return _OTHER_TYPES[sum(element_type.encode("utf-8", "replace")) % len(_OTHER_TYPES)]


def chunk_colour(index: int) -> str:
    """The colour of the ``index``-th chunk (neighbours never share one)."""
    return CHUNK_COLOURS[index % len(CHUNK_COLOURS)]
