"""serve(): an engine and its HTTP server in this process, and the EngineServer handle it returns."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from tests.local.engine_http import run, wait_job, workflow_id
from tests.local.samples import sample
from tests.polling import wait_until
from unstructured_nb.local import EngineServer, serve

pytestmark = pytest.mark.engine


def test_the_handle(tmp_path: Path) -> None:
    with serve(data_dir=tmp_path, workers=1, api_key="secret-handle-key") as srv:
        assert srv.url.startswith("http://127.0.0.1:") and srv.data_dir == tmp_path.resolve()
        assert srv.api_key == "secret-handle-key" and srv.engine.workers == 1
        assert "secret-handle-key" not in repr(srv) and "running" in repr(srv)
        assert "secret-handle-key" not in repr(srv.engine)
        health = httpx.get(srv.url + "/healthz", headers={"unstructured-api-key": "secret-handle-key"}).json()
        assert health["status"] == "ok" and "data_dir" not in health and "pid" not in health
    assert "stopped" in repr(srv)
    srv.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(srv.url + "/healthz")
    # the data dir is free again
    with serve(data_dir=tmp_path, workers=1) as again:
        assert httpx.get(again.url + "/healthz").status_code == 200


def test_serve_from_a_short_lived_thread(tmp_path: Path) -> None:
    """Worker processes must not die with the thread that called serve() (PR_SET_PDEATHSIG is per thread)."""
    box: list[EngineServer] = []
    t = threading.Thread(target=lambda: box.append(serve(data_dir=tmp_path, workers=1)))
    t.start()
    t.join()
    (srv,) = box
    try:
        pool = srv.engine.jobs.pool
        pids = wait_until(lambda: [p for p in pool.worker_pids() if p] or None, 30, what="the worker to start")
        with httpx.Client(base_url=srv.url) as c:
            wf = workflow_id(c)
            for _ in range(2):
                assert wait_job(c, run(c, wf, [("a.txt", sample(".txt"))]).json()["id"])["status"] == "COMPLETED"
        # the same worker served both jobs: it was not killed when the starting thread ended
        assert [p for p in pool.worker_pids() if p] == pids
    finally:
        srv.stop()
