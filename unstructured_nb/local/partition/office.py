"""Office Open XML: Word (.docx), PowerPoint (.pptx) and Excel (.xlsx).

Each mirrors the library's partitioner for the format:

* **docx** (python-docx): paragraph style decides first (Title/Heading N/Subtitle -> Title with
  ``category_depth``, List styles and numbered paragraphs -> ListItem), other paragraphs go
  through the text heuristics; tables -> Table; ``style_name`` on each element; ``page_number``
  only when the document records page breaks; section headers/footers -> Header/Footer.
* **pptx** (python-pptx): one page per slide; shapes in reading order (top, then left); a title
  placeholder -> Title, explicitly bulleted or indented paragraphs -> ListItem, the rest through
  the heuristics; tables -> Table; speaker notes after the slide's content.
* **xlsx** (openpyxl, streaming read-only): one page per sheet with ``page_name``; each block of
  non-empty rows becomes a Table, with single-cell rows above or below a block (a caption or a
  heading) becoming their own elements, as the library's subtable detection does.

The bodies are walked as XML (lxml, which these libraries use) rather than through the
per-paragraph proxy objects, which keeps large documents fast.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from ._lang import detect_languages
from ._text_type import EMAIL_RE, classify, is_possible_narrative_text, is_possible_title

_SPACES = re.compile(r"\s+")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_W = "{%s}" % W_NS
_NS = {"w": W_NS, "r": R_NS, "a": A_NS}

_DOCX_TITLE_STYLES = {"Title": 0, "Subtitle": 1, "TOC Heading": 0, "TOCHeading": 0}
_DOCX_TEXT_STYLES = frozenset({"Caption", "Intense Quote", "Macro Text", "No Spacing", "Quote"})
_HEADING_RE = re.compile(r"^Heading (\d)$")
_LIST_STYLE_RE = re.compile(r"^List(?: (?:Bullet|Number|Continue|Paragraph))?(?: (\d))?$")


def _open_package_error(filename: str, ext: str, exc: BaseException) -> FileProcessingError:
    legacy = {".docx": ".doc", ".pptx": ".ppt", ".xlsx": ".xls"}[ext]
    return FileProcessingError(
        f"{filename} is not a valid {ext} file ({type(exc).__name__}: {_SPACES.sub(' ', str(exc))[:120]}); "
        f"re-save it from the application as {ext} (old {legacy} files must be converted) and upload it again"
    )


def _check_zip(path: Path, filename: str, ext: str) -> None:
    if not zipfile.is_zipfile(path):
        raise _open_package_error(filename, ext, ValueError("not a zip package"))


# -- docx --------------------------------------------------------------------------------------


def _w_text(element: Any) -> str:
    """Text of the ``w:t`` runs under ``element`` (python-docx's oxml classes garble itertext)."""
    return "".join(t.text or "" for t in element.iter(f"{_W}t"))


def partition_docx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition a Word document."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_zip(path, sink.filename, ".docx")
    try:
        with open(path, "rb") as handle:
            document = docx.Document(io.BytesIO(handle.read()))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _open_package_error(sink.filename, ".docx", exc) from None
    _DocxWalker(document, sink, settings).run()
    return sink.finish(settings)


class _DocxWalker:
    def __init__(self, document: Any, sink: ElementSink, settings: PartitionSettings) -> None:
        self.document = document
        self.sink = sink
        self.settings = settings
        self.body = document.element.body
        from docx.styles import BabelFish

        self.style_names: dict[str, str] = {}
        for style in document.styles.element.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            name_el = style.find(f"{_W}name")
            if style_id and name_el is not None:
                # built-in styles are stored as "heading 1"; Word (and the library) show "Heading 1"
                self.style_names[style_id] = BabelFish.internal2ui(name_el.get(f"{_W}val") or style_id)
        rendered = self.body.xpath(".//w:lastRenderedPageBreak")
        hard = self.body.xpath(".//w:br[@w:type='page'] | .//w:pageBreakBefore")
        # Word writes both a hard break and a rendered break at the same place; count one kind
        self.break_xpath = ".//w:lastRenderedPageBreak" if rendered else ".//w:br[@w:type='page']"
        self.has_pages = bool(rendered or hard)
        self.page = 1
        try:
            self.rels = document.part.rels
        except Exception:  # noqa: BLE001 - links are optional metadata
            self.rels = {}
        sample = " ".join(_w_text(p) for _, p in zip(range(400), self.body.iter(f"{_W}p")))[:20_000]
        self.language = detect_languages(sample)[0]

    @property
    def page_number(self) -> int | None:
        return self.page if self.has_pages else None

    def run(self) -> None:
        self._header_footer("header")
        for child in self._iter_blocks(self.body):
            tag = child.tag
            if tag == f"{_W}p":
                self._paragraph(child)
            elif tag == f"{_W}tbl":
                self._table(child)
        self._header_footer("footer")

    def _iter_blocks(self, parent: Any):
        for child in parent.iterchildren():
            if child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self._iter_blocks(content)
            else:
                yield child

    def _new_page(self, count: int = 1) -> None:
        for _ in range(count):
            if self.settings.include_page_breaks:
                self.sink.add("PageBreak", "", page_number=self.page_number)
            self.page += 1

    def _paragraph(self, p: Any) -> None:
        ppr = p.pPr
        if ppr is not None and ppr.find(f"{_W}pageBreakBefore") is not None and self.has_pages:
            self._new_page()
        text = _SPACES.sub(" ", p.text or "").strip()
        breaks = len(p.xpath(self.break_xpath)) if self.has_pages else 0
        if text:
            style_id = p.style
            style_name = self.style_names.get(style_id, style_id) if style_id else "Normal"
            type_, clean, depth = self._classify(p, text, style_name)
            meta: dict[str, Any] = {"category_depth": depth, "style_name": style_name, "page_number": self.page_number}
            meta.update(self._runs_meta(p))
            self.sink.add(type_, clean, **meta)
        if breaks:
            self._new_page(breaks)

    def _classify(self, p: Any, text: str, style_name: str) -> tuple[str, str, int]:
        heading = _HEADING_RE.match(style_name)
        if heading:
            return "Title", text, int(heading.group(1)) - 1
        if style_name in _DOCX_TITLE_STYLES:
            return "Title", text, _DOCX_TITLE_STYLES[style_name]
        numbered = p.xpath("./w:pPr/w:numPr")
        list_style = _LIST_STYLE_RE.match(style_name)
        if numbered or list_style:
            level = 0
            ilvl = p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
            if ilvl and ilvl[0].isdigit():
                level = int(ilvl[0])
            elif list_style and list_style.group(1):
                level = int(list_style.group(1)) - 1
            return "ListItem", text, level
        if style_name in _DOCX_TEXT_STYLES:
            return "UncategorizedText", text, 0
        type_, clean = classify(text, self.language)
        return type_, clean, 0

    def _runs_meta(self, p: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        contents: list[str] = []
        tags: list[str] = []
        for run in p.iterchildren(f"{_W}r"):
            rpr = run.find(f"{_W}rPr")
            if rpr is None:
                continue
            run_text = _w_text(run).strip()
            if not run_text:
                continue
            for flag, tag in (("b", "b"), ("i", "i")):
                el = rpr.find(f"{_W}{flag}")
                if el is not None and el.get(f"{_W}val") not in ("0", "false"):
                    contents.append(run_text)
                    tags.append(tag)
        if contents:
            meta["emphasized_text_contents"] = contents
            meta["emphasized_text_tags"] = tags
        texts: list[str] = []
        urls: list[str] = []
        for link in p.iterchildren(f"{_W}hyperlink"):
            link_text = _SPACES.sub(" ", _w_text(link)).strip()
            rid = link.get(f"{{{R_NS}}}id")
            url = ""
            if rid and rid in self.rels:
                try:
                    url = self.rels[rid].target_ref
                except Exception:  # noqa: BLE001
                    url = ""
            elif link.get(f"{_W}anchor"):
                url = "#" + link.get(f"{_W}anchor")
            if link_text and url:
                texts.append(link_text)
                urls.append(url)
        if texts:
            meta["link_texts"] = texts
            meta["link_urls"] = urls
        return meta

    def _table(self, tbl: Any) -> None:
        rows: list[list[str]] = []
        for tr in tbl.iterchildren(f"{_W}tr"):
            cells = []
            for tc in tr.iterchildren(f"{_W}tc"):
                paragraphs = [_SPACES.sub(" ", p.text or "").strip() for p in tc.iter(f"{_W}p")]
                cells.append(" ".join(t for t in paragraphs if t))
            rows.append(cells)
        breaks = len(tbl.xpath(self.break_xpath)) if self.has_pages else 0
        self.sink.add_table(rows, page_number=self.page_number)
        if breaks:
            self._new_page(breaks)

    def _header_footer(self, kind: str) -> None:
        try:
            sections = self.document.sections
            section = sections[0] if kind == "header" else sections[-1]
        except (IndexError, Exception):  # noqa: BLE001 - a damaged sectPr must not lose the body
            return
        variants = (("primary", kind), ("first_page", f"first_page_{kind}"), ("even_page", f"even_page_{kind}"))
        seen: set[str] = set()
        for hf_type, attr in variants:
            try:
                part = getattr(section, attr)
                if part.is_linked_to_previous and hf_type != "primary":
                    continue
                text = " ".join(_SPACES.sub(" ", p.text).strip() for p in part.paragraphs if p.text.strip())
            except Exception:  # noqa: BLE001
                continue
            if text and text not in seen:
                seen.add(text)
                self.sink.add(
                    "Header" if kind == "header" else "Footer",
                    text,
                    header_footer_type=hf_type,
                    page_number=self.page_number,
                )


# -- pptx --------------------------------------------------------------------------------------


def partition_pptx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition a PowerPoint deck, one page per slide."""
    import pptx
    from pptx.enum.shapes import PP_PLACEHOLDER
    from pptx.exc import PackageNotFoundError

    _check_zip(path, sink.filename, ".pptx")
    try:
        with open(path, "rb") as handle:
            prs = pptx.Presentation(io.BytesIO(handle.read()))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _open_package_error(sink.filename, ".pptx", exc) from None
    title_types = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
    slides = list(prs.slides)
    texts = []
    for slide in slides[:20]:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
    language = detect_languages(" ".join(texts)[:20_000])[0]
    for number, slide in enumerate(slides, start=1):
        for shape in _ordered_shapes(slide.shapes):
            _pptx_shape(shape, sink, number, language, title_types)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None:
                for paragraph in notes.paragraphs:
                    text = _SPACES.sub(" ", "".join(r.text for r in paragraph.runs)).strip()
                    if text:
                        type_, clean = classify(text, language)
                        sink.add(type_, clean, page_number=number)
        if settings.include_page_breaks and number < len(slides):
            sink.add("PageBreak", "", page_number=number)
    return sink.finish(settings)


def _ordered_shapes(shapes: Any) -> list[Any]:
    """Shapes top-to-bottom then left-to-right (shapes without a position keep their place)."""
    items = list(shapes)
    return sorted(items, key=lambda s: ((s.top if s.top is not None else 0), (s.left if s.left is not None else 0)))


def _pptx_shape(shape: Any, sink: ElementSink, page: int, language: str, title_types: set[Any]) -> None:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for child in _ordered_shapes(shape.shapes):
            _pptx_shape(child, sink, page, language, title_types)
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = [[_SPACES.sub(" ", cell.text).strip() for cell in row.cells] for row in shape.table.rows]
        sink.add_table(rows, page_number=page)
        return
    if not shape.has_text_frame:
        return
    is_title = False
    if shape.is_placeholder:
        try:
            is_title = shape.placeholder_format.type in title_types
        except ValueError:
            is_title = False
    for paragraph in shape.text_frame.paragraphs:
        text = _SPACES.sub(" ", paragraph.text).strip()
        if not text:
            continue
        if is_title:
            sink.add("Title", text, category_depth=0, page_number=page)
            continue
        ppr = paragraph._p.pPr
        bulleted = ppr is not None and (
            ppr.find(f"{{{A_NS}}}buChar") is not None or ppr.find(f"{{{A_NS}}}buAutoNum") is not None
        )
        if bulleted or paragraph.level > 0:
            sink.add("ListItem", text, category_depth=paragraph.level, page_number=page)
        elif len(text) < 255 and EMAIL_RE.match(text):
            sink.add("EmailAddress", text, page_number=page)
        elif is_possible_narrative_text(text, language):
            sink.add("NarrativeText", text, page_number=page)
        elif is_possible_title(text):
            sink.add("Title", text, page_number=page)
        else:
            sink.add("UncategorizedText", text, page_number=page)


# -- xlsx --------------------------------------------------------------------------------------


def partition_xlsx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition an Excel workbook, one page per sheet."""
    _check_zip(path, sink.filename, ".xlsx")
    try:
        sheets = _read_sheets_fast(path)
    except FileProcessingError:
        raise
    except Exception:  # noqa: BLE001 - anything unusual: let openpyxl read it (slower, more lenient)
        sheets = _read_sheets_openpyxl(path, sink.filename)
    language = "eng"
    for number, (name, blocks) in enumerate(sheets, start=1):
        if number == 1:
            sample = " ".join(c for block in blocks[:50] for row in block for c in row if c)
            language = detect_languages(sample[:20_000])[0]
        meta = {"page_number": number, "page_name": name}
        for block in blocks:
            _add_block(block, sink, language, meta)
        if settings.include_page_breaks and number < len(sheets):
            sink.add("PageBreak", "", **meta)
    return sink.finish(settings)


def _read_sheets_fast(path: Path) -> list[tuple[str, list[list[list[str]]]]]:
    from ._xlsx_reader import XlsxReader

    with open(path, "rb") as handle:
        reader = XlsxReader(handle)
        if not reader.sheets:
            raise ValueError("no worksheets found")
        return [(name, _blocks(reader.iter_rows(sheet_path))) for name, sheet_path in reader.sheets]


def _read_sheets_openpyxl(path: Path, filename: str) -> list[tuple[str, list[list[list[str]]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # a file object: openpyxl refuses paths whose name does not end in .xlsx (uploads have other names)
    with open(path, "rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (KeyError, ValueError, OSError, zipfile.BadZipFile, TypeError, InvalidFileException) as exc:
            raise _open_package_error(filename, ".xlsx", exc) from None
        try:
            return [
                (
                    sheet.title,
                    _blocks(
                        (i, [_cell_text(v) for v in values])
                        for i, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                    ),
                )
                for sheet in workbook.worksheets
            ]
        finally:
            workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return _SPACES.sub(" ", str(value)).strip()


def _blocks(rows: Any) -> list[list[list[str]]]:
    """Blocks of consecutive non-empty rows (a skipped row number is an empty row), trimmed
    to the block's used columns."""
    blocks: list[list[list[str]]] = []
    current: list[list[str]] = []
    previous = 0
    for number, row in rows:
        if (number > previous + 1 or not any(row)) and current:
            blocks.append(current)
            current = []
        if any(row):
            current.append(row)
        previous = number
    if current:
        blocks.append(current)
    trimmed = []
    for block in blocks:
        used = [i for row in block for i, c in enumerate(row) if c]
        lo, hi = min(used), max(used) + 1
        width = hi - lo
        trimmed.append([(row[lo:hi] + [""] * width)[:width] for row in block])
    return trimmed


def _add_block(block: list[list[str]], sink: ElementSink, language: str, meta: dict[str, Any]) -> None:
    def single(row: list[str]) -> str | None:
        cells = [c for c in row if c]
        return cells[0] if len(cells) == 1 else None

    multi = [i for i, row in enumerate(block) if single(row) is None]
    if not multi:
        # a lone cell is text; a column of cells is a one-column table
        if len(block) == 1:
            type_, clean = classify(single(block[0]) or "", language)
            sink.add(type_, clean, **meta)
        else:
            sink.add_table(block, **meta)
        return
    # single-cell rows above or below the table (a caption or heading) are text, as in the library
    start, end = multi[0], multi[-1] + 1
    for row in block[:start]:
        type_, clean = classify(single(row) or "", language)
        sink.add(type_, clean, **meta)
    sink.add_table(block[start:end], **meta)
    for row in block[end:]:
        type_, clean = classify(single(row) or "", language)
        sink.add(type_, clean, **meta)
