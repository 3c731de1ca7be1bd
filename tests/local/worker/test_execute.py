"""process_file and the worker's task loop, in this process: outputs on disk, typed progress, failures as values."""

from __future__ import annotations

import json
import threading
from multiprocessing import Pipe
from pathlib import Path
from typing import Any

from unstructured_nb.local.worker import FileTask, process_file
from unstructured_nb.local.worker.main import serve_tasks
from unstructured_nb.local.worker.messages import Failed, NodeFinished, NodeStarted, Progress, Succeeded

PARTITION = {"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "hi_res"}}
CHUNK = {"name": "Chunker", "type": "chunk", "subtype": "chunk_by_character", "settings": {"max_characters": 30}}
TEXT = "A Title\n\nA first paragraph that is long enough to be split into chunks.\n"


def _task(tmp_path: Path, content: bytes, filename: str, nodes: list[dict[str, Any]]) -> FileTask:
    src = tmp_path / "upload.bin"
    src.write_bytes(content)
    return FileTask("job", "file", src, tmp_path / "out", filename, nodes=nodes)


def test_every_node_writes_its_output_and_reports_progress(tmp_path: Path) -> None:
    seen: list[Progress] = []
    outcome = process_file(_task(tmp_path, TEXT.encode(), "notes.txt", [PARTITION, CHUNK]), seen.append)
    assert isinstance(outcome, Succeeded)
    assert any("hi_res" in w for w in outcome.warnings)  # no layout model offline, and said so
    partitioned = json.loads((tmp_path / "out" / "0.json").read_text())
    chunks = json.loads((tmp_path / "out" / "1.json").read_text())
    assert partitioned[0]["text"] == "A Title" and all(len(c["text"]) <= 30 for c in chunks)
    assert seen == [NodeStarted(0), NodeFinished(0, len(partitioned)), NodeStarted(1), NodeFinished(1, len(chunks))]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["0.json", "1.json"]  # no temporary files


def test_a_file_that_cannot_be_processed_is_a_failure_naming_its_node(tmp_path: Path) -> None:
    outcome = process_file(_task(tmp_path, b"%PDF-1.4 not a pdf", "broken.pdf", [PARTITION, CHUNK]))
    assert isinstance(outcome, Failed) and outcome.node_index == 0 and "broken.pdf" in outcome.error
    assert not (tmp_path / "out" / "0.json").exists()


def test_an_invalid_node_fails_the_file_not_the_worker(tmp_path: Path) -> None:
    outcome = process_file(_task(tmp_path, TEXT.encode(), "notes.txt", [PARTITION, {"type": "chunk", "subtype": "nope"}]))
    assert isinstance(outcome, Failed) and outcome.node_index == 1
    assert outcome.error.startswith("Unexpected error in node 'chunk': ValueError")
    assert (tmp_path / "out" / "0.json").exists()  # the partitioner's output is kept


def test_the_worker_loop_answers_each_task_then_stops(tmp_path: Path) -> None:
    engine_end, worker_end = Pipe()
    loop = threading.Thread(target=serve_tasks, args=(worker_end,))
    loop.start()
    engine_end.send(_task(tmp_path, TEXT.encode(), "notes.txt", [PARTITION]))
    replies = [engine_end.recv() for _ in range(3)]
    assert replies[:2] == [NodeStarted(0), NodeFinished(0, 2)] and isinstance(replies[2], Succeeded)
    missing = FileTask("job", "gone", tmp_path / "missing", tmp_path / "out2", "notes.txt", nodes=[PARTITION])
    engine_end.send(missing)
    replies = [engine_end.recv() for _ in range(2)]
    assert replies[0] == NodeStarted(0) and isinstance(replies[1], Failed) and "notes.txt" in replies[1].error
    engine_end.send(None)
    loop.join(timeout=10)
    assert not loop.is_alive()
