"""The test suite's one fake of the Workflow API: the platform's behaviour in memory, on two transports.

``FakeAPI`` holds workflows, jobs and outputs and answers every endpoint like the platform
(202 on run, bare JSON arrays for lists, collections with a trailing slash). It records
every request and can script answers (errors, delays, Retry-After) ahead of its own.
With ``on_demand_limits`` set it enforces the platform's on-demand limits on ``POST /jobs/``
(files per job, bytes per file, 429 for a launch too soon after the previous one) and
records each launch's time and how many on-demand jobs were running (``launches``).

- ``fake.client()`` is a real :class:`~unstructured_nb.client.Client` on httpx's
  ``MockTransport``: no network, synchronous, deterministic (runs, tracker, panel tests).
- ``fake.serve()`` puts the same fake behind a real HTTP server on loopback, for the tests
  where the wire format matters (headers, multipart bodies, timeouts).

Multipart bodies are read with the standard library's ``email`` parser, a parser of its
own rather than a copy of the engine's.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from unstructured_nb.client import Client
from unstructured_nb.runs.limits import OnDemandLimits

BASE_URL = "http://fake-platform.test"
DEFAULT_NODES = [{"id": "n-partition", "name": "Partitioner", "type": "partition", "subtype": "fast"}]


@dataclass
class Part:
    """One part of a multipart body."""

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
    at: float = 0.0  # the fake's clock when it arrived

    def parts(self) -> list[Part]:
        """The body's parts, split on the boundary exactly (RFC 7578), headers read by the stdlib's parser."""
        ctype = self.headers.get("content-type", "")
        assert ctype.startswith("multipart/form-data"), ctype
        boundary = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode()).get_param("boundary")
        delimiter = b"--" + str(boundary).encode()
        chunks = self.body.split(b"\r\n" + delimiter)
        assert chunks[0].startswith(delimiter) and chunks[-1].startswith(b"--"), "malformed multipart body"
        parts = []
        for chunk in [chunks[0][len(delimiter) :], *chunks[1:-1]]:
            head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
            headers = BytesParser(policy=HTTP).parsebytes(head + b"\r\n\r\n", headersonly=True)
            parts.append(
                Part(
                    name=str(headers.get_param("name", header="content-disposition")),
                    filename=headers.get_filename(),
                    content_type=headers.get("content-type"),
                    data=data,
                )
            )
        return parts


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (released at once when a loopback server stops)
    raises: Exception | None = None  # in-process only: the transport raises this instead (httpx.ConnectError...)


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _missing(loc: str, name: str) -> Reply:
    return Reply(422, {"detail": [{"loc": [loc, name], "msg": "field required", "type": "missing"}]})


class FakeAPI:
    """The platform in memory. ``progress``: the statuses every new job goes through, one per poll of it."""

    def __init__(self, progress: Sequence[str] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.workflows: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.statuses: dict[str, list[str]] = {}  # job id -> statuses still to come
        self.outputs: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        self.failed: dict[str, list[dict[str, str]]] = {}
        self.details: dict[str, dict[str, Any]] = {}
        self.names: dict[str, list[str]] = {}  # job id -> its input files' names (what /file-status reports)
        self.requests: list[Recorded] = []
        self.progress = list(progress) if progress else None
        self.clock = clock
        self.on_demand_limits: OnDemandLimits | None = None
        self.launches: list[Launch] = []  # accepted on-demand launches
        self.refused: list[Reply] = []  # on-demand launches refused for a limit
        self.lock = threading.RLock()
        self._scripted: dict[tuple[str, str], deque[Reply]] = defaultdict(deque)

    # -- state --------------------------------------------------------------------------------
    def add_workflow(self, name: str = "wf", **extra: Any) -> dict[str, Any]:
        wf = {
            "id": str(uuid.uuid4()),
            "name": name,
            "sources": [],
            "destinations": [],
            "status": "active",
            "workflow_nodes": list(DEFAULT_NODES),
            "created_at": now(),
            "workflow_type": "custom",
            "reprocess_all": False,
            "schedule": None,
        }
        wf.update(extra)
        with self.lock:
            self.workflows[wf["id"]] = wf
        return wf

    def add_job(
        self,
        workflow: dict[str, Any] | None = None,
        files: Sequence[str] = (),
        *,
        status: str | None = None,
        job_type: str = "persistent",
    ) -> dict[str, Any]:
        """A job of ``workflow`` on files named ``files`` (what a run creates).

        It goes through ``progress`` when that is set and no ``status`` is given; else it stays at ``status``.
        """
        ids = [f"file-{i}-{name}" for i, name in enumerate(files)]
        job = {
            "id": str(uuid.uuid4()),
            "workflow_id": workflow["id"] if workflow else "",
            "workflow_name": workflow["name"] if workflow else "on-demand",
            "status": status or "SCHEDULED",
            "created_at": now(),
            "runtime": None,
            "input_file_ids": ids,
            "output_node_files": [
                {"node_id": "n-partition", "file_id": i, "node_type": "partition", "node_subtype": "fast"} for i in ids
            ],
            "job_type": job_type,
        }
        with self.lock:
            self.jobs[job["id"]] = job
            self.names[job["id"]] = list(files)
            if self.progress and status is None:
                self.statuses[job["id"]] = list(self.progress)
        return job

    def set_statuses(self, job_id: str, statuses: Sequence[str]) -> None:
        """The statuses the job reports from now on, one per poll (the last one stays)."""
        with self.lock:
            self.statuses[job_id] = list(statuses)

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Answer the next requests to ``method path`` with ``replies``, in order, ahead of the fake's own answers."""
        with self.lock:
            self._scripted[(method, path)].extend(replies)

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """The recorded requests; ``path`` is a regular expression matched against the whole path."""
        with self.lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (path is None or re.fullmatch(path, r.path))
            ]

    def count(self, method: str, path: str) -> int:
        return len(self.calls(method, path))

    # -- transports -------------------------------------------------------------------------------
    def client(self, **kwargs: Any) -> Client:
        """A real Client whose requests this fake answers in-process."""
        kwargs.setdefault("max_retries", 0)
        return Client(BASE_URL, transport=self.transport(), **kwargs)

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            split = urlsplit(str(request.url))
            reply = self.answer(request.method, split.path, split.query, dict(request.headers), request.read())
            if reply.delay:
                time.sleep(reply.delay)
            if reply.raises is not None:
                raise reply.raises
            return _response(reply)

        return httpx.MockTransport(handler)

    def serve(self) -> LoopbackServer:
        """This fake behind a real HTTP server on loopback (use as a context manager)."""
        return LoopbackServer(self)

    def answer(self, method: str, path: str, raw_query: str, headers: dict[str, str], body: bytes) -> Reply:
        """Record the request, then give the scripted answer or the fake's own."""
        req = Recorded(
            method,
            path,
            raw_query,
            parse_qs(raw_query, keep_blank_values=True),
            {k.lower(): v for k, v in headers.items()},
            body,
            self.clock(),
        )
        with self.lock:
            self.requests.append(req)
            queue = self._scripted.get((method, path))
            if queue:
                return queue.popleft()
            return self.handle(req)

    # -- the platform's behaviour -------------------------------------------------------------------
    def _advance(self, job: dict[str, Any]) -> dict[str, Any]:
        pending = self.statuses.get(job["id"])
        if pending:
            job["status"] = pending.pop(0) if len(pending) > 1 else pending[0]
            if job["status"] in ("COMPLETED", "FAILED", "STOPPED") and not job["runtime"]:
                job["runtime"] = "PT1.5S"
        return job

    def handle(self, req: Recorded) -> Reply:
        m, p = req.method, req.path
        q = {k: v[0] for k, v in req.query.items()}
        if m == "GET" and p == "/api/v1/workflows/":
            return Reply(200, [w for w in self.workflows.values() if "name" not in q or w["name"] == q["name"]])
        if m == "POST" and p == "/api/v1/workflows/":
            data = json.loads(req.body)
            for key in ("name", "workflow_type"):
                if key not in data:
                    return _missing("body", key)
            return Reply(200, self.add_workflow(data["name"], **{k: v for k, v in data.items() if k != "name"}))
        if mt := re.fullmatch(r"/api/v1/workflows/([^/]+)(/run)?", p):
            wf = self.workflows.get(mt.group(1))
            if wf is None:
                return Reply(404, {"detail": "Workflow not found"})
            if mt.group(2):
                if m != "POST":
                    return Reply(405, {"detail": "Method Not Allowed"})
                parts = req.parts() if req.body else []
                return Reply(202, self.add_job(wf, [x.filename or "" for x in parts]))
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
            listed = [
                self._advance(j) for j in self.jobs.values() if "workflow_id" not in q or j["workflow_id"] == q["workflow_id"]
            ]
            return Reply(200, [j for j in listed if "status" not in q or j["status"] == q["status"].upper()])
        if m == "POST" and p == "/api/v1/jobs/":
            parts = req.parts()
            if not any(x.name == "request_data" for x in parts):
                return _missing("body", "request_data")
            uploads = [x for x in parts if x.name in ("input_files", "input_files[]")]
            refused = self._check_limits(req, uploads)
            if refused is not None:
                self.refused.append(refused)
                return refused
            running = sum(1 for j in self.jobs.values() if j["job_type"] == "ephemeral" and j["status"] in _LIVE)
            job = self.add_job(None, [x.filename or "" for x in uploads], job_type="ephemeral")
            job["request_data"] = json.loads(next(x.data for x in parts if x.name == "request_data"))
            self.launches.append(Launch(req.at, running, job["id"], len(uploads)))
            return Reply(200, {k: v for k, v in job.items() if k != "request_data"})
        if mt := re.fullmatch(r"/api/v1/jobs/([^/]+)(?:/(cancel|details|failed-files|download|file-status))?", p):
            job = self.jobs.get(mt.group(1))
            if job is None:
                return Reply(404, {"detail": "Job not found"})
            return self._job_endpoint(job, m, mt.group(2), q)
        if m == "GET" and p == "/api/v1/templates/":
            return Reply(200, [_TEMPLATE])
        if m == "GET" and (mt := re.fullmatch(r"/api/v1/templates/([^/]+)", p)):
            if mt.group(1) != _TEMPLATE["id"]:
                return Reply(404, {"detail": "Template not found"})
            return Reply(200, {**_TEMPLATE, "nodes": []})
        return Reply(404, {"detail": "Not Found"})

    def _check_limits(self, req: Recorded, uploads: list[Part]) -> Reply | None:
        limits = self.on_demand_limits
        if limits is None:
            return None
        if len(uploads) > limits.files_per_job:
            return Reply(400, {"detail": f"At most {limits.files_per_job} files per on-demand job, got {len(uploads)}"})
        big = [x.filename for x in uploads if len(x.data) > limits.bytes_per_file]
        if big:
            return Reply(413, {"detail": f"Files over {limits.bytes_per_file} bytes: {big}"})
        if self.launches and req.at - self.launches[-1].at < limits.launch_interval:
            return Reply(429, {"detail": "Too many requests: wait between on-demand job launches"})
        return None

    def _job_endpoint(self, job: dict[str, Any], m: str, sub: str | None, q: dict[str, str]) -> Reply:
        if sub is None and m == "GET":
            return Reply(200, self._advance(job))
        if sub == "cancel" and m == "POST":
            job["status"] = "STOPPED"
            self.statuses.pop(job["id"], None)
            return Reply(200, {"id": job["id"], "message": "Job cancelled"})
        if sub == "details" and m == "GET":
            if job["id"] in self.details:
                return Reply(200, self.details[job["id"]])
            n = len(job["input_file_ids"])
            failed = len(self.failed.get(job["id"], []))  # files listed as failed count as failures of the node
            done = job["status"] in ("COMPLETED", "FAILED", "STOPPED")
            stats = [
                {
                    "node_name": "Partitioner",
                    "node_type": "partition",
                    "node_subtype": "fast",
                    "ready": 0 if done else n,
                    "in_progress": 0,
                    "success": n - failed if done else 0,
                    "failure": failed if done else 0,
                }
            ]
            status = ("COMPLETED_WITH_ERRORS" if failed else "SUCCESS") if job["status"] == "COMPLETED" else job["status"]
            return Reply(200, {"id": job["id"], "processing_status": status, "node_stats": stats, "message": None})
        if sub == "failed-files" and m == "GET":
            return Reply(200, {"failed_files": self.failed.get(job["id"], [])})
        if sub == "file-status" and m == "GET":
            failed = {f["document"]: f["error"] for f in self.failed.get(job["id"], [])}
            done = job["status"] in ("COMPLETED", "FAILED", "STOPPED")
            files = [
                {
                    "record_id": file_id,
                    "document": name,
                    "status": "FAILURE" if name in failed else "SUCCESS" if done else "IN_PROGRESS",
                    "error": failed.get(name),
                }
                for file_id, name in zip(job["input_file_ids"], self.names.get(job["id"], []), strict=False)
            ]
            return Reply(
                200, {"id": job["id"], "files": files, "truncated": False, "index_finished": True, "generated_at": now()}
            )
        if sub == "download" and m == "GET":
            if "file_id" not in q:
                return _missing("query", "file_id")
            if q["file_id"] not in job["input_file_ids"]:
                return Reply(404, {"detail": "File not found"})
            key = (q["file_id"], q.get("node_id"))
            default = [{"type": "Title", "element_id": "e1", "text": q["file_id"], "metadata": {"node_id": q.get("node_id")}}]
            return Reply(200, self.outputs.get(key, default))
        return Reply(405, {"detail": "Method Not Allowed"})


_LIVE = ("SCHEDULED", "IN_PROGRESS")


@dataclass
class Launch:
    """An accepted on-demand launch: when it arrived, how many on-demand jobs were running then, the job, its files."""

    at: float
    running: int
    job_id: str
    files: int


_TEMPLATE = {"id": "hi_res_and_enrichment", "name": "High res", "description": "d", "version": "1", "last_updated": "2026-01-01"}


def _response(reply: Reply) -> httpx.Response:
    headers = dict(reply.headers)
    if reply.body is not None:
        return httpx.Response(reply.status, content=reply.body, headers=headers)
    headers.setdefault("Content-Type", "application/json")
    return httpx.Response(reply.status, content=json.dumps(reply.json).encode(), headers=headers)


class LoopbackServer:
    """A real HTTP server on loopback answering with a :class:`FakeAPI`: ``with fake.serve() as server: ...``."""

    def __init__(self, fake: FakeAPI, port: int = 0) -> None:
        self.fake = fake
        self._stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # answer at once, like a production server

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    out = bytearray()
                    while size := int(self.rfile.readline().strip().split(b";")[0], 16):
                        out += self.rfile.read(size)
                        self.rfile.readline()
                    self.rfile.readline()
                    return bytes(out)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                split = urlsplit(self.path)
                reply = outer.fake.answer(self.command, split.path, split.query, dict(self.headers.items()), self._read_body())
                if reply.delay and outer._stopping.wait(reply.delay):
                    return
                response = _response(reply)
                try:
                    self.send_response(reply.status)
                    for k, v in response.headers.items():
                        if k.lower() != "content-length":
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(response.content)))
                    self.end_headers()
                    self.wfile.write(response.content)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-api-server", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # the fake's recording and scripting, at hand on the server
    def script(self, method: str, path: str, *replies: Reply) -> None:
        self.fake.script(method, path, *replies)

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return self.fake.calls(method, re.escape(path) if path else None)

    @property
    def requests(self) -> list[Recorded]:
        return self.fake.requests

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def closed_port_url() -> str:
    """A loopback URL where nothing listens, so connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
