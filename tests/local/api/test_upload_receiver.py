"""receive_files on its own (no server): parts to disk under generated names, limits, refusals, nothing left behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from unstructured_nb.local.api import upload_receiver
from unstructured_nb.local.api.errors import ApiError
from unstructured_nb.local.api.upload_receiver import Upload, receive_files


def _body(files: list[tuple[str, tuple[str, bytes]]], data: dict[str, str] | None = None) -> tuple[str, bytes]:
    request = httpx.Request("POST", "http://engine/", files=files, data=data)
    return request.headers["content-type"], request.read()


class Stream:
    """The request body in small chunks (part boundaries fall anywhere); counts what was read."""

    def __init__(self, body: bytes, chunk: int = 7) -> None:
        self.body, self.chunk, self.read = body, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), self.chunk):
            piece = self.body[start : start + self.chunk]
            self.read += len(piece)
            yield piece


def _receive(content_type: str | None, stream: Stream, dest: Path, max_file_bytes: int = 1000) -> Upload:
    return asyncio.run(receive_files(content_type, stream.__aiter__(), dest, max_file_bytes=max_file_bytes))


def _refused(content_type: str | None, stream: Stream, dest: Path, **kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        _receive(content_type, stream, dest, **kwargs)
    return info.value


def test_files_go_to_disk_under_generated_names(tmp_path: Path) -> None:
    ctype, body = _body(
        [
            ("input_files", ("../../etc/report.PDF", b"%PDF bytes")),
            ("input_files[]", ("C:\\Users\\me\\notes.md", b"# notes")),
            ("input_files", ("..", b"no name")),
            ("other_file", ("ignored.txt", b"skipped")),
        ],
        data={"request_data": '{"template_id": "partition"}'},
    )
    upload = _receive(ctype, Stream(body), tmp_path)
    assert [(f.name, f.size) for f in upload.files] == [("report.PDF", 10), ("notes.md", 7), ("upload-3", 7)]
    assert upload.fields == {"request_data": '{"template_id": "partition"}'}
    for f in upload.files:
        assert f.path.parent == tmp_path and f.path.name.startswith(f.file_id)
    assert [f.path.suffix for f in upload.files] == [".pdf", ".md", ""]
    assert upload.files[0].path.read_bytes() == b"%PDF bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.path.name for f in upload.files)


def test_a_file_over_the_limit_is_413_the_body_is_drained_and_nothing_is_kept(tmp_path: Path) -> None:
    ctype, body = _body([("input_files", ("small.txt", b"ok")), ("input_files", ("big.txt", b"x" * 5000))])
    stream = Stream(body, chunk=512)
    err = _refused(ctype, stream, tmp_path, max_file_bytes=1000)
    assert err.status_code == 413 and "'big.txt'" in err.detail and "--max-upload-mb" in err.detail
    assert stream.read == len(body)  # read to the end: the client gets the answer, not a broken pipe
    assert list(tmp_path.iterdir()) == []


def test_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _receive(None, Stream(b""), tmp_path) == Upload()
    assert _refused(None, Stream(b"stray bytes"), tmp_path).status_code == 415
    err = _refused("application/json", Stream(b"{}"), tmp_path)
    assert err.status_code == 415 and "'application/json'" in err.detail
    assert _refused("multipart/form-data", Stream(b"--x"), tmp_path).status_code == 400  # no boundary
    ctype, body = _body([("input_files", ("a.txt", b"some text " * 20))])
    err = _refused(ctype, Stream(body[:-60]), tmp_path)  # ends inside the file's bytes
    assert err.status_code == 400 and "cut short" in err.detail
    monkeypatch.setattr(upload_receiver, "MAX_FILES", 2)
    ctype, body = _body([("input_files", (f"{i}.txt", b"x")) for i in range(3)])
    err = _refused(ctype, Stream(body), tmp_path)
    assert err.status_code == 413 and "at most 2" in err.detail
    monkeypatch.setattr(upload_receiver, "MAX_FIELD_BYTES", 10)
    ctype, body = _body([("input_files", ("a.txt", b"x"))], data={"request_data": "y" * 11})
    assert _refused(ctype, Stream(body), tmp_path).status_code == 413
    assert list(tmp_path.iterdir()) == []


def test_a_disk_error_is_raised_as_is_and_nothing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctype, body = _body([("input_files", ("a.txt", b"first")), ("input_files", ("b.txt", b"second"))])
    real_open = upload_receiver.open_private
    opened: list[str] = []

    def second_open_fails(path: Path, mode: str) -> Any:
        opened.append(str(path))
        if len(opened) == 2:
            raise OSError(28, "No space left on device")
        return real_open(path, mode)

    monkeypatch.setattr(upload_receiver, "open_private", second_open_fails)
    with pytest.raises(OSError, match="No space left"):
        _receive(ctype, Stream(body), tmp_path)
    assert list(tmp_path.iterdir()) == []
