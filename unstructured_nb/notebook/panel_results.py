"""The panel's results area: the elements preview and a "View" tab with the page viewer of one of the latest run's files.

The viewer is built only when its tab is opened (or its file changes), on the kernel's own
thread, from the outputs the preview already downloaded; a run's failure to give a viewer is
a note in the tab, never an error of the panel.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..errors import user_message
from ..runs import Run

__all__ = ["Results"]

_PREVIEW, _VIEW = 0, 1


class Results:
    """Two tabs: ``Elements`` (the panel's preview table) and ``View`` (``run.view(file)`` of the chosen file)."""

    def __init__(self, preview: widgets.Widget) -> None:
        self.file = widgets.Dropdown(description="File", options=[], layout={"width": "420px"})
        self.note = widgets.HTML()
        self.area = widgets.Box(layout={"width": "100%"})
        self.view_tab = widgets.VBox([self.file, self.note, self.area], layout={"width": "100%"})
        self.tabs = widgets.Tab(children=[preview, self.view_tab], titles=("Elements", "View"), selected_index=_PREVIEW)
        self.tabs.layout.width = "100%"
        self.tabs.add_class("unb-results")
        self.viewer: Any = None
        self._run: Run | None = None
        self._shown: tuple[str, str] | None = None  # (job id, file) in the viewer
        self.tabs.observe(self._refresh, names="selected_index")
        self.file.observe(self._refresh, names="value")

    def show_run(self, run: Run) -> None:
        """The latest finished run: its files in the picker; the viewer follows when its tab is open."""
        self._run = run
        names = list(run.files)
        self.file.options = names
        self.file.value = names[0] if names else None
        if self.tabs.selected_index == _VIEW:
            self._refresh()

    def _refresh(self, _change: Any = None) -> None:
        run, name = self._run, self.file.value
        if self.tabs.selected_index != _VIEW or run is None or not name:
            return
        if self._shown == (run.job_id, name):
            return
        self._shown = (run.job_id, name)
        if self.viewer is not None:
            self.viewer.close()
            self.viewer = None
        try:
            self.viewer = run.view(name)
        except Exception as exc:  # no outputs for this file, a failed job: say so in the tab
            self.note.value = f'<div class="unb-note">{html.escape(user_message(exc))}</div>'
            self.area.children = ()
            return
        self.note.value = ""
        self.area.children = (self.viewer,)
