"""Legacy Office files (.doc, .ppt): converted by LibreOffice to .docx/.pptx, then partitioned as those.

(.xls is read directly by xlrd, in xlsx.py, as the library's pandas does; .xls stays convertible here.)

As the library does (``soffice --headless --convert-to``). LibreOffice is a Debian package, not a
Python one: without ``soffice`` on PATH each such file fails with a message naming what to
install. The conversion runs in its own process with a throwaway user profile (so concurrent
conversions and the user's own LibreOffice do not collide), a time limit and a size limit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

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


def convert(path: Path, ext: str, filename: str, workdir: Path) -> Path:
    """Convert ``path`` (a legacy ``ext`` file) into ``workdir``; the converted file's path."""
    target, filter_name, package = TARGETS[ext]
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
    command = [
        binary,
        f"-env:UserInstallation=file://{workdir / 'profile'}",
        "--headless",
        "--norestore",
        "--convert-to",
        filter_name,
        "--outdir",
        str(workdir / "out"),
        str(source),
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: a timeout ends soffice.bin too
        env={**os.environ, "HOME": str(workdir)},
    )
    try:
        _, stderr = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise FileProcessingError(
            f"{filename}: LibreOffice did not convert it within {TIMEOUT_S} s; save it as {target} and upload that"
        ) from None
    converted = workdir / "out" / f"document{target}"
    if process.returncode != 0 or not converted.is_file():
        detail = " ".join(stderr.decode("utf-8", "replace").split())[:200] or f"exit status {process.returncode}"
        raise FileProcessingError(
            f"{filename} could not be converted from {ext} by LibreOffice ({detail}); check that the file is not "
            f"corrupt or password-protected, or save it as {target}"
        )
    return converted


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
