"""Every accepted kind of `files`, as the server receives it (multipart layout and bytes)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from tests.fake_api import LoopbackServer
from unstructured_nb import Client, InputFileError
from unstructured_nb.client.multipart import CHUNK_SIZE, guess_content_type


@pytest.fixture
def wf_id(server: LoopbackServer) -> str:
    return server.fake.add_workflow("uploads")["id"]


def _run(server: LoopbackServer, wf_id: str, files: object):
    with Client(server.url) as client:
        job = client.run_workflow(wf_id, files=files)
    req = server.calls("POST", f"/api/v1/workflows/{wf_id}/run")[-1]
    return job, req, req.parts()


def test_paths_str_and_pathlib(server: LoopbackServer, wf_id: str, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Title\n\nBody\n")
    (tmp_path / "deck.pptx").write_bytes(b"PK\x03\x04pptx-bytes")
    data = bytes(range(256)) * 10
    (tmp_path / "scan.pdf").write_bytes(data)
    job, req, parts = _run(server, wf_id, [str(tmp_path / "notes.md"), tmp_path / "deck.pptx", tmp_path / "scan.pdf"])
    assert req.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert int(req.headers["content-length"]) == len(req.body)  # exact length, no chunked encoding
    assert "transfer-encoding" not in req.headers
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("input_files", "notes.md", "text/markdown"),
        ("input_files", "deck.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("input_files", "scan.pdf", "application/pdf"),
    ]
    assert parts[0].data == b"# Title\n\nBody\n" and parts[1].data == b"PK\x03\x04pptx-bytes" and parts[2].data == data
    assert len(job.input_file_ids) == 3


def test_single_path_is_one_file(server: LoopbackServer, wf_id: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    _, _, parts = _run(server, wf_id, tmp_path / "a.txt")
    assert [(p.filename, p.content_type, p.data) for p in parts] == [("a.txt", "text/plain", b"a")]


def test_file_objects_and_pairs(server: LoopbackServer, wf_id: str, tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"docx-content")
    with open(path, "rb") as fh:
        fh.read(4)  # the part starts where the object stands, like httpx does
        _, _, parts = _run(
            server,
            wf_id,
            [fh, ("data.tsv", b"a\tb\n"), ("mail.eml", io.BytesIO(b"From: x\n\nhi")), ("raw.bin", bytearray(b"\x00\x01"))],
        )
    assert [(p.filename, p.content_type, p.data) for p in parts] == [
        ("report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"-content"),
        ("data.tsv", "text/tsv", b"a\tb\n"),  # one MIME table for uploads and element metadata
        ("mail.eml", "message/rfc822", b"From: x\n\nhi"),
        ("raw.bin", "application/octet-stream", b"\x00\x01"),
    ]


def test_ipywidgets_fileupload_value(server: LoopbackServer, wf_id: str) -> None:
    widgets = pytest.importorskip("ipywidgets")
    upload = widgets.FileUpload(multiple=True)
    # what the frontend sets when the user picks two files
    upload.set_state(
        {
            "value": [
                {"name": "sheet.xlsx", "type": "", "size": 3, "content": memoryview(b"xls"), "last_modified": 1700000000000},
                {
                    "name": "page.html",
                    "type": "text/html",
                    "size": 13,
                    "content": memoryview(b"<p>hello</p>\n"),
                    "last_modified": 1700000000000,
                },
            ]
        }
    )
    value = upload.value
    assert isinstance(value, tuple) and isinstance(value[0]["content"], memoryview)
    _, _, parts = _run(server, wf_id, value)
    assert [(p.filename, p.content_type, p.data) for p in parts] == [
        ("sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"xls"),
        ("page.html", "text/html", b"<p>hello</p>\n"),
    ]
    # a single entry of the value works too
    _, _, parts = _run(server, wf_id, value[1])
    assert [(p.filename, p.data) for p in parts] == [("page.html", b"<p>hello</p>\n")]


def test_unusual_filenames_survive(server: LoopbackServer, wf_id: str) -> None:
    names = ['quote"d.txt', "résumé 2026.txt", "back\\slash.txt"]
    _, _, parts = _run(server, wf_id, [(n, n.encode()) for n in names])
    assert [p.data.decode() for p in parts] == names
    # python-multipart (as used by Starlette) sees the HTML5-escaped quote, like browsers send it
    assert parts[0].filename == "quote%22d.txt" and parts[1].filename == "résumé 2026.txt"


def test_bad_paths_all_listed_and_nothing_sent(server: LoopbackServer, wf_id: str, tmp_path: Path) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("fine")
    missing = tmp_path / "missing.pdf"
    folder = tmp_path / "folder"
    folder.mkdir()
    unreadable = tmp_path / "secret.txt"
    unreadable.write_text("x")
    unreadable.chmod(0)
    can_read_anyway = os.access(unreadable, os.R_OK)  # root ignores permissions
    with Client(server.url) as client, pytest.raises(InputFileError) as info:
        client.run_workflow(wf_id, files=[good, missing, str(folder), unreadable, io.StringIO("text")])
    message = str(info.value)
    assert f"{missing}: no such file" in message
    assert f"{folder}: is a directory" in message
    assert "text mode" in message
    if not can_read_anyway:
        assert f"{unreadable}: not readable" in message
    assert "nothing was sent" in message
    assert server.requests == []


def test_wildcard_path_gets_a_hint(server: LoopbackServer, wf_id: str, tmp_path: Path) -> None:
    with Client(server.url) as client, pytest.raises(InputFileError, match=r"glob\.glob"):
        client.run_workflow(wf_id, files=str(tmp_path / "*.pdf"))


def test_nameless_file_object_is_refused_with_a_way_out(server: LoopbackServer, wf_id: str) -> None:
    with Client(server.url) as client, pytest.raises(InputFileError, match=r"\(filename, fileobj\) pair"):
        client.run_workflow(wf_id, files=io.BytesIO(b"abc"))
    assert server.requests == []


def test_several_megabytes_arrive_identical(server: LoopbackServer, wf_id: str, tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    size = 5 * CHUNK_SIZE + 12345  # several chunks plus a partial one
    block = hashlib.sha256(b"seed").digest() * (CHUNK_SIZE // 32)
    with open(path, "wb") as fh:
        written = 0
        while written < size:
            piece = block[: size - written]
            fh.write(piece)
            written += len(piece)
    _, _, parts = _run(server, wf_id, [path])
    assert len(parts) == 1 and len(parts[0].data) == size
    assert hashlib.sha256(parts[0].data).hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_upload_streams_chunk_by_chunk(tmp_path: Path) -> None:
    # The body is produced lazily: no chunk is ever bigger than CHUNK_SIZE plus a part header.
    from unstructured_nb.client.multipart import MultipartBody, collect_files

    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(3 * CHUNK_SIZE + 7))
    body = MultipartBody(collect_files([path]))
    sizes = [len(c) for c in body.iter_sync()]
    assert max(sizes) <= CHUNK_SIZE and sum(sizes) == body.content_length
    # and each call starts over (a retry re-reads the file from its start)
    assert b"".join(body.iter_sync()) == b"".join(body.iter_sync())


def test_content_type_guesses() -> None:
    assert guess_content_type("A.MD") == "text/markdown"
    assert guess_content_type("x.json") == "application/json"
    assert guess_content_type("x.unknownext") == "application/octet-stream"
    assert guess_content_type("x.png") == "image/png"


def test_file_changed_during_upload_is_reported(server: LoopbackServer, wf_id: str, tmp_path: Path) -> None:
    from unstructured_nb.client.multipart import collect_files

    path = tmp_path / "shrinks.txt"
    path.write_bytes(b"x" * 100)
    uploads = collect_files([path])
    path.write_bytes(b"x" * 10)  # truncated after the check, before the upload
    with pytest.raises(InputFileError, match="became shorter"):
        list(uploads[0].iter_chunks())
    # through the client too: the error surfaces as is, not as a broken connection
    path.write_bytes(b"y" * 100)
    with Client(server.url) as client:
        from unstructured_nb.client import endpoints

        call = endpoints.run_workflow(wf_id, [path])
        path.write_bytes(b"y" * 10)
        with pytest.raises(InputFileError, match="became shorter"):
            client._send(call)
