"""``unstructured-nb serve`` / ``stop`` argument handling (the long-running paths are in test_engine_restart)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from unstructured_nb.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_non_loopback_without_key_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Refusing to serve on 0.0.0.0 without an API key" in err and "--api-key" in err
    assert not (tmp_path / "engine.db").exists()


def test_bad_numbers_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "0", "--data-dir", str(tmp_path)]) == 2
    assert main(["serve", "--max-upload-mb", "-1", "--data-dir", str(tmp_path)]) == 2
    assert "--workers" in capsys.readouterr().err


def test_port_in_use_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port), "--data-dir", str(tmp_path)]) == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_stop_without_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stop", "--data-dir", str(tmp_path)]) == 0
    assert "no local engine is running" in capsys.readouterr().out


def test_api_key_from_env_is_not_in_ps(tmp_path: Path) -> None:
    """The key comes from UNSTRUCTURED_NB_SERVER_API_KEY; it never shows in the command line or the output."""
    key = "secret-key-from-env-42"
    env = dict(os.environ, PYTHONPATH=str(REPO), UNSTRUCTURED_NB_SERVER_API_KEY=key)
    proc = subprocess.Popen(
        [sys.executable, "-m", "unstructured_nb.local", "serve", "--port", "0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "API key required" in line and key not in line
        url = line.split("serving at ")[1].split()[0]
        import httpx

        port = url.rsplit(":", 1)[1]
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/jobs/").status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/jobs/", headers={"unstructured-api-key": key}).status_code == 200
        assert key not in Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=20)[0]
    assert key not in rest and proc.returncode == 0


def test_serve_refuses_public_host_without_key(tmp_path: Path) -> None:
    from unstructured_nb.errors import LocalEngineError
    from unstructured_nb.local import serve

    with pytest.raises(LocalEngineError, match="without an API key"):
        serve(host="0.0.0.0", data_dir=tmp_path)
    assert not (tmp_path / "engine.db").exists()


def test_package_import_is_cheap() -> None:
    code = "import sys, unstructured_nb.local, unstructured_nb.local.discovery; print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'pydantic', 'IPython', 'pandas', 'ipywidgets') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=60
    )
    assert out.stdout.strip() == "[]", out.stderr


def test_running_engine_never_imports_notebook_libraries(tmp_path: Path) -> None:
    code = (
        "import sys, httpx\n"
        "from unstructured_nb.local import serve\n"
        f"s = serve(data_dir={str(tmp_path)!r}, workers=1)\n"
        "wf = httpx.get(s.url + '/api/v1/workflows/').json()[0]['id']\n"
        "assert httpx.post(s.url + f'/api/v1/workflows/{wf}/run', files={'input_files': ('a.txt', b'Hi there.')}).status_code == 202\n"
        "s.stop()\n"
        "print(sorted(m for m in ('IPython', 'pandas', 'ipywidgets') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr


def test_serve_from_a_short_lived_thread(tmp_path: Path) -> None:
    """Worker processes must not die with the thread that called serve() (PR_SET_PDEATHSIG is per thread)."""
    import threading

    import httpx

    from unstructured_nb.local import serve

    from .conftest import run, wait_job, wait_until, workflow_id
    from .samples import sample

    box = []
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


def test_unusable_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "engine.db").write_bytes(b"this is not an SQLite database" * 100)
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "engine.db" in err and "cannot be used" in err and "Traceback" not in err
