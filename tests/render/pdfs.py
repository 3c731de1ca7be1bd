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


GUIDE_WORDS = (
    "river valley trail forest meadow ridge stream canyon summit lake marsh bridge cabin lookout spring "
    "harbor island cliff dune prairie orchard vineyard quarry mill tower ferry lantern compass map"
).split()


def _sentence(seed: int, words: int) -> str:
    picked = [GUIDE_WORDS[(seed * 7 + i * 13) % len(GUIDE_WORDS)] for i in range(words)]
    return " ".join(picked).capitalize() + "."


def field_guide(path: Path, pages: int = 3) -> None:
    """A multi-page guide: a heading and paragraphs on every page, a bulleted list and a small table on some.

    Deterministic, so tutorials and benchmarks draw the same pages every time.
    """
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    story: list = []
    for page in range(1, pages + 1):
        story.append(Paragraph(f"Chapter {page}: {GUIDE_WORDS[page % len(GUIDE_WORDS)].title()} walks", styles["Heading1"]))
        for p in range(3):
            story.append(Paragraph(" ".join(_sentence(page * 10 + p * 3 + s, 12) for s in range(4)), styles["BodyText"]))
        if page % 2 == 1:
            items = [Paragraph(_sentence(page + i, 6), styles["BodyText"]) for i in range(3)]
            story.append(ListFlowable(items, bulletType="bullet"))
        else:
            story.append(Table([["trail", "km", "climb"], ["north", "12", "400 m"], ["south", "8", "150 m"]]))
        story.append(Paragraph(f"Notes for chapter {page}", styles["Heading2"]))
        story.append(Paragraph(" ".join(_sentence(page * 5 + s, 10) for s in range(3)), styles["BodyText"]))
        if page < pages:
            from reportlab.platypus import PageBreak

            story.append(PageBreak())
        story.append(Spacer(1, 1))
    SimpleDocTemplate(str(path), title="Field guide", author="unstructured_nb tests", invariant=True).build(story)
