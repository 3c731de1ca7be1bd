"""A real HTTP server on loopback that records every request and fakes the Workflow API.

It answers like the platform (202 on run, bare JSON arrays for lists, collections with
a trailing slash) from in-memory state, and ``script()`` queues specific answers
(errors, delays, Retry-After) for one method and path, ahead of the fake's own.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from python_multipart.multipart import MultipartParser, parse_options_header


@dataclass
class Part:
    """One part of a multipart body, as python-multipart (the parser Starlette uses) sees it."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Recorded:
    method: str
    path: str
    raw_query: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def parts(self) -> list[Part]:
        ctype, options = parse_options_header(self.headers.get("content-type", ""))
        assert ctype == b"multipart/form-data", ctype
        parts: list[Part] = []
        state: dict[str, Any] = {}

        def on_part_begin() -> None:
            state.update(headers={}, data=bytearray(), field=b"", value=b"")

        def on_header_field(data: bytes, start: int, end: int) -> None:
            state["field"] += data[start:end]

        def on_header_value(data: bytes, start: int, end: int) -> None:
            state["value"] += data[start:end]

        def on_header_end() -> None:
            state["headers"][state["field"].decode().lower()] = state["value"]
            state["field"], state["value"] = b"", b""

        def on_part_data(data: bytes, start: int, end: int) -> None:
            state["data"] += data[start:end]

        def on_part_end() -> None:
            _, disp = parse_options_header(state["headers"].get("content-disposition", b""))
            filename = disp.get(b"filename")
            ctype_part = state["headers"].get("content-type")
            parts.append(
                Part(
                    name=disp[b"name"].decode(),
                    filename=filename.decode() if filename is not None else None,
                    content_type=ctype_part.decode() if ctype_part is not None else None,
                    data=bytes(state["data"]),
                )
            )

        parser = MultipartParser(
            options[b"boundary"],
            {
                "on_part_begin": on_part_begin,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
            },
        )
        parser.write(self.body)
        parser.finalize()
        return parts


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (released at once when the server stops)


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


class FakeAPI:
    """The platform's behaviour, in memory, enough for every client method."""

    def __init__(self) -> None:
        self.workflows: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def add_workflow(self, name: str = "wf", **extra: Any) -> dict[str, Any]:
        wf = {
            "id": str(uuid.uuid4()),
            "name": name,
            "sources": [],
            "destinations": [],
            "status": "active",
            "workflow_nodes": [{"id": "n-partition", "name": "Partitioner", "type": "partition", "subtype": "fast"}],
            "created_at": now(),
            "workflow_type": "custom",
            "reprocess_all": False,
            "schedule": None,
        }
        wf.update(extra)
        with self.lock:
            self.workflows[wf["id"]] = wf
        return wf

    def _new_job(self, workflow_id: str, workflow_name: str, files: list[Part], job_type: str) -> dict[str, Any]:
        job = {
            "id": str(uuid.uuid4()),
            "workflow_id": workflow_id,
            "workflow_name": workflow_name,
            "status": "SCHEDULED",
            "created_at": now(),
            "runtime": None,
            "input_file_ids": [f"file-{i}-{p.filename}" for i, p in enumerate(files)],
            "output_node_files": [
                {"node_id": "n-partition", "file_id": f"file-{i}-{p.filename}", "node_type": "partition", "node_subtype": "fast"}
                for i, p in enumerate(files)
            ],
            "job_type": job_type,
        }
        with self.lock:
            self.jobs[job["id"]] = job
        return job

    def handle(self, req: Recorded) -> Reply:
        m, p = req.method, req.path
        q = {k: v[0] for k, v in req.query.items()}
        not_found = lambda what: Reply(404, {"detail": f"{what} not found"})  # noqa: E731
        if m == "GET" and p == "/api/v1/workflows/":
            items = [w for w in self.workflows.values() if "name" not in q or w["name"] == q["name"]]
            return Reply(200, items)
        if m == "POST" and p == "/api/v1/workflows/":
            data = json.loads(req.body)
            if "name" not in data or "workflow_type" not in data:
                missing = [k for k in ("name", "workflow_type") if k not in data]
                return Reply(422, {"detail": [{"loc": ["body", k], "msg": "field required", "type": "missing"} for k in missing]})
            extra = {k: v for k, v in data.items() if k not in ("name",)}
            return Reply(200, self.add_workflow(data["name"], **extra))
        if mt := re.fullmatch(r"/api/v1/workflows/([^/]+)(/run)?", p):
            wf = self.workflows.get(mt.group(1))
            if wf is None:
                return not_found("Workflow")
            if mt.group(2):
                if m != "POST":
                    return Reply(405, {"detail": "Method Not Allowed"})
                files = req.parts() if req.body else []
                return Reply(202, self._new_job(wf["id"], wf["name"], files, "persistent"))
            if m == "GET":
                return Reply(200, wf)
            if m == "PUT":
                wf.update(json.loads(req.body))
                wf["updated_at"] = now()
                return Reply(200, wf)
            if m == "DELETE":
                del self.workflows[wf["id"]]
                return Reply(200, {"detail": "deleted"})
        if m == "GET" and p == "/api/v1/jobs/":
            items = [
                j
                for j in self.jobs.values()
                if ("workflow_id" not in q or j["workflow_id"] == q["workflow_id"])
                and ("status" not in q or j["status"] == q["status"].upper())
            ]
            return Reply(200, items)
        if m == "POST" and p == "/api/v1/jobs/":
            parts = req.parts()
            request_data = [x for x in parts if x.name == "request_data"]
            if not request_data:
                return Reply(422, {"detail": [{"loc": ["body", "request_data"], "msg": "field required", "type": "missing"}]})
            files = [x for x in parts if x.name in ("input_files", "input_files[]")]
            return Reply(200, self._new_job("", "on-demand", files, "ephemeral"))
        if mt := re.fullmatch(r"/api/v1/jobs/([^/]+)(?:/(cancel|details|failed-files|download|file-status))?", p):
            job = self.jobs.get(mt.group(1))
            if job is None:
                return not_found("Job")
            sub = mt.group(2)
            if sub is None and m == "GET":
                return Reply(200, job)
            if sub == "cancel" and m == "POST":
                job["status"] = "STOPPED"
                return Reply(200, {"id": job["id"], "message": "Job cancelled"})
            if sub == "details" and m == "GET":
                stats = [
                    {
                        "node_name": "Partitioner",
                        "node_type": "partition",
                        "node_subtype": "fast",
                        "ready": 0,
                        "in_progress": 0,
                        "success": len(job["input_file_ids"]),
                        "failure": 0,
                    }
                ]
                return Reply(200, {"id": job["id"], "processing_status": "SUCCESS", "node_stats": stats, "message": None})
            if sub == "failed-files" and m == "GET":
                return Reply(200, {"failed_files": [{"document": "bad.pdf", "error": "corrupt"}]})
            if sub == "file-status" and m == "GET":
                return Reply(
                    200, {"id": job["id"], "files": [], "truncated": False, "index_finished": True, "generated_at": now()}
                )
            if sub == "download" and m == "GET":
                if "file_id" not in q:
                    return Reply(422, {"detail": [{"loc": ["query", "file_id"], "msg": "field required", "type": "missing"}]})
                if q["file_id"] not in job["input_file_ids"]:
                    return not_found("File")
                return Reply(
                    200, [{"type": "Title", "element_id": "e1", "text": q["file_id"], "metadata": {"node_id": q.get("node_id")}}]
                )
        if m == "GET" and p == "/api/v1/templates/":
            return Reply(
                200,
                [{"id": "hi_res_and_enrichment", "name": "High res", "description": "d", "version": "1", "last_updated": now()}],
            )
        if m == "GET" and (mt := re.fullmatch(r"/api/v1/templates/([^/]+)", p)):
            if mt.group(1) != "hi_res_and_enrichment":
                return not_found("Template")
            return Reply(
                200,
                {
                    "id": "hi_res_and_enrichment",
                    "name": "High res",
                    "description": "d",
                    "version": "1",
                    "last_updated": now(),
                    "nodes": [],
                },
            )
        return Reply(404, {"detail": "Not Found"})


class RecordingServer:
    """``with RecordingServer() as server: Client(server.url)...; server.requests``."""

    def __init__(self, port: int = 0) -> None:
        self.requests: list[Recorded] = []
        self.fake = FakeAPI()
        self._scripted: dict[tuple[str, str], deque[Reply]] = defaultdict(deque)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._fake_lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # answer at once, like a production server

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    out = bytearray()
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return bytes(out)
                        out += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                split = urlsplit(self.path)
                req = Recorded(
                    method=self.command,
                    path=split.path,
                    raw_query=split.query,
                    query=parse_qs(split.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self._read_body(),
                )
                with outer._lock:
                    outer.requests.append(req)
                    queue = outer._scripted.get((req.method, req.path))
                    reply = queue.popleft() if queue else None
                if reply is None:
                    with outer._fake_lock:  # requests may arrive concurrently
                        reply = outer.fake.handle(req)
                if reply.delay and outer._stopping.wait(reply.delay):
                    return
                body = reply.body if reply.body is not None else json.dumps(reply.json).encode()
                try:
                    self.send_response(reply.status)
                    if reply.body is None:
                        self.send_header("Content-Type", "application/json")
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="recording-server", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Answer the next requests to ``method path`` with ``replies``, in order."""
        with self._lock:
            self._scripted[(method, path)].extend(replies)

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if (method is None or r.method == method) and (path is None or r.path == path)]

    def start(self) -> RecordingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> RecordingServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def closed_port_url() -> str:
    """A loopback URL where nothing listens, so connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
