"""pdfminer.six's layout analysis (``LTLayoutContainer.analyze``, the library's ``LAParams``) on plain character tuples.

The same rules as pdfminer, step for step, so the lines, boxes and box order are the library's:
characters -> lines (``line_overlap`` 0.5, ``char_margin`` 2.0, a space where the gap exceeds
``word_margin`` 0.185 of the character: ``partition_pdf``'s ``pdfminer_word_margin``; pdfminer's own
default is 0.1), lines -> boxes (neighbours within ``line_margin`` 0.5 of the
line height, same height and left/right/centre aligned, found with pdfminer's own ``Plane``), then
boxes ordered by pdfminer's hierarchical grouping (``boxes_flow`` 0.5: merge the pair whose bounding
rectangle wastes the least area and holds no other box, children ordered top-left first). What it
saves is pdfminer's objects: a character is a tuple, a line or box a small slotted object, and no
``LTChar``/``LTAnno``/``LTTextGroup`` is ever built. Vertical text detection is off, as in the
``LAParams`` the library uses. pdfminer breaks equal-distance ties by memory address; here
they go by creation order (both are deterministic orders of the same tree only up to such ties).
A page with more than ``MAX_GROUPED_BOXES`` boxes (a hostile or freakish page: the grouping is
quadratic) gets pdfminer's ``boxes_flow=None`` order instead; the boxes themselves are the same.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from pdfminer.utils import Plane

#: One character: (x0, y0, x1, y1, text) in PDF user space (origin bottom-left), as pdfminer's LTChar bbox.
Char = tuple[float, float, float, float, str]
#: One text box out: (text with lines joined by "\n", (x0, y0, x1, y1)).
Box = tuple[str, tuple[float, float, float, float]]

_LINE_OVERLAP = 0.5
_CHAR_MARGIN = 2.0
_LINE_MARGIN = 0.5
#: the library's partition_pdf default (pdfminer_word_margin=0.185), not pdfminer's 0.1: with 0.1 an
#: OCR text layer of evenly spaced letters reads "C h i na O c e an"
WORD_MARGIN = 0.185
_BOXES_FLOW = 0.5
_INF = float("inf")
#: Text boxes on one page above which the pairwise grouping (memory and time grow with the square of
#: the count: 600 boxes are ~180,000 pairs) gives way to pdfminer's simple top-to-bottom order.
MAX_GROUPED_BOXES = 600
_X0, _Y0, _X1, _Y1 = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


class _Node:
    """A line, a box or a group of boxes: a bounding box (attributes ``Plane`` reads) and its children."""

    __slots__ = ("height", "kids", "serial", "text", "width", "x0", "x1", "y0", "y1")

    def __init__(self, x0: float, y0: float, x1: float, y1: float, serial: int) -> None:
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        self.width = x1 - x0
        self.height = y1 - y0
        self.serial = serial
        self.kids: list[_Node] = []
        self.text = ""

    def add(self, other: _Node) -> None:
        self.kids.append(other)
        self._grow(other.x0, other.y0, other.x1, other.y1)

    def _grow(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.x0, self.y0 = min(self.x0, x0), min(self.y0, y0)
        self.x1, self.y1 = max(self.x1, x1), max(self.y1, y1)
        self.width = self.x1 - self.x0
        self.height = self.y1 - self.y0


def analyze(chars: Sequence[Char], page_bbox: tuple[float, float, float, float]) -> tuple[list[Box], list[Box]]:
    """``(text boxes in pdfminer's order, empty lines)``: what ``LTPage.analyze`` leaves, as text and bbox.

    Empty lines are those pdfminer sets aside (zero width or height, or only spaces); it puts them
    after the boxes and the figures, so the caller does too.
    """
    if not chars:
        return [], []
    lines: list[_Node] = []
    empties: list[_Node] = []
    for line in _lines(chars):
        (empties if line.width <= 0 or line.height <= 0 or line.text.isspace() else lines).append(line)
    boxes = _boxes(lines, page_bbox)
    ordered = _order(boxes, page_bbox)
    out = [("".join(line.text + "\n" for line in box.kids), (box.x0, box.y0, box.x1, box.y1)) for box in ordered]
    return out, [(line.text + "\n", (line.x0, line.y0, line.x1, line.y1)) for line in empties]


def _lines(chars: Sequence[Char]) -> list[_Node]:
    """pdfminer's ``group_objects`` with ``detect_vertical`` off: consecutive aligned characters make a line."""
    out: list[_Node] = []
    members: list[Char] | None = None  # the characters of the line being built
    previous: Char | None = None
    for char in chars:
        if previous is not None:
            a0, b0, a1, b1, _ = previous
            c0, d0, c1, d1, _ = char
            halign = False
            # is_voverlap, then voverlap as pdfminer computes it (min of the two edge distances), then hdistance
            if d0 <= b1 and b0 <= d1:
                h0, h1 = b1 - b0, d1 - d0
                e0, e1 = abs(b0 - d1), abs(b1 - d0)
                if (h1 if h1 < h0 else h0) * _LINE_OVERLAP < (e1 if e1 < e0 else e0):
                    if c0 <= a1 and a0 <= c1:
                        gap = 0.0
                    else:
                        g0, g1 = abs(a0 - c1), abs(a1 - c0)
                        gap = g1 if g1 < g0 else g0
                    w0, w1 = a1 - a0, c1 - c0
                    halign = gap < (w1 if w1 > w0 else w0) * _CHAR_MARGIN
            if halign and members is not None:
                members.append(char)
            elif members is not None:
                out.append(_line(members))
                members = None
            elif halign:
                members = [previous, char]
            else:
                out.append(_line([previous]))
        previous = char
    if members is None and previous is not None:
        members = [previous]
    if members is not None:
        out.append(_line(members))
    return out


def _line(members: list[Char]) -> _Node:
    """A line of characters: ``LTTextLineHorizontal.add`` for each (a space where the gap exceeds the word margin)."""
    parts: list[str] = []
    last_x1 = _INF
    for x0, y0, x1, y1, text in members:
        w, h = x1 - x0, y1 - y0
        if last_x1 < x0 - WORD_MARGIN * (h if h > w else w):
            parts.append(" ")
        parts.append(text)
        last_x1 = x1
    line = _Node(min(map(_X0, members)), min(map(_Y0, members)), max(map(_X1, members)), max(map(_Y1, members)), 0)
    line.text = "".join(parts)
    return line


def _boxes(lines: list[_Node], page_bbox: tuple[float, float, float, float]) -> list[_Node]:
    """pdfminer's ``group_textlines``: a line joins the box of each aligned neighbour of the same height."""
    plane: Plane[Any] = Plane(page_bbox)
    plane.extend(lines)
    boxes: dict[_Node, _Node] = {}
    for serial, line in enumerate(lines):
        d = _LINE_MARGIN * line.height
        x0, x1, height, middle = line.x0, line.x1, line.height, (line.x0 + line.x1) / 2
        members = [line]
        for other in plane.find((x0, line.y0 - d, x1, line.y1 + d)):
            if abs(other.height - height) <= d and (
                abs(other.x0 - x0) <= d or abs(other.x1 - x1) <= d or abs((other.x0 + other.x1) / 2 - middle) <= d
            ):
                members.append(other)
                if other in boxes:
                    members.extend(boxes.pop(other).kids)
        box = _Node(_INF, _INF, -_INF, -_INF, serial)
        for member in dict.fromkeys(members):  # uniq, first occurrence kept
            box.add(member)
            boxes[member] = box
    out: list[_Node] = []
    done: set[int] = set()
    for line in lines:
        box_or_none = boxes.get(line)
        if box_or_none is None or id(box_or_none) in done:
            continue
        done.add(id(box_or_none))
        if box_or_none.width > 0 and box_or_none.height > 0:  # lines are non-empty, so the text is too
            out.append(box_or_none)
    return out


def _order(boxes: list[_Node], page_bbox: tuple[float, float, float, float]) -> list[_Node]:
    """pdfminer's ``group_textboxes`` + ``LTTextGroupLRTB.analyze`` + ``IndexAssigner``: boxes in reading order."""
    for box in boxes:
        box.kids.sort(key=lambda line: -line.y1)
    if len(boxes) < 2:
        return boxes
    if len(boxes) > MAX_GROUPED_BOXES:
        # pdfminer's order without boxes_flow (top to bottom, then left to right): same boxes, bounded memory
        return sorted(boxes, key=lambda box: (-box.y0, box.x0))
    plane: Plane[Any] = Plane(page_bbox)
    # (skip the "anything between" check, distance, serial, serial): pdfminer's heap without the objects
    heap: list[tuple[bool, float, int, int]] = []
    for i, box in enumerate(boxes):
        box.serial = i
    for i, one in enumerate(boxes):
        ox0, oy0, ox1, oy1, area = one.x0, one.y0, one.x1, one.y1, one.width * one.height
        heap.extend(
            [
                (
                    False,
                    (max(ox1, two.x1) - min(ox0, two.x0)) * (max(oy1, two.y1) - min(oy0, two.y0)) - area - two.width * two.height,
                    i,
                    j,
                )
                for j, two in enumerate(boxes[i + 1 :], start=i + 1)
            ]
        )
    heapq.heapify(heap)
    plane.extend(boxes)
    alive: dict[int, _Node] = {box.serial: box for box in boxes}
    pop, push = heapq.heappop, heapq.heappush
    count = len(boxes)
    while heap:
        skip, d, id1, id2 = pop(heap)
        first, second = alive.get(id1), alive.get(id2)
        if first is None or second is None:
            continue  # one of them is merged already
        if not skip and _any_between(plane, first, second):
            push(heap, (True, d, id1, id2))
            continue
        group = _Node(_INF, _INF, -_INF, -_INF, count)
        count += 1
        group.add(first)
        group.add(second)
        plane.remove(first)
        plane.remove(second)
        del alive[id1], alive[id2]
        gx0, gy0, gx1, gy1, area, serial = group.x0, group.y0, group.x1, group.y1, group.width * group.height, group.serial
        for key, other in alive.items():
            d = (max(gx1, other.x1) - min(gx0, other.x0)) * (max(gy1, other.y1) - min(gy0, other.y0))
            push(heap, (False, d - area - other.width * other.height, serial, key))
        plane.add(group)
        alive[serial] = group
    out: list[_Node] = []
    for root in alive.values():
        _walk(root, set(map(id, boxes)), out)
    return out


def _any_between(plane: Plane[Any], one: _Node, two: _Node) -> bool:
    """pdfminer's ``isany``: another box or group in the pair's bounding rectangle."""
    rect = (min(one.x0, two.x0), min(one.y0, two.y0), max(one.x1, two.x1), max(one.y1, two.y1))
    return any(other is not one and other is not two for other in plane.find(rect))


def _walk(node: _Node, boxes: set[int], out: list[_Node]) -> None:
    if id(node) in boxes:
        out.append(node)
        return
    node.kids.sort(key=lambda kid: (1 - _BOXES_FLOW) * kid.x0 - (1 + _BOXES_FLOW) * (kid.y0 + kid.y1))
    for kid in node.kids:
        _walk(kid, boxes, out)
