"""Where a run's documents are: what start_run remembers, what view(source=...) accepts, chunk originals decoded with a bound."""

from __future__ import annotations

import base64
import io
import json
import zlib
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client import Client
from unstructured_nb.errors import InputFileError
from unstructured_nb.local.chunking import ChunkOptions, chunk_elements, decode_orig_elements
from unstructured_nb.runs import sources, start_run
from unstructured_nb.runs.sources import as_source, chunk_originals, find_source, missing_source


def test_a_run_remembers_the_paths_and_uploads_it_sent(fake: FakeAPI, client: Client, tmp_path: Path):
    on_disk = tmp_path / "report.pdf"
    on_disk.write_bytes(b"%PDF-1.4 x")
    upload = {"name": "scan.png", "type": "image/png", "size": 4, "content": memoryview(b"\x89PNG")}
    run = start_run("partition", [str(on_disk), ("notes.md", b"# hi"), upload], client=client, track=False)
    assert run.sources["report.pdf"] == on_disk
    assert as_source(run.sources["notes.md"]) == b"# hi" and as_source(run.sources["scan.png"]) == b"\x89PNG"


def test_as_source_takes_paths_bytes_pairs_uploads_and_open_files(tmp_path: Path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    assert as_source(str(path)) == path and as_source(path) == path
    assert as_source(b"abc") == b"abc" and as_source(("a.pdf", b"xyz")) == b"xyz"
    with path.open("rb") as fh:
        assert as_source(fh) == path  # an open file on disk: its path, never read whole
    stream = io.BytesIO(b"data")
    stream.read()
    assert as_source(stream) == b"data"


def test_as_source_says_what_to_pass(tmp_path: Path):
    with pytest.raises(InputFileError, match="does not exist") as info:
        as_source(tmp_path / "gone.pdf")
    assert "view(source=" in str(info.value)
    with pytest.raises(InputFileError, match="is a folder"):
        as_source(tmp_path)
    with pytest.raises(InputFileError, match="binary mode"):
        as_source(io.StringIO("text"))
    with pytest.raises(InputFileError, match="Cannot use a int"):
        as_source(42)


def test_find_source_matches_the_base_name():
    assert find_source({"data/report.pdf": 1}, "report.pdf") == 1
    assert find_source({"report.pdf": 2}, "report.pdf") == 2 and find_source({}, "x") is None


def test_missing_source_messages_say_why_and_what_to_pass():
    attached = missing_source("r.pdf", known=False, attached=True)
    assert "attached or started elsewhere" in attached and "view(source='path/to/r.pdf')" in attached
    assert "no longer where it was" in missing_source("r.pdf", known=True, attached=False)


def test_chunk_originals_decodes_the_local_engines_encoding():
    elements = [{"type": "Title", "element_id": "t", "text": "Hello", "metadata": {"page_number": 1}}]
    (chunk,) = chunk_elements(elements, ChunkOptions(include_orig_elements=True))
    assert chunk_originals(chunk) == elements
    assert chunk_originals({"metadata": {"orig_elements": elements}}) == elements  # already decoded
    assert chunk_originals({"metadata": {}}) is None


@pytest.mark.parametrize(
    "value", ["not base64!", base64.b64encode(b"not zlib").decode(), base64.b64encode(zlib.compress(b"{")).decode()]
)
def test_unreadable_originals_are_none(value):
    assert chunk_originals({"metadata": {"orig_elements": value}}) is None


def test_a_decompression_bomb_is_refused_without_inflating_it(monkeypatch):
    bomb = base64.b64encode(zlib.compress(b"[" + b" " * 30_000_000 + b"]", 9)).decode()
    assert len(bomb) < 100_000
    with pytest.raises(ValueError, match="inflates to more than"):
        decode_orig_elements(bomb, max_bytes=1_000_000)
    monkeypatch.setattr(sources, "MAX_ORIGINALS_BYTES", 1_000_000)
    assert chunk_originals({"metadata": {"orig_elements": bomb}}) is None
    small = base64.b64encode(zlib.compress(json.dumps([{"type": "Title"}]).encode())).decode()
    assert decode_orig_elements(small, max_bytes=1_000) == [{"type": "Title"}]
