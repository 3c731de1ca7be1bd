"""``unstructured-nb serve`` / ``stop``: argument handling and refusals (fast), and the key kept out of ``ps``.

The long-running paths (kill -9, restart) are in test_restart.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.local.engine_http import child_env
from unstructured_nb.cli import main
from unstructured_nb.config import ENV_SERVER_KEY
from unstructured_nb.errors import LocalEngineError
from unstructured_nb.local import serve


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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port), "--data-dir", str(tmp_path)]) == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_stop_without_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stop", "--data-dir", str(tmp_path)]) == 0
    assert "no local engine is running" in capsys.readouterr().out


def test_serve_refuses_public_host_without_key(tmp_path: Path) -> None:
    with pytest.raises(LocalEngineError, match="without an API key"):
        serve(host="0.0.0.0", data_dir=tmp_path)
    assert not (tmp_path / "engine.db").exists()


def test_unusable_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "engine.db").write_bytes(b"this is not an SQLite database" * 100)
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "engine.db" in err and "cannot be used" in err and "Traceback" not in err


@pytest.mark.engine
def test_api_key_from_env_is_not_in_ps(tmp_path: Path) -> None:
    """The key comes from UNSTRUCTURED_NB_SERVER_API_KEY; it never shows in the command line or the output."""
    key = "secret-key-from-env-42"
    proc = subprocess.Popen(
        [sys.executable, "-m", "unstructured_nb.local", "serve", "--port", "0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=child_env(**{ENV_SERVER_KEY: key}),
        text=True,
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert "API key required" in line and key not in line
        url = line.split("serving at ")[1].split()[0]
        port = url.rsplit(":", 1)[1]
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/jobs/").status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/jobs/", headers={"unstructured-api-key": key}).status_code == 200
        assert key not in Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=20)[0]
    assert key not in rest and proc.returncode == 0


def test_a_key_on_the_command_line_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", "--api-key", "visible-in-ps", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "refusing --api-key" in err and ENV_SERVER_KEY in err and "--api-key-file" in err and "visible-in-ps" not in err
    assert not (tmp_path / "engine.db").exists()


@pytest.mark.engine
def test_api_key_from_a_file_guards_every_route(tmp_path: Path) -> None:
    key = "secret-key-from-a-file-42"
    key_file = tmp_path / "key"
    key_file.write_text(key + "\n")
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "unstructured_nb.local", "serve", "--port", "0", "--api-key-file", str(key_file)]
    proc = subprocess.Popen(
        [*cmd, "--data-dir", str(data)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=child_env(), text=True
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert "API key required" in line, line
        url = line.split("serving at ")[1].split()[0]
        for path in ("/healthz", "/openapi.json", "/docs", "/api/v1/workflows/"):
            assert httpx.get(url + path).status_code == 401, path
        assert httpx.get(url + "/healthz", headers={"unstructured-api-key": key}).status_code == 200
        assert key not in Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
