"""The library's reading order for a PDF page: a basic top-left sort, then its recursive XY-cut.

A port of ``unstructured.partition.utils.sorting.sort_page_elements(SORT_MODE_XY_CUT)`` and
``xycut.recursive_xy_cut_swapped`` (primary direction "x", boxes shrunk to 0.9 keeping top-left,
truncated to ints). numpy's ``argsort`` is used as the library uses it, so ties fall the same way.
Like the library, a page with a negative coordinate keeps the basic order, and a box the cuts do
not reach (zero width after shrinking) is dropped.
"""

from __future__ import annotations

from typing import Any

Box = tuple[float, float, float, float]  # left, top, right, bottom


def reading_order(boxes: list[Box]) -> list[int]:
    """Indices of ``boxes`` (already in basic top-left order) in the library's XY-cut order."""
    import numpy as np

    if not boxes:
        return []
    if any(v < 0 for box in boxes for v in box):
        return list(range(len(boxes)))
    shrunk = []
    for left, top, right, bottom in boxes:
        ileft, itop, iright, ibottom = int(left), int(top), int(right), int(bottom)
        width, height = iright - ileft, ibottom - itop
        shrunk.append((ileft, itop, int(iright - (width - width * 0.9)), int(ibottom - (height - height * 0.9))))
    res: list[int] = []
    _cut(np.asarray(shrunk).astype(int), np.arange(len(shrunk)), res)
    return [int(i) for i in res]


def _projection(boxes: Any, axis: int) -> Any:
    import numpy as np

    length = int(np.max(boxes[:, axis::2]))
    counts = np.zeros(length + 1, dtype=np.int64)
    # a difference array: the same histogram as the library's per-pixel loop
    for start, end in zip(boxes[:, axis].tolist(), boxes[:, axis + 2].tolist(), strict=True):
        if end > start:
            counts[start] += 1
            counts[end] -= 1
    return np.cumsum(counts)[:length]


def _split(values: Any) -> tuple[list[int], list[int]] | None:
    import numpy as np

    index = np.where(values > 0)[0]
    if not len(index):
        return None
    gaps = np.where(index[1:] - index[:-1] > 1)[0]
    starts = [int(index[0]), *(int(v) for v in index[gaps + 1])]
    ends = [*(int(v) for v in index[gaps]), int(index[-1])]
    return starts, [e + 1 for e in ends]


def _cut(boxes: Any, indices: Any, res: list[int]) -> None:
    order = boxes[:, 0].argsort()
    x_boxes, x_indices = boxes[order], indices[order]
    pos_x = _split(_projection(x_boxes, 0))
    if not pos_x:
        return
    for c0, c1 in zip(*pos_x, strict=True):
        chosen = (c0 <= x_boxes[:, 0]) & (x_boxes[:, 0] < c1)
        chunk, chunk_indices = x_boxes[chosen], x_indices[chosen]
        order = chunk[:, 1].argsort()
        y_boxes, y_indices = chunk[order], chunk_indices[order]
        pos_y = _split(_projection(y_boxes, 1))
        if not pos_y:
            continue
        if len(pos_y[0]) == 1:
            res.extend(int(i) for i in y_indices)
            continue
        for r0, r1 in zip(*pos_y, strict=True):
            chosen = (r0 <= y_boxes[:, 1]) & (y_boxes[:, 1] < r1)
            _cut(y_boxes[chosen], y_indices[chosen], res)
