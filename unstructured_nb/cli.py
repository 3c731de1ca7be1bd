"""The ``unstructured-nb`` command: ``serve`` (the local engine), ``run`` (a run in the terminal), ``templates``."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from .local.cli import add_serve_parser, add_stop_parser
    from .terminal import add_run_parser, add_templates_parser

    parser = argparse.ArgumentParser(
        prog="unstructured-nb",
        description="Run Unstructured workflows: a local engine, and runs from the terminal.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_serve_parser(sub)
    add_stop_parser(sub)
    add_run_parser(sub)
    add_templates_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
