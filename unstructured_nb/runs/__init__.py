"""Runs: start a job (or attach to one) and follow it until it ends, for every front end.

``start`` (the facade: start_run, attach, run), ``inputs`` (the one expansion of paths,
globs and folders), ``workflows`` (name or id to workflow), ``clients`` (one shared client
per URL and key), ``run`` (the ``Run`` handle), ``tracker`` (the polling thread). No IPython
and no widgets here.
"""

from __future__ import annotations

from .clients import shared_client
from .inputs import InputFile, Inputs, expand, split_field
from .run import Run
from .start import attach, run, start_run
from .tracker import PollPolicy, RunUpdate, Tracker, default_tracker
from .workflows import lookup, resolve_workflow

__all__ = [
    "InputFile",
    "Inputs",
    "PollPolicy",
    "Run",
    "RunUpdate",
    "Tracker",
    "attach",
    "default_tracker",
    "expand",
    "lookup",
    "resolve_workflow",
    "run",
    "shared_client",
    "split_field",
    "start_run",
]
