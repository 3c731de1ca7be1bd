"""Legacy Office files (.doc, .ppt): converted by LibreOffice to .docx/.pptx, then partitioned as those.

(.xls is read directly by xlrd, in xlsx.py, as the library's pandas does; .xls stays convertible here.)

As the library does, LibreOffice converts with the same export filters as ``soffice --headless
--convert-to``. LibreOffice is a Debian package, not a Python one: without ``soffice`` on PATH
each such file fails with a message naming what to install. The input is a copy named
``document<ext>`` in a private temporary dir, with a time limit and a size limit.

Two ways, chosen by measurement (the 7 corpus .doc/.ppt, 2 shared cores, load ~2): a one-shot
``soffice --convert-to`` costs 0.8-1.2 s a file (LibreOffice's start, plus the creation of its
profile when that is fresh), about what the library takes (0.7-1.2 s); a LibreOffice kept running
and driven over UNO converts the same files in 20-30 ms (.doc) and ~75 ms (.ppt), with the same
export filters and byte-identical elements (checked on 24 corpus and held-out files). So when
Debian's ``/usr/bin/python3`` can import ``uno`` (package python3-uno), the first file of a
process starts one private LibreOffice (soffice_service.py: the privacy of its pipe, its time
limit, restarts and cleanup are described there) and later files reuse it; the first file pays
its start (~1.5 s). Otherwise each file is a one-shot conversion with one private profile per
process, reused between files (its creation is paid once), in its own process group, killed on
a timeout.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from . import soffice_service
from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError

# extension -> (target extension, LibreOffice filter, Debian package that provides the filter)
TARGETS = {
    ".doc": (".docx", "docx:MS Word 2007 XML", "libreoffice-writer"),
    ".ppt": (".pptx", "pptx:Impress MS PowerPoint 2007 XML", "libreoffice-impress"),
    ".xls": (".xlsx", "xlsx:Calc MS Excel 2007 XML", "libreoffice-calc"),
}
TIMEOUT_S = 180
MAX_INPUT_BYTES = 200_000_000


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


_oneshot_lock = threading.Lock()
_oneshot_home: list[Path] = []  # the per-process profile of one-shot conversions, once created
_service_broken: list[str] = []  # why the persistent LibreOffice could not be set up in this process


def use_service() -> bool:
    """True if conversions go to a long-lived LibreOffice (python3-uno usable, and it has not failed to start here)."""
    return not _service_broken and soffice_service.uno_usable()


def convert(path: Path, ext: str, filename: str, workdir: Path) -> Path:
    """Convert ``path`` (a legacy ``ext`` file) into ``workdir``; the converted file's path."""
    target, filter_spec, package = TARGETS[ext]
    binary = soffice_binary()
    if binary is None:
        raise FileProcessingError(
            f"{filename}: {ext} files are converted by LibreOffice, which is not installed here. Install it "
            f"(Debian/Ubuntu: `sudo apt-get install libreoffice-core {package}`) and try again, "
            f"or save the file as {target} and upload that"
        )
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise FileProcessingError(f"{filename} is larger than {MAX_INPUT_BYTES // 1_000_000} MB; split it into smaller files")
    source = workdir / f"document{ext}"
    shutil.copyfile(path, source)
    (workdir / "out").mkdir(mode=0o700)
    converted = workdir / "out" / f"document{target}"
    if use_service():
        try:
            soffice_service.service(binary).convert(source, converted, filter_spec.split(":", 1)[1], TIMEOUT_S)
        except soffice_service.ConversionError as exc:
            if exc.timed_out:
                raise _timeout(filename, target) from None
            if not exc.startup:
                raise _failed(filename, ext, target, str(exc)) from None
            _service_broken.append(str(exc))  # fall back to one-shot conversions in this process
        else:
            if converted.is_file():
                return converted
            raise _failed(filename, ext, target, "no output was written")
    return _convert_once(binary, source, converted, filter_spec, filename, ext, target)


def _convert_once(binary: str, source: Path, converted: Path, filter_spec: str, filename: str, ext: str, target: str) -> Path:
    with _oneshot_lock:
        if not _oneshot_home:
            _oneshot_home.append(Path(tempfile.mkdtemp(prefix="unb-soffice-profile-")))  # 0700
            atexit.register(shutil.rmtree, _oneshot_home[0], True)
        home = _oneshot_home[0]
        command = [
            binary,
            f"-env:UserInstallation=file://{home / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            filter_spec,
            "--outdir",
            str(converted.parent),
            str(source),
        ]
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout ends soffice.bin too
            env={**os.environ, "HOME": str(home)},
        )
        try:
            _, stderr = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise _timeout(filename, target) from None
    if process.returncode != 0 or not converted.is_file():
        detail = " ".join(stderr.decode("utf-8", "replace").split())[:200] or f"exit status {process.returncode}"
        raise _failed(filename, ext, target, detail)
    return converted


def _timeout(filename: str, target: str) -> FileProcessingError:
    return FileProcessingError(
        f"{filename}: LibreOffice did not convert it within {TIMEOUT_S} s; save it as {target} and upload that"
    )


def _failed(filename: str, ext: str, target: str, detail: str) -> FileProcessingError:
    return FileProcessingError(
        f"{filename} could not be converted from {ext} by LibreOffice ({detail}); check that the file is not "
        f"corrupt or password-protected, or save it as {target}"
    )


def partition_legacy(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a .doc/.ppt/.xls file through LibreOffice's conversion."""
    ext = Path(sink.filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="unb-soffice-") as tmp:
        converted = convert(path, ext, sink.filename, Path(tmp))
        if ext == ".doc":
            from .docx import partition_docx

            return partition_docx(converted, sink, settings)
        if ext == ".ppt":
            from .pptx import partition_pptx

            return partition_pptx(converted, sink, settings)
        from .xlsx import partition_xlsx

        return partition_xlsx(converted, sink, settings)
