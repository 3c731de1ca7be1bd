"""One long-lived LibreOffice per process, driven over UNO by uno_bridge.py, started on the first legacy file and reused.

Starting LibreOffice (and creating its profile) costs about a second; converting a small
document in a running one about 20 ms. So the first .doc/.ppt of a worker process starts
``/usr/bin/python3 -I uno_bridge.py``, which starts ``soffice.bin`` with a private profile and
an osl-pipe acceptor, and every later file is one JSON request to it.

Safety:

- Privacy: the acceptor is LibreOffice's ``pipe,name=`` (never a TCP ``socket,host=``). On Linux
  an osl pipe is the Unix socket ``/tmp/OSL_PIPE_<uid>_<name>``, created with the umask of the
  process that binds it (osl passes a security handle, so no chmod to 0777); the bridge runs with
  umask 077, so the socket is ``srwx------`` and connecting to it, which needs write permission,
  is refused to every other user (tests/local/partition/test_soffice_service.py proves it as a
  throw-away user). The name is 128 random bits, so nobody can plant a socket there first, and
  we check after the start that the socket is ours and private before sending anything.
- Time: each conversion has a time limit; on a timeout or a crash the bridge and LibreOffice
  (their own process group) are killed, the file fails with one message, and the next file
  starts a fresh LibreOffice.
- Memory: LibreOffice is restarted after ``MAX_CONVERSIONS`` files or when its resident memory
  passes ``MAX_RSS_BYTES``, and stopped after ``IDLE_STOP_S`` without a file; it inherits the
  worker's address-space limit.
- No orphans: the bridge and soffice.bin each ask Linux for SIGKILL when their parent dies (a
  killed worker takes them along), and ``atexit`` stops them on a normal exit; their sockets,
  profile and work files are removed with them.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import selectors
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["BRIDGE_PYTHON", "MAX_CONVERSIONS", "MAX_RSS_BYTES", "ConversionError", "SofficeService", "service", "uno_usable"]

#: Debian's interpreter: the only one with python3-uno's ``uno`` module.
BRIDGE_PYTHON = "/usr/bin/python3"
BRIDGE = Path(__file__).with_name("uno_bridge.py")
START_TIMEOUT_S = 90.0
MAX_CONVERSIONS = 200
MAX_RSS_BYTES = 1024 * 1024 * 1024
#: An idle LibreOffice (~160 MB resident) is stopped after this many seconds without a file.
IDLE_STOP_S = 600.0


class ConversionError(Exception):
    """A conversion failed (``timed_out``: it took longer than its limit); the message says why."""

    def __init__(self, message: str, timed_out: bool = False, startup: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out
        self.startup = startup  # LibreOffice (or its private pipe) could not be set up: not the file's fault


@cache
def uno_usable() -> bool:
    """True if /usr/bin/python3 can import uno (Debian's python3-uno is installed): checked once per process."""
    if not os.access(BRIDGE_PYTHON, os.X_OK):
        return False
    try:
        done = subprocess.run([BRIDGE_PYTHON, "-I", "-c", "import uno"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def office_program(soffice: str) -> str:
    """soffice.bin next to the ``soffice`` launcher script (the bridge restarts it itself), else the launcher."""
    candidate = Path(os.path.realpath(soffice)).with_name("soffice.bin")
    return str(candidate) if os.access(candidate, os.X_OK) else soffice


class SofficeService:
    """A LibreOffice of this process: :meth:`convert` starts it if needed; :meth:`stop` ends it and removes its files."""

    def __init__(self, soffice: str) -> None:
        self.program = office_program(soffice)
        self.lock = threading.Lock()
        self.bridge: subprocess.Popen[bytes] | None = None
        self.office_pid: int | None = None
        self.sockets: list[str] = []
        self.home: Path | None = None
        self.conversions = 0
        self.starts = 0
        self.buffer = b""
        self.idle_timer: threading.Timer | None = None

    def convert(self, source: Path, target: Path, filter_name: str, timeout: float) -> None:
        """Convert ``source`` into ``target`` with LibreOffice's export filter ``filter_name``; raise ConversionError."""
        with self.lock:
            if self.idle_timer is not None:
                self.idle_timer.cancel()
            try:
                self.convert_locked(source, target, filter_name, timeout)
            finally:
                if self.bridge is not None:
                    self.idle_timer = threading.Timer(IDLE_STOP_S, self.stop)
                    self.idle_timer.daemon = True
                    self.idle_timer.start()

    def convert_locked(self, source: Path, target: Path, filter_name: str, timeout: float) -> None:
        """:meth:`convert`, the lock held."""
        if self.bridge is not None and (self.bridge.poll() is not None or not self.office_alive() or self.too_big()):
            self.stop_locked()
        if self.bridge is None:
            self.start()
        assert self.bridge is not None and self.bridge.stdin is not None
        request = {"input": str(source), "output": str(target), "filter": filter_name}
        try:
            self.bridge.stdin.write(json.dumps(request).encode() + b"\n")
            self.bridge.stdin.flush()
            answer = self.read_line(timeout)
        except ConversionError:
            self.stop_locked()
            raise
        except OSError:
            self.stop_locked()
            raise ConversionError("LibreOffice stopped unexpectedly") from None
        self.conversions += 1
        if answer.get("ended"):
            self.stop_locked()
        if "error" in answer:
            raise ConversionError(str(answer["error"]))

    def office_alive(self) -> bool:
        """False once soffice.bin has died (the OOM killer, a crash between files): the bridge alone is of no use."""
        try:
            state = Path(f"/proc/{self.office_pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"

    def too_big(self) -> bool:
        if self.conversions >= MAX_CONVERSIONS:
            return True
        try:
            status = Path(f"/proc/{self.office_pid}/status").read_text()
        except OSError:
            return False
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 > MAX_RSS_BYTES
        return False

    def start(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="unb-soffice-"))  # 0700
        (self.home / "profile").mkdir(mode=0o700)
        pipe = f"unb{secrets.token_hex(16)}"
        self.buffer = b""
        self.bridge = subprocess.Popen(
            [BRIDGE_PYTHON, "-I", str(BRIDGE), self.program, str(self.home / "profile"), pipe],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.home,
            start_new_session=True,  # its own process group: a timeout ends soffice.bin too
            env={**os.environ, "HOME": str(self.home), "TMPDIR": str(self.home)},
        )
        self.starts += 1
        try:
            ready = self.read_line(START_TIMEOUT_S)
        except ConversionError as exc:
            self.stop_locked()
            raise ConversionError(f"LibreOffice did not start ({exc})", startup=True) from None
        self.office_pid = int(ready.get("pid", 0)) or None
        self.sockets = [str(p) for p in ready.get("ready", [])]
        self.conversions = 0
        expected = f"/tmp/OSL_PIPE_{os.getuid()}_{pipe}"
        if expected not in self.sockets or not all(private_socket(p) for p in self.sockets):
            self.stop_locked()
            raise ConversionError("LibreOffice's UNO pipe is not private to this user; refusing to use it", startup=True)

    def read_line(self, timeout: float) -> dict[str, Any]:
        """The bridge's next JSON line within ``timeout`` seconds."""
        assert self.bridge is not None and self.bridge.stdout is not None
        fd = self.bridge.stdout.fileno()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise ConversionError(f"LibreOffice did not finish within {timeout:.0f} s", timed_out=True)
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise ConversionError("LibreOffice stopped unexpectedly (it may have crashed on this file)")
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        answer = json.loads(line)
        return answer if isinstance(answer, dict) else {"error": "unreadable answer from the bridge"}

    def stop(self) -> None:
        with self.lock:
            self.stop_locked()

    def stop_locked(self) -> None:
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            try:
                os.killpg(bridge.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if self.office_pid:  # it is in the group; this is in case it left it
                try:
                    os.kill(self.office_pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            bridge.wait()
            for stream in (bridge.stdin, bridge.stdout):
                if stream is not None:
                    stream.close()
        for path in self.sockets:
            try:
                os.unlink(path)
            except OSError:
                pass
        self.sockets, self.office_pid = [], None
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


def private_socket(path: str) -> bool:
    """True if ``path`` is a socket of this user that no other user may connect to."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISSOCK(st.st_mode) and st.st_uid == os.getuid() and st.st_mode & 0o022 == 0


_services: dict[str, SofficeService] = {}
_services_lock = threading.Lock()


def service(soffice: str) -> SofficeService:
    """This process's service for the ``soffice`` launcher (created once; stopped at exit)."""
    with _services_lock:
        found = _services.get(soffice)
        if found is None:
            found = _services[soffice] = SofficeService(soffice)
            atexit.register(found.stop)
        return found
