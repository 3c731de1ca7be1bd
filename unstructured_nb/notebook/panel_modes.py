"""The panel's "Run with" controls: Workflow / Template / Custom, and each mode's row, bound to a :class:`RunChoice`.

:class:`ChoiceControls` makes the widgets and keeps them and the choice in step both ways: a
click or a typed value sets the choice's traits, and a choice changed from code (or a
reloaded templates list) shows in the widgets. Only the chosen mode's row is displayed.
The rows are public so a notebook (or a test) can drive them like a user.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..render.html import esc
from .panel_choice import MODES, STRATEGIES, RunChoice

__all__ = ["ChoiceControls"]


class ChoiceControls:
    """``mode`` (ToggleButtons: Workflow, Template, Custom; the panel labels them "Run with") and its rows:
    ``template_row`` (``template`` Dropdown, ``template_refresh``, ``template_info``) and ``custom_row``
    (``strategy``, ``chunk``, ``max_characters``, ``embed`` and ``embedder_info``). The workflow row is the panel's own."""

    def __init__(self, choice: RunChoice, *, label_width: str) -> None:
        self.choice = choice
        self._drawing = False  # while the choice is drawn, the widgets' own changes are not the user's
        desc = {"description_width": label_width}
        self.mode = widgets.ToggleButtons(
            options=list(MODES),
            value=choice.mode,
            style={"button_width": "96px"},
            tooltips=[
                "Run an existing workflow of the server",
                "Run an on-demand job from one of the server's templates",
                "Run an on-demand job with the strategy, chunking and embedding chosen here",
            ],
        )
        self.mode.add_class("unb-mode")
        self.template = widgets.Dropdown(description="Template", options=[], value=None, style=desc, layout={"width": "360px"})
        self.template.add_class("unb-template")
        self.template_refresh = widgets.Button(icon="refresh", tooltip="Reload the templates list", layout={"width": "40px"})
        self.template_info = widgets.HTML()
        self.strategy = widgets.Dropdown(
            description="Strategy", options=list(STRATEGIES), value=choice.strategy, style=desc, layout={"width": "220px"}
        )
        self.chunk = widgets.Dropdown(
            description="Chunking", options=choice.chunk_options(), value=choice.chunk, style=desc, layout={"width": "260px"}
        )
        self.max_characters = widgets.Text(
            value=choice.max_characters_text,
            description="Max characters",
            placeholder="500 (default)",
            continuous_update=False,
            style={"description_width": "initial"},
            layout={"width": "210px"},
        )
        self.embed = widgets.Checkbox(value=choice.embed, description="Embed", indent=False, layout={"width": "auto"})
        self.embedder_info = widgets.HTML()
        self.template_row = widgets.HBox(
            [self.template, self.template_refresh, self.template_info], layout={"flex_flow": "row wrap"}
        )
        self.custom_row = widgets.HBox(
            [self.strategy, self.chunk, self.max_characters, self.embed, self.embedder_info], layout={"flex_flow": "row wrap"}
        )
        for row in (self.template_row, self.custom_row):
            row.add_class("unb-row")

        self.mode.observe(lambda c: self._set("mode", c["new"]), names="value")
        self.template.observe(lambda c: self._set("template", c["new"]), names="value")
        self.strategy.observe(lambda c: self._set("strategy", c["new"]), names="value")
        self.chunk.observe(lambda c: self._set("chunk", c["new"]), names="value")
        self.embed.observe(lambda c: self._set("embed", c["new"]), names="value")
        self.max_characters.observe(self._typed, names="value")
        choice.observe(lambda _c: self.show(), names=["mode", "templates", "template", "strategy", "chunk", "embed", "local"])
        self.show()

    def _set(self, name: str, value: Any) -> None:
        if not self._drawing and getattr(self.choice, name) != value:
            setattr(self.choice, name, value)

    def _typed(self, change: Any) -> None:
        if not self._drawing:
            self.choice.set_max_characters(change["new"])

    def show(self) -> None:
        """Draw the choice into the widgets (only what differs, so a user's input is never fought)."""
        self._drawing = True
        try:
            self._show()
        finally:
            self._drawing = False

    def _show(self) -> None:
        choice = self.choice
        for widget, value in ((self.mode, choice.mode), (self.strategy, choice.strategy), (self.embed, choice.embed)):
            if widget.value != value:
                widget.value = value
        options = choice.chunk_options()
        if [tuple(o) for o in self.chunk.options] != options:
            self.chunk.options = options  # picks a value of its own, undone on the next line
        if self.chunk.value != choice.chunk:
            self.chunk.value = choice.chunk
        templates = choice.template_options()
        if [tuple(o) for o in self.template.options] != templates:
            self.template.options = templates
        if self.template.value != choice.template:
            self.template.value = choice.template
        if self.max_characters.value != choice.max_characters_text:
            self.max_characters.value = choice.max_characters_text
        chunked = choice.chunk != "none"
        self.template_row.layout.display = None if choice.mode == "template" else "none"
        self.custom_row.layout.display = None if choice.mode == "custom" else "none"
        self.max_characters.layout.display = None if chunked else "none"
        self.embed.disabled = not chunked
        self.embed.tooltip = "Add embeddings to the chunks" if chunked else "Embedding needs chunks: choose a chunking first"
        info = choice.embedder_label() if chunked else "embedding needs a chunking"
        self.embedder_info.value = f'<span class="unb-muted">{esc(info)}</span>'
        self.template_info.value = f'<span class="unb-muted">{esc(choice.template_info())}</span>'
