"""Elements from OCR lines: lines merged across word gaps, grouped into blocks, classified like the library.

PP-OCR detects text lines, sometimes cut at a wide gap; pieces on one baseline with a gap under
two line-heights are joined. A line continues the block above it when it is about as tall, sits
within one line-height below it and overlaps it horizontally: so paragraphs become one element,
and two columns stay apart. Blocks are read column by column (a block belongs to the column of
the block above it that it overlaps), and each is classified with the package's text heuristics
(Title, NarrativeText, ListItem, ...), with ``coordinates`` in PixelSpace of the page image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..partition._common import ElementSink
from ..partition._text_type import classify
from .engine import Line, rotate


@dataclass(slots=True)
class _Block:
    lines: list[Line] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def y0(self) -> float:
        return min(line.y0 for line in self.lines)

    @property
    def y1(self) -> float:
        return max(line.y1 for line in self.lines)

    def text(self) -> str:
        out = ""
        for line in self.lines:
            if not out:
                out = line.text
            elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line.text[:1].islower():
                out = out[:-1] + line.text  # a word hyphenated at the line's end
            else:
                out = f"{out} {line.text}"
        return out


def merge_lines(lines: list[Line]) -> list[Line]:
    """Join pieces of one visual line (same baseline band, small horizontal gap), top to bottom."""
    pending = sorted(lines, key=lambda ln: (ln.y0, ln.x0))
    rows: list[list[Line]] = []
    for line in pending:
        for row in rows:
            last = row[-1]
            overlap = min(last.y1, line.y1) - max(last.y0, line.y0)
            gap = line.x0 - last.x1
            if overlap > 0.6 * min(last.height, line.height) and -0.5 * line.height < gap < 1.2 * max(last.height, line.height):
                row.append(line)
                break
        else:
            rows.append([line])
    merged = []
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
        merged.append(
            Line(
                " ".join(ln.text for ln in row),
                min(ln.x0 for ln in row),
                min(ln.y0 for ln in row),
                max(ln.x1 for ln in row),
                max(ln.y1 for ln in row),
                min(ln.score for ln in row),
            )
        )
    merged.sort(key=lambda ln: (ln.y0, ln.x0))
    return merged


def _continues(block: _Block, line: Line) -> bool:
    last = block.lines[-1]
    # the same type size: box heights vary by a third at the detector's resolution, so the width
    # per character (steady within a font size) must roughly agree too (a title and its subtitle differ)
    if not 0.6 < line.height / max(last.height, 1.0) < 1.6:
        return False
    if min(len(line.text), len(last.text)) >= 8 and not 0.7 < _char_width(line) / max(_char_width(last), 1.0) < 1.45:
        return False  # (a word or two is too few characters to tell)
    gap = line.y0 - last.y1
    if gap < -0.5 * last.height or gap > 0.9 * last.height:
        return False
    if len(block.lines) > 1:
        # a block's own line pitch tells a paragraph's next line from the next paragraph's first,
        # whatever margin the detector left around the lines
        pitch = min(b.y0 - a.y0 for a, b in zip(block.lines, block.lines[1:], strict=False))
        if line.y0 - last.y0 > 1.4 * max(pitch, 1.0):
            return False
    overlap = min(last.x1, line.x1) - max(last.x0, line.x0)
    if overlap <= 0.3 * min(last.x1 - last.x0, line.x1 - line.x0):
        return False
    # a line starting at a bullet or number begins a new list item
    return not _starts_item(line.text)


def _char_width(line: Line) -> float:
    return (line.x1 - line.x0) / max(len(line.text), 1)


def _starts_item(text: str) -> bool:
    from ..partition._text_type import BULLET_RE, LIBRARY_NUMBERED_RE

    return bool(BULLET_RE.match(text) or LIBRARY_NUMBERED_RE.match(text))


def group_blocks(lines: list[Line]) -> list[_Block]:
    """Blocks of lines in reading order (columns left to right, top to bottom in each)."""
    blocks: list[_Block] = []
    open_blocks: list[_Block] = []
    for line in merge_lines(lines):
        target = None
        for block in reversed(open_blocks):
            if _continues(block, line):
                target = block
                break
        if target is None:
            target = _Block()
            blocks.append(target)
            open_blocks.append(target)
        target.lines.append(line)
        # a block is closed once a line below it starts under it
        open_blocks = [b for b in open_blocks if b is target or b.y1 > line.y0 - 2 * line.height]
    return _reading_order(blocks)


def _gaps(band: list[_Block], lo: float, hi: float) -> list[tuple[float, float]]:
    """Horizontal intervals inside [lo, hi] that no block of the band covers."""
    gaps = []
    edge = lo
    for block in sorted(band, key=lambda b: b.x0):
        if block.x0 > edge:
            gaps.append((edge, block.x0))
        edge = max(edge, block.x1)
    if hi > edge:
        gaps.append((edge, hi))
    return [(a, b) for a, b in gaps if a > lo and b < hi]  # inner gaps only


def _common(first: list[tuple[float, float]], second: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(max(a, c), min(b, d)) for a, b in first for c, d in second if min(b, d) > max(a, c)]


def _reading_order(blocks: list[_Block]) -> list[_Block]:
    """Bands top to bottom; consecutive bands sharing a column gutter are read column by column."""
    if len(blocks) < 2:
        return list(blocks)
    lo, hi = min(b.x0 for b in blocks) - 1, max(b.x1 for b in blocks) + 1
    bands: list[list[_Block]] = []
    bottom = float("-inf")
    for block in sorted(blocks, key=lambda b: b.y0):
        if bands and block.y0 < bottom:
            bands[-1].append(block)
            bottom = max(bottom, block.y1)
        else:
            bands.append([block])
            bottom = block.y1
    ordered: list[_Block] = []
    index = 0
    while index < len(bands):
        group = list(bands[index])
        gaps = _gaps(group, lo, hi)
        index += 1
        while gaps and index < len(bands):
            shared = _common(gaps, _gaps(bands[index], lo, hi))
            if not shared:
                break
            gaps = shared
            group.extend(bands[index])
            index += 1
        if not gaps:
            ordered.extend(sorted(group, key=lambda b: (b.y0, b.x0)))
            continue
        cuts = sorted((a + b) / 2 for a, b in gaps)
        columns: list[list[_Block]] = [[] for _ in range(len(cuts) + 1)]
        for block in group:
            columns[sum(1 for c in cuts if block.x0 > c)].append(block)
        for column in columns:
            ordered.extend(_reading_order(column) if len(column) < len(group) else sorted(column, key=lambda b: b.y0))
    return ordered


def add_page_elements(
    sink: ElementSink,
    lines: list[Line],
    *,
    page_number: int,
    width: int,
    height: int,
    language: str = "eng",
    angle: float = 0.0,
) -> int:
    """Add one page's elements to ``sink``; returns how many were added.

    ``lines`` are in the page's deskewed frame (see :func:`~.engine.read_lines`); ``angle`` maps
    each block's corners back to the page, whose upright bounding box is the element's coordinates.
    """
    count = 0
    for block in group_blocks(lines):
        text = block.text().strip()
        if not text:
            continue
        type_, clean = classify(text, language)
        if not clean:
            continue
        corners = [(block.x0, block.y0), (block.x1, block.y0), (block.x1, block.y1), (block.x0, block.y1)]
        if angle:
            corners = [rotate(x, y, angle) for x, y in corners]
        x0 = round(max(0.0, min(x for x, _ in corners)), 1)
        x1 = round(min(float(width), max(x for x, _ in corners)), 1)
        y0 = round(max(0.0, min(y for _, y in corners)), 1)
        y1 = round(min(float(height), max(y for _, y in corners)), 1)
        coordinates: dict[str, Any] = {
            "points": [[x0, y0], [x0, y1], [x1, y1], [x1, y0]],
            "system": "PixelSpace",
            "layout_width": width,
            "layout_height": height,
        }
        sink.add(type_, clean, page_number=page_number, coordinates=coordinates)
        count += 1
    return count


__all__ = ["add_page_elements", "group_blocks", "merge_lines"]
