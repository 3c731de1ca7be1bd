"""What the Office Open XML partitioners share: namespaces, the package check, run text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from ._errors import FileProcessingError

SPACES = re.compile(r"\s+")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
W = f"{{{W_NS}}}"
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


_TAGS = ("r", "hyperlink", "t", "tab", "br", "cr", "noBreakHyphen", "ptab")
_R, _HYPERLINK, _T, _TAB, _BR, _CR, _NB_HYPHEN, _PTAB = (f"{W}{n}" for n in _TAGS)
_RUN_CONTENT = (_T, _TAB, _BR, _CR, _NB_HYPHEN, _PTAB)
_FIXED_TEXT = {_TAB: "\t", _PTAB: "\t", _CR: "\n", _NB_HYPHEN: "-"}


# a paragraph whose runs hold only w:t text (no tab, break, hyphen, nor a comment or element inside
# a w:t): its text is the w:t text nodes, in document order, read by one XPath that returns strings
# (no element proxy is built for a run or a w:t)
_RUN_PATHS = ("w:r", "w:hyperlink/w:r")
_SPECIAL = ("w:tab", "w:br", "w:cr", "w:noBreakHyphen", "w:ptab", "w:t/node()[not(self::text())]")
_NOT_PLAIN = etree.XPath("boolean(" + " | ".join(f"{run}/{item}" for run in _RUN_PATHS for item in _SPECIAL) + ")", namespaces=NS)
_PLAIN_TEXT = etree.XPath(" | ".join(f"{run}/w:t/text()" for run in _RUN_PATHS), namespaces=NS, smart_strings=False)


def paragraph_text(p: Any) -> str:
    """A ``w:p``'s text as python-docx's run and hyperlink ``text`` give it, without their per-run XPath.

    The runs that are children of the paragraph or of its hyperlinks, in document order: ``w:t``
    text, ``w:tab``/``w:ptab`` a tab, ``w:cr`` a newline, ``w:noBreakHyphen`` "-", ``w:br`` a
    newline when it is a line break (no ``w:type`` or ``textWrapping``), else nothing.
    """
    if not _NOT_PLAIN(p):
        return "".join(_PLAIN_TEXT(p))
    return runs_text(p)


def runs_text(p: Any) -> str:
    """:func:`paragraph_text` run by run (the general case)."""
    parts: list[str] = []
    for child in p.iterchildren(_R, _HYPERLINK):
        for run in (child,) if child.tag == _R else child.iterchildren(_R):
            for item in run.iterchildren(*_RUN_CONTENT):
                tag = item.tag
                if tag == _T:
                    parts.append(item.text or "")
                elif tag == _BR:
                    if item.get(f"{W}type", "textWrapping") == "textWrapping":
                        parts.append("\n")
                else:
                    parts.append(_FIXED_TEXT[tag])
    return "".join(parts)


# whether a paragraph has a run with bold or italic properties: one XPath evaluation instead of
# a proxy object per run and per property (most paragraphs have none)
has_emphasis = etree.XPath("boolean(w:r/w:rPr/w:b | w:r/w:rPr/w:i)", namespaces=NS)


_P_STYLE = f"{W}pPr/{W}pStyle"
_VAL = f"{W}val"


def style_id(p: Any) -> str | None:
    """A ``w:p``'s style id (python-docx's ``CT_P.style``) by one lxml lookup, without its proxies."""
    found = p.find(_P_STYLE)
    return None if found is None else found.get(_VAL)


def first_val(p: Any, path: str) -> str | None:
    """The ``w:val`` of the first element at ``path`` under ``p`` that has one: ``p.xpath(path + "/@w:val")[0]``."""
    for found in p.iterfind(path):
        value = found.get(_VAL)
        if value is not None:
            return str(value)
    return None
