"""What to do next, in the words of the front end in use: the notebook's magics, plain Python, the CLI, or an app.

Every hint that names a command comes from here, so the CLI's messages name CLI commands
and the notebook's name magics. The front end is the notebook when IPython is running
(read from ``sys.modules``: nothing is imported), plain Python otherwise; the
``unstructured-nb`` command says it is the CLI with :func:`speak`, and a panel served by
Voila says it is an ``app``, whose visitors cannot run code: its hints name the panel's
buttons, or whoever runs the page.
"""

from __future__ import annotations

import sys

__all__ = [
    "attach",
    "cancel",
    "front_end",
    "list_jobs",
    "list_templates",
    "list_workflows",
    "login",
    "speak",
    "stopped_waiting",
]

_SPOKEN: list[str] = []  # set by the CLI for the whole process


def speak(front: str) -> None:
    """Say which front end is in use for the rest of the process: ``cli``, ``notebook`` or ``python``
    (``auto``: find out again, as at the start)."""
    if front not in ("cli", "notebook", "python", "app", "auto"):
        raise ValueError(f"unknown front end {front!r}")
    _SPOKEN[:] = [] if front == "auto" else [front]


def front_end() -> str:
    """``cli``, ``notebook`` (IPython or a Jupyter kernel) or ``python``."""
    if _SPOKEN:
        return _SPOKEN[0]
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return "notebook" if get is not None and get() is not None else "python"


def attach(job_id: str) -> str:
    """How to follow a job again."""
    return {
        "cli": f"`unstructured-nb run --attach {job_id}`",
        "notebook": f"`%unstructured_run --attach {job_id}`",
        "python": f"`unstructured_nb.attach({job_id!r})`",
        "app": "this page (its table follows the job)",
    }[front_end()]


def cancel(job_id: str) -> str:
    """How to stop a job."""
    return {
        "cli": f"`unstructured-nb cancel {job_id}`",
        "notebook": "`run.cancel()` (run being the variable you assigned)",
        "python": "`run.cancel()`",
        "app": "the Cancel button",
    }[front_end()]


def list_workflows() -> str:
    return {
        "cli": "`unstructured-nb workflows`",
        "notebook": "`%unstructured_workflows` (or `client.list_workflows()`)",
        "python": "`client.list_workflows()`",
        "app": "the Workflow list",
    }[front_end()]


def list_templates() -> str:
    return {
        "cli": "`unstructured-nb templates`",
        "notebook": "`%unstructured_templates` (or `client.list_templates()`)",
        "python": "`client.list_templates()`",
        "app": "the Template list",
    }[front_end()]


def list_jobs() -> str:
    return {
        "cli": "`unstructured-nb jobs`",
        "notebook": "`%unstructured_jobs` (or `client.list_jobs()`)",
        "python": "`client.list_jobs()`",
        "app": "the runs table",
    }[front_end()]


def login() -> str:
    """How to give the key without it landing in a notebook, a log or the shell's history."""
    return {
        "cli": "`read -rs UNSTRUCTURED_API_KEY && export UNSTRUCTURED_API_KEY` (the key is not echoed or kept in the history)",
        "notebook": "`%unstructured_login` (or `unstructured_nb.login()`), which asks for the key without showing it "
        "and keeps it in memory for this session",
        "python": "`unstructured_nb.login()`, which asks for the key without echoing it",
        "app": "whoever runs this page (the key is set where the app is started)",
    }[front_end()]


def stopped_waiting(job_id: str, status: str, done: bool) -> str:
    """The one paragraph for Ctrl-C while waiting (``run.wait()``, ``--wait``, the CLI): waiting stopped, the job did not."""
    if done:
        return f"Stopped waiting. Job {job_id} already ended {status}."
    keeps = " and its table keeps updating" if front_end() == "notebook" else ""
    return (
        f"Stopped waiting. Job {job_id} is still running on the server ({status}){keeps}. Cancel it with "
        f"{cancel(job_id)}, or follow it again later with {attach(job_id)}."
    )
