"""The long-lived LibreOffice of a process: reused, restarted after a timeout, private, and leaving nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local.partition.test_converted_types import _partition
from tests.local.samples import CORPUS
from tests.local.test_other_user import other_user
from unstructured_nb.local.partition import FileProcessingError, legacy_office, soffice_service

pytestmark = [
    pytest.mark.slow,  # each test starts LibreOffice (about 1.5 s)
    pytest.mark.skipif(
        legacy_office.soffice_binary() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"
    ),
    pytest.mark.skipif(
        not soffice_service.uno_usable(), reason="/usr/bin/python3 cannot import uno; .ci/run installs python3-uno"
    ),
]
__all__ = ["other_user"]  # the fixture, used here

DOC = CORPUS / "doc" / "python-docx-test.doc"
PPT = CORPUS / "ppt" / "txt-text.ppt"
WORD = "MS Word 2007 XML"


@pytest.fixture
def office() -> Iterator[soffice_service.SofficeService]:
    binary = legacy_office.soffice_binary()
    assert binary
    found = soffice_service.SofficeService(binary)
    yield found
    found.stop()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _processes_using(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if marker in cmdline and _alive(int(entry.name)):
                found.append(f"{entry.name}: {cmdline}")
    return found


def test_one_libreoffice_serves_many_files(office: soffice_service.SofficeService, tmp_path: Path) -> None:
    for i in range(3):
        office.convert(DOC, tmp_path / f"{i}.docx", WORD, 60)
        assert (tmp_path / f"{i}.docx").stat().st_size > 1000
    office.convert(PPT, tmp_path / "slides.pptx", "Impress MS PowerPoint 2007 XML", 60)
    assert office.starts == 1 and office.conversions == 4


def test_partitioning_through_the_service_gives_the_one_shot_elements(monkeypatch: pytest.MonkeyPatch) -> None:
    assert legacy_office.use_service()
    through_service = [_partition(DOC), _partition(PPT)]
    monkeypatch.setattr(legacy_office, "use_service", lambda: False)
    assert through_service == [_partition(DOC), _partition(PPT)]


def test_a_timeout_kills_libreoffice_and_the_next_file_gets_a_fresh_one(
    office: soffice_service.SofficeService, tmp_path: Path
) -> None:
    office.convert(DOC, tmp_path / "a.docx", WORD, 60)
    first, home = office.office_pid, office.home
    assert first and home and _alive(first)
    with pytest.raises(soffice_service.ConversionError, match="did not finish within") as caught:
        office.convert(DOC, tmp_path / "b.docx", WORD, 0.000001)
    assert caught.value.timed_out
    assert not _alive(first) and not home.exists() and office.bridge is None
    office.convert(DOC, tmp_path / "c.docx", WORD, 60)
    assert office.starts == 2 and office.office_pid != first


def test_libreoffice_dying_between_files_is_replaced(office: soffice_service.SofficeService, tmp_path: Path) -> None:
    office.convert(DOC, tmp_path / "a.docx", WORD, 60)
    assert office.office_pid
    os.kill(office.office_pid, signal.SIGKILL)  # the OOM killer, say
    deadline = time.monotonic() + 10
    while office.office_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    office.convert(DOC, tmp_path / "b.docx", WORD, 60)
    assert office.starts == 2 and (tmp_path / "b.docx").is_file()


def test_a_timeout_is_one_clear_message_for_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_office, "TIMEOUT_S", 0.000001)
    with pytest.raises(FileProcessingError, match=r"python-docx-test\.doc: LibreOffice did not convert it within"):
        _partition(DOC)
    monkeypatch.undo()
    assert "python-docx" in " ".join(e["text"] for e in _partition(DOC))  # and the next file converts


def test_a_corrupt_file_is_one_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.doc"
    bad.write_bytes(DOC.read_bytes()[:3000])  # a truncated document (LibreOffice imports plain junk as text)
    with pytest.raises(FileProcessingError, match=r"bad\.doc could not be converted from \.doc by LibreOffice .*corrupt"):
        _partition(bad)


PROTECT = r"""
import os, subprocess, sys, time, uno
soffice, profile, source, target = sys.argv[1:5]
def prop(name, value):
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p
pipe = "unbtest" + os.urandom(8).hex()
os.umask(0o077)
args = [soffice, "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless", "--norestore", "--nodefault"]
args.append("--accept=pipe,name=" + pipe + ";urp;")
office = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
try:
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=" + pipe + ";urp;StarOffice.ComponentContext")
            break
        except Exception:
            if office.poll() is not None:
                office = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
    doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "MS Word 97"), prop("Password", "secret")))
    doc.close(True)
    try:
        desktop.terminate()  # a clean exit removes LibreOffice's sockets in /tmp
        office.wait(timeout=30)
    except Exception:
        pass
finally:
    office.kill()
"""


def test_a_password_protected_file_is_one_clear_message(tmp_path: Path) -> None:
    binary = soffice_service.office_program(legacy_office.soffice_binary() or "soffice")
    locked = tmp_path / "locked.doc"
    (tmp_path / "profile").mkdir(mode=0o700)
    subprocess.run(
        ["/usr/bin/python3", "-c", PROTECT, binary, str(tmp_path / "profile"), str(DOC), str(locked)], timeout=120, check=True
    )
    assert locked.stat().st_size > 1000
    with pytest.raises(FileProcessingError, match=r"locked\.doc could not be converted .*password-protected"):
        _partition(locked)


def test_an_idle_libreoffice_is_stopped(
    office: soffice_service.SofficeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(soffice_service, "IDLE_STOP_S", 0.5)
    office.convert(DOC, tmp_path / "a.docx", WORD, 60)
    home = office.home
    assert home and _processes_using(str(home))
    deadline = time.monotonic() + 10
    while (office.bridge is not None or home.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert office.bridge is None and not _processes_using(str(home)) and not home.exists()
    office.convert(DOC, tmp_path / "b.docx", WORD, 60)  # and the next file starts a fresh one
    assert office.starts == 2


def test_stop_leaves_no_process_socket_or_file(office: soffice_service.SofficeService, tmp_path: Path) -> None:
    office.convert(DOC, tmp_path / "a.docx", WORD, 60)
    home, sockets = office.home, list(office.sockets)
    assert home and sockets and _processes_using(str(home))
    office.stop()
    assert not _processes_using(str(home))
    assert not home.exists() and not any(os.path.exists(s) for s in sockets)


KILLED_WORKER = r"""
import sys
from pathlib import Path
from unstructured_nb.local.partition import legacy_office, soffice_service
office = soffice_service.service(legacy_office.soffice_binary())
office.convert(Path(sys.argv[1]), Path(sys.argv[2]), "MS Word 2007 XML", 60)
print(office.home, office.bridge.pid, office.office_pid, *office.sockets, flush=True)
sys.stdin.read()
"""


def test_a_killed_worker_takes_libreoffice_along(tmp_path: Path) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, str(DOC), str(tmp_path / "a.docx")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout
    home, bridge, office_pid, *sockets = worker.stdout.readline().split()
    assert sockets
    assert _alive(int(bridge)) and _alive(int(office_pid))
    os.kill(worker.pid, signal.SIGKILL)  # as the pool kills a worker on a cancel: no atexit
    worker.wait()
    deadline = time.monotonic() + 10
    while (_alive(int(bridge)) or _alive(int(office_pid))) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(int(bridge)) and not _alive(int(office_pid))
    assert not _processes_using(home)
    deadline = time.monotonic() + 10
    while Path(home).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(home).exists() and not any(os.path.exists(s) for s in sockets)


ATTACK = r"""
import socket, sys
for path in sys.argv[1:]:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    try:
        s.connect(path)
        print("CONNECTED", path)
    except OSError as exc:
        print(f"connect refused: {exc.strerror}")
"""


def test_another_user_cannot_connect_to_libreoffice(
    office: soffice_service.SofficeService, other_user: str, tmp_path: Path
) -> None:
    old = os.umask(0o022)  # the usual umask of a notebook server: the bridge sets its own
    try:
        office.convert(DOC, tmp_path / "a.docx", WORD, 60)
    finally:
        os.umask(old)
    uid = os.getuid()
    assert f"/tmp/OSL_PIPE_{uid}_" in " ".join(office.sockets) and len(office.sockets) >= 2  # acceptor + single-instance pipe
    for path in office.sockets:
        assert os.lstat(path).st_mode & 0o077 == 0, path
    other = int(subprocess.run(["id", "-u", other_user], capture_output=True, text=True, check=True).stdout)
    cmd = ["setpriv", f"--reuid={other}", f"--regid={other}", "--clear-groups", "/usr/bin/python3", "-c", ATTACK]
    done = subprocess.run([*cmd, *office.sockets], capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "CONNECTED" not in done.stdout, done.stdout
    assert done.stdout.count("connect refused: Permission denied") == len(office.sockets), done.stdout
    # and the owner can: the refusal is the permissions, not a dead socket
    probe = subprocess.run([sys.executable, "-c", ATTACK, office.sockets[0]], capture_output=True, text=True, timeout=60)
    assert "CONNECTED" in probe.stdout
