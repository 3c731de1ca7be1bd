"""Rendering: one immutable :class:`RunSnapshot` of a run, and its text, HTML and DataFrame views.

``snapshot`` (the picture), ``tables`` (the rows every view shows), ``text``, ``html`` and
``frames`` (the views), ``style`` (colours, times, sizes). No IPython and no widgets here;
pandas loads only when a DataFrame is built.
"""

from __future__ import annotations

from .html import runs_html
from .snapshot import FileFailure, NodeProgress, RunSnapshot
from .text import runs_text

__all__ = ["FileFailure", "NodeProgress", "RunSnapshot", "runs_html", "runs_text"]
