"""Where an element sits on its page: ``metadata.coordinates`` in any system the platform uses, as a box in fractions of the page.

The platform and the library write ``coordinates`` as ``{"points": [[x, y], ...], "system":
..., "layout_width": w, "layout_height": h}``. The systems (the library's
``unstructured.documents.coordinates``):

- ``PixelSpace`` (and the base ``CoordinateSystem``): origin top left, y down; the units are
  pixels of an image or a rendered page, or PDF points for ``fast`` PDFs;
- ``PointSpace``: origin bottom left, y up (PDF user space);
- ``RelativeCoordinateSystem``: 0..1 on both axes, y up.

A :class:`Box` is always in fractions of the page with the origin top left, so it can be drawn
on a page image of any size. Coordinates are document content, so nothing is trusted: a missing
or non-numeric point, a NaN, a zero or negative layout size, or a box that falls outside the page
gives ``None``; a box partly off the page is clipped to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_POINTS", "Box", "element_box", "has_coordinates", "union"]

#: At most this many points of one element are read (a polygon has 4; a hostile file may have millions).
MAX_POINTS = 1000

_Y_UP = frozenset({"PointSpace", "RelativeCoordinateSystem"})


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in fractions of the page: 0 is the left/top edge, 1 the right/bottom edge."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def scaled(self, width: float, height: float) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) on a page ``width`` x ``height`` (pixels or points)."""
        return (self.left * width, self.top * height, self.right * width, self.bottom * height)

    def contains(self, x: float, y: float, tolerance: float = 0.0) -> bool:
        """True if the point (in fractions of the page) is inside, give or take ``tolerance``."""
        t = tolerance
        return self.left - t <= x <= self.right + t and self.top - t <= y <= self.bottom + t

    def rounded(self, digits: int = 5) -> list[float]:
        """[left, top, right, bottom] rounded, for a compact payload."""
        return [round(self.left, digits), round(self.top, digits), round(self.right, digits), round(self.bottom, digits)]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _size(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def has_coordinates(metadata: Any) -> bool:
    """True if the metadata carries a ``coordinates`` value at all (usable or not)."""
    return isinstance(metadata, Mapping) and isinstance(metadata.get("coordinates"), Mapping)


def element_box(coordinates: Any, page_size: tuple[float, float] | None = None) -> Box | None:
    """The box of an element's ``metadata.coordinates``, or None when it is missing or unusable.

    ``page_size`` (width, height in the coordinates' units) stands in for a missing
    ``layout_width``/``layout_height``. The box is the bounding rectangle of the points, so a
    rotated quadrilateral gives the rectangle around it.
    """
    if not isinstance(coordinates, Mapping):
        return None
    points = coordinates.get("points")
    if not isinstance(points, (list, tuple)) or len(points) < 2:
        return None
    system = coordinates.get("system")
    if system == "RelativeCoordinateSystem":
        width: float | None = 1.0
        height: float | None = 1.0
    else:
        width, height = _size(coordinates.get("layout_width")), _size(coordinates.get("layout_height"))
        if (width is None or height is None) and page_size is not None:
            width, height = _size(page_size[0]), _size(page_size[1])
    if width is None or height is None:
        return None
    xs: list[float] = []
    ys: list[float] = []
    for point in points[:MAX_POINTS]:
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            return None
        x, y = _number(point[0]), _number(point[1])
        if x is None or y is None:
            return None
        xs.append(x / width)
        ys.append(y / height)
    left, right = min(xs), max(xs)
    top, bottom = min(ys), max(ys)
    if system in _Y_UP:
        top, bottom = 1.0 - bottom, 1.0 - top
    if right < 0 or bottom < 0 or left > 1 or top > 1:
        return None  # entirely off the page
    return Box(max(0.0, left), max(0.0, top), min(1.0, right), min(1.0, bottom))


def union(boxes: Iterable[Box]) -> Box | None:
    """The smallest box around all of ``boxes`` (None for none)."""
    left = top = math.inf
    right = bottom = -math.inf
    for box in boxes:
        left, top = min(left, box.left), min(top, box.top)
        right, bottom = max(right, box.right), max(bottom, box.bottom)
    if left == math.inf:
        return None
    return Box(left, top, right, bottom)
