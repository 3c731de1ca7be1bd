"""``unstructured-nb serve``, ``stop`` and ``prune``: the local engine from a terminal."""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
from typing import Any

from ..config import ENV_DATA_DIR, ENV_SERVER_KEY
from ..errors import LocalEngineError
from .discovery import default_data_dir, resolve_data_dir, stop_local_engine
from .idle import DEFAULT_IDLE_TIMEOUT, ENV_IDLE_TIMEOUT, IdleWatch, parse_seconds, shown_seconds
from .limits import DEFAULT_FILE_TIMEOUT, DEFAULT_WORKER_MEMORY_MB, ENV_FILE_TIMEOUT, ENV_WORKER_MEMORY_MB, WorkerLimits
from .private_files import PRIVATE_UMASK

__all__ = ["add_prune_parser", "add_serve_parser", "add_stop_parser", "cmd_prune", "cmd_serve", "cmd_stop", "main"]


def add_serve_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``serve`` to an ``add_subparsers()`` object (this module's :func:`main`, or ``unstructured-nb``)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="run the local engine (an offline Workflow API server) in the foreground",
        description="Run the local engine: a server speaking the Unstructured Platform's Workflow API, processing files offline.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help=f"address to listen on (default 127.0.0.1; others need {ENV_SERVER_KEY} or --api-key-file)",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument(
        "--data-dir",
        default=None,
        help=f"where workflows, jobs and outputs live (default: ${ENV_DATA_DIR} or ~/.local/share/unstructured_nb)",
    )
    p.add_argument(
        "--api-key-file",
        default=None,
        metavar="PATH",
        help=f"require the key in this file (first line) in the unstructured-api-key header; or set {ENV_SERVER_KEY}",
    )
    # a key on the command line is readable by every user of the machine (ps, /proc/PID/cmdline): refused
    p.add_argument("--api-key", default=None, help=argparse.SUPPRESS)
    p.add_argument(
        "--socket-only",
        action="store_true",
        help="listen only on the data dir's Unix socket (reachable by this user only, not by web pages); "
        "what notebooks start when no API URL is set",
    )
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: the CPU count)")
    p.add_argument(
        "--file-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"stop a file that takes longer than this (default {DEFAULT_FILE_TIMEOUT:g}, or ${ENV_FILE_TIMEOUT}; 0: no limit)",
    )
    p.add_argument(
        "--worker-memory-mb",
        type=int,
        default=None,
        help=f"address space of each worker, MB (default {DEFAULT_WORKER_MEMORY_MB}, or ${ENV_WORKER_MEMORY_MB}; 0: no limit)",
    )
    p.add_argument(
        "--idle-timeout",
        default="0",
        metavar="TIME",
        help="exit after this long with no job and no request (90s, 30m, 2h; default 0: never). Engines that "
        f"notebooks start use ${ENV_IDLE_TIMEOUT} (default {shown_seconds(DEFAULT_IDLE_TIMEOUT)})",
    )
    p.add_argument("--max-upload-mb", type=float, default=100.0, help="largest accepted file, in MB (default 100)")
    p.add_argument(
        "--file-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="demo/testing knob: make every file take at least this long, to watch progress and try Cancel",
    )
    p.set_defaults(func=cmd_serve)
    return p


def add_stop_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``stop`` to an ``add_subparsers()`` object."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "stop", help="stop the local engine of a data dir", description="Stop the local engine recorded in a data dir."
    )
    p.add_argument("--data-dir", default=None, help="the engine's data dir (default: the shared one)")
    p.set_defaults(func=cmd_stop)
    return p


def add_prune_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``prune`` to an ``add_subparsers()`` object."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "prune",
        help="remove old jobs' uploads and outputs from the local engine's data dir",
        description="Remove the jobs that ended (completed, failed or stopped) longer ago than --older-than, with their "
        "uploads and outputs. Running and queued jobs are never touched.",
    )
    p.add_argument("--older-than", required=True, metavar="AGE", help="e.g. 7d, 12h, 30m, 90s (a bare number: seconds)")
    p.add_argument("--data-dir", default=None, help="the engine's data dir (default: the shared one)")
    p.add_argument("--dry-run", action="store_true", help="only say what would be removed")
    p.set_defaults(func=cmd_prune)
    return p


def cmd_prune(args: argparse.Namespace) -> int:
    from .pruning import prune

    try:
        report = prune(args.older_than, args.data_dir, dry_run=args.dry_run)
    except ValueError as exc:
        print(f"unstructured-nb prune: --older-than: {exc}.", file=sys.stderr)
        return 2
    except (LocalEngineError, OSError, sqlite3.Error) as exc:
        print(f"unstructured-nb prune: cannot prune {resolve_data_dir(args.data_dir)}: {exc}", file=sys.stderr)
        return 1
    print(f"unstructured-nb: {report}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # imported here, not at the top: FastAPI, uvicorn and the partitioners load only to serve
    from .http_server import build_server, open_engine, url_for

    os.umask(PRIVATE_UMASK)  # this process is the engine: nothing it writes is for other users
    if args.api_key is not None:
        print(
            "unstructured-nb serve: refusing --api-key: a key on the command line is readable by every user of this "
            f"machine (ps, /proc/PID/cmdline). Set {ENV_SERVER_KEY} or pass --api-key-file PATH (a file only you can read).",
            file=sys.stderr,
        )
        return 2
    try:
        api_key = _read_key_file(args.api_key_file) if args.api_key_file else os.environ.get(ENV_SERVER_KEY) or None
    except OSError as exc:
        print(
            f"unstructured-nb serve: cannot read the --api-key-file {args.api_key_file}: {exc.strerror or exc}.", file=sys.stderr
        )
        return 2
    if args.workers is not None and args.workers < 1:
        print("unstructured-nb serve: --workers must be at least 1.", file=sys.stderr)
        return 2
    try:
        idle_timeout = parse_seconds(args.idle_timeout)
    except ValueError as exc:
        print(f"unstructured-nb serve: --idle-timeout: {exc}.", file=sys.stderr)
        return 2
    if args.max_upload_mb <= 0:
        print("unstructured-nb serve: --max-upload-mb must be positive.", file=sys.stderr)
        return 2
    try:
        engine, socks = open_engine(
            args.host,
            args.port,
            args.data_dir or default_data_dir(),
            api_key=api_key,
            workers=args.workers,
            max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
            file_delay=max(0.0, args.file_delay),
            worker_limits=_worker_limits(args),
            tcp=not args.socket_only,
            unix=True,  # discovery always talks to an engine through its socket, and checks who listens
        )
    except LocalEngineError as exc:
        print(f"unstructured-nb serve: {exc}", file=sys.stderr)
        return 1
    try:
        url = url_for(socks[0])
        server = build_server(engine)
        engine.write_state_file(url, socket=str(socks[-1].getsockname()))
        if args.socket_only:
            url = f"{socks[-1].getsockname()} (a Unix socket)"
        auth = " (API key required)" if api_key else ""
        delay = f" Each file takes at least {args.file_delay:g} s (--file-delay)." if args.file_delay > 0 else ""
        workers = f"{engine.workers} worker{'s' if engine.workers != 1 else ''}"
        idle = f" It exits after {shown_seconds(idle_timeout)} without work." if idle_timeout > 0 else ""
        print(
            f"unstructured-nb: local engine serving at {url}{auth} with {workers} (data in {engine.data_dir}).{delay}{idle} "
            f"Press Ctrl+C or run `unstructured-nb stop --data-dir {engine.data_dir}` to stop it.",
            flush=True,
        )
        watch = IdleWatch(idle_timeout, engine.activity, engine.busy, lambda: setattr(server, "should_exit", True)).start()
        # uvicorn handles SIGINT/SIGTERM (graceful stop), then re-raises the signal once it returns:
        # turn that into an exception so the engine below still closes (workers, state file, lock).
        signal.signal(signal.SIGTERM, _raise_exit)
        try:
            server.run(sockets=socks)
        except (KeyboardInterrupt, SystemExit):
            pass
        watch.stop()
        if watch.fired:
            print(
                f"unstructured-nb: no job and no request for {shown_seconds(idle_timeout)}: the local engine exits "
                "(the next notebook call starts it again).",
                flush=True,
            )
    finally:
        engine.close()
        for sock in socks:
            sock.close()
    print("unstructured-nb: local engine stopped.", flush=True)
    return 0


def _worker_limits(args: argparse.Namespace) -> WorkerLimits:
    env = WorkerLimits.from_env()
    return WorkerLimits(
        file_timeout=max(0.0, args.file_timeout) if args.file_timeout is not None else env.file_timeout,
        memory_mb=max(0, args.worker_memory_mb) if args.worker_memory_mb is not None else env.memory_mb,
    )


def _read_key_file(path: str) -> str | None:
    with open(path, encoding="utf-8") as fh:
        return fh.readline().strip() or None


def _raise_exit(_signum: int, _frame: Any) -> None:
    raise SystemExit(0)


def cmd_stop(args: argparse.Namespace) -> int:
    path = resolve_data_dir(args.data_dir)
    if stop_local_engine(path):
        print(f"unstructured-nb: stopped the local engine of {path}.")
    else:
        print(f"unstructured-nb: no local engine is running for {path}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unstructured_nb.local", description="The unstructured_nb local engine.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_serve_parser(sub)
    add_stop_parser(sub)
    add_prune_parser(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
