"""Byte counts as people read them: ``1.2 MB`` (decimal units, like file managers)."""

from __future__ import annotations

__all__ = ["format_size"]


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
