"""PowerPoint (.pptx) decks, by the library's ``_PptxPartitioner`` rules (python-pptx).

One page per slide; shapes in reading order (top, then left, groups flattened); the slide's
title shape -> Title, paragraphs with a bullet character -> ListItem, the rest through the
heuristics with ``category_depth`` = indent level; tables -> Table; speaker notes left out
(the library's default).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._lang import detect_languages
from ._ooxml import A_NS, check_zip, open_package_error
from ._ooxml import SPACES as _SPACES
from ._text_type import (
    EMAIL_RE,
    is_possible_narrative_text,
    is_possible_title,
)


def partition_pptx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a PowerPoint deck, one page per slide (the library's ``_PptxPartitioner``)."""
    import pptx
    from pptx.exc import PackageNotFoundError

    check_zip(path, sink.filename, ".pptx")
    try:
        with open(path, "rb") as handle:
            prs = pptx.Presentation(io.BytesIO(handle.read()))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise open_package_error(sink.filename, ".pptx", exc) from None
    slides = list(prs.slides)
    texts = []
    for slide in slides[:20]:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
    language = detect_languages(" ".join(texts)[:20_000])[0]
    for number, slide in enumerate(slides, start=1):
        if settings.include_page_breaks and number > 1:
            sink.add("PageBreak", "", page_number=number - 1)
        # speaker notes are left out, as the library does by default (include_slide_notes=False)
        title_shape = slide.shapes.title
        for top, left, shape in _ordered_shapes(slide.shapes):
            if getattr(shape, "has_table", False) and shape.has_table:
                rows = [[_SPACES.sub(" ", cell.text).strip() for cell in row.cells] for row in shape.table.rows]
                sink.add_table(rows, page_number=number)
            elif shape.has_text_frame:
                if _off_slide(top, left):
                    continue
                if title_shape is not None and shape == title_shape:
                    _pptx_title_shape(shape, sink, number)
                else:
                    _pptx_text_shape(shape, sink, number, language)
    return sink.finish(settings)


def _ordered_shapes(shapes: Any) -> list[tuple[Any, Any, Any]]:
    """(top, left, shape) of the shapes (groups flattened) top-to-bottom then left-to-right, as the
    library orders them. A placeholder's position is inherited from its layout: it is looked up once."""
    from pptx.shapes.group import GroupShape

    def flatten(items: Any) -> Iterator[Any]:
        for shape in items:
            if isinstance(shape, GroupShape):
                yield from flatten(shape.shapes)
            else:
                yield shape

    return sorted(((s.top, s.left, s) for s in flatten(shapes)), key=lambda p: (p[0] or 0, p[1] or 0))


def _off_slide(top: Any, left: Any) -> bool:
    return bool((top and left) and (top < 0 or left < 0))


def _pptx_paragraph_text(paragraph: Any) -> str:
    # a line break (Shift+Enter) is read as a vertical tab by python-pptx; the library keeps "\n"
    return str(paragraph.text).replace("\v", "\n")


def _bulleted(paragraph: Any) -> bool:
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.find(f"{{{A_NS}}}buChar") is not None


def _pptx_title_shape(shape: Any, sink: ElementSink, page: int) -> None:
    depth = 0
    for paragraph in shape.text_frame.paragraphs:
        text = _pptx_paragraph_text(paragraph)
        if not text.strip():
            continue
        if _bulleted(paragraph):
            sink.add("ListItem", text, category_depth=paragraph.level or 0, page_number=page)
        elif len(text) < 255 and EMAIL_RE.match(text.strip()):
            sink.add("EmailAddress", text, category_depth=depth, page_number=page)
        else:
            sink.add("Title", text, category_depth=depth, page_number=page)
            depth += 1


def _pptx_text_shape(shape: Any, sink: ElementSink, page: int, language: str) -> None:
    for paragraph in shape.text_frame.paragraphs:
        text = _pptx_paragraph_text(paragraph)
        if not text.strip():
            continue
        level = paragraph.level or 0
        if _bulleted(paragraph):
            sink.add("ListItem", text, category_depth=level, page_number=page)
        elif len(text) < 255 and EMAIL_RE.match(text.strip()):
            sink.add("EmailAddress", text, category_depth=level, page_number=page)
        elif is_possible_narrative_text(text, language):
            sink.add("NarrativeText", text, category_depth=level, page_number=page)
        elif is_possible_title(text):
            sink.add("Title", text, category_depth=level + 1, page_number=page)
        else:
            sink.add("UncategorizedText", text, category_depth=level, page_number=page)
