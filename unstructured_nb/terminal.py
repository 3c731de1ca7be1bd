"""``unstructured-nb run WORKFLOW PATH... [--out DIR]`` (or ``--attach JOB_ID``) and ``templates``: runs in the terminal.

The same tracking as the notebook magic: start the run (a workflow's, or on-demand jobs
with ``--template``/``--nodes``/``--strategy``/``--chunk``/``--embed``), redraw one status
table in place while it runs (plain final table only when stdout is not a terminal), print
the final table, and write each file's output elements as JSON under ``--out``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

from .errors import UnstructuredError, WaitTimeoutError, user_message
from .render.tables import templates_table
from .render.text import runs_text, table_text
from .runs import Followable, attach, expand, job_options, shared_client, start_job, start_run

_ON_DEMAND = ("template", "nodes", "strategy", "chunk", "max_characters", "new_after", "overlap", "embed", "embed_model")

EXIT_OK, EXIT_JOB_FAILED, EXIT_ERROR, EXIT_TIMEOUT, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_CODES = (
    "exit status: 0 the job COMPLETED with every file; 1 it FAILED or was STOPPED; 2 a usage, input or server error "
    "(nothing was started, or following failed); 3 --timeout passed (the job goes on); 4 it COMPLETED but some files "
    "failed (they are listed with their errors); 130 interrupted with Ctrl-C (the job goes on)"
)


def add_run_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``run`` subcommand to the ``unstructured-nb`` parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run",
        help="run a workflow on files and follow it",
        description="Run a workflow (id or exact name) on files, globs or directories; show a live status "
        "table and write each file's output elements as JSON under --out. With --attach JOB_ID, follow an "
        "existing job instead (find one with `unstructured-nb jobs`).",
        epilog=EXIT_CODES,
    )
    parser.add_argument("workflow", nargs="?", help="workflow id or exact name (none with the on-demand options)")
    parser.add_argument("paths", nargs="*", help="files, globs (quoted: 'data/*.pdf') or directories")
    demand = parser.add_argument_group(
        "on-demand jobs (no workflow; many files become as many jobs as the platform's limits need, followed as one run)"
    )
    demand.add_argument("--template", default=None, help="a template id or name (`unstructured-nb templates` lists them)")
    demand.add_argument("--nodes", default=None, help="a JSON file with the job's nodes")
    demand.add_argument("--strategy", default=None, help="partition strategy: fast, hi_res, auto, vlm, ocr_only")
    demand.add_argument("--chunk", default=None, help="then chunk: by_title, by_character, by_page, by_similarity")
    demand.add_argument("--max-characters", type=int, default=None, help="the chunker's hard maximum")
    demand.add_argument("--new-after", type=int, default=None, help="the chunker's soft maximum")
    demand.add_argument("--overlap", type=int, default=None, help="characters of overlap between chunks")
    demand.add_argument("--embed", action="store_true", help="then embed the chunks (the local model on the local engine)")
    demand.add_argument("--embed-model", default=None, help="the embedder as PROVIDER[/MODEL] (implies --embed)")
    parser.add_argument("--out", type=Path, default=None, help="write <input file>.json outputs into this directory")
    parser.add_argument("--attach", metavar="JOB_ID", default=None, help="follow an existing job instead of starting one")
    parser.add_argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine)")
    parser.add_argument("--poll", type=float, default=None, help="seconds between status polls (default: adaptive)")
    parser.add_argument("--timeout", type=float, default=None, help="stop waiting after this many seconds")
    parser.set_defaults(func=run_command)
    return parser


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def run_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Entry point of ``unstructured-nb run``; returns the exit code."""
    stream = out or sys.stdout
    try:
        run: Followable
        if args.attach:
            if args.workflow or args.paths:
                _err("--attach follows an existing job: give it a job id and no workflow or paths.")
                return EXIT_ERROR
            run = attach(args.attach, client=shared_client(args.api_url), poll=args.poll)
        elif any(getattr(args, name, None) not in (None, False) for name in _ON_DEMAND):
            paths = [args.workflow, *args.paths] if args.workflow else list(args.paths)
            if not paths:
                _err("Give at least one file: unstructured-nb run --template NAME PATH [PATH ...] [--out DIR].")
                return EXIT_ERROR
            inputs = expand(paths)
            inputs.check()
            run = start_job(inputs, client=shared_client(args.api_url), poll=args.poll, **job_options(args))
        else:
            if not args.workflow or not args.paths:
                _err("Give a workflow and at least one file: unstructured-nb run WORKFLOW PATH [PATH ...] [--out DIR].")
                return EXIT_ERROR
            inputs = expand(args.paths)
            inputs.check()  # before any request
            run = start_run(args.workflow, inputs, client=shared_client(args.api_url), poll=args.poll)
    except Exception as exc:
        _err(user_message(exc))
        return EXIT_ERROR

    live = stream.isatty()
    if not live:
        jobs = getattr(run, "job_ids", None)
        what = (
            f"{len(run.snapshot().jobs)} on-demand job(s), the first {run.job_id}," if jobs is not None else f"job {run.job_id}"
        )
        verb = "Following" if args.attach else "Started"
        files = len(run.files)
        print(f"{verb} {what} of {run.workflow_name!r} on {files} file{'s' if files != 1 else ''}.", file=stream)
        stream.flush()
    try:
        _follow(run, stream, live=live, timeout=args.timeout)
    except KeyboardInterrupt:
        _err("\n" + run.interrupted_message())
        return EXIT_INTERRUPTED
    except WaitTimeoutError as exc:
        _err(user_message(exc))
        return EXIT_TIMEOUT
    except UnstructuredError as exc:
        _err(user_message(exc))
        return EXIT_ERROR

    if args.out is not None:
        try:
            written = write_outputs(run, args.out)
        except Exception as exc:
            _err(user_message(exc))
            return EXIT_ERROR
        print(f"Wrote {len(written)} output file{'s' if len(written) != 1 else ''} to {args.out}", file=stream)
    snapshot = run.snapshot()
    if snapshot.partial:
        _err(f"{snapshot.status_text} (see the failed files above).")
        return EXIT_PARTIAL
    return EXIT_OK if snapshot.status == "COMPLETED" else EXIT_JOB_FAILED


def add_templates_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``templates`` subcommand: the templates ``run --template`` takes."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "templates", help="list the templates of on-demand jobs", description="List the templates `run --template` takes."
    )
    parser.add_argument("--api-url", default=None, help="API URL (default: UNSTRUCTURED_API_URL, else the local engine)")
    parser.set_defaults(func=templates_command)
    return parser


def templates_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Entry point of ``unstructured-nb templates``."""
    try:
        templates = shared_client(args.api_url).list_templates()
    except Exception as exc:
        _err(user_message(exc))
        return EXIT_ERROR
    print(table_text(templates_table(templates), max_chars=70), file=out or sys.stdout)
    return EXIT_OK


def _follow(run: Followable, stream: TextIO, *, live: bool, timeout: float | None) -> None:
    """Redraw one status table in place while the run goes on (only the final one when not a terminal)."""
    drawn = 0
    try:
        for snapshot in run.follow(interval=0.5, timeout=timeout):
            if live or snapshot.finished:
                text = runs_text([snapshot])
                if drawn:  # move up over the previous table and clear it: one table, redrawn in place
                    stream.write(f"\x1b[{drawn}F\x1b[J")
                stream.write(text + "\n")
                stream.flush()
                drawn = _screen_lines(text) if live else 0
    except WaitTimeoutError:
        raise WaitTimeoutError(
            f"Stopped waiting for job {run.job_id} after {timeout:g} s; it is still {run.status.value}",
            hint=f"Follow it again with `unstructured-nb run --attach {run.job_id}`, or stop it with "
            f"`unstructured-nb cancel {run.job_id}`",
        ) from None


def _screen_lines(text: str) -> int:
    """Lines ``text`` takes on screen, counting the ones the terminal wraps."""
    columns = max(20, shutil.get_terminal_size().columns)
    return sum(max(1, -(-len(line) // columns)) for line in text.split("\n"))


def _safe_name(name: str, taken: set[str]) -> str:
    base = Path(name).name or "output"
    candidate, n = f"{base}.json", 1
    while candidate in taken:
        n += 1
        candidate = f"{base}.{n}.json"
    taken.add(candidate)
    return candidate


def write_outputs(run: Followable, out_dir: Path) -> list[Path]:
    """Write each input file's final elements to ``out_dir/<file>.json``; returns the paths (files that failed have none)."""
    outputs = run.outputs()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for filename, by_node in outputs.items():
        if not by_node:
            continue
        elements = list(by_node.values())[-1]
        path = out_dir / _safe_name(filename, taken)
        path.write_text(json.dumps(elements, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
