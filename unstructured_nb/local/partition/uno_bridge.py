"""Serve LibreOffice conversions over UNO: run by Debian's /usr/bin/python3 (python3-uno), JSON lines on stdin/stdout.

Not imported by the package (our venv's Python cannot import ``uno``): soffice_service.py runs
``/usr/bin/python3 -I uno_bridge.py SOFFICE_BIN PROFILE_DIR PIPE_NAME``. The bridge starts
``soffice.bin`` itself (soffice.bin asks Linux for SIGKILL when the bridge dies),
watches its parent (a killed worker: the bridge kills LibreOffice, removes its sockets and the profile's dir, and exits),
connects over the osl pipe ``PIPE_NAME`` (a Unix socket ``/tmp/OSL_PIPE_<uid>_<name>``, created
under this process's umask 077, so only its owner may connect), prints ``{"ready": [socket paths]}``
and then answers each request ``{"input", "output", "filter"}`` with ``{"ok": true}`` or
``{"error": "..."}``. Documents are opened hidden, read-only, with macros never executed and
links never updated, then stored with the filter asked for, as ``soffice --convert-to`` does.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import uno

START_TIMEOUT_S = 60
RESTART_EXIT = 81  # soffice.bin's "restart me" after it created a fresh profile (oosplash's job, ours here)


_prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl  # looked up before any fork: the child only calls it


def _die_with_parent() -> None:
    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: soffice.bin dies with the bridge


def _property(name: str, value: Any) -> Any:
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name, prop.Value = name, value
    return prop


def _start(binary: str, profile: str, pipe: str) -> subprocess.Popen[bytes]:
    command = [
        binary,
        f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nodefault",
        "--nolockcheck",
        f"--accept=pipe,name={pipe};urp;",
    ]
    env = {**os.environ, "HOME": profile, "SAL_ENABLE_FILE_LOCKING": "1"}
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, preexec_fn=_die_with_parent)


def _sockets(pid: int) -> list[str]:
    """The Unix socket paths soffice.bin listens on (its acceptor and its single-instance pipe), to remove them later."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    paths = []
    with open("/proc/net/unix") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if len(fields) >= 8 and fields[6] in inodes and fields[7].startswith("/"):
                paths.append(fields[7])
    return sorted(set(paths))


def _end(process: subprocess.Popen[bytes], sockets: list[str], profile: str) -> None:
    """Kill LibreOffice, remove its sockets and the worker's private dir of this LibreOffice (the profile's parent)."""
    process.kill()
    process.wait()
    for path in sockets:
        try:
            os.unlink(path)
        except OSError:
            pass
    home = os.path.dirname(os.path.abspath(profile))
    if os.path.basename(home).startswith("unb-soffice-"):
        shutil.rmtree(home, ignore_errors=True)


def _watch_parent(parent: int, process: subprocess.Popen[bytes], sockets: list[str], profile: str) -> None:
    """When the worker dies (SIGKILL on a cancel: no atexit there), end LibreOffice and this bridge."""
    while os.getppid() == parent:
        time.sleep(0.2)  # pyuno releases the GIL during a call: this runs even while a conversion hangs
    _end(process, sockets, profile)
    os._exit(0)


def _connect(binary: str, profile: str, pipe: str) -> tuple[Any, subprocess.Popen[bytes]]:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    no_connect = uno.getClass("com.sun.star.connection.NoConnectException")
    process = _start(binary, profile, pipe)
    deadline = time.monotonic() + START_TIMEOUT_S
    parent = os.getppid()
    while time.monotonic() < deadline and os.getppid() == parent:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx), process
        except no_connect:
            status = process.poll()
            if status == RESTART_EXIT:
                process = _start(binary, profile, pipe)
            elif status is not None:
                raise SystemExit(f"LibreOffice exited with status {status} while starting") from None
            time.sleep(0.02)
    raise SystemExit(f"LibreOffice did not start within {START_TIMEOUT_S} s")


def _convert(desktop: Any, request: dict[str, str]) -> None:
    load = (
        _property("Hidden", True),
        _property("ReadOnly", True),
        _property("MacroExecutionMode", 0),  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
        _property("UpdateDocMode", 0),  # com.sun.star.document.UpdateDocMode.NO_UPDATE
    )
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["input"]), "_blank", 0, load)
    if document is None:
        raise RuntimeError("LibreOffice could not open it")
    try:
        document.storeToURL(uno.systemPathToFileUrl(request["output"]), (_property("FilterName", request["filter"]),))
    finally:
        document.close(True)


def _gone(process: subprocess.Popen[bytes], exc: Exception) -> bool:
    """True if LibreOffice has died, or the UNO connection to it is (so this bridge is of no more use)."""
    if "DisposedException" in type(exc).__name__ or "RuntimeException" in type(exc).__name__:
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        return True
    return process.poll() is not None


def main(argv: list[str]) -> None:
    os.umask(0o077)  # the acceptor's socket (and every file LibreOffice writes) is its owner's only
    binary, profile, pipe = argv[1:4]
    parent = os.getppid()
    desktop, process = _connect(binary, profile, pipe)
    sockets = _sockets(process.pid)
    threading.Thread(target=_watch_parent, args=(parent, process, sockets, profile), daemon=True).start()
    out = sys.stdout
    out.write(json.dumps({"ready": sockets, "pid": process.pid}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            _convert(desktop, json.loads(line))
            answer: dict[str, Any] = {"ok": True}
        except Exception as exc:  # a UNO exception for a corrupt or protected file: one line back
            message = getattr(exc, "Message", "") or str(exc)
            shown = message if type(exc) is RuntimeError else f"{type(exc).__name__}: {message}"
            answer = {"error": " ".join(shown.split())[:300]}
            if _gone(process, exc):  # it crashed on this file: say so, and end (the next file starts afresh)
                answer = {"error": "LibreOffice crashed on it", "ended": True}
        out.write(json.dumps(answer) + "\n")
        out.flush()
        if answer.get("ended"):
            break
    _end(process, sockets, profile)  # stdin closed: the worker is done with us


if __name__ == "__main__":
    main(sys.argv)
