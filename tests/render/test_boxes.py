"""Element coordinates to boxes in fractions of the page: every system the platform uses, and hostile values."""

from __future__ import annotations

import math

import pytest

from unstructured_nb.render.boxes import Box, element_box, union


def approx(*edges):
    return pytest.approx(list(edges), abs=1e-9)


def fr(box):
    """The box as [left, top, right, bottom] (or None), to compare with approx."""
    return None if box is None else [box.left, box.top, box.right, box.bottom]


def coords(points, system="PixelSpace", width=612.0, height=792.0):
    return {"points": points, "system": system, "layout_width": width, "layout_height": height}


QUAD = [[61.2, 79.2], [61.2, 158.4], [306.0, 158.4], [306.0, 79.2]]


def test_pixel_space_is_top_left_origin_scaled_by_the_layout():
    box = element_box(coords(QUAD))
    assert fr(box) == approx(0.1, 0.1, 0.5, 0.2)


def test_the_same_box_in_pixels_of_a_rendered_page_gives_the_same_fractions():
    scale = 200 / 72  # the library's OCR pages are rendered at 200 dpi
    pixels = [[x * scale, y * scale] for x, y in QUAD]
    box = element_box(coords(pixels, width=612 * scale, height=792 * scale))
    assert fr(box) == pytest.approx(fr(element_box(coords(QUAD))))


def test_point_space_is_bottom_left_origin():
    # PDF user space: y = 792 - 79.2 at the top of the box
    flipped = [[x, 792.0 - y] for x, y in QUAD]
    assert fr(element_box(coords(flipped, "PointSpace"))) == approx(0.1, 0.1, 0.5, 0.2)


def test_relative_coordinates_need_no_layout_size():
    value = {"points": [[0.1, 0.9], [0.1, 0.8], [0.5, 0.8], [0.5, 0.9]], "system": "RelativeCoordinateSystem"}
    assert fr(element_box(value)) == approx(0.1, 0.1, 0.5, 0.2)


def test_points_in_any_order_and_rotated_quads_give_their_bounding_box():
    rotated = [[100, 50], [150, 100], [100, 150], [50, 100]]
    assert fr(element_box(coords(rotated, width=200, height=200))) == approx(0.25, 0.25, 0.75, 0.75)


def test_a_missing_layout_size_falls_back_to_the_page_size():
    value = {"points": QUAD, "system": "PixelSpace"}
    assert fr(element_box(value)) is None
    assert fr(element_box(value, page_size=(612.0, 792.0))) == approx(0.1, 0.1, 0.5, 0.2)


def test_a_box_partly_off_the_page_is_clipped_and_one_wholly_off_is_dropped():
    assert fr(element_box(coords([[-50, -10], [100, 100]], width=200, height=200))) == approx(0, 0, 0.5, 0.5)
    assert fr(element_box(coords([[300, 300], [400, 400]], width=200, height=200))) is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        "PixelSpace",
        {},
        {"points": []},
        coords([[1, 2]]),  # one point
        coords([[1, 2], [3]]),
        coords([[1, 2], ["3", 4]]),
        coords([[1, 2], [True, 4]]),
        coords([[1, 2], [math.nan, 4]]),
        coords([[1, 2], [math.inf, 4]]),
        coords(QUAD, width=0),
        coords(QUAD, height=-5),
        coords(QUAD, width="612"),
        coords(QUAD, width=math.nan),
        coords({"a": 1}),
    ],
)
def test_nonsense_coordinates_give_no_box(value):
    assert fr(element_box(value)) is None


def test_a_huge_polygon_is_read_only_up_to_a_bound():
    many = [[i % 600, (i * 7) % 790] for i in range(200_000)]
    box = element_box(coords(many))
    assert box is not None and 0 <= box.left <= box.right <= 1


def test_union_is_the_smallest_box_around_all():
    assert union([Box(0.1, 0.2, 0.3, 0.4), Box(0.2, 0.1, 0.5, 0.3)]) == Box(0.1, 0.1, 0.5, 0.4)
    assert union([]) is None
