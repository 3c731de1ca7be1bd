"""Documents pandoc reads (.epub, .odt, .rtf, .rst, .org): converted by pandoc, then partitioned as HTML or docx.

As the library does: epub, rtf, rst and org become HTML (``convert_file_to_html_text_using_pandoc``
then ``partition_html``); odt becomes .docx (``_convert_odt_to_docx`` then ``partition_docx``). The
pandoc binary is the one the ``pypandoc-binary`` wheel ships (a dependency), else one on PATH.
pandoc runs with ``--sandbox`` (a document cannot make it read other files, e.g. an rst
``include`` of /etc/passwd, or fetch URLs), in its own process with a time limit, on inputs of
bounded size, and its output is bounded too.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError

# extension -> pandoc's reader name (the library's choices)
READERS = {".epub": "epub", ".odt": "odt", ".rtf": "rtf", ".rst": "rst", ".org": "org"}
TIMEOUT_S = 120
MAX_INPUT_BYTES = 200_000_000
MAX_HTML_CHARS = 400_000_000


@lru_cache(maxsize=1)
def pandoc_binary() -> str | None:
    """Path of the pandoc executable: pypandoc-binary's, else PATH's, else None."""
    spec = find_spec("pypandoc")
    if spec is not None and spec.origin:
        shipped = Path(spec.origin).parent / "files" / "pandoc"
        if shipped.is_file():
            return str(shipped)
    return shutil.which("pandoc")


def to_html(path: Path, reader: str, filename: str) -> str:
    """The document at ``path`` as HTML, by pandoc's ``reader``; FileProcessingError on any failure."""
    return _run(path, reader, filename, ["--to", "html5", "--wrap=none"]).decode("utf-8", "replace")


def _run(path: Path, reader: str, filename: str, output: list[str]) -> bytes:
    binary = pandoc_binary()
    if binary is None:
        raise FileProcessingError(
            f"{filename}: reading {reader} files needs pandoc, which the pypandoc-binary package ships; "
            "install it with `pip install pypandoc-binary` (or the Debian package pandoc) and try again"
        )
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise FileProcessingError(f"{filename} is larger than {MAX_INPUT_BYTES // 1_000_000} MB; split it into smaller files")
    try:
        done = subprocess.run(
            [binary, "--sandbox", "--from", reader, *output, str(path)],
            capture_output=True,
            timeout=TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FileProcessingError(
            f"{filename}: pandoc did not finish reading it within {TIMEOUT_S} s; split the file or convert it to .docx or .html"
        ) from None
    except OSError as exc:
        raise FileProcessingError(
            f"{filename}: pandoc could not be started ({exc.strerror or exc}); reinstall pypandoc-binary"
        ) from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[:200] or f"exit status {done.returncode}"
        raise FileProcessingError(
            f"{filename} could not be read as {reader} by pandoc ({detail}); check that the file is not corrupt, or re-export it"
        )
    if len(done.stdout) > MAX_HTML_CHARS:
        raise FileProcessingError(f"{filename} expands to too much text to partition in memory; split it into smaller files")
    return done.stdout


def partition_pandoc(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a file of one of the READERS' types through pandoc's HTML."""
    from .html import partition_html

    reader = READERS[Path(sink.filename).suffix.lower()]
    if reader == "odt":
        import tempfile

        from .docx import partition_docx

        # docx output needs no resources from outside the document: it works sandboxed
        converted = _run(path, reader, sink.filename, ["--to", "docx", "--output", "-"])
        # a private (0600) temporary file: much cheaper than a temporary directory to remove
        with tempfile.NamedTemporaryFile(prefix="unb-pandoc-", suffix=".docx") as handle:
            handle.write(converted)
            handle.flush()
            return partition_docx(Path(handle.name), sink, settings)
    return partition_html(to_html(path, reader, sink.filename), sink, settings)
