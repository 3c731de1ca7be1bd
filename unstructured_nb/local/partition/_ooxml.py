"""What the Office Open XML partitioners share: namespaces, the package check, run text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ._errors import FileProcessingError

SPACES = re.compile(r"\s+")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
W = "{%s}" % W_NS
NS = {"w": W_NS, "r": R_NS, "a": A_NS}


def open_package_error(filename: str, ext: str, exc: BaseException) -> FileProcessingError:
    """The one message for a .docx/.pptx/.xlsx that is not a readable package."""
    legacy = {".docx": ".doc", ".pptx": ".ppt", ".xlsx": ".xls"}[ext]
    return FileProcessingError(
        f"{filename} is not a valid {ext} file ({type(exc).__name__}: {SPACES.sub(' ', str(exc))[:120]}); "
        f"re-save it from the application as {ext} (old {legacy} files must be converted) and upload it again"
    )


def check_zip(path: Path, filename: str, ext: str) -> None:
    """Refuse a file that is not a zip package before a library tries to open it."""
    if not zipfile.is_zipfile(path):
        raise open_package_error(filename, ext, ValueError("not a zip package"))


def w_text(element: Any) -> str:
    """Text of the ``w:t`` runs under ``element`` (python-docx's oxml classes garble itertext)."""
    return "".join(t.text or "" for t in element.iter(f"{W}t"))
