"""``%unstructured_run``, ``%unstructured_jobs`` and ``%unstructured_workflows``: the IPython skin.

Parsing and presentation only: runs are started and followed by ``tracking``, drawn by
``display``. Loading this module imports neither pandas, ipywidgets nor httpx.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from traitlets import Float, Int, Unicode

from .config import ENV_NONINTERACTIVE as NONINTERACTIVE_ENV
from .errors import UnstructuredError


class MagicError(Exception):
    """An error shown as its one paragraph, with no traceback (IPython calls ``_render_traceback_``)."""

    def __init__(self, paragraph: str) -> None:
        super().__init__(paragraph)
        self.paragraph = paragraph

    def _render_traceback_(self) -> list[str]:
        return [self.paragraph]


def _display() -> Any:
    """The display module, imported on first use (keeps ``%load_ext`` cheap)."""
    from . import display

    return display


def _fail(exc: BaseException) -> MagicError:
    return MagicError(_display().error_paragraph(exc))


def _usage(exc: BaseException, usage: str) -> str:
    text = str(exc).strip().rstrip(".")
    return f"{text[:1].upper()}{text[1:]}. Usage: {usage}."


def _noninteractive() -> bool:
    return os.environ.get(NONINTERACTIVE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _interrupted(run: Any) -> None:
    if run.done:
        print(f"Stopped waiting. Job {run.job_id} already ended {run.status.value}.", file=sys.stderr)
        return
    print(
        f"Stopped waiting. Job {run.job_id} is still running on the server and its table keeps updating. "
        f"Cancel it with run.cancel() (run being the variable you assigned), or follow it again later with "
        f"%unstructured_run --attach {run.job_id}.",
        file=sys.stderr,
    )


@magics_class
class UnstructuredMagics(Magics):
    """Run Unstructured workflows from a notebook. Configure with ``%config UnstructuredMagics.<name> = ...``."""

    poll_interval = Float(
        None, allow_none=True, help="Seconds between status polls of a job; None adapts (fast at first, slower for long jobs)."
    ).tag(config=True)
    api_url = Unicode(None, allow_none=True, help="Default API URL; else UNSTRUCTURED_API_URL; else the local engine.").tag(
        config=True
    )
    wait_timeout = Float(None, allow_none=True, help="Default --timeout (seconds) for --wait; None waits forever.").tag(
        config=True
    )
    request_timeout = Float(None, allow_none=True, help="HTTP timeout (seconds) of each request; None keeps the client's.").tag(
        config=True
    )
    max_rows = Int(50, help="Most rows shown in a status or jobs table.").tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self._shown: list[Any] = []  # runs whose table this cell already shows
        if shell is not None:
            shell.events.register("post_run_cell", self._end_of_cell)

    def _end_of_cell(self, *args: Any) -> None:
        for r in self._shown:
            r._suppress_display = False
        self._shown.clear()

    def _client(self, api_url: str | None) -> Any:
        from .tracking import get_client

        return get_client(api_url or self.api_url or None, timeout=self.request_timeout)

    # -- %unstructured_run --------------------------------------------------------------------
    @magic_arguments()
    @argument("workflow", nargs="?", help="Workflow id or exact name.")
    @argument("paths", nargs="*", help="Files, globs (data/*.pdf) or directories.")
    @argument("--wait", action="store_true", help="Block until the job ends.")
    @argument("--timeout", type=float, default=None, help="With --wait: stop waiting after this many seconds.")
    @argument("--poll", type=float, default=None, help="Seconds between status polls (default: adaptive).")
    @argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine).")
    @argument("--attach", metavar="JOB_ID", default=None, help="Follow an existing job instead of starting one.")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic
    def unstructured_run(self, line: str = "") -> Any:
        """Start a workflow on files and show its live status table; returns the ``Run``.

        Usage: ``run = %unstructured_run WORKFLOW PATH [PATH ...] [--wait] [--timeout S]``.
        With no arguments, shows the panel. ``--attach JOB_ID`` follows an existing job.
        """
        try:
            args = parse_argstring(self.unstructured_run, line)
            if args.help:
                print(self.unstructured_run.parser.format_help())
                return None
        except Exception as exc:  # a UsageError from the argument parser: keep it one paragraph
            raise MagicError(
                _usage(
                    exc,
                    "%unstructured_run WORKFLOW PATH [PATH ...] [--wait] [--timeout S]; %unstructured_run --help lists every option",
                )
            ) from None
        if not args.workflow and not args.attach:
            return self._panel()
        from . import tracking

        poll = args.poll if args.poll is not None else self.poll_interval
        try:
            if args.attach:
                if args.workflow or args.paths:
                    raise MagicError("--attach follows an existing job: give it a job id and no workflow or paths.")
                run = tracking.attach(args.attach, client=self._client(args.api_url), poll=poll)
            else:
                if not args.paths:
                    raise MagicError(
                        f"No input files for workflow {args.workflow!r}. Usage: %unstructured_run WORKFLOW PATH [PATH ...]; "
                        "a PATH may be a file, a glob such as data/*.pdf, or a directory."
                    )
                # paths are checked before the client exists, so a bad path sends nothing
                files = tracking.expand_paths(args.paths)
                run = tracking.start_run(args.workflow, files, client=self._client(args.api_url), poll=poll)
        except MagicError:
            raise
        except Exception as exc:  # UnstructuredError and anything unexpected: one paragraph
            raise _fail(exc) from None
        wait = args.wait or _noninteractive()
        timeout = args.timeout if args.timeout is not None else self.wait_timeout
        try:
            self._present(run, wait=wait, timeout=timeout)
        except KeyboardInterrupt:  # Ctrl-C while the table was being shown: same answer as during --wait
            _interrupted(run)
        run._suppress_display = True
        self._shown.append(run)
        return run

    def _present(self, run: Any, *, wait: bool, timeout: float | None) -> None:
        _display().MAX_ROWS = self.max_rows
        if _noninteractive():
            self._wait(run, timeout)
            self._show_final(run)
        elif _display().in_kernel():
            redraw = _display().show_live([run])
            if wait and self._wait(run, timeout):
                redraw()  # the cell ends with the final table, not only once the tracker thread gets to it
        else:  # terminal IPython: one table now, the final one after --wait
            print(_display().render_text([run]))
            if wait and self._wait(run, timeout):
                print(_display().render_text([run]))
            elif not run.finished:
                print(f"Job {run.job_id} keeps running; display the run (or call run.wait()) to see its status.")

    def _show_final(self, run: Any) -> None:
        from IPython.display import display

        display(_display().RunsView([run]))

    def _wait(self, run: Any, timeout: float | None) -> bool:
        """Wait for the run; on Ctrl-C or timeout say what to do. True if it ended."""
        from .tracking import WaitTimeoutError

        try:
            run.wait(timeout)
            return True
        except KeyboardInterrupt:
            _interrupted(run)
        except WaitTimeoutError as exc:
            print(_display().error_paragraph(exc), file=sys.stderr)
        except UnstructuredError as exc:
            print(_display().error_paragraph(exc), file=sys.stderr)
        return False

    def _panel(self) -> Any:
        try:
            from .widgets import panel
        except Exception as exc:
            raise MagicError(
                "The panel is not available here "
                f"({type(exc).__name__}: {exc}). Use %unstructured_run WORKFLOW PATH ... instead, "
                "or install ipywidgets (pip install ipywidgets) and restart the kernel."
            ) from None
        try:  # the magic's configuration applies to the panel too
            return panel(api_url=self.api_url or None, poll=self.poll_interval)
        except UnstructuredError as exc:
            raise _fail(exc) from None

    # -- %unstructured_jobs --------------------------------------------------------------------
    @magic_arguments()
    @argument("--workflow", "-w", default=None, help="Only jobs of this workflow (id or exact name).")
    @argument(
        "--status", "-s", default=None, help="Only jobs with this status (SCHEDULED, IN_PROGRESS, COMPLETED, FAILED, STOPPED)."
    )
    @argument("--limit", "-n", type=int, default=20, help="Show at most this many jobs (newest first); default 20.")
    @argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine).")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic
    def unstructured_jobs(self, line: str = "") -> Any:
        """List recent jobs as a DataFrame, newest first, to find one to ``--attach`` to."""
        try:
            args = parse_argstring(self.unstructured_jobs, line)
            if args.help:
                print(self.unstructured_jobs.parser.format_help())
                return None
        except Exception as exc:
            raise MagicError(_usage(exc, "%unstructured_jobs [--workflow W] [--status S] [--limit N]")) from None
        from . import tables, tracking

        try:
            client = self._client(args.api_url)
            workflow_id = tracking.resolve_workflow(client, args.workflow).id if args.workflow else None
            status = args.status.upper() if args.status else None
            jobs = client.list_jobs(workflow_id=workflow_id, status=status)
        except Exception as exc:
            raise _fail(exc) from None
        return tables.jobs_frame(jobs, limit=max(0, args.limit))

    # -- %unstructured_workflows ------------------------------------------------------------------
    @magic_arguments()
    @argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine).")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic
    def unstructured_workflows(self, line: str = "") -> Any:
        """List the workflows you can run, as a DataFrame (name, id, nodes)."""
        try:
            args = parse_argstring(self.unstructured_workflows, line)
            if args.help:
                print(self.unstructured_workflows.parser.format_help())
                return None
        except Exception as exc:
            raise MagicError(_usage(exc, "%unstructured_workflows [--api-url URL]")) from None
        from . import tables

        try:
            workflows = self._client(args.api_url).list_workflows()
        except Exception as exc:
            raise _fail(exc) from None
        return tables.workflows_frame(workflows)


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics (``%load_ext unstructured_nb``)."""
    ipython.register_magics(UnstructuredMagics)


def unload_ipython_extension(ipython: Any) -> None:
    magics = ipython.magics_manager.registry.get("UnstructuredMagics")
    if magics is not None:
        try:
            ipython.events.unregister("post_run_cell", magics._end_of_cell)
        except ValueError:
            pass
    for name in ("unstructured_run", "unstructured_jobs", "unstructured_workflows"):
        ipython.magics_manager.magics["line"].pop(name, None)
