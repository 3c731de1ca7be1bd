"""The panel's results area: the elements preview and a "View" tab with the page viewer of the latest run's files.

The viewer is built only when its tab is opened, from the outputs the preview already
downloaded; its own file picker chooses among the run's files. A run that cannot give a viewer
(no outputs, a failed job) gets a note in the tab, never an error of the panel.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..errors import user_message

__all__ = ["Results"]

_PREVIEW, _VIEW = 0, 1


class Results:
    """Two tabs: ``Elements`` (the panel's preview table) and ``View`` (``run.view()``, with a picker of its files)."""

    def __init__(self, preview: widgets.Widget) -> None:
        self.note = widgets.HTML()
        self.area = widgets.Box(layout={"width": "100%"})
        self.view_tab = widgets.VBox([self.note, self.area], layout={"width": "100%"})
        self.tabs = widgets.Tab(children=[preview, self.view_tab], titles=("Elements", "View"), selected_index=_PREVIEW)
        self.tabs.layout.width = "100%"
        self.tabs.add_class("unb-results")
        self.viewer: Any = None
        self._run: Any = None
        self._shown: str | None = None  # the job id in the viewer
        self.tabs.observe(self._refresh, names="selected_index")

    def show_run(self, run: Any) -> None:
        """The latest finished run (a Run or a batch); the viewer follows when its tab is open."""
        self._run = run
        if self.tabs.selected_index == _VIEW:
            self._refresh()

    def _refresh(self, _change: Any = None) -> None:
        run = self._run
        if self.tabs.selected_index != _VIEW or run is None or self._shown == run.job_id:
            return
        self._shown = run.job_id
        if self.viewer is not None:
            self.viewer.close()
            self.viewer = None
        try:
            self.viewer = run.view()
        except Exception as exc:  # no outputs for this run, a failed job: say so in the tab
            self.note.value = f'<div class="unb-note">{html.escape(user_message(exc))}</div>'
            self.area.children = ()
            return
        self.note.value = ""
        self.area.children = (self.viewer,)
