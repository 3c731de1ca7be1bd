"""Find (or start) the one local engine of a data dir, shared by every kernel.

The shared engine runs as its own detached process (``python -m unstructured_nb.local
serve``), so a kernel restart or a heavy partitioning job never blocks or kills it. It
writes a state file (:mod:`.state_file`: url and pid) in the data dir once it listens;
kernels read it, check the engine answers on the data dir's Unix socket as the recorded
process of this user (SO_PEERCRED, :mod:`.unix_socket`) and connect through that socket only,
and start a new one only when it is absent or stale, under a file lock so two kernels
starting at once get one engine. What they get back is a :class:`SharedEngine`: where
that engine answers, not the engine itself (that is :class:`~.engine.Engine`, in its own
process).

Standard library and httpx only: importing this module must stay cheap (no FastAPI, no engine).
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from ..config import ENV_DATA_DIR, ENV_KEY, ENV_SERVER_KEY, ENV_URL
from ..errors import LocalEngineError
from .idle import idle_timeout_from_env, shown_seconds
from .private_files import make_private_dir, open_private
from .state_file import UNIX_URL, EngineState, read_state, remove_state, socket_path
from .unix_socket import probe_peer

__all__ = [
    "LOG_FILE",
    "SPAWN_LOCK",
    "SharedEngine",
    "default_data_dir",
    "ensure_local_engine",
    "resolve_data_dir",
    "shown_path",
    "stop_local_engine",
]

LOG_FILE = "engine.log"
SPAWN_LOCK = "engine.spawn.lock"
START_TIMEOUT = 60.0

_announced: set[str] = set()
_children: list[subprocess.Popen[bytes]] = []  # keep our spawned engines referenced (no ResourceWarning)


@dataclass(frozen=True)
class SharedEngine:
    """The shared engine of a data dir, as discovery found or started it: where it answers, its process."""

    url: str
    data_dir: Path
    pid: int | None
    api_key: str | None = None
    socket: str | None = None  # the Unix socket clients connect through (``url`` is then ``http://localhost``)

    def __repr__(self) -> str:  # never the key
        return f"SharedEngine(url={self.url!r}, data_dir={str(self.data_dir)!r}, pid={self.pid}, socket={self.socket!r})"


def default_data_dir() -> Path:
    """``$UNSTRUCTURED_NB_DATA_DIR``, else ``$XDG_DATA_HOME/unstructured_nb``, else ``~/.local/share/unstructured_nb``."""
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "unstructured_nb"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """``data_dir`` (default :func:`default_data_dir`) as an absolute path: the key engines are found by."""
    return Path(data_dir).expanduser().resolve() if data_dir else default_data_dir().expanduser().resolve()


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        # reap it if it is our child that already exited (a zombie still "exists" for kill(0))
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _healthy(state: EngineState, data_dir: Path, timeout: float = 2.0) -> bool:
    """True if the engine in ``state`` answers on ``data_dir``'s socket and is the recorded process of this user.

    Who listens is checked before a byte is sent (SO_PEERCRED: this uid, the recorded pid),
    so a process of another user that took over a stale socket or port learns nothing.
    """
    if not state.socket or Path(state.socket) != socket_path(data_dir):
        return False  # an engine of an older version, or a state file pointing elsewhere
    if state.pid is None or probe_peer(Path(state.socket), timeout) != state.pid:
        return False
    try:
        with httpx.Client(transport=httpx.HTTPTransport(uds=state.socket), timeout=timeout, trust_env=False) as http:
            r = http.get(f"{UNIX_URL}/healthz")
    except Exception:
        return False
    # a keyed engine answers 401 without its key: it is still this user's live engine
    return r.status_code in (200, 401)


def _alive_and_answering(state: EngineState, data_dir: Path) -> bool:
    """Healthy now, or (a live engine process that is merely busy) within a few seconds.

    Declaring a busy engine stale would start a second one (refused by the data dir lock)
    or kill the first with its running jobs, so a live engine process gets some patience.
    """
    if _healthy(state, data_dir):
        return True
    pid = state.pid
    if not (pid is not None and _pid_alive(pid) and _looks_like_engine(pid)):
        return False
    deadline = time.monotonic() + 15.0
    while time.monotonic() < deadline:
        if _healthy(state, data_dir, timeout=3.0):
            return True
        if not _pid_alive(pid):
            return False
        time.sleep(0.2)
    return False


def _shared_engine(state: EngineState, data_dir: Path) -> SharedEngine:
    key = None
    if state.auth:
        key = os.environ.get(ENV_SERVER_KEY) or None
        if not key:
            raise LocalEngineError(
                f"The local engine at {state.url} (data in {data_dir}) was started with an API key.",
                hint=f"Set {ENV_URL}={state.url} and {ENV_KEY} to use it, "
                f"or stop it with `unstructured-nb stop --data-dir {data_dir}`.",
            )
    return SharedEngine(url=UNIX_URL, data_dir=data_dir, pid=state.pid, api_key=key, socket=state.socket)


def _announce(engine: SharedEngine) -> None:
    key = str(engine.data_dir)
    if key in _announced:
        return
    _announced.add(key)
    # No port (it changes on every start) and ~ for the home folder: the line reads the same
    # in every saved notebook; client.api_url has the URL.
    idle = idle_timeout_from_env()
    same = engine.data_dir == resolve_data_dir(None)
    stop = "unstructured-nb stop" + ("" if same else f" --data-dir {shown_path(engine.data_dir)}")
    ends = f"it exits after {shown_seconds(idle)} without work; " if idle > 0 else ""
    print(
        f"unstructured_nb: using the local engine on this machine (data in {shown_path(engine.data_dir)}; "
        f"{ends}`{stop}` stops it now). Set {ENV_URL} to use the Unstructured Platform.",
        flush=True,
    )


def shown_path(path: Path) -> str:
    """``path`` as shown to a user: ``~/...`` inside the home folder."""
    home = Path.home()
    try:
        return "~/" + str(Path(path).relative_to(home)) if Path(path) != home else "~"
    except ValueError:
        return str(path)


def ensure_local_engine(data_dir: str | os.PathLike[str] | None = None) -> SharedEngine:
    """The shared engine of ``data_dir`` (default :func:`default_data_dir`), started if needed."""
    path = resolve_data_dir(data_dir)
    state = read_state(path)
    if state and _healthy(state, path):
        engine = _shared_engine(state, path)
        _announce(engine)
        return engine
    try:
        make_private_dir(path)
    except OSError as exc:
        raise LocalEngineError(
            f"Cannot create the local engine's data dir {path}: {exc}.", hint=f"Set {ENV_DATA_DIR} to a writable folder."
        ) from None
    with open_private(path / SPAWN_LOCK) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one kernel spawns; the others wait here, then reuse it
        try:
            state = read_state(path)
            if state and _alive_and_answering(state, path):
                engine = _shared_engine(state, path)
            else:
                engine = _spawn(path, stale=state)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _announce(engine)
    return engine


def _spawn(path: Path, stale: EngineState | None) -> SharedEngine:
    if stale is not None:
        # the recorded engine does not answer: if its process is still there (hung), end it
        pid = stale.pid
        if pid is not None and pid != os.getpid() and _pid_alive(pid) and _looks_like_engine(pid):
            _terminate(pid)
        remove_state(path)
    log_path = path / LOG_FILE
    env = dict(os.environ)
    env.pop(ENV_SERVER_KEY, None)  # a discovered engine is loopback-only and keyless
    with open_private(log_path) as log:
        log.write(f"\n--- starting the local engine at {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
        log.flush()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "unstructured_nb.local",
                "serve",
                "--socket-only",
                "--data-dir",
                str(path),
                "--idle-timeout",
                str(idle_timeout_from_env()),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
            close_fds=True,
        )
    _children.append(proc)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            reason = _last_log_line(log_path)
            raise LocalEngineError(
                f"The local engine exited while starting (exit code {code})" + (f": {reason}" if reason else "."),
                hint=f"Its log is {log_path}.",
            )
        state = read_state(path)
        if state and state.pid == proc.pid and _healthy(state, path, timeout=1.0):
            return _shared_engine(state, path)
        time.sleep(0.05)
    _terminate(proc.pid)
    raise LocalEngineError(
        f"The local engine did not answer within {START_TIMEOUT:.0f} seconds.",
        hint=f"See its log at {log_path}, or start it yourself with `unstructured-nb serve --data-dir {path}`.",
    )


def _last_log_line(log_path: Path) -> str:
    """The engine's last words (it prints one clear line on a refused start)."""
    try:
        with open(log_path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4096))
            lines = [ln.strip() for ln in fh.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    last = lines[-1] if lines else ""
    return "" if last.startswith("--- starting") else last.removeprefix("unstructured-nb serve: ")


def _looks_like_engine(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().split(b"\0")
    except OSError:
        return False
    return b"unstructured_nb.local" in cmd or any(part.endswith(b"unstructured-nb") for part in cmd)


def _terminate(pid: int, timeout: float = 10.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.05)


def stop_local_engine(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Stop the engine recorded for ``data_dir``; True if one was running."""
    path = resolve_data_dir(data_dir)
    state = read_state(path)
    if not state:
        return False
    pid = state.pid
    running = False
    if pid is not None and pid != os.getpid() and _pid_alive(pid) and (_healthy(state, path) or _looks_like_engine(pid)):
        running = True
        _terminate(pid)
    remove_state(path, pid=pid)  # unless a newer engine replaced it meanwhile
    return running
