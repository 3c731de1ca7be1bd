"""A second Unix user on the same machine gets nothing: no port to find, no socket to connect to, no file to read.

The test creates a real throw-away user (needs root and ``useradd``; skips clearly
otherwise), starts the auto-started engine as the notebook would, runs a job so that
inputs, outputs, the database and the log exist, and then, as that user, tries what an
attacker on a shared host would: list and read the data dir, connect to the engine's
socket, and look for a TCP port of the engine in ``/proc/net/tcp``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from unstructured_nb.client import Client
from unstructured_nb.local.discovery import ensure_local_engine, stop_local_engine

from .engine_http import process_alive

pytestmark = [pytest.mark.engine, pytest.mark.slow]

ATTACK = r"""
import os, socket, sys
data, sock_path = sys.argv[1], sys.argv[2]
got = []
for root in (data,):
    try:
        got.append("listed " + ",".join(os.listdir(root)))
    except OSError as exc:
        got.append(f"list refused: {exc.strerror}")
for name in ("engine.db", "engine.json", "engine.log", "jobs"):
    try:
        with open(os.path.join(data, name), "rb") as fh:
            got.append(f"READ {name} {len(fh.read())}")
    except OSError as exc:
        got.append(f"read {name} refused: {exc.strerror}")
for path in sys.argv[3:]:
    try:
        with open(path, "rb") as fh:
            got.append(f"READ {path} {len(fh.read())}")
    except OSError as exc:
        got.append(f"read document refused: {exc.strerror}")
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
try:
    s.connect(sock_path)
    s.sendall(b"GET /api/v1/workflows/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
    answer = s.recv(65536)
    got.append("CONNECTED " + repr(answer[:80]) if answer else "connected but dropped")
except OSError as exc:
    got.append(f"connect refused: {exc.strerror}")
print("\n".join(got))
"""


@pytest.fixture
def other_user() -> Iterator[str]:
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("setpriv"):
        pytest.skip("creating a second Unix user needs root, useradd and setpriv (this machine has not)")
    name = f"unbt{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


def _as_user(user: str, *args: str) -> str:
    uid = int(subprocess.run(["id", "-u", user], capture_output=True, text=True, check=True).stdout)
    gid = int(subprocess.run(["id", "-g", user], capture_output=True, text=True, check=True).stdout)
    cmd = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "/usr/bin/python3", "-c", ATTACK, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def _listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def test_another_user_reads_nothing_and_cannot_connect(other_user: str, tmp_path: Path) -> None:
    # a parent every user may traverse, as ~/.local/share usually is: only the data dir's own mode protects it
    shared = Path(f"/tmp/unb-multiuser-{uuid.uuid4().hex[:8]}")
    shared.mkdir()
    os.chmod(shared, 0o755)
    data_dir = shared / "data"
    old = os.umask(0o022)  # the usual umask of a notebook server
    try:
        engine = ensure_local_engine(data_dir)
        doc = tmp_path / "secret.md"
        doc.write_text("# Payroll\n\nThe secret figure is 42.\n")
        with Client(local_data_dir=data_dir) as client:
            wf = next(w for w in client.list_workflows() if w.name == "partition")
            job = client.run_workflow(wf.id, files=[doc])
            deadline = time.monotonic() + 60
            while not job.done and time.monotonic() < deadline:
                time.sleep(0.1)
                job = client.get_job(job.id)
            assert job.status == "COMPLETED"
        documents = [str(p) for p in (data_dir / "jobs").rglob("*") if p.is_file()]
        assert len(documents) >= 2  # the input and its output
        assert engine.socket and engine.pid

        out = _as_user(other_user, str(data_dir), engine.socket, *documents)
        assert "READ" not in out and "CONNECTED" not in out, out
        assert "list refused: Permission denied" in out and "connect refused: Permission denied" in out, out

        # and no TCP port to find: the auto-started engine listens on its Unix socket only
        assert not (_socket_inodes(engine.pid) & _listening_inodes())
        for path in [data_dir, *data_dir.rglob("*")]:
            assert os.lstat(path).st_mode & 0o077 == 0, path
    finally:
        os.umask(old)
        stop_local_engine(data_dir)
        shutil.rmtree(shared, ignore_errors=True)


def test_the_engine_drops_another_users_connection_even_through_open_modes(other_user: str) -> None:
    """Defence in depth: with the folder and socket opened up by mistake, SO_PEERCRED still drops the stranger."""
    shared = Path(f"/tmp/unb-multiuser-{uuid.uuid4().hex[:8]}")
    shared.mkdir()
    os.chmod(shared, 0o755)
    data_dir = shared / "data"
    try:
        engine = ensure_local_engine(data_dir)
        assert engine.socket
        os.chmod(data_dir, 0o711)
        os.chmod(engine.socket, 0o666)
        out = _as_user(other_user, str(data_dir), engine.socket)
        assert "CONNECTED" not in out, out  # the connection is reset before any answer
        assert any(word in out for word in ("connected but dropped", "reset by peer", "Broken pipe")), out
    finally:
        if data_dir.exists():
            os.chmod(data_dir, 0o700)
        stop_local_engine(data_dir)
        shutil.rmtree(shared, ignore_errors=True)


BIND = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.bind(sys.argv[1])
    s.listen(1)
    print("BOUND")
except OSError as exc:
    print(f"bind refused: {exc.strerror}")
"""


def test_after_kill_9_another_user_cannot_stand_in_for_the_engine(other_user: str) -> None:
    shared = Path(f"/tmp/unb-multiuser-{uuid.uuid4().hex[:8]}")
    shared.mkdir()
    os.chmod(shared, 0o755)
    data_dir = shared / "data"
    try:
        first = ensure_local_engine(data_dir)
        assert first.pid and first.socket
        os.kill(first.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while process_alive(first.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (data_dir / "engine.json").exists()  # the stale state stays, but it is 0600 in a 0700 dir
        uid = int(subprocess.run(["id", "-u", other_user], capture_output=True, text=True, check=True).stdout)
        cmd = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c", BIND]
        for target in (first.socket, str(data_dir / "fake.sock")):
            out = subprocess.run([*cmd, target], capture_output=True, text=True, timeout=30).stdout
            assert "BOUND" not in out and "Permission denied" in out, out
        second = ensure_local_engine(data_dir)  # the next call starts a fresh engine on the same socket
        assert second.pid != first.pid and second.socket == first.socket
    finally:
        stop_local_engine(data_dir)
        shutil.rmtree(shared, ignore_errors=True)
