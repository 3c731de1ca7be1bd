"""Runs: start a job (or attach to one) and follow it until it ends, for every front end.

``start`` (the facade: start_run, start_job, attach, run), ``inputs`` (the one expansion of
paths, globs and folders), ``workflows`` (name or id to workflow), ``jobspec`` (templates and
job nodes of on-demand jobs), ``limits`` (the platform's on-demand limits, as data),
``launcher`` (when a job may be launched), ``clients`` (one shared client per URL and key),
``run`` (the ``Run`` handle), ``batch`` (several on-demand jobs as one run), ``following``
(what both share), ``search`` (ranking output chunks for a question), ``tracker`` (the
polling thread). No IPython and no widgets here.
"""

from __future__ import annotations

from .batch import BatchRun
from .clients import shared_client
from .following import Followable
from .inputs import InputFile, Inputs, expand, split_field
from .jobspec import JobSpec, job_options, load_nodes, nodes_from_options, resolve_template
from .limits import PLATFORM_LIMITS, OnDemandLimits, plan_jobs
from .run import Run
from .start import attach, job_spec, local_engine, run, start_job, start_run
from .tracker import PollPolicy, RunUpdate, Tracker, default_tracker
from .workflows import lookup, resolve_workflow

__all__ = [
    "PLATFORM_LIMITS",
    "BatchRun",
    "Followable",
    "InputFile",
    "Inputs",
    "JobSpec",
    "OnDemandLimits",
    "PollPolicy",
    "Run",
    "RunUpdate",
    "Tracker",
    "attach",
    "default_tracker",
    "expand",
    "job_options",
    "job_spec",
    "load_nodes",
    "local_engine",
    "lookup",
    "nodes_from_options",
    "plan_jobs",
    "resolve_template",
    "resolve_workflow",
    "run",
    "shared_client",
    "split_field",
    "start_job",
    "start_run",
]
