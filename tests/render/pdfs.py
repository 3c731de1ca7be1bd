"""PDFs and element lists the viewer tests draw: made here with reportlab, with known text positions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas


@dataclass(frozen=True)
class Placed:
    """A line of text drawn at a known place: page, baseline start (PDF points, y up), font size."""

    page: int
    text: str
    x: float
    y: float
    size: float


# Varied on purpose: headings and body text, indents, two columns, text near every edge.
LINES_PER_PAGE = [
    [
        ("Helvetica-Bold", 20, 72, 720, "Viewer Test Report"),
        ("Helvetica", 11, 72, 690, "This paragraph starts near the top left corner of the first page."),
        ("Helvetica", 11, 90, 600, "An indented line sits in the middle of the page for the test."),
        ("Helvetica", 11, 320, 420, "A right column line."),
        ("Helvetica", 11, 72, 420, "A left column line."),
        ("Helvetica", 9, 72, 60, "Small print near the bottom edge of page one."),
    ],
    [
        ("Helvetica-Bold", 16, 72, 700, "Second Page Heading"),
        ("Times-Roman", 12, 100, 500, "Serif text on the second page, further down and to the right."),
        ("Courier", 10, 300, 150, "code-like text"),
    ],
    [
        ("Helvetica-Bold", 16, 72, 700, "Third Page"),
        ("Helvetica", 12, 200, 300, "The last paragraph of the document is here."),
    ],
]


def make_pdf(path: Path, pages: int = 3) -> list[Placed]:
    """A Letter PDF of ``pages`` pages (the layouts above, repeated); returns what was drawn where."""
    c = canvas.Canvas(str(path), pagesize=letter)
    placed: list[Placed] = []
    for number in range(1, pages + 1):
        for font, size, x, y, text in LINES_PER_PAGE[(number - 1) % len(LINES_PER_PAGE)]:
            c.setFont(font, size)
            c.drawString(x, y, text)
            placed.append(Placed(number, text, float(x), float(y), float(size)))
        c.showPage()
    c.save()
    return placed


def make_image(path: Path, size: tuple[int, int] = (800, 600)) -> list[tuple[str, tuple[int, int, int, int]]]:
    """A PNG with dark rectangles at known pixel boxes (left, top, right, bottom)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    boxes = [("Title", (40, 30, 500, 80)), ("NarrativeText", (40, 120, 760, 300)), ("ListItem", (60, 350, 400, 380))]
    for _, box in boxes:
        draw.rectangle(box, fill="black")
    image.save(path)
    return boxes


def pixel_element(
    etype: str, box: tuple[float, float, float, float], size: tuple[float, float], page: int = 1, eid: str = ""
) -> dict:
    """A platform-shaped element with PixelSpace coordinates."""
    left, top, right, bottom = box
    return {
        "type": etype,
        "element_id": eid or f"{etype}-{page}-{left:.0f}-{top:.0f}",
        "text": f"{etype} at {left:.0f},{top:.0f}",
        "metadata": {
            "page_number": page,
            "filename": "doc.pdf",
            "coordinates": {
                "points": [[left, top], [left, bottom], [right, bottom], [right, top]],
                "system": "PixelSpace",
                "layout_width": size[0],
                "layout_height": size[1],
            },
        },
    }
