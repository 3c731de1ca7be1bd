"""The panel's widgets and how they are laid out: every part public, and rows others can extend.

:class:`PanelLayout` makes the parts and arranges them; :class:`~.panel.Panel` adds the
behaviour. ``workflow_row`` is the row a second control can join beside the workflow
picker; ``preview_area`` is the container more views of the results can join.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from ..filetypes import PLATFORM_EXTENSIONS
from .panel_choice import RunChoice
from .panel_modes import ChoiceControls
from .panel_results import Results
from .upload import ChunkedUpload

__all__ = ["PanelLayout"]

_LABEL_WIDTH = "76px"


def _row(*children: widgets.Widget, **layout: Any) -> widgets.HBox:
    box = widgets.HBox(list(children), layout=widgets.Layout(**layout))
    box.add_class("unb-row")
    return box


def _fixed() -> widgets.Layout:
    return widgets.Layout(width=_LABEL_WIDTH, min_width=_LABEL_WIDTH, flex="0 0 auto", margin="0 4px 0 4px")


def _label(text: str) -> widgets.HTML:
    label = widgets.HTML(text, layout=_fixed())
    label.add_class("unb-label")
    return label


class PanelLayout(widgets.VBox):
    """The panel's parts, laid out (no behaviour: see :class:`~.panel.Panel`; the "Run with" controls keep
    ``choice`` and their widgets in step)."""

    def __init__(
        self, *, choice: RunChoice, allow_paths: bool, root: str | os.PathLike[str] | None, max_upload_mb: float
    ) -> None:
        desc = {"description_width": _LABEL_WIDTH}
        self.title = widgets.HTML()
        # "Run with": Workflow (the row below) / Template / Custom, each mode's controls in its own row
        self.choices = ChoiceControls(choice, label_width=_LABEL_WIDTH)
        self.mode, self.template, self.template_refresh = self.choices.mode, self.choices.template, self.choices.template_refresh
        self.strategy, self.chunk, self.embed = self.choices.strategy, self.choices.chunk, self.choices.embed
        self.max_characters = self.choices.max_characters
        self.workflow = widgets.Dropdown(description="Workflow", options=[], value=None, style=desc, layout={"width": "360px"})
        self.workflow.add_class("unb-workflow")
        self.refresh_button = widgets.Button(icon="refresh", tooltip="Reload the workflows list", layout={"width": "40px"})
        self.workflow_id = widgets.Text(
            placeholder="…or type a workflow id or name", continuous_update=True, layout={"width": "280px"}
        )
        self.workflow_info = widgets.HTML()
        self.upload = ChunkedUpload(
            max_bytes=int(max_upload_mb * 1_000_000),
            accept=",".join(PLATFORM_EXTENSIONS),
            tooltip=f"Choose files on your computer (up to {max_upload_mb:g} MB each)",
        )
        self.paths = (
            widgets.Text(
                placeholder="…or paths on the kernel's disk: data/*.pdf reports/"
                if root is None
                else "…or paths in the course folder: week1/*.pdf",
                continuous_update=False,
                layout={"flex": "1 1 auto", "width": "auto", "max_width": "520px"},
            )
            if allow_paths
            else None
        )
        self.clear_button = widgets.Button(icon="times", tooltip="Clear the chosen files", layout={"width": "40px"})
        self.files_view = widgets.HTML()
        self.run_button = widgets.Button(
            description="Run", icon="play", button_style="primary", disabled=True, tooltip="Start a job of the chosen workflow"
        )
        self.cancel_button = widgets.Button(
            description="Cancel", icon="stop", button_style="danger", disabled=True, tooltip="Stop the running job(s)"
        )
        self.retry_button = widgets.Button(
            description="Retry failed files",
            icon="redo",
            disabled=True,
            layout={"width": "auto", "display": "none"},
            tooltip="Start a new job with only the files that failed in the latest run",
        )
        for button in (self.run_button, self.cancel_button):
            button.add_class("unb-main-button")
        self.status_line = widgets.HTML(layout={"margin": "0 0 0 8px"})
        self.error_area = widgets.HTML(layout={"display": "none"})
        wide = {"flex": "1 1 auto", "min_width": "0", "overflow": "auto"}  # wide tables scroll rather than squeeze
        self.table = widgets.HTML(layout=wide)
        self.preview = widgets.HTML(layout=wide)
        self.workflow_row = _row(self.workflow, self.refresh_button, self.workflow_id, self.workflow_info, flex_flow="row wrap")
        self.workflow_row.add_class("unb-workflow-row")
        file_controls = [self.upload, *([self.paths] if self.paths is not None else []), self.clear_button]
        self.results = Results(self.preview)  # the preview, and a "View" tab with the page viewer
        self.preview_area = widgets.VBox([self.results.tabs], layout=wide)  # more views of the results go here
        super().__init__(
            [
                self.title,
                _row(_label("Run with"), self.mode, flex_flow="row wrap"),
                self.workflow_row,
                self.choices.template_row,
                self.choices.custom_row,
                _row(_label("Files"), *file_controls, flex_flow="row wrap"),
                _row(widgets.HTML(layout=_fixed()), self.files_view),
                _row(
                    widgets.HTML(layout=_fixed()),
                    self.run_button,
                    self.cancel_button,
                    self.retry_button,
                    self.status_line,
                    margin="6px 0 0 0",
                    flex_flow="row wrap",
                ),
                _row(widgets.HTML(layout=_fixed()), self.error_area),
                _row(self.table),  # the tables take the whole width: they must fit a 1024-pixel projector
                _row(self.preview_area),
            ]
        )
        self.add_class("unb-panel")

    def close(self) -> None:
        """Close every part (the upload's temporary files go too), then the panel itself."""
        if isinstance(getattr(self, "upload", None), ChunkedUpload):
            self.upload.close()
        for child in _walk(self):
            if child is not self:
                child.close()
        super().close()


def _walk(box: widgets.Widget) -> Iterable[widgets.Widget]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)
