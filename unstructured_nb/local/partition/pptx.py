"""PowerPoint (.pptx) decks, by the library's ``_PptxPartitioner`` rules, read from the package's XML.

One page per slide; shapes in reading order (top, then left, groups flattened); the slide's
title shape -> Title, paragraphs with a bullet character -> ListItem, the rest through the
heuristics with ``category_depth`` = indent level; tables -> Table; speaker notes left out
(the library's default).

The library reads decks with python-pptx; this module reads the same parts with lxml and
applies python-pptx's rules where they matter (which children of a shape tree are shapes, which
has a text frame, a placeholder's position inherited from its layout and master, paragraph text
with ``a:br`` as a line break): the same elements, without loading every part of the package
into objects first (five to ten times less time on a small deck).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from ._lang import detect_languages
from ._ooxml import A_NS, R_NS, check_zip, open_package_error
from ._ooxml import SPACES as _SPACES
from ._text_type import (
    EMAIL_RE,
    is_possible_narrative_text,
    is_possible_title,
)

P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_SLIDE_LAYOUT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"
_SLIDE_MASTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster"
_TABLE_URI = "http://schemas.openxmlformats.org/drawingml/2006/table"
_P, _A = f"{{{P_NS}}}", f"{{{A_NS}}}"
# the children of a shape tree that python-pptx counts as shapes
_SHAPE_TAGS = tuple(f"{_P}{n}" for n in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart"))
_SP, _GRP_SP, _GRAPHIC_FRAME = _SHAPE_TAGS[:3]
_PARAGRAPH_CONTENT = (f"{_A}r", f"{_A}br", f"{_A}fld")
_BR = f"{_A}br"
# a layout placeholder's type -> the master placeholder type it inherits its position from
_MASTER_TYPE = {
    "body": "body", "chart": "body", "clipArt": "body", "ctrTitle": "title", "dgm": "body", "dt": "dt",
    "ftr": "ftr", "media": "body", "obj": "body", "pic": "body", "sldNum": "sldNum", "subTitle": "body",
    "tbl": "body", "title": "title",
}  # fmt: skip
MAX_PART_BYTES = 256 * 1024 * 1024


class _Package:
    """The parts of a .pptx package, parsed on demand, and their relationships."""

    def __init__(self, archive: zipfile.ZipFile, filename: str) -> None:
        from lxml import etree

        self._archive = archive
        self._filename = filename
        # python-pptx's parser settings: no entities, blank text between elements dropped
        self._parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
        self._parts: dict[str, Any] = {}
        self._rels: dict[str, dict[str, tuple[str, str]]] = {}

    def part(self, name: str) -> Any:
        """The root element of the part ``name`` (no leading slash); KeyError if missing."""
        if name not in self._parts:
            from lxml import etree

            info = self._archive.getinfo(name)
            if info.file_size > MAX_PART_BYTES:
                raise FileProcessingError(f"{self._filename}: its part {name} is too large to read; split the deck")
            self._parts[name] = etree.fromstring(self._archive.read(info), parser=self._parser)
        return self._parts[name]

    def rels(self, name: str) -> dict[str, tuple[str, str]]:
        """rId -> (relationship type, target part name) of the part ``name`` ("" for the package)."""
        if name not in self._rels:
            folder, base = posixpath.split(name)
            rels_name = posixpath.join(folder, "_rels", base + ".rels")
            found: dict[str, tuple[str, str]] = {}
            try:
                root = self.part(rels_name)
            except KeyError:
                root = None
            for rel in [] if root is None else root.iterchildren(f"{{{_PKG_REL_NS}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target", "")
                path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                found[rel.get("Id", "")] = (rel.get("Type", ""), path)
            self._rels[name] = found
        return self._rels[name]

    def related(self, name: str, rel_type: str) -> str | None:
        return next((target for kind, target in self.rels(name).values() if kind == rel_type), None)


def partition_pptx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a PowerPoint deck, one page per slide (the library's ``_PptxPartitioner``)."""
    from lxml import etree

    check_zip(path, sink.filename, ".pptx")
    try:
        with zipfile.ZipFile(path) as archive:
            package = _Package(archive, sink.filename)
            main = package.related("", _OFFICE_DOCUMENT)
            if main is None:
                raise KeyError("no main document part")
            presentation = package.part(main)
            slide_ids = presentation.find(f"{_P}sldIdLst")
            rels = package.rels(main)
            listed = [] if slide_ids is None else list(slide_ids.iterchildren(f"{_P}sldId"))
            slide_parts = [rels[s.get(f"{{{R_NS}}}id", "")][1] for s in listed]
            slides = [(name, _shape_tree(package.part(name))) for name in slide_parts]
            _add_slides(package, slides, sink, settings)
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise open_package_error(sink.filename, ".pptx", exc) from None
    return sink.finish(settings)


def _shape_tree(part: Any) -> Any:
    tree = part.find(f"{_P}cSld/{_P}spTree")
    if tree is None:
        raise ValueError("a slide without a shape tree")
    return tree


def _add_slides(package: _Package, slides: list[tuple[str, Any]], sink: ElementSink, settings: PartitionSettings) -> None:
    texts = []
    for _, tree in slides[:20]:
        for shape in _shapes(tree):
            if shape.tag == _SP:
                texts.append("\n".join(map(_paragraph_text, _paragraphs(shape))))
    language = detect_languages(" ".join(texts)[:20_000])[0]
    for number, (name, tree) in enumerate(slides, start=1):
        if settings.include_page_breaks and number > 1:
            sink.add("PageBreak", "", page_number=number - 1)
        # speaker notes are left out, as the library does by default (include_slide_notes=False)
        title = next((s for s in _shapes(tree) if _ph_idx(s) == 0), None)
        positions = _Positions(package, name)
        for top, left, shape in positions.ordered(tree):
            if shape.tag == _GRAPHIC_FRAME:
                table = _table(shape)
                if table is not None:
                    rows = [
                        [_SPACES.sub(" ", _cell_text(tc)).strip() for tc in tr.iterchildren(f"{_A}tc")]
                        for tr in table.iterchildren(f"{_A}tr")
                    ]
                    sink.add_table(rows, page_number=number)
            elif shape.tag == _SP:
                if (top and left) and (top < 0 or left < 0):
                    continue  # off the slide
                if shape is title:
                    _title_shape(shape, sink, number)
                else:
                    _text_shape(shape, sink, number, language)


def _shapes(tree: Any) -> Iterator[Any]:
    yield from tree.iterchildren(*_SHAPE_TAGS)


def _placeholder(shape: Any) -> Any:
    """The shape's ``p:ph`` (python-pptx: ``./*[1]/p:nvPr/p:ph``), or None."""
    first = next((child for child in shape if isinstance(child.tag, str)), None)  # elements, not comments
    if first is None:
        return None
    return first.find(f"{_P}nvPr/{_P}ph")


def _ph_idx(shape: Any) -> int | None:
    """A placeholder's ``idx`` (0 when it has none, as python-pptx); None for a shape that is no placeholder."""
    ph = _placeholder(shape)
    if ph is None:
        return None
    try:
        return int(ph.get("idx", "0"))
    except ValueError:
        return -1


def _offset(shape: Any) -> tuple[int | None, int | None]:
    """(y, x) of the shape's own transform, None where it has none."""
    tag = shape.tag
    if tag == _GRAPHIC_FRAME:
        off = shape.find(f"{_P}xfrm/{_A}off")
    elif tag == _GRP_SP:
        off = shape.find(f"{_P}grpSpPr/{_A}xfrm/{_A}off")
    else:
        off = shape.find(f"{_P}spPr/{_A}xfrm/{_A}off")
    if off is None:
        return None, None
    return _emu(off.get("y")), _emu(off.get("x"))


def _emu(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class _Positions:
    """Shapes' (top, left), a slide placeholder's inherited from its layout's and master's."""

    def __init__(self, package: _Package, slide: str) -> None:
        self._package = package
        self._slide = slide

    def ordered(self, tree: Any) -> list[tuple[int | None, int | None, Any]]:
        """(top, left, shape) of the slide's shapes, groups flattened, top-to-bottom then left-to-right."""
        placed: list[tuple[int | None, int | None, Any]] = []
        for shape in tree.iterchildren(*_SHAPE_TAGS):
            if shape.tag == _GRP_SP:
                placed.extend(_group_members(shape))
            else:
                top, left = _offset(shape)
                if (top is None or left is None) and shape.tag == _SP and _placeholder(shape) is not None:
                    inherited = self._inherited(shape)
                    top = inherited[0] if top is None else top
                    left = inherited[1] if left is None else left
                placed.append((top, left, shape))
        return sorted(placed, key=lambda p: (p[0] or 0, p[1] or 0))

    def _inherited(self, shape: Any) -> tuple[int | None, int | None]:
        layout = self._package.related(self._slide, _SLIDE_LAYOUT)
        if layout is None:
            return None, None
        idx = _ph_idx(shape)
        base = next(
            (s for s in _shapes(_shape_tree(self._package.part(layout))) if _ph_idx(s) == idx),
            None,
        )
        if base is None:
            return None, None
        top, left = _offset(base)
        if top is None or left is None:
            master_top, master_left = self._from_master(layout, base)
            top = master_top if top is None else top
            left = master_left if left is None else left
        return top, left

    def _from_master(self, layout: str, base: Any) -> tuple[int | None, int | None]:
        master = self._package.related(layout, _SLIDE_MASTER)
        wanted = _MASTER_TYPE.get(_placeholder(base).get("type", "obj"))
        if master is None or wanted is None:
            return None, None
        for shape in _shapes(_shape_tree(self._package.part(master))):
            ph = _placeholder(shape)
            if ph is not None and ph.get("type", "obj") == wanted:
                return _offset(shape)
        return None, None


def _group_members(group: Any) -> Iterator[tuple[int | None, int | None, Any]]:
    for shape in group.iterchildren(*_SHAPE_TAGS):
        if shape.tag == _GRP_SP:
            yield from _group_members(shape)
        else:
            yield (*_offset(shape), shape)


def _table(frame: Any) -> Any:
    data = frame.find(f"{_A}graphic/{_A}graphicData")
    if data is None or data.get("uri") != _TABLE_URI:
        return None
    return data.find(f"{_A}tbl")


def _paragraphs(shape: Any) -> list[Any]:
    body = shape.find(f"{_P}txBody")
    return [] if body is None else list(body.iterchildren(f"{_A}p"))


def _paragraph_text(p: Any) -> str:
    """python-pptx's paragraph text: runs' and fields' ``a:t``, ``a:br`` a vertical tab."""
    parts = []
    for child in p.iterchildren(*_PARAGRAPH_CONTENT):
        if child.tag == _BR:
            parts.append("\v")
        else:
            t = child.find(f"{_A}t")
            parts.append((t.text or "") if t is not None else "")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    body = tc.find(f"{_A}txBody")
    return "" if body is None else "\n".join(map(_paragraph_text, body.iterchildren(f"{_A}p")))


def _level(p: Any) -> int:
    ppr = p.find(f"{_A}pPr")
    try:
        return int(ppr.get("lvl", "0")) if ppr is not None else 0
    except ValueError:
        return 0


def _bulleted(p: Any) -> bool:
    ppr = p.find(f"{_A}pPr")
    return ppr is not None and ppr.find(f"{_A}buChar") is not None


def _text(p: Any) -> str:
    # a line break (Shift+Enter) is a vertical tab in python-pptx's text; the library keeps "\n"
    return _paragraph_text(p).replace("\v", "\n")


def _title_shape(shape: Any, sink: ElementSink, page: int) -> None:
    depth = 0
    for paragraph in _paragraphs(shape):
        text = _text(paragraph)
        if not text.strip():
            continue
        if _bulleted(paragraph):
            sink.add("ListItem", text, category_depth=_level(paragraph), page_number=page)
        elif len(text) < 255 and EMAIL_RE.match(text.strip()):
            sink.add("EmailAddress", text, category_depth=depth, page_number=page)
        else:
            sink.add("Title", text, category_depth=depth, page_number=page)
            depth += 1


def _text_shape(shape: Any, sink: ElementSink, page: int, language: str) -> None:
    for paragraph in _paragraphs(shape):
        text = _text(paragraph)
        if not text.strip():
            continue
        level = _level(paragraph)
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
