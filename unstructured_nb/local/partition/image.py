"""Images (png, jpg, tiff with several pages, bmp, gif, webp; heic with pillow-heif) to elements by OCR.

Each frame is read, OCR'd and released before the next, so a long multi-page TIFF stays within
one page's memory. Elements carry ``page_number`` (the frame, from 1) and ``coordinates`` in
PixelSpace with the image's own size as layout size, as the library's OCR path gives them.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError

#: Frames of one image file that are OCR'd at most (a TIFF can hold thousands).
MAX_FRAMES = 500
#: Pixels in one frame at most (Pillow's own decompression-bomb limit is twice its warning level).
MAX_PIXELS = 180_000_000


def ocr_language(settings: PartitionSettings, filename: str) -> str:
    """The language for the text heuristics, after checking the requested OCR languages."""
    from ..ocr.engine import SUPPORTED_LANGUAGES, check_languages

    check_languages(settings.ocr_languages, filename)
    for lang in settings.ocr_languages:
        return SUPPORTED_LANGUAGES[lang.strip().lower().replace("-", "_")]
    return "eng"


def fast_refused(filename: str) -> FileProcessingError:
    return FileProcessingError(
        f"{filename}: the fast strategy is not available for image files; images need OCR. "
        "Use the strategy auto, hi_res or ocr_only (the local engine runs OCR for all three)."
    )


def partition_image(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """OCR every frame of the image at ``path`` into elements."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from ..ocr.engine import read_lines
    from ..ocr.layout import add_page_elements

    if settings.strategy == "fast":
        raise fast_refused(sink.filename)
    language = ocr_language(settings, sink.filename)
    if Path(sink.filename).suffix.lower() in (".heic", ".heif"):
        _register_heif(sink.filename)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                total = getattr(image, "n_frames", 1)
                if total > MAX_FRAMES:
                    sink.warnings.append(
                        f"{sink.filename} has {total} pages; the local engine OCRs the first {MAX_FRAMES}. "
                        "Split the file to process the rest."
                    )
                for index, frame in enumerate(ImageSequence.Iterator(image)):
                    if index >= MAX_FRAMES:
                        break
                    page = frame.copy()
                    lines, angle = read_lines(page)
                    if settings.include_page_breaks and index:
                        sink.add("PageBreak", "", page_number=index)
                    add_page_elements(
                        sink, lines, page_number=index + 1, width=page.width, height=page.height, language=language, angle=angle
                    )
                    del page, lines
    except Image.DecompressionBombError:
        raise FileProcessingError(
            f"{sink.filename} is too large an image (over {MAX_PIXELS // 1_000_000} million pixels); "
            "scale it down or split it, then upload it again"
        ) from None
    except UnidentifiedImageError:
        raise FileProcessingError(
            f"{sink.filename} is not a readable image (the bytes are not a {Path(sink.filename).suffix} image, "
            "or it is corrupt); re-export it as PNG or JPEG"
        ) from None
    except OSError as exc:
        raise FileProcessingError(
            f"{sink.filename} could not be read as an image ({exc}); it may be truncated or corrupt: re-export it as PNG"
        ) from None
    if not sink.elements:
        raise FileProcessingError(
            f"{sink.filename}: OCR found no text in the image; check that it shows text, upright and legible"
        )
    return sink.finish(settings)


def _register_heif(filename: str) -> None:
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]  # optional reader
    except ImportError:
        raise FileProcessingError(
            f"{filename}: HEIC/HEIF images need the pillow-heif package (pip install pillow-heif), "
            "or convert the image to JPEG or PNG"
        ) from None
    register_heif_opener()


__all__ = ["MAX_FRAMES", "fast_refused", "ocr_language", "partition_image"]
