"""Web pages get nothing from a TCP engine: a foreign Host (DNS rebinding) and cross-origin requests (CSRF) are 403.

The header checks run against the shared keyless engine; the browser test drives a real
Chromium: an attacker page on another loopback port sends the "simple" multipart POST
that needs no preflight, and a rebound name (``rebind.test`` mapped to 127.0.0.1 by
Chromium's resolver) reads and posts as if same-origin. Neither starts a job or reads a
byte, while the same POST from the engine's own origin does start one (the control).
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from unstructured_nb.local import EngineServer
from unstructured_nb.local.api.origin_guard import is_loopback_host

from ..samples import sample

pytestmark = pytest.mark.engine

JOB_BODY = {"request_data": (None, json.dumps({"template_id": "partition"})), "input_files": ("a.txt", sample(".txt"))}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("localhost:8765", True),
        ("app.localhost:1", True),
        ("127.0.0.1:5", True),
        ("127.8.9.1", True),
        ("[::1]:80", True),
        ("evil.example:8765", False),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil.example", False),
        ("0.0.0.0:1", False),
        ("", False),
    ],
)
def test_loopback_host_names(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def _jobs(http: httpx.Client) -> int:
    return len(http.get("/api/v1/jobs/").json())


def test_foreign_host_is_refused_everywhere(http: httpx.Client) -> None:
    for path in ("/healthz", "/openapi.json", "/api/v1/workflows/", "/api/v1/jobs/"):
        r = http.get(path, headers={"Host": "rebind.evil.example:8765"})
        assert r.status_code == 403 and "DNS rebinding" in r.json()["detail"], path
    before = _jobs(http)
    assert http.post("/api/v1/jobs/", files=JOB_BODY, headers={"Host": "rebind.evil.example"}).status_code == 403
    assert _jobs(http) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://127.0.0.1:9999"},
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_cross_origin_requests_are_refused(http: httpx.Client, headers: dict[str, str]) -> None:
    before = _jobs(http)
    r = http.post("/api/v1/jobs/", files=JOB_BODY, headers=headers)
    assert r.status_code == 403 and "web page" in r.json()["detail"]
    assert _jobs(http) == before
    assert http.get("/api/v1/workflows/", headers=headers).status_code == 403


def test_programs_and_same_origin_pass(http: httpx.Client, engine: EngineServer) -> None:
    assert http.get("/api/v1/workflows/").status_code == 200  # httpx, the SDK, curl: no Origin at all
    own = engine.url
    assert http.get("/api/v1/workflows/", headers={"Origin": own, "Sec-Fetch-Site": "same-origin"}).status_code == 200


class _AttackerPage(http.server.BaseHTTPRequestHandler):
    engine_url = ""

    def do_GET(self) -> None:
        page = f"""<!doctype html><title>attacker</title><script>
        window.attack = async () => {{
          const fd = new FormData();
          fd.append("request_data", JSON.stringify({{template_id: "partition"}}));
          fd.append("input_files", new Blob(["stolen compute"], {{type: "text/plain"}}), "a.txt");
          const out = {{}};
          const opts = {{method: "POST", mode: "no-cors", body: fd}};
          try {{ await fetch("{self.engine_url}/api/v1/jobs/", opts); out.post = "sent"; }}
          catch (e) {{ out.post = "error " + e; }}
          try {{ const r = await fetch("{self.engine_url}/api/v1/workflows/"); out.read = await r.text(); }}
          catch (e) {{ out.read = "blocked"; }}
          return out;
        }};
        </script>"""
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def attacker_site(engine: EngineServer) -> Iterator[str]:
    handler = type("Handler", (_AttackerPage,), {"engine_url": engine.url})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_real_browser_page_cannot_use_the_engine(engine: EngineServer, http: httpx.Client, attacker_site: str) -> None:
    from tests.notebook._servers import CHROMIUM_ARGS, require_chromium

    path = require_chromium()
    from playwright.sync_api import sync_playwright

    port = engine.url.rsplit(":", 1)[1]
    args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=args)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            # 1. a page on another loopback port: simple POST (no preflight) and a read
            before = _jobs(http)
            page.goto(attacker_site)
            out = page.evaluate("attack()")
            assert out["post"] == "sent" and out["read"] == "blocked", out
            time.sleep(1.0)  # an opaque no-cors answer resolves at once: give a job time to appear
            assert _jobs(http) == before  # the request reached the engine and was refused: no job

            # 2. DNS rebinding: the attacker's name now points at 127.0.0.1, so the page is "same-origin"
            response = page.goto(f"http://rebind.test:{port}/api/v1/workflows/")
            assert response is not None and response.status == 403
            assert "partition" not in page.content()
            status = page.evaluate(
                """async () => { const fd = new FormData();
                   fd.append("request_data", JSON.stringify({template_id: "partition"}));
                   fd.append("input_files", new Blob(["x"]), "a.txt");
                   return (await fetch("/api/v1/jobs/", {method: "POST", body: fd})).status; }"""
            )
            assert status == 403 and _jobs(http) == before

            # 3. the control: the same POST from the engine's own origin does start a job
            page.goto(f"{engine.url}/healthz")
            status = page.evaluate(
                """async () => { const fd = new FormData();
                   fd.append("request_data", JSON.stringify({template_id: "partition"}));
                   fd.append("input_files", new Blob(["hello world"], {type: "text/plain"}), "a.txt");
                   return (await fetch("/api/v1/jobs/", {method: "POST", body: fd})).status; }"""
            )
            assert status == 200 and _jobs(http) == before + 1
        finally:
            browser.close()
