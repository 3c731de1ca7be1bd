"""The state file ``engine.json``: how an engine started from the command line tells discovery where it answers.

The engine writes it once it listens (atomically, 0600: a reader sees the whole file or none)
and removes it when it stops; discovery reads it, and removes a stale one. A file that
does not parse is treated as absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .private_files import check_private

__all__ = ["SOCKET_FILE", "STATE_FILE", "UNIX_URL", "EngineState", "read_state", "remove_state", "socket_path", "write_state"]

STATE_FILE = "engine.json"
#: The URL of an engine reached through its Unix socket (the host is what the Host header says).
UNIX_URL = "http://localhost"
SOCKET_FILE = "engine.sock"
# sun_path holds 108 bytes: a longer data dir gets its socket in a private folder of /tmp
_MAX_SOCKET_PATH = 100


def socket_path(data_dir: Path) -> Path:
    """Where the engine of ``data_dir`` listens (a Unix socket): in the data dir, or /tmp/unstructured_nb-UID/ if too long."""
    path = Path(data_dir) / SOCKET_FILE
    if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(os.fsencode(Path(data_dir))).hexdigest()[:24]
    return Path(tempfile.gettempdir()) / f"unstructured_nb-{os.geteuid()}" / f"{digest}.sock"


@dataclass(frozen=True)
class EngineState:
    """What the file records: where the engine answers, its process, its data dir, whether it needs a key."""

    url: str
    pid: int | None
    data_dir: str | None = None
    auth: bool = False
    socket: str | None = None  # the Unix socket that discovery and the notebook's clients use


def read_state(data_dir: str | os.PathLike[str]) -> EngineState | None:
    """The state file of ``data_dir``'s engine, or None (absent, unreadable or not a state file).

    Raises :class:`~unstructured_nb.errors.LocalEngineError` for a state file or data dir
    that another user owns or can write (a forged engine could be recorded in it).
    """
    check_private(Path(data_dir), directory=True)
    check_private(Path(data_dir) / STATE_FILE, directory=False)
    try:
        data = json.loads((Path(data_dir) / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("url"):
        return None
    pid = data.get("pid")
    recorded_dir = data.get("data_dir")
    sock = data.get("socket")
    return EngineState(
        url=str(data["url"]),
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        data_dir=recorded_dir if isinstance(recorded_dir, str) else None,
        auth=bool(data.get("auth")),
        socket=sock if isinstance(sock, str) and sock else None,
    )


def write_state(data_dir: Path, state: EngineState) -> None:
    target = data_dir / STATE_FILE
    tmp = target.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(asdict(state)))
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def remove_state(data_dir: Path, *, pid: int | None = None) -> None:
    """Remove the state file; with ``pid``, only if it still records that process (a newer engine's stays)."""
    if pid is not None:
        current = read_state(data_dir)
        if current is None or current.pid != pid:
            return
    try:
        (data_dir / STATE_FILE).unlink()
    except FileNotFoundError:
        pass
