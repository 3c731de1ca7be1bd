"""The state file ``engine.json``: how an engine started from the command line tells discovery where it answers.

The engine writes it once it listens (atomically: a reader sees the whole file or none)
and removes it when it stops; discovery reads it, and removes a stale one. A file that
does not parse is treated as absent.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["STATE_FILE", "EngineState", "read_state", "remove_state", "write_state"]

STATE_FILE = "engine.json"


@dataclass(frozen=True)
class EngineState:
    """What the file records: where the engine answers, its process, its data dir, whether it needs a key."""

    url: str
    pid: int | None
    data_dir: str | None = None
    auth: bool = False


def read_state(data_dir: str | os.PathLike[str]) -> EngineState | None:
    """The state file of ``data_dir``'s engine, or None (absent, unreadable or not a state file)."""
    try:
        data = json.loads((Path(data_dir) / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("url"):
        return None
    pid = data.get("pid")
    recorded_dir = data.get("data_dir")
    return EngineState(
        url=str(data["url"]),
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        data_dir=recorded_dir if isinstance(recorded_dir, str) else None,
        auth=bool(data.get("auth")),
    )


def write_state(data_dir: Path, state: EngineState) -> None:
    target = data_dir / STATE_FILE
    tmp = target.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(state)))
    os.replace(tmp, target)


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
