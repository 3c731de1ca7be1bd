"""docutils' reStructuredText parser, set up once: safe settings, Sphinx's code aliases, pooled nested state machines.

Safety: file insertion (``include``, ``csv-table``/``raw`` ``:file:``/``:url:``) and ``raw`` are off,
so a document cannot make the parser read a file or fetch a URL; messages go nowhere.

Speed: docutils builds a new nested state machine (some fifteen states, each compiling its
transitions) for every list, field list and explicit-markup block, which is about a third of its
parse time; ``nested_list_parse`` is wrapped to reuse finished machines of the same kind, per
thread, as docutils itself does for ``nested_parse`` (``nested_sm_cache``).
"""

from __future__ import annotations

import io
import threading
from typing import Any

_SETUP: tuple[Any, Any] | None = None
_POOLS = threading.local()


def parser_and_settings() -> tuple[Any, Any]:
    """(docutils' rst Parser, its settings) for our use; built once."""
    global _SETUP
    if _SETUP is None:
        from docutils.frontend import get_default_settings
        from docutils.parsers.rst import Parser, directives, states
        from docutils.parsers.rst.directives.body import CodeBlock

        # Sphinx's names for the code directive, which pandoc reads too
        for alias in ("code-block", "sourcecode"):
            directives.register_directive(alias, CodeBlock)
        states.RSTState.nested_list_parse = _pooled(states.RSTState.nested_list_parse)  # once: _SETUP is set below
        settings = get_default_settings(Parser)
        settings.file_insertion_enabled = False  # include, csv-table/raw :file: and :url:
        settings.raw_enabled = False
        settings.report_level = 5
        settings.halt_level = 5
        settings.warning_stream = io.StringIO()
        settings.line_length_limit = 100_000
        settings.character_level_inline_markup = False
        settings.syntax_highlight = "none"  # code directives: their text only, without running pygments
        _SETUP = (Parser(), settings)
    return _SETUP


def _pooled(original: Any) -> Any:
    def nested_list_parse(
        self: Any,
        block: Any,
        input_offset: int,
        node: Any,
        initial_state: str,
        blank_finish: bool,
        blank_finish_state: str | None = None,
        extra_settings: dict[str, Any] | None = None,
        match_titles: bool = False,
        state_machine_class: Any = None,
        state_machine_kwargs: Any = None,
    ) -> tuple[int, bool]:
        if match_titles or state_machine_class is not None or state_machine_kwargs is not None:
            unpooled: tuple[int, bool] = original(
                self, block, input_offset, node, initial_state, blank_finish, blank_finish_state,
                extra_settings or {}, match_titles, state_machine_class, state_machine_kwargs,
            )  # fmt: skip
            return unpooled
        kwargs = self.nested_sm_kwargs
        key = (self.nested_sm, id(kwargs.get("state_classes")), initial_state)
        pools: dict[Any, list[Any]] = _POOLS.__dict__.setdefault("pools", {})
        pool = pools.setdefault(key, [])
        if pool:
            machine = pool.pop()
            machine.parent_state_machine = self.state_machine
            machine.observers = []
        else:
            machine = self.nested_sm(
                debug=self.debug, parent_state_machine=self.state_machine, **{**kwargs, "initial_state": initial_state}
            )
        finish_state = blank_finish_state or initial_state
        machine.states[finish_state].blank_finish = blank_finish
        for name, value in (extra_settings or {}).items():
            setattr(machine.states[initial_state], name, value)
        machine.run(block, input_offset, memo=self.memo, node=node, match_titles=match_titles)
        result = machine.abs_line_offset(), machine.states[finish_state].blank_finish
        # drop the machine's references to this document (its states keep theirs until the next parse)
        machine.node = machine.memo = machine.document = machine.input_lines = None
        machine.parent_state_machine = None
        pool.append(machine)
        return result

    return nested_list_parse
