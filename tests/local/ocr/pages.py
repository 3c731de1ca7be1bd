"""Generated pages with known text for OCR tests and benchmarks/bench_ocr.py: fonts, sizes, a list, two columns, a table.

Each page is a Pillow image plus the text it shows, block by block with the element type the
block should get, so character error rates and types can be checked against ground truth.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont


@dataclass(frozen=True)
class Block:
    text: str
    type: str
    bottom: int = 0  # pixel row just below the block's last line


@dataclass
class Page:
    image: Image.Image
    blocks: list[Block]

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def _font_files() -> list[Path]:
    found: list[Path] = []
    try:
        import matplotlib

        base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        found += [base / n for n in ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf")]
    except ImportError:
        pass
    base = Path("/usr/share/fonts/truetype/dejavu")
    found += [base / n for n in ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf")]
    return [f for f in found if f.exists()]


def font(size: int, index: int = 0) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    files = _font_files()
    if files:
        return ImageFont.truetype(str(files[index % len(files)]), size)
    return ImageFont.load_default(size=size)


_TITLES = ["Quarterly Field Report", "Notes on River Sampling", "Course Handout Week Three", "Library Opening Hours"]
_SENTENCES = [
    "The samples were collected at dawn and stored in cold boxes before noon.",
    "Students should bring a notebook and a pencil to every practical session.",
    "Water levels rose by twelve centimetres after the storm on Tuesday.",
    "Each group presents its findings in a short talk at the end of the month.",
    "The committee approved the budget and asked for a revised timeline.",
    "Measurements taken near the bridge show a steady decline in turbidity.",
    "Late submissions lose five points per day unless agreed in advance.",
    "The new reading room opens at nine and closes at half past six.",
]
_ITEMS = ["Check the filters daily", "Label every bottle clearly", "Record the air temperature", "Return keys to the office"]


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt: object, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=fnt) <= width:  # type: ignore[arg-type]  # FreeType or default font
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def make_page(seed: int, dpi: int = 300, layout: str = "single") -> Page:
    """A letter page at ``dpi``: title, paragraphs, a list; ``layout`` single, columns or table."""
    rng = random.Random(seed)
    scale = dpi / 300
    width, height = int(2550 * scale), int(3300 * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face = seed % 3 if seed % 3 != 2 else 0
    body_size = int(rng.choice([36, 40, 44]) * scale)  # 9-11 pt at 300 dpi
    blocks: list[Block] = []
    margin = int(250 * scale)
    y = margin
    title = rng.choice(_TITLES)
    draw.text((margin, y), title, font=font(int(80 * scale), face), fill=0)
    blocks.append(Block(title, "Title", y + int(100 * scale)))
    y += int(170 * scale)
    body = font(body_size, face)
    step = int(body_size * 1.45)

    def paragraph(x: int, top: int, col_width: int, count: int) -> int:
        text = " ".join(rng.sample(_SENTENCES, count))
        for line in _wrap(draw, text, body, col_width):
            draw.text((x, top), line, font=body, fill=0)
            top += step
        blocks.append(Block(text, "NarrativeText", top))
        return top + step

    if layout == "columns":
        col = (width - 2 * margin - int(100 * scale)) // 2
        start = y
        for x in (margin, margin + col + int(100 * scale)):
            y = start
            for _ in range(2):
                y = paragraph(x, y, col, 2)
    else:
        for _ in range(2):
            y = paragraph(margin, y, width - 2 * margin, 3)
    for item in rng.sample(_ITEMS, 3):
        draw.text((margin, y), f"\u2022 {item}", font=body, fill=0)
        blocks.append(Block(item, "ListItem", y + step))
        y += step
    if layout == "table":
        y += step
        rows = [["Site", "Depth", "Result"]] + [
            [f"S{n}", f"{rng.randint(2, 40)} m", f"{rng.randint(10, 99)}.{n}"] for n in range(1, 5)
        ]
        col_w = int(400 * scale)
        for row in rows:
            for c, cell in enumerate(row):
                draw.text((margin + c * col_w, y), cell, font=body, fill=0)
            blocks.append(Block(" ".join(row), "Table"))
            y += step
    return Page(image, blocks)


def degrade(image: Image.Image, condition: str, seed: int = 0) -> Image.Image:
    """The page under one condition: clean, noise, rotate+2, rotate-2, jpeg (200 dpi is a make_page dpi)."""
    if condition == "noise":
        import numpy as np

        rng = np.random.default_rng(seed)
        array = np.asarray(image, dtype=np.float32) + rng.normal(0, 25, (image.height, image.width))
        return Image.fromarray(np.clip(array, 0, 255).astype("uint8")).filter(ImageFilter.GaussianBlur(0.6))
    if condition.startswith("rotate"):
        angle = float(condition[len("rotate") :])
        return image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    if condition == "jpeg":
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=25)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    return image


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance over whitespace-normalized text / reference length."""
    ref = " ".join(reference.split())
    hyp = " ".join(hypothesis.split())
    previous = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, hc in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (rc != hc))
        previous = current
    return previous[-1] / max(len(ref), 1)
