"""The magics (``%unstructured_run``, ``_jobs``, ``_workflows``, ``_templates``, ``_login``): the IPython skin.

Parsing and presentation only: runs are started and followed by ``runs``, drawn by
``render`` through ``live``. Loading this module imports neither pandas, ipywidgets nor httpx.
"""

from __future__ import annotations

import os
import sys
import textwrap
from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from traitlets import Float, Int, TraitError, Unicode, validate

from ..config import ENV_NONINTERACTIVE
from ..errors import UnstructuredError, UsageError, WaitTimeoutError, user_message

__all__ = ["UnstructuredMagics", "load_ipython_extension", "unload_ipython_extension"]

_RUN_USAGE = (
    "%unstructured_run WORKFLOW PATH [PATH ...] [--wait] [--timeout S], or with no workflow "
    "%unstructured_run --template NAME PATH ... / --strategy S --chunk by_title --embed PATH ... / --nodes nodes.json PATH ...; "
    "%unstructured_run --help lists every option"
)
# the options that make a run an on-demand job (no workflow): the first positional is then a path
_ON_DEMAND = ("template", "nodes", "strategy", "chunk", "max_characters", "new_after", "overlap", "embed", "embed_model")


def _one_paragraph(exc: BaseException) -> UsageError | UnstructuredError:
    """``exc`` as an error IPython shows as its one paragraph, with no traceback."""
    if isinstance(exc, UnstructuredError):
        return exc
    return UsageError(user_message(exc))


def _usage(exc: BaseException, usage: str) -> UsageError:
    text = str(exc).strip().rstrip(".")
    return UsageError(f"{text[:1].upper()}{text[1:]}. Usage: {usage}")


def _unquote(value: str | None) -> str | None:
    """IPython's argument parser keeps quotes: 'High res' is the name High res."""
    if value and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def noninteractive() -> bool:
    """True in CI and docs builds (``UNSTRUCTURED_NB_NONINTERACTIVE``): runs block and show only the final table."""
    return os.environ.get(ENV_NONINTERACTIVE, "").strip().lower() not in ("", "0", "false", "no")


def _interrupted(run: Any) -> None:
    """Ctrl-C during --wait: the same paragraph as Ctrl-C in run.wait()."""
    print(run.interrupted_message(), file=sys.stderr)


def _help(magic: Any) -> str:
    """A magic's --help as plain text: IPython's parser starts it with the reST marker ``::`` and indents the usage."""
    text = str(magic.parser.format_help())
    if text.startswith("::"):
        head, _, rest = text[2:].lstrip("\n").partition("\n\n")
        text = "usage: " + textwrap.dedent(head).strip() + "\n\n" + rest
    return text.replace("``", "")


def _positive(proposal: Any, what: str) -> Any:
    value = proposal["value"]
    if value is not None and not value > 0:
        raise TraitError(f"{what} must be a positive number of seconds (or None), got {value!r}")
    return value


@magics_class
class UnstructuredMagics(Magics):
    """Run Unstructured workflows from a notebook. Configure with %config UnstructuredMagics.<name> = ..."""

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

    @validate("poll_interval")
    def _check_poll(self, proposal: Any) -> Any:
        return _positive(proposal, "poll_interval")

    @validate("wait_timeout")
    def _check_wait(self, proposal: Any) -> Any:
        return _positive(proposal, "wait_timeout")

    @validate("request_timeout")
    def _check_request(self, proposal: Any) -> Any:
        return _positive(proposal, "request_timeout")

    @validate("max_rows")
    def _check_rows(self, proposal: Any) -> Any:
        if proposal["value"] < 1:
            raise TraitError(f"max_rows must be at least 1, got {proposal['value']!r}")
        return proposal["value"]

    def _client(self, api_url: str | None) -> Any:
        from ..runs import shared_client

        return shared_client(api_url or self.api_url or None, timeout=self.request_timeout)

    # -- %unstructured_run --------------------------------------------------------------------
    @magic_arguments()
    @argument("workflow", nargs="?", help="Workflow id or exact name (none with the on-demand options below).")
    @argument("paths", nargs="*", help="Files, globs (data/*.pdf) or folders.")
    @argument(
        "--template", default=None, help="On-demand job from this template (id or name; %%unstructured_templates lists them)."
    )
    @argument("--nodes", default=None, help="On-demand job with these nodes: a JSON file, or the name of a Python list variable.")
    @argument("--strategy", default=None, help="On-demand job: partition with this strategy (fast, hi_res, auto, vlm, ocr_only).")
    @argument("--chunk", default=None, help="On-demand job: then chunk (by_title, by_character, by_page, by_similarity).")
    @argument("--max-characters", type=int, default=None, help="The chunker's hard maximum chunk size.")
    @argument("--new-after", type=int, default=None, help="The chunker's soft maximum (new_after_n_chars).")
    @argument("--overlap", type=int, default=None, help="Characters of overlap between chunks.")
    @argument("--embed", action="store_true", help="On-demand job: then embed the chunks (local model locally).")
    @argument("--embed-model", default=None, help="The embedder: PROVIDER[/MODEL], e.g. voyageai/voyage-3 (implies --embed).")
    @argument("--wait", action="store_true", help="Block until the job ends.")
    @argument("--timeout", type=float, default=None, help="With --wait: stop waiting after this many seconds.")
    @argument("--poll", type=float, default=None, help="Seconds between status polls (default: adaptive).")
    @argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine).")
    @argument("--attach", metavar="JOB_ID", default=None, help="Follow an existing job instead of starting one.")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic
    def unstructured_run(self, line: str = "") -> Any:
        """Start a workflow, or on-demand jobs, on files and show the live status table; returns the run.

        Usage: run = %unstructured_run WORKFLOW PATH [PATH ...] [--wait] [--timeout S].
        On-demand jobs, with no workflow: --template NAME_OR_ID, --nodes nodes.json, or
        --strategy/--chunk/--max-characters/--embed; many files become as many jobs as the
        platform's limits need, shown and followed as one run. With no arguments, shows the
        panel. --attach JOB_ID follows an existing job.
        """
        try:
            args = parse_argstring(self.unstructured_run, line)
        except Exception as exc:  # the argument parser's error: one paragraph
            raise _usage(exc, _RUN_USAGE) from None
        if args.help:
            print(_help(self.unstructured_run))
            return None
        on_demand = any(getattr(args, name) not in (None, False) for name in _ON_DEMAND)
        if not args.workflow and not args.attach and not on_demand:
            return self._panel()
        from .. import runs

        poll = args.poll if args.poll is not None else self.poll_interval
        run: Any
        try:
            if args.attach:
                if args.workflow or args.paths:
                    raise UsageError("--attach follows an existing job: give it a job id and no workflow or paths")
                run = runs.attach(args.attach, client=self._client(args.api_url), poll=poll)
            elif on_demand:
                paths = [args.workflow, *args.paths] if args.workflow else list(args.paths)
                if not paths:
                    raise UsageError(
                        "No input files for the on-demand job. Usage: %unstructured_run --template NAME PATH [PATH ...]; "
                        "a PATH may be a file, a glob such as data/*.pdf, or a folder"
                    )
                inputs = runs.expand(paths)
                inputs.check()
                run = runs.start_job(inputs, client=self._client(args.api_url), poll=poll, **self._job_options(args))
            else:
                if not args.paths:
                    raise UsageError(
                        f"No input files for workflow {args.workflow!r}. Usage: %unstructured_run WORKFLOW PATH [PATH ...]; "
                        "a PATH may be a file, a glob such as data/*.pdf, or a folder"
                    )
                inputs = runs.expand(args.paths)
                inputs.check()  # before the client exists, so a bad path sends nothing
                run = runs.start_run(args.workflow, inputs, client=self._client(args.api_url), poll=poll)
        except Exception as exc:
            raise _one_paragraph(exc) from None
        wait = args.wait or noninteractive()
        timeout = args.timeout if args.timeout is not None else self.wait_timeout
        try:
            self._present(run, wait=wait, timeout=timeout)
        except KeyboardInterrupt:  # Ctrl-C while the table was being shown: same answer as during --wait
            _interrupted(run)
        return run

    def _job_options(self, args: Any) -> dict[str, Any]:
        """The on-demand options as ``runs.start_job`` takes them; ``--nodes`` may name a list variable."""
        nodes: Any = _unquote(args.nodes)
        namespace = self.shell.user_ns if self.shell is not None else {}
        if isinstance(nodes, str) and nodes.isidentifier() and isinstance(namespace.get(nodes), (list, tuple)):
            nodes = namespace[nodes]
        from ..runs import job_options

        return job_options(args, template=_unquote(args.template), nodes=nodes)

    def _present(self, run: Any, *, wait: bool, timeout: float | None) -> None:
        from . import live

        if noninteractive():
            self._wait(run, timeout)
            live.show_final([run], max_rows=self.max_rows)
        elif live.in_kernel():
            redraw = live.show_live([run], max_rows=self.max_rows)
            if wait and self._wait(run, timeout):
                redraw()  # the cell ends with the final table, not only once the tracker thread gets to it
        else:  # terminal IPython: one table now, the final one after --wait
            live.show_live([run], max_rows=self.max_rows)
            if wait and self._wait(run, timeout):
                live.show_final([run], max_rows=self.max_rows)
            elif not run.finished:
                print(f"Job {run.job_id} keeps running; display the run (or call run.wait()) to see its status.")

    def _wait(self, run: Any, timeout: float | None) -> bool:
        """Wait for the run; on Ctrl-C or timeout say what to do. True if it ended."""
        try:
            run.wait(timeout)
            return True
        except KeyboardInterrupt:
            _interrupted(run)
        except (WaitTimeoutError, UnstructuredError) as exc:
            print(user_message(exc), file=sys.stderr)
        return False

    def _panel(self) -> Any:
        try:
            from .panel import panel
        except Exception as exc:
            raise UsageError(
                f"The panel is not available here ({type(exc).__name__}: {exc}). Use %unstructured_run WORKFLOW PATH ... "
                "instead, or install ipywidgets (pip install ipywidgets) and restart the kernel"
            ) from None
        try:  # the magic's configuration applies to the panel too
            return panel(api_url=self.api_url or None, poll=self.poll_interval)
        except UnstructuredError as exc:
            raise _one_paragraph(exc) from None

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
        """List recent jobs as a DataFrame, newest first, to find one to --attach to."""
        try:
            args = parse_argstring(self.unstructured_jobs, line)
        except Exception as exc:
            raise _usage(exc, "%unstructured_jobs [--workflow W] [--status S] [--limit N]") from None
        if args.help:
            print(_help(self.unstructured_jobs))
            return None
        from ..render.frames import jobs_frame
        from ..runs import resolve_workflow

        try:
            client = self._client(args.api_url)
            workflows = client.list_workflows()
            workflow_id = resolve_workflow(client, args.workflow).id if args.workflow else None
            jobs = client.list_jobs(workflow_id=workflow_id, status=args.status.upper() if args.status else None)
        except Exception as exc:
            raise _one_paragraph(exc) from None
        # outputs are counted at each workflow's final node, as in the status table
        finals = {wf.id: wf.workflow_nodes[-1].id or "" for wf in workflows if wf.workflow_nodes}
        return jobs_frame(jobs, limit=max(0, args.limit), final_nodes=finals)

    # -- %unstructured_workflows ------------------------------------------------------------------
    @magic_arguments()
    @argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine).")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic
    def unstructured_workflows(self, line: str = "") -> Any:
        """List the workflows you can run, as a DataFrame (name, id, nodes)."""
        try:
            args = parse_argstring(self.unstructured_workflows, line)
        except Exception as exc:
            raise _usage(exc, "%unstructured_workflows [--api-url URL]") from None
        if args.help:
            print(_help(self.unstructured_workflows))
            return None
        from ..render.frames import workflows_frame

        try:
            workflows = self._client(args.api_url).list_workflows()
        except Exception as exc:
            raise _one_paragraph(exc) from None
        return workflows_frame(workflows)

    # -- %unstructured_templates ------------------------------------------------------------------
    @magic_arguments()
    @argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine).")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic
    def unstructured_templates(self, line: str = "") -> Any:
        """List the templates an on-demand job can use (%unstructured_run --template ID_OR_NAME PATH ...)."""
        try:
            args = parse_argstring(self.unstructured_templates, line)
        except Exception as exc:
            raise _usage(exc, "%unstructured_templates [--api-url URL]") from None
        if args.help:
            print(_help(self.unstructured_templates))
            return None
        from ..render.frames import templates_frame

        try:
            templates = self._client(args.api_url).list_templates()
        except Exception as exc:
            raise _one_paragraph(exc) from None
        return templates_frame(templates)

    # -- %unstructured_login ---------------------------------------------------------------------
    @magic_arguments()
    @argument("--api-url", default=None, help="Also set the API URL (UNSTRUCTURED_API_URL) for this session.")
    @argument("--forget", action="store_true", help="Forget the key given earlier in this session.")
    @argument("-h", "--help", action="store_true", help="Show this help.")
    @line_magic
    def unstructured_login(self, line: str = "") -> Any:
        """Ask for your Unstructured API key in a password box and keep it in memory for this session.

        The key never appears in the notebook, its outputs or the environment. Type it in the
        box, not on this line: whatever is on the line is saved with the notebook.
        """
        try:
            args = parse_argstring(self.unstructured_login, line)
        except Exception:  # never echo the line: it may hold a key typed by mistake
            raise UsageError(
                "%unstructured_login takes no key on its line (the line is saved with the notebook). Run "
                "%unstructured_login alone and paste the key into the password box; if you typed a key here, delete "
                "this cell's text and revoke that key"
            ) from None
        if args.help:
            print(_help(self.unstructured_login))
            return None
        from .login import login, logout

        if args.forget:
            logout()
            print("Forgot the key given with %unstructured_login; runs fall back to UNSTRUCTURED_API_KEY, if set.")
            return None
        return login(args.api_url or None)


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics (``%load_ext unstructured_nb``)."""
    ipython.register_magics(UnstructuredMagics)


def unload_ipython_extension(ipython: Any) -> None:
    for name in (
        "unstructured_run",
        "unstructured_jobs",
        "unstructured_workflows",
        "unstructured_templates",
        "unstructured_login",
    ):
        ipython.magics_manager.magics["line"].pop(name, None)
