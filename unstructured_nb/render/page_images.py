"""A document's pages as images, one page at a time: PDFs rendered with pypdfium2, images as they are.

:func:`open_pages` opens a source (a path or bytes) and gives :class:`Pages`: the page count,
each page's size in the units its coordinates use, and :meth:`Pages.render`, which draws one
page at the width asked. Nothing is rendered until a page is asked for, so a 500-page PDF
opens as fast as a 1-page one. pypdfium2 ships pdfium in its wheel (no system library, no
download) and Pillow encodes the images; both are imported on first use.

Every file is hostile: the rendered size is bounded (``MAX_WIDTH``, ``MAX_PIXELS``), an image
larger than ``MAX_SOURCE_PIXELS`` is refused, and a file that cannot be read raises
:class:`PagesError` with a sentence saying why.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = ["MAX_PIXELS", "MAX_WIDTH", "PageImage", "Pages", "PagesError", "open_pages", "page_kind"]

MAX_WIDTH = 2400  # pixels: a page drawn wider than this is not worth its bytes
MIN_WIDTH = 200
MAX_PIXELS = 8_000_000  # a page image never holds more (a very tall page is drawn narrower)
MAX_SOURCE_PIXELS = 200_000_000  # an image this large is refused (Pillow's own bomb guard is 179 M)
_AS_IS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".heif"})


class PagesError(Exception):
    """A source that cannot be drawn; the message says why in one sentence."""


@dataclass(frozen=True)
class PageImage:
    """One drawn page: the encoded image, its MIME type and its size in pixels."""

    data: bytes
    mime: str
    width: int
    height: int


class Pages(Protocol):
    """The pages of one source document."""

    @property
    def page_count(self) -> int: ...

    def size(self, page: int) -> tuple[float, float]:
        """Page ``page`` (1-based): width and height in its coordinates' units (points, pixels)."""
        ...

    def render(self, page: int, width: int) -> PageImage:
        """Page ``page`` drawn ``width`` pixels wide (bounded by ``MAX_WIDTH`` and ``MAX_PIXELS``)."""
        ...

    def close(self) -> None: ...


def page_kind(name: str, head: bytes = b"") -> str | None:
    """'pdf', 'image' or None (a document without pages to draw), from its first bytes or else its name."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:8] == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"GIF8", b"II*\x00", b"MM\x00*"):
        return "image"
    if head[:2] == b"BM" or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or head[4:12] in (b"ftypheic", b"ftypmif1"):
        return "image"
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    return "image" if suffix in _IMAGE_SUFFIXES else None


def _head(source: Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source[:16]
    with open(source, "rb") as f:
        return f.read(16)


def open_pages(source: Path | bytes, name: str) -> Pages | None:
    """The pages of ``source`` (a path, or the file's bytes) named ``name``; None if it has no pages to draw."""
    try:
        kind = page_kind(name, _head(source))
    except OSError as exc:
        raise PagesError(f"{name} cannot be read ({exc.strerror or type(exc).__name__})") from exc
    if kind == "pdf":
        return PdfPages(source, name)
    if kind == "image":
        return ImagePages(source, name)
    return None


def _bounded_width(width: int, aspect: float) -> int:
    width = max(MIN_WIDTH, min(MAX_WIDTH, int(width)))
    if aspect > 0 and width * width * aspect > MAX_PIXELS:
        width = max(1, int((MAX_PIXELS / aspect) ** 0.5))
    return width


def _encode(image: Any) -> PageImage:
    """A drawn page, as compact as text pages allow: grey PNG when it has no colour, else lossless WebP (PNG without it)."""
    from PIL import ImageChops, features

    out = io.BytesIO()
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if image.mode == "RGB":
        r, g, b = image.split()
        if ImageChops.difference(r, g).getbbox() is None and ImageChops.difference(g, b).getbbox() is None:
            image = r
    if image.mode == "L" or not features.check("webp"):
        image.save(out, "PNG")
        mime = "image/png"
    else:
        image.save(out, "WEBP", lossless=True, method=2)
        mime = "image/webp"
    return PageImage(out.getvalue(), mime, image.width, image.height)


def _upright_size(image: Any) -> tuple[int, int]:
    """The size of an image turned upright by its EXIF orientation (what the OCR measured)."""
    try:
        turned = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except Exception:  # a damaged EXIF block: take the image as it is
        turned = False
    return (image.height, image.width) if turned else (image.width, image.height)


class PdfPages:
    """A PDF's pages through pypdfium2: opened lazily by pdfium, each page loaded only to draw it."""

    def __init__(self, source: Path | bytes, name: str) -> None:
        import pypdfium2

        self.name = name
        self._lock = threading.Lock()  # pdfium is not thread-safe
        try:
            self._pdf = pypdfium2.PdfDocument(source)
        except pypdfium2.PdfiumError as exc:
            raise PagesError(f"{name} cannot be opened as a PDF ({exc}); it may be damaged or encrypted") from exc
        self._count = len(self._pdf)

    @property
    def page_count(self) -> int:
        return self._count

    def size(self, page: int) -> tuple[float, float]:
        with self._lock:
            width, height = self._pdf.get_page_size(self._index(page))
        return float(width), float(height)

    def _index(self, page: int) -> int:
        if not 1 <= page <= self._count:
            raise PagesError(f"{self.name} has no page {page} (it has {self._count})")
        return page - 1

    def render(self, page: int, width: int) -> PageImage:
        import pypdfium2

        with self._lock:
            index = self._index(page)
            w, h = self._pdf.get_page_size(index)
            if w <= 0 or h <= 0:
                raise PagesError(f"page {page} of {self.name} has no size")
            target = _bounded_width(width, h / w)
            try:
                pdf_page = self._pdf[index]
                try:
                    bitmap = pdf_page.render(scale=target / w, may_draw_forms=True)
                    image = bitmap.to_pil()
                finally:
                    pdf_page.close()
            except pypdfium2.PdfiumError as exc:
                raise PagesError(f"page {page} of {self.name} cannot be drawn ({exc})") from exc
        return _encode(image)

    def close(self) -> None:
        with self._lock:
            self._pdf.close()


class ImagePages:
    """An image's frames (a TIFF may hold several pages), sent as they are when a browser can show them."""

    def __init__(self, source: Path | bytes, name: str) -> None:
        from PIL import Image, UnidentifiedImageError

        self.name = name
        self._lock = threading.Lock()
        self._data = None if isinstance(source, Path) else bytes(source)
        self._path = source if isinstance(source, Path) else None
        try:
            with self._open() as image:
                if image.width * image.height > MAX_SOURCE_PIXELS:
                    raise PagesError(f"{name} is {image.width} x {image.height} pixels, too large to show")
                self._count = max(1, int(getattr(image, "n_frames", 1)))
                self._format = image.format or ""
                self._sizes: dict[int, tuple[int, int]] = {1: _upright_size(image)}
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise PagesError(f"{name} cannot be read as an image ({exc})") from exc

    def _open(self) -> Any:
        from PIL import Image

        return Image.open(self._path if self._path is not None else io.BytesIO(self._data or b""))

    @property
    def page_count(self) -> int:
        return self._count

    def _frame(self, image: Any, page: int) -> Any:
        if not 1 <= page <= self._count:
            raise PagesError(f"{self.name} has no page {page} (it has {self._count})")
        if page > 1:
            image.seek(page - 1)
        return image

    def size(self, page: int) -> tuple[float, float]:
        with self._lock:
            if page not in self._sizes:
                with self._open() as image:
                    self._sizes[page] = _upright_size(self._frame(image, page))
            width, height = self._sizes[page]
        return float(width), float(height)

    def render(self, page: int, width: int) -> PageImage:
        from PIL import ImageOps

        with self._lock, self._open() as image:
            frame = self._frame(image, page)
            fits = frame.width <= MAX_WIDTH and frame.width * frame.height <= MAX_PIXELS
            if page == 1 and self._count == 1 and fits and self._format in _AS_IS:
                # browsers turn a JPEG upright by its EXIF orientation, as the OCR's coordinates assume
                raw = self._data if self._data is not None else self._path.read_bytes() if self._path else b""
                return PageImage(raw, _AS_IS[self._format], *_upright_size(frame))
            frame = ImageOps.exif_transpose(frame)
            target = _bounded_width(min(width, frame.width), frame.height / max(1, frame.width))
            if target < frame.width:
                frame.draft("RGB", (target, int(target * frame.height / frame.width)))  # JPEG: decode at a smaller scale
            frame = ImageOps.contain(frame.convert("RGB"), (target, max(1, round(target * frame.height / frame.width))))
            return _encode(frame)

    def close(self) -> None:
        pass
