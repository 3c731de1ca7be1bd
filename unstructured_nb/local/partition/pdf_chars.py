"""A PDF's pages as pdfminer.six reads them, without pdfminer's page objects: characters as tuples.

pdfminer's interpreter (operators, fonts, text state) runs unchanged, its content streams read by
``pdf_content`` (the same objects, faster), so each character's
text and box are exactly those of its ``LTChar`` (same font metrics, ``(cid:N)`` for unmapped
glyphs, same matrix arithmetic). What is left out is what the library's fast strategy never reads
on the page itself: no ``LTChar``/``LTCurve``/``LTRect`` objects are built for the page's own text
and paths. Form XObjects and images still go through pdfminer's ``LTFigure`` as usual, because the
library takes a figure's text as pdfminer leaves it (characters as drawn, a line break for each
non-text item): ``figure_text`` joins it the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTPage
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.utils import apply_matrix_rect

from .pdf_content import FastInterpreter
from .pdf_layout import Char

Rect = tuple[float, float, float, float]
#: One page: characters on the page itself, (text, bbox) of its figures in drawing order, its bbox (0, 0, w, h).
PageChars = tuple[list[Char], list[tuple[str, Rect]], Rect]


class _CharCollector(PDFPageAggregator):
    """pdfminer's layout device, keeping the page's own characters as tuples and skipping its paths."""

    def __init__(self, manager: PDFResourceManager) -> None:
        super().__init__(manager, laparams=None)  # no pdfminer analysis: pdf_layout does it
        self.chars: list[Char] = []
        # per font: its descent and, per character code, (text, width), as LTChar asks the font for them
        self._fonts: dict[Any, tuple[float, dict[int, tuple[str, float]]]] = {}

    def begin_page(self, page: Any, ctm: Any) -> None:
        super().begin_page(page, ctm)
        self.chars = []

    def render_string_horizontal(
        self,
        seq: Any,
        matrix: Any,
        pos: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: Any,
        graphicstate: Any,
    ) -> Any:
        """``PDFTextDevice.render_string_horizontal`` + ``render_char`` + ``LTChar``'s box, inlined, for page text."""
        if not isinstance(self.cur_item, LTPage):
            return super().render_string_horizontal(
                seq, matrix, pos, font, fontsize, scaling, charspace, wordspace, rise, dxscale, ncs, graphicstate
            )
        known = self._fonts.get(font)
        if known is None:
            known = self._fonts[font] = (font.get_descent(), {})
        descent = known[0] * fontsize
        lo, hi = descent + rise, descent + rise + fontsize
        codes = known[1]
        a, b, c, d, e, f = matrix
        x, y = pos
        chars = self.chars
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    entry = codes.get(cid)
                    if entry is None:
                        try:
                            text = font.to_unichr(cid)
                        except PDFUnicodeNotDefined:
                            text = self.handle_undefined_char(font, cid)
                        entry = codes[cid] = (text, font.char_width(cid))
                    adv = entry[1] * fontsize * scaling
                    # translate_matrix(matrix, (x, y)), then apply_matrix_rect(that, (0, lo, adv, hi))
                    e2, f2 = x * a + y * c + e, x * b + y * d + f
                    left1, bottom1 = a * 0 + c * lo + e2, b * 0 + d * lo + f2
                    right1, bottom2 = a * adv + c * lo + e2, b * adv + d * lo + f2
                    right2, top1 = a * adv + c * hi + e2, b * adv + d * hi + f2
                    left2, top2 = a * 0 + c * hi + e2, b * 0 + d * hi + f2
                    chars.append(
                        (
                            min(left1, left2, right1, right2),
                            min(bottom1, bottom2, top1, top2),
                            max(left1, left2, right1, right2),
                            max(bottom1, bottom2, top1, top2),
                            entry[0],
                        )
                    )
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
        return (x, y)

    def render_char(
        self, matrix: Any, font: Any, fontsize: float, scaling: float, rise: float, cid: int, ncs: Any, graphicstate: Any
    ) -> float:
        if not isinstance(self.cur_item, LTPage):  # inside a figure: pdfminer's own objects, as the library reads them
            return float(super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate))
        # LTChar.__init__, step for step, without the object
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        adv = font.char_width(cid) * fontsize * scaling
        if font.is_vertical():
            vx, vy = font.char_disp(cid)
            vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
            vy = (1000 - vy) * fontsize * 0.001
            bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = font.get_descent() * fontsize
            bbox = (0, descent + rise, adv, descent + rise + fontsize)
        x0, y0, x1, y1 = apply_matrix_rect(matrix, bbox)
        if x1 < x0:
            x0, x1 = x1, x0
        if y1 < y0:
            y0, y1 = y1, y0
        self.chars.append((x0, y0, x1, y1, text))
        return float(adv)

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        if not isinstance(self.cur_item, LTPage):  # a figure's paths separate its text (the library's "\n")
            super().paint_path(gstate, stroke, fill, evenodd, path)


def pdfminer_pages(path: Path) -> Iterator[PageChars | None]:
    """Yield each page's characters, figure texts and bbox, or None for a page pdfminer failed on.

    Stops early (without raising) when the file's page tree cannot be walked further; the caller
    counts the pages it got.
    """
    manager = PDFResourceManager(caching=True)
    device = _CharCollector(manager)
    interpreter = FastInterpreter(manager, device)
    with open(path, "rb") as handle:
        try:
            for page in PDFPage.get_pages(handle, password=""):
                try:
                    interpreter.process_page(page)
                    layout = device.get_result()
                except Exception:
                    yield None
                    continue
                figures = [(figure_text(obj), _rect(obj.bbox)) for obj in layout]
                yield device.chars, figures, _rect(layout.bbox)
        except Exception:
            return


def figure_text(item: Any) -> str:
    """Text of a container without ``get_text`` (figures), as the library's ``_extract_text``."""
    if hasattr(item, "get_text"):
        return str(item.get_text())
    try:
        children = list(item)
    except TypeError:
        return "\n"
    return "".join(figure_text(child) for child in children)


def _rect(bbox: Any) -> Rect:
    x0, y0, x1, y1 = (float(v) for v in bbox)
    return (x0, y0, x1, y1)
