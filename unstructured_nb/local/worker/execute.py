"""Run one file task: every node of its workflow on its file, each node's elements written as JSON."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..nodes import FileProcessingError, run_node
from ..write_errors import write_failure
from .archive_check import check_archive
from .messages import Failed, FileTask, NodeFinished, NodeStarted, Progress, Succeeded

__all__ = ["process_file"]


def process_file(task: FileTask, report: Callable[[Progress], None] | None = None) -> Succeeded | Failed:
    """Run every node of ``task`` on its file; node ``i`` writes ``<output_dir>/<i>.json``.

    ``report`` receives :class:`NodeStarted` and :class:`NodeFinished` as the nodes run. A file
    that cannot be processed is a :class:`Failed` naming the node, never an exception. Runs in a
    worker process; also callable in-process (tests, the benchmark baseline).
    """
    started = time.monotonic()
    warnings: list[str] = []
    data: Path | list[dict[str, Any]] = task.input_path
    for i, node in enumerate(task.nodes):
        if report is not None:
            report(NodeStarted(i))
        try:
            if i == 0 and task.file_delay:
                # the demo/testing knob: the file takes at least `file_delay` seconds (cancel kills us mid-sleep)
                time.sleep(max(0.0, task.file_delay - (time.monotonic() - started)))
            if i == 0 and isinstance(data, Path):
                check_archive(data, task.filename)  # a zip bomb is refused before a partitioner inflates it
            out = run_node(node, data, filename=task.filename, last_modified=task.last_modified)
            elements = list(out.elements)
            for w in out.warnings:
                if w not in warnings:
                    warnings.append(str(w))
        except FileProcessingError as exc:
            return Failed(i, str(exc) or type(exc).__name__, tuple(warnings))
        except MemoryError:
            raise  # the worker reports its memory limit and is replaced (its heap may be in pieces)
        except Exception as exc:  # a bug or an unexpected input: fail this file, keep the job going
            return Failed(i, f"Unexpected error in node {_node_name(node)!r}: {type(exc).__name__}: {exc}", tuple(warnings))
        target = task.output_dir / f"{i}.json"
        try:
            _write_json(target, elements)
        except OSError as exc:  # disk full, permission denied, read-only: the file fails, saying which
            return Failed(i, write_failure(f"the output of node {_node_name(node)!r}", target, exc), tuple(warnings))
        if report is not None:
            report(NodeFinished(i, len(elements)))
        data = elements
    return Succeeded(tuple(warnings))


def _node_name(node: dict[str, Any]) -> Any:
    return node.get("name") or node.get("type")


def _write_json(target: Path, elements: list[dict[str, Any]]) -> None:
    """Write atomically: a killed worker leaves either the whole output or none; a failed write leaves nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(json.dumps(elements, ensure_ascii=False).encode("utf-8"))
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)  # a half-written output on a full disk would keep it full
        except OSError:
            pass
        raise
