"""How values look in every view: the status colours, times, durations, sizes and short ids."""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["STATUS_COLOURS", "format_seconds", "format_size", "format_time", "short_id", "status_colours"]

#: One colour pair (text, background) per status, for every table and badge. GitHub's
#: Primer palette: readable in light themes, and the tints stay legible on dark ones.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "COMPLETED": ("#1a7f37", "#dafbe1"),
    "FAILED": ("#cf222e", "#ffebe9"),
    "STOPPED": ("#9a6700", "#fff8c5"),
    "IN_PROGRESS": ("#0969da", "#ddf4ff"),
    "SCHEDULED": ("#8250df", "#fbefff"),
    "STARTING": ("#57606a", "#eaeef2"),
    "WAITING": ("#57606a", "#eaeef2"),  # a batch's job not launched yet (the platform's limits)
    "NOT SENT": ("#9a6700", "#fff8c5"),  # a batch's job never launched (cancelled, or a launch failed)
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


def format_size(size: int | None) -> str:
    """``1.2 MB`` style sizes (decimal units, like file managers); ``?`` when unknown."""
    if size is None:
        return "?"
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB"):
        value /= 1000.0
        if value < 999.95:
            return f"{value:.1f} {unit}"
    return f"{value / 1000.0:.1f} TB"
