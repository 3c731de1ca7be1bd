"""``unstructured-nb workflows``, ``jobs`` and ``cancel JOB_ID``: the listing and control commands of the CLI.

The same tables as the notebook's ``%unstructured_workflows`` and ``%unstructured_jobs``
(``render.tables``), as aligned text; errors are their one paragraph on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from .errors import user_message
from .render.tables import jobs_table, workflows_table
from .render.text import table_text
from .runs import attach, resolve_workflow, shared_client

__all__ = ["add_cancel_parser", "add_jobs_parser", "add_workflows_parser"]

EXIT_OK, EXIT_ERROR = 0, 2
_API_URL_HELP = "API URL (default: UNSTRUCTURED_API_URL, else the local engine)"


def add_workflows_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workflows", help="list the workflows you can run", description="List the workflows you can run: name, id, nodes."
    )
    parser.add_argument("--api-url", default=None, help=_API_URL_HELP)
    parser.set_defaults(func=workflows_command)
    return parser


def add_jobs_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "jobs", help="list recent jobs, newest first", description="List recent jobs, newest first, to find one to follow."
    )
    parser.add_argument("--workflow", "-w", default=None, help="only jobs of this workflow (id or exact name)")
    parser.add_argument("--status", "-s", default=None, help="only jobs with this status (COMPLETED, FAILED, IN_PROGRESS...)")
    parser.add_argument("--limit", "-n", type=int, default=20, help="show at most this many jobs (default 20)")
    parser.add_argument("--api-url", default=None, help=_API_URL_HELP)
    parser.set_defaults(func=jobs_command)
    return parser


def add_cancel_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "cancel", help="stop a running job", description="Ask the server to stop a job; says what it did."
    )
    parser.add_argument("job_id", metavar="JOB_ID", help="the job to stop (see `unstructured-nb jobs`)")
    parser.add_argument("--api-url", default=None, help=_API_URL_HELP)
    parser.set_defaults(func=cancel_command)
    return parser


def workflows_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    try:
        workflows = shared_client(args.api_url).list_workflows()
    except Exception as exc:
        print(user_message(exc), file=sys.stderr)
        return EXIT_ERROR
    print(table_text(workflows_table(workflows)) if workflows else "No workflows yet.", file=out or sys.stdout)
    return EXIT_OK


def jobs_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    try:
        client = shared_client(args.api_url)
        workflows = client.list_workflows()
        workflow_id = resolve_workflow(client, args.workflow).id if args.workflow else None
        jobs = client.list_jobs(workflow_id=workflow_id, status=args.status.upper() if args.status else None)
    except Exception as exc:
        print(user_message(exc), file=sys.stderr)
        return EXIT_ERROR
    finals = {wf.id: wf.workflow_nodes[-1].id or "" for wf in workflows if wf.workflow_nodes}
    table = jobs_table(jobs, limit=max(0, args.limit), final_nodes=finals)
    print(table_text(table) if table.rows else "No jobs.", file=out or sys.stdout)
    return EXIT_OK


def cancel_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    try:
        outcome = attach(args.job_id, client=shared_client(args.api_url)).cancel()
    except Exception as exc:
        print(user_message(exc), file=sys.stderr)
        return EXIT_ERROR
    print(outcome.message, file=out or sys.stdout)
    return EXIT_OK
