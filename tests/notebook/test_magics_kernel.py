"""The magic in a real IPython kernel (jupyter_client), against a real local engine.

One kernel and two local engines (one with our distinctive key, one with another key)
are shared by the module. Every iopub message the kernel sends is kept and checked at
the end: the key must appear in none of them.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

KEY = "sk-unstructured-test-7Q2zXw9LmN4pR8vT"  # distinctive: searched for in every message
OTHER_KEY = "another-key-for-the-second-engine-5Hq1"
DATA = Path(__file__).resolve().parents[2] / "notebooks" / "data"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def _any(self) -> None:
        type(self).hits.append(f"{self.command} {self.path}")
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST = _any

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    from unstructured_nb.local import serve

    main = serve(data_dir=tmp_path_factory.mktemp("engine"), api_key=KEY, workers=2, file_delay=0.4)
    other = serve(data_dir=tmp_path_factory.mktemp("engine2"), api_key=OTHER_KEY, workers=1)
    try:
        yield main, other
    finally:
        main.stop()
        other.stop()


@pytest.fixture(scope="module")
def recorder() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Kernel:
    """A kernel plus every iopub message it sent, in order."""

    def __init__(self, env: dict[str, str]) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(env=env, cwd=str(DATA.parent))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.messages: list[dict] = []

    def _next(self, timeout: float) -> dict | None:
        try:
            msg = self.kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return None
        self.messages.append(msg)
        return msg

    def execute(self, code: str, timeout: float = 60) -> tuple[dict, list[dict]]:
        """Run a cell; return its reply and its iopub messages up to 'idle'."""
        msg_id = self.kc.execute(code)
        reply = self.kc.get_shell_msg(timeout=timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=timeout)
        out: list[dict] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self._next(1.0)
            if msg is None:
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                out.append(msg)
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return reply, out
        raise TimeoutError(f"no idle after {code!r}")

    def listen(self, until: Any, timeout: float) -> list[dict]:
        """Collect iopub messages (from any parent) until ``until(msg)`` is true; no cell runs meanwhile."""
        got: list[dict] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self._next(0.5)
            if msg is None:
                continue
            got.append(msg)
            if until(msg):
                return got
        raise TimeoutError(f"condition not met in {timeout} s; got {[m['msg_type'] for m in got]}")

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernel(engines: tuple[Any, Any]) -> Iterator[Kernel]:
    main, _ = engines
    env = dict(os.environ)
    env.pop("UNSTRUCTURED_NB_NONINTERACTIVE", None)
    env.update(UNSTRUCTURED_API_URL=main.url, UNSTRUCTURED_API_KEY=KEY)
    k = Kernel(env)
    try:
        reply, _ = k.execute("%load_ext unstructured_nb")
        assert reply["content"]["status"] == "ok"
        yield k
    finally:
        leaked = [m["msg_type"] for m in k.messages if KEY in json.dumps(m, default=str)]
        k.stop()
        assert leaked == [], f"the API key appeared in iopub messages: {leaked}"


def _texts(msgs: list[dict]) -> str:
    parts = []
    for i, m in enumerate(msgs):
        c = m["content"]
        if m["msg_type"] == "stream":
            # the kernel may flush one print() in several stream messages: glue them back
            if i and msgs[i - 1]["msg_type"] == "stream" and parts:
                parts[-1] += c["text"]
            else:
                parts.append(c["text"])
        elif m["msg_type"] in ("display_data", "update_display_data", "execute_result"):
            parts.append(c["data"].get("text/plain", ""))
        elif m["msg_type"] == "error":
            parts.extend(c["traceback"])
    return "\n".join(parts)


def _error_of(reply: dict, msgs: list[dict]) -> str:
    """The single paragraph an error showed; fails if it came with a Python traceback."""
    errors = [m for m in msgs if m["msg_type"] == "error"]
    assert reply["content"]["status"] == "error" and len(errors) == 1
    tb = errors[0]["content"]["traceback"]
    assert len(tb) == 1, tb
    assert "Traceback" not in tb[0] and 'File "' not in tb[0]
    return tb[0]


def test_the_cell_returns_at_once_and_the_table_updates_itself(kernel: Kernel):
    reply, msgs = kernel.execute(
        "run = %unstructured_run partition data/field-notes.md data/meeting-minutes.txt data/sales.csv data/*.md data/*.txt"
    )  # 5 files at >= 0.4 s each on 2 workers: the job outlives the cell by far
    assert reply["content"]["status"] == "ok"
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    assert len(shown) == 1, "one table, not a stream of tables"
    assert not [m for m in msgs if m["msg_type"] == "execute_result"], "no second copy of the table"
    display_id = shown[0]["content"]["transient"]["display_id"]
    first = shown[0]["content"]["data"]
    assert 'class="unb-table"' in first["text/html"] and 'data-status="' in first["text/html"]
    assert "COMPLETED" not in first["text/plain"]  # the cell returned before the job ended

    # no further cell runs: the tracker thread alone drives the updates
    updates = kernel.listen(
        lambda m: m["msg_type"] == "update_display_data" and "COMPLETED" in m["content"]["data"]["text/plain"],
        timeout=60,
    )
    updates = [m for m in updates if m["msg_type"] == "update_display_data"]
    assert updates and all(m["content"]["transient"]["display_id"] == display_id for m in updates)
    final = updates[-1]["content"]["data"]
    assert "COMPLETED" in final["text/html"] and "field-notes.md" in final["text/plain"]

    reply, msgs = kernel.execute("print(run.status.value, run.done, len(run.elements()) > 0)")
    assert "COMPLETED True True" in _texts(msgs)


def test_wait_blocks_and_shows_the_final_table_in_place(kernel: Kernel):
    reply, msgs = kernel.execute("r2 = %unstructured_run partition data/field-notes.md --wait\nprint('after', r2.status.value)")
    assert reply["content"]["status"] == "ok"
    text = _texts(msgs)
    assert "after COMPLETED" in text
    assert len([m for m in msgs if m["msg_type"] == "display_data"]) == 1
    # the table is final before the cell's own output goes on: the last update before the print shows COMPLETED
    before_print = msgs[: next(i for i, m in enumerate(msgs) if m["msg_type"] == "stream" and "after" in m["content"]["text"])]
    tables = [m for m in before_print if m["msg_type"] in ("display_data", "update_display_data")]
    assert "COMPLETED" in tables[-1]["content"]["data"]["text/plain"]


def test_value_of_the_magic_is_not_displayed_twice_but_later_is(kernel: Kernel):
    _, msgs = kernel.execute("%unstructured_run partition data/field-notes.md --wait")
    assert len([m for m in msgs if m["msg_type"] in ("display_data", "execute_result")]) == 1
    _, msgs = kernel.execute("_")  # the Run, displayed on request in a later cell
    assert "COMPLETED" in _texts(msgs)


def test_jobs_magic_lists_jobs_newest_first(kernel: Kernel):
    _, msgs = kernel.execute("jobs = %unstructured_jobs --workflow partition --limit 2\nprint(len(jobs), list(jobs.columns)[:3])")
    assert "2 ['job_id', 'workflow', 'status']" in _texts(msgs)
    _, msgs = kernel.execute("print((jobs.created.tolist() == sorted(jobs.created.tolist(), reverse=True)))")
    assert "True" in _texts(msgs)


def test_a_missing_path_sends_no_request(kernel: Kernel, recorder: str):
    _Recorder.hits.clear()
    reply, msgs = kernel.execute(f"%unstructured_run partition data/field-notes.md data/nope.pdf --api-url {recorder}")
    paragraph = _error_of(reply, msgs)
    assert "nope.pdf (not found)" in paragraph and "no job was created" in paragraph
    assert _Recorder.hits == []


def test_unknown_workflow_names_close_matches(kernel: Kernel):
    reply, msgs = kernel.execute("%unstructured_run partiton data/field-notes.md")
    paragraph = _error_of(reply, msgs)
    assert "'partiton'" in paragraph and "Did you mean 'partition'" in paragraph


def test_bad_key_says_what_to_do(kernel: Kernel, engines: tuple[Any, Any]):
    _, other = engines  # our key is the wrong key for this engine
    reply, msgs = kernel.execute(f"%unstructured_run partition data/field-notes.md --api-url {other.url}")
    paragraph = _error_of(reply, msgs)
    assert "UNSTRUCTURED_API_KEY" in paragraph
    assert KEY not in paragraph


def test_server_down_names_the_url(kernel: Kernel):
    url = f"http://127.0.0.1:{_closed_port()}"
    reply, msgs = kernel.execute(f"%unstructured_run partition data/field-notes.md --api-url {url}", timeout=120)
    paragraph = _error_of(reply, msgs)
    assert url in paragraph and "UNSTRUCTURED_API_URL" in paragraph


def test_ctrl_c_during_wait_stops_waiting_and_says_how_to_cancel(kernel: Kernel):
    msg_id = kernel.kc.execute("slow = %unstructured_run partition data/ data/ data/ data/ --wait")
    kernel.listen(lambda m: m["msg_type"] == "display_data" and m["parent_header"].get("msg_id") == msg_id, timeout=60)
    kernel.km.interrupt_kernel()
    got = kernel.listen(
        lambda m: (
            m["msg_type"] == "status" and m["content"]["execution_state"] == "idle" and m["parent_header"].get("msg_id") == msg_id
        ),
        timeout=60,
    )
    text = _texts([m for m in got if m["parent_header"].get("msg_id") == msg_id])
    assert "still running" in text and "run.cancel()" in text and "--attach" in text
    assert not [m for m in got if m["msg_type"] == "error" and m["parent_header"].get("msg_id") == msg_id]
    _, msgs = kernel.execute("print(slow.done)\nslow.cancel()\nslow.wait(60)\nprint(slow.status.value)")
    assert "False" in _texts(msgs) and "STOPPED" in _texts(msgs)


def test_wait_timeout_says_the_job_keeps_running(kernel: Kernel):
    reply, msgs = kernel.execute("t = %unstructured_run partition data/ data/ data/ data/ --wait --timeout 0.3")
    assert reply["content"]["status"] == "ok"
    text = _texts(msgs)
    assert "after 0.3 s" in text and "run.cancel()" in text
    kernel.execute("t.cancel()")


def test_attach_follows_an_existing_job(kernel: Kernel):
    _, msgs = kernel.execute(
        "again = %unstructured_run --attach {run.job_id}\nprint(again.job_id == run.job_id, again.status.value)"
    )
    assert "True COMPLETED" in _texts(msgs)
    assert len([m for m in msgs if m["msg_type"] == "display_data"]) == 1


def test_config_poll_interval_and_noninteractive_mode(kernel: Kernel):
    kernel.execute("%config UnstructuredMagics.poll_interval = 0.3\n%env UNSTRUCTURED_NB_NONINTERACTIVE=1")
    try:
        _, msgs = kernel.execute(
            "ci = %unstructured_run partition data/field-notes.md\nprint('poll', ci.poll_interval, ci.status.value)"
        )
        assert "poll 0.3 COMPLETED" in _texts(msgs)  # blocked until the end
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        assert len(shown) == 1 and "COMPLETED" in shown[0]["content"]["data"]["text/plain"]
        assert "display_id" not in shown[0]["content"].get("transient", {})  # a final table, never updated
    finally:
        kernel.execute("%config UnstructuredMagics.poll_interval = None\n%env UNSTRUCTURED_NB_NONINTERACTIVE=")


def test_help_and_usage_errors(kernel: Kernel):
    reply, msgs = kernel.execute("%unstructured_run --help")
    assert "--attach JOB_ID" in _texts(msgs) and reply["content"]["status"] == "ok"
    reply, msgs = kernel.execute("%unstructured_run partition")
    assert "No input files" in _error_of(reply, msgs)
    reply, msgs = kernel.execute("%unstructured_run partition data/field-notes.md --bogus")
    assert "Unrecognized arguments: --bogus" in _error_of(reply, msgs)


def test_no_arguments_shows_the_panel(kernel: Kernel):
    reply, msgs = kernel.execute("%unstructured_run")
    assert reply["content"]["status"] == "ok"
    assert [m for m in msgs if m["msg_type"] in ("display_data", "execute_result")]


def test_the_panel_gets_the_magics_configuration(kernel: Kernel):
    try:
        reply, msgs = kernel.execute(
            "%config UnstructuredMagics.poll_interval = 0.7\np = %unstructured_run\nprint('panel', type(p).__name__, p.poll)"
        )
        assert reply["content"]["status"] == "ok" and "panel Panel 0.7" in _texts(msgs)
    finally:
        kernel.execute("%config UnstructuredMagics.poll_interval = None")


def test_await_run_in_a_cell(kernel: Kernel):
    reply, msgs = kernel.execute(
        "aw = %unstructured_run partition data/field-notes.md data/meeting-minutes.txt\n"
        "await aw\nprint('awaited', aw.status.value)"
    )
    assert reply["content"]["status"] == "ok" and "awaited COMPLETED" in _texts(msgs)
