"""The ``unstructured-nb`` command: run, workflows, templates, jobs, cancel; the local engine's serve, stop, prune."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from .commands import add_cancel_parser, add_jobs_parser, add_workflows_parser
    from .local.cli import add_prune_parser, add_serve_parser, add_stop_parser
    from .terminal import add_run_parser, add_templates_parser

    parser = argparse.ArgumentParser(
        prog="unstructured-nb",
        description="Run Unstructured workflows from the terminal: list workflows, templates and jobs, run a workflow "
        "(or an on-demand job) on files, follow or cancel a job, and serve the local engine.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_run_parser(sub)
    add_workflows_parser(sub)
    add_templates_parser(sub)
    add_jobs_parser(sub)
    add_cancel_parser(sub)
    add_serve_parser(sub)
    add_stop_parser(sub)
    add_prune_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from . import hints

    hints.speak("cli")  # every hint from here on names CLI commands
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
