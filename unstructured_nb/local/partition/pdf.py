"""PDF with a text layer (pypdf): text blocks per page, like the library's ``fast`` strategy.

The library's fast strategy takes pdfminer's text boxes and runs the text heuristics on each.
We take pypdf's text-showing operations with their positions, cut them into lines where pypdf
starts a new line, and group lines into blocks: a line continues the block above it when it has
the same font size, sits one normal line-step below it and starts near the same left edge.
Each block is classified (Title, NarrativeText, ListItem, ...) and carries ``page_number`` and
``coordinates`` in the library's PixelSpace (origin top-left, in points); the right edge is an
estimate from the text length, since pypdf does not report glyph widths.

No OCR: pages without a text layer are reported in a warning, and a PDF with no text at all
fails with a message pointing to the platform's hi_res strategy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from ._lang import detect_languages
from ._text_type import BULLET_RE, classify, clean_bullet

_SPACES = re.compile(r"\s+")
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")
_CONTROL[0x7F] = None
_BULLET_ONLY = re.compile(r"^[\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u2219\u00b7\u27a2\u27a4\uf0b7\uf0a7\-\*o]$")
_AVG_CHAR_WIDTH_EM = 0.45  # Helvetica/Times average glyph width, for the right edge estimate


@dataclass(slots=True)
class _Line:
    text: str
    x: float
    y: float  # baseline, PDF user space (origin bottom-left)
    size: float


@dataclass(slots=True)
class _Block:
    lines: list[_Line] = field(default_factory=list)
    bullet: bool = False

    @property
    def size(self) -> float:
        return self.lines[0].size


def partition_pdf(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition a PDF's text layer into elements, page by page."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    with open(path, "rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise FileProcessingError(
            f"{sink.filename} is not a valid PDF (no %PDF header: it is another kind of file renamed .pdf); "
            "re-export it as PDF or check the upload"
        )
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (NotImplementedError, FileNotDecryptedError, PdfReadError):
                ok = 0
            if not ok:
                raise FileProcessingError(
                    f"{sink.filename} is password-protected; remove the password (print or export it to a new PDF) "
                    "and upload it again"
                )
        pages = reader.pages
        page_count = len(pages)
    except FileProcessingError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise FileProcessingError(
            f"{sink.filename} is not a valid PDF ({_short(exc)}); re-export it or check the upload"
        ) from None
    if page_count == 0:
        raise FileProcessingError(f"{sink.filename} is a PDF with no pages; re-export it or check the upload")

    per_page: list[list[_Block]] = []
    sizes: list[tuple[float, float]] = []
    empty_pages: list[int] = []
    failed_pages: list[int] = []
    for number in range(page_count):
        try:
            page = pages[number]
            box = page.mediabox
            origin = (float(box.left), float(box.bottom))
            sizes.append((float(box.width), float(box.height)))
            blocks = _page_blocks(page, origin)
        except Exception:
            failed_pages.append(number + 1)
            sizes.append((612.0, 792.0))
            blocks = []
        if not blocks and number + 1 not in failed_pages:
            empty_pages.append(number + 1)
        per_page.append(blocks)

    if all(not blocks for blocks in per_page):
        if failed_pages:
            raise FileProcessingError(
                f"{sink.filename} could not be read (its pages are damaged); re-export it or check the upload"
            )
        raise FileProcessingError(
            f"{sink.filename}: no text found: the PDF has no text layer (a scan or images of text?). "
            "The local engine does no OCR; run it with the hi_res strategy on the Unstructured Platform"
        )
    if empty_pages:
        sink.warnings.append(
            f"{sink.filename}: page(s) {_ranges(empty_pages)} have no text layer (scanned?) and were skipped; "
            "OCR (hi_res) runs on the Unstructured Platform"
        )
    if failed_pages:
        sink.warnings.append(f"{sink.filename}: page(s) {_ranges(failed_pages)} could not be read and were skipped")

    sample = " ".join(line.text for blocks in per_page[:10] for block in blocks for line in block.lines)
    language = detect_languages(sample[:20_000])[0]
    for number, blocks in enumerate(per_page, start=1):
        width, height = sizes[number - 1]
        for block in blocks:
            _add_block(sink, block, number, width, height, language)
        if settings.include_page_breaks and number < page_count:
            sink.add("PageBreak", "", page_number=number)
    return sink.finish(settings, languages_text=sample[:20_000])


def _page_blocks(page: Any, origin: tuple[float, float]) -> list[_Block]:
    lines: list[_Line] = []
    pending: list[str] = []
    state: dict[str, Any] = {"x": 0.0, "y": 0.0, "size": 0.0, "open": False}

    def close_line() -> None:
        raw = "".join(pending)
        text = _SPACES.sub(" ", raw.translate(_CONTROL)).strip()
        if not text and raw.strip():
            # only control glyphs (symbol fonts draw bullets as e.g. \x7f): keep it as a bullet mark
            text = "\u2022"
        pending.clear()
        if state["open"]:
            lines.append(_Line(text, state["x"], state["y"], state["size"]))
        state["open"] = False

    def visitor(text: str, cm: list[float], tm: list[float], font_dict: Any, font_size: float) -> None:
        if not text:
            return
        # position = text matrix applied to the current transformation matrix
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] - origin[0]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] - origin[1]
        scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        size = abs(font_size * scale) or abs(font_size) or 10.0
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if part:
                if not state["open"]:
                    state.update(x=x, y=y, size=size, open=True)
                pending.append(part)
            if index < len(parts) - 1:
                if not state["open"]:
                    state.update(x=x, y=y, size=size, open=True)
                close_line()

    page.extract_text(visitor_text=visitor)
    if state["open"]:
        close_line()
    return _group_lines(lines)


def _group_lines(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    bullet_next = False
    for line in lines:
        if not line.text:
            continue
        if _BULLET_ONLY.match(line.text) or not any(ch.isalnum() or unicodedata.category(ch)[0] in "LNS" for ch in line.text):
            # a bullet glyph drawn on its own: the next line is the list item's text
            if current is not None:
                blocks.append(current)
                current = None
            bullet_next = True
            continue
        if current is not None and not bullet_next and _continues(current.lines[-1], line, current):
            current.lines.append(line)
            continue
        if current is not None:
            blocks.append(current)
        current = _Block([line], bullet=bullet_next)
        bullet_next = False
    if current is not None:
        blocks.append(current)
    return blocks


def _continues(prev: _Line, line: _Line, block: _Block) -> bool:
    """Whether ``line`` continues the paragraph whose last line is ``prev``."""
    size = block.size
    if abs(line.size - size) > 0.5:
        return False
    step = prev.y - line.y
    if not (0.5 * size <= step <= 1.45 * size):
        return False
    left = min(l.x for l in block.lines)
    # same left edge (allowing a first-line indent or a hanging indent)
    return abs(line.x - left) <= 2.5 * size or abs(line.x - prev.x) <= 2.5 * size


def _add_block(sink: ElementSink, block: _Block, page: int, width: float, height: float, language: str) -> None:
    text = " ".join(line.text for line in block.lines).strip()
    if not text:
        return
    if block.bullet:
        type_, clean = "ListItem", clean_bullet(text) if BULLET_RE.match(text) else text
    else:
        type_, clean = classify(text, language)
    if not clean:
        return
    x0 = min(line.x for line in block.lines)
    x1 = max(line.x + len(line.text) * line.size * _AVG_CHAR_WIDTH_EM for line in block.lines)
    top_line, bottom_line = block.lines[0], block.lines[-1]
    top = height - (top_line.y + 0.79 * top_line.size)
    bottom = height - (bottom_line.y - 0.21 * bottom_line.size)
    x1 = min(x1, width)
    coordinates = {
        "points": [
            [round(x0, 1), round(top, 1)],
            [round(x0, 1), round(bottom, 1)],
            [round(x1, 1), round(bottom, 1)],
            [round(x1, 1), round(top, 1)],
        ],
        "system": "PixelSpace",
        "layout_width": width,
        "layout_height": height,
    }
    sink.add(type_, clean, page_number=page, coordinates=coordinates)


def _ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:140]
