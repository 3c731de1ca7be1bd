"""Make scanned-handout.png, the quickstart's scanned page: a class handout printed, then scanned slightly askew.

Run from the repository root: ``python notebooks/samples/scanned_handout.py``. The page is drawn
with DejaVu fonts at 200 dpi (letter size), turned 0.8 degree, on a faintly grey sheet with a
little blur, as a flatbed scan gives it; there is no text layer, so only OCR reads it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.local.ocr.pages import font  # noqa: E402  # the test pages' font lookup

DPI = 200
TITLE = "Biology 101: Week 4 Lab Handout"
SUBTITLE = "Pond water sampling, Tuesday 14 October"
PARAGRAPHS = [
    "This week each group collects two samples of pond water and looks at them under the microscope. "
    "Work in pairs, wear gloves, and keep the samples closed when you carry them across the lab.",
    "Write down everything you see, even when you cannot name it yet. A rough sketch with a size "
    "estimate is worth more than a long description.",
]
STEPS = [
    "1. Label both jars with your group number and the time.",
    "2. Fill each jar from a different spot of the pond.",
    "3. Put one drop on a slide and cover it with a cover slip.",
    "4. Sketch three organisms and estimate their length.",
]
CLOSING = "Hand in your sketches at the end of the session."


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt: object, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=fnt) <= width:  # type: ignore[arg-type]
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def make() -> Image.Image:
    width, height = int(8.5 * DPI), int(11 * DPI)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    margin, y = int(1.0 * DPI), int(0.9 * DPI)
    draw.text((margin, y), TITLE, font=font(56, 0), fill=20)
    y += 90
    draw.text((margin, y), SUBTITLE, font=font(30, 1), fill=40)
    y += 80
    body = font(30, 1)
    for paragraph in PARAGRAPHS:
        for line in _wrap(draw, paragraph, body, width - 2 * margin):
            draw.text((margin, y), line, font=body, fill=25)
            y += 44
        y += 40
    for step in STEPS:
        draw.text((margin, y), step, font=body, fill=25)
        y += 48
    y += 40
    draw.text((margin, y), CLOSING, font=body, fill=25)
    scan = page.rotate(0.8, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    scan = scan.filter(ImageFilter.GaussianBlur(0.5)).point(lambda v: 236 if v > 236 else v)
    return scan.quantize(16).convert("L")  # a scanner's grey levels; keeps the PNG small


if __name__ == "__main__":
    out = Path(__file__).with_name("scanned-handout.png")
    make().save(out, optimize=True)
    print(out, out.stat().st_size // 1024, "KB")
