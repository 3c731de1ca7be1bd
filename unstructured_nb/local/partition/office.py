"""Office Open XML: Word (.docx), PowerPoint (.pptx) and Excel (.xlsx).

Each mirrors the library's partitioner for the format:

* **docx** (python-docx): list paragraphs (bullets, Word numbering, list styles) -> ListItem
  with Word's rendered label ("1.", "a)"); then the paragraph style (Title/Heading N/Subtitle ->
  Title with ``category_depth``, Caption/Quote/... -> UncategorizedText); other paragraphs ->
  Address/EmailAddress/NarrativeText/UncategorizedText (no Title from text alone); tables ->
  Table with colspan/rowspan; ``style_name`` on each element; ``page_number`` only when Word
  recorded rendered page breaks, a paragraph split across pages giving one element per page;
  section headers/footers -> Header/Footer.
* **pptx** (python-pptx): one page per slide; shapes in reading order (top, then left, groups
  flattened); the slide's title shape -> Title, paragraphs with a bullet character -> ListItem,
  the rest through the heuristics with ``category_depth`` = indent level; tables -> Table;
  speaker notes left out (the library's default).
* **xlsx** (a fast reader, regex scans of plain XML or lxml, openpyxl as fallback): one page per sheet with
  ``page_name``; each block of non-empty rows becomes a Table, with single-cell rows above or
  below a block (a caption or a heading) becoming their own elements, as the library's subtable
  detection does.

Each was compared with the library 0.27.35 on generated documents (its NLP tokenizers stubbed,
since its spaCy model cannot be downloaded here): same elements, texts, ids and metadata.

The bodies are walked as XML (lxml, which these libraries use) rather than through the
per-paragraph proxy objects, which keeps large documents fast.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings, gc_paused
from ._errors import FileProcessingError
from ._lang import detect_languages
from ._text_type import (
    EMAIL_RE,
    US_CITY_STATE_ZIP_RE,
    classify,
    clean_bullet,
    is_possible_narrative_text,
    is_possible_title,
)

_SPACES = re.compile(r"\s+")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_W = "{%s}" % W_NS
_NS = {"w": W_NS, "r": R_NS, "a": A_NS}


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


_STYLE_TYPES = {
    "Caption": "UncategorizedText",
    "Intense Quote": "UncategorizedText",
    "Macro Text": "UncategorizedText",
    "No Spacing": "UncategorizedText",
    "Quote": "UncategorizedText",
    "Subtitle": "Title",
    "TOCHeading": "Title",
    "Title": "Title",
    **{f"Heading {n}": "Title" for n in range(1, 10)},
    **{
        name: "ListItem"
        for base in ("List", "List Bullet", "List Continue", "List Number")
        for name in (base, f"{base} 2", f"{base} 3")
    },
    "List Paragraph": "ListItem",
}
_ROMAN = (
    ("M", 1000),
    ("CM", 900),
    ("D", 500),
    ("CD", 400),
    ("C", 100),
    ("XC", 90),
    ("L", 50),
    ("XL", 40),
    ("X", 10),
    ("IX", 9),
    ("V", 5),
    ("IV", 4),
    ("I", 1),
)


def _format_number(value: int, fmt: str) -> str | None:
    if fmt == "decimal":
        return str(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = ""
        for numeral, size in _ROMAN:
            count, value = divmod(value, size)
            roman += numeral * count
        return roman.lower() if fmt == "lowerRoman" else roman
    return None


class _ListLabels:
    """The label Word shows for an auto-numbered paragraph ("1.", "a)"), like the library's.

    Resolves ``w:numPr`` (the paragraph's own, else its style chain's) against numbering.xml and
    keeps the running counters; bullets have no label. Never raises: unknown numbering -> "".
    """

    def __init__(self, document: Any, walker: _DocxWalker) -> None:
        self.walker = walker
        try:
            self.numbering = document.part.numbering_part.element
        except Exception:
            self.numbering = None
        self.nums: dict[str, Any] = {}
        self.abstracts: dict[str, Any] = {}
        if self.numbering is not None:
            for num in self.numbering.iterchildren(f"{_W}num"):
                self.nums.setdefault(num.get(f"{_W}numId"), num)
            for abstract in self.numbering.iterchildren(f"{_W}abstractNum"):
                self.abstracts.setdefault(abstract.get(f"{_W}abstractNumId"), abstract)
        self.counters: dict[str, list[int | None]] = {}
        self.restarted: set[tuple[str, int]] = set()

    @staticmethod
    def _val(element: Any, tag: str) -> str | None:
        child = element.find(f"{_W}{tag}")
        return None if child is None else child.get(f"{_W}val")

    def _num_pr(self, num_pr: Any) -> tuple[str | None, int | None]:
        if num_pr is None:
            return None, None
        ilvl = self._val(num_pr, "ilvl")
        try:
            return self._val(num_pr, "numId"), None if ilvl is None else int(float(ilvl))
        except ValueError:
            return self._val(num_pr, "numId"), None

    def resolve(self, p: Any) -> tuple[str | None, int | None, str | None]:
        own = p.find(f"{_W}pPr/{_W}numPr")
        num_id, ilvl = self._num_pr(own)
        style_num, style_ilvl, style_id = self.walker.style_numbering(p.style)
        if num_id is None:
            return style_num, ilvl if ilvl is not None else style_ilvl, style_id
        return num_id, ilvl if ilvl is not None else style_ilvl, None

    def _level(self, num: Any, abstract: Any, ilvl: int) -> Any | None:
        for override in num.iterchildren(f"{_W}lvlOverride"):
            if override.get(f"{_W}ilvl") == str(ilvl):
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    return lvl
        for lvl in abstract.iterchildren(f"{_W}lvl"):
            if lvl.get(f"{_W}ilvl") == str(ilvl):
                return lvl
        return None

    def _start(self, num: Any, lvl: Any, ilvl: int) -> int:
        for override in num.iterchildren(f"{_W}lvlOverride"):
            if override.get(f"{_W}ilvl") == str(ilvl):
                start = self._val(override, "startOverride")
                if start is not None:
                    return int(start)
        start = self._val(lvl, "start")
        return 1 if start is None else int(start)

    def label(self, p: Any) -> str:
        if self.numbering is None:
            return ""
        try:
            return self._label(p)
        except Exception:
            return ""

    def _label(self, p: Any) -> str:
        ppr = p.pPr
        if ppr is not None and ppr.find(f"{_W}sectPr") is not None and not _w_text(p).strip():
            return ""
        num_id, ilvl, style_id = self.resolve(p)
        if num_id in (None, "0") or num_id not in self.nums:
            return ""
        num = self.nums[num_id]
        abstract_id = self._val(num, "abstractNumId")
        abstract = self.abstracts.get(abstract_id)
        if abstract is None:
            return ""
        if ilvl is None:
            ilvl = 0
            if style_id is not None:
                for lvl in abstract.iterchildren(f"{_W}lvl"):
                    if self._val(lvl, "pStyle") == style_id:
                        ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                        break
        if not 0 <= ilvl <= 8:
            return ""
        lvl = self._level(num, abstract, ilvl)
        if lvl is None:
            return ""
        counters = self.counters.setdefault(abstract_id or "", [None] * 9)
        has_override = any(
            o.get(f"{_W}ilvl") == str(ilvl) and o.find(f"{_W}startOverride") is not None
            for o in num.iterchildren(f"{_W}lvlOverride")
        )
        if has_override and (num_id, ilvl) not in self.restarted:
            self.restarted.add((num_id, ilvl))
            counters[ilvl] = self._start(num, lvl, ilvl)
        elif counters[ilvl] is None:
            counters[ilvl] = self._start(num, lvl, ilvl)
        else:
            counters[ilvl] = (counters[ilvl] or 0) + 1
        for deeper in range(ilvl + 1, 9):
            deeper_lvl = self._level(num, abstract, deeper)
            restart = None if deeper_lvl is None else self._val(deeper_lvl, "lvlRestart")
            if restart is None or (restart != "0" and ilvl < int(restart)):
                counters[deeper] = None
        if self._val(lvl, "numFmt") in ("bullet", "none"):
            return ""

        failed = False

        def placeholder(match: re.Match[str]) -> str:
            nonlocal failed
            level = int(match.group(1)) - 1
            if level > ilvl:
                return ""
            referenced = self._level(num, abstract, level)
            if referenced is None:
                return ""
            count = counters[level]
            value = self._start(num, referenced, level) if count is None else count
            rendered = _format_number(value, self._val(referenced, "numFmt") or "decimal")
            if rendered is None:
                failed = True
                return ""
            return rendered

        text = re.sub(r"%(\d)", placeholder, self._val(lvl, "lvlText") or "").strip()
        return "" if failed else text


class _DocxWalker:
    """The library's ``_DocxPartitioner`` rules, on the raw XML for speed."""

    def __init__(self, document: Any, sink: ElementSink, settings: PartitionSettings) -> None:
        from docx.styles import BabelFish

        self.document = document
        self.sink = sink
        self.settings = settings
        self.body = document.element.body
        self.style_names: dict[str, str] = {}
        self.style_elements: dict[str, Any] = {}
        self.default_style_id: str | None = None
        for style in document.styles.element.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            name_el = style.find(f"{_W}name")
            if not style_id:
                continue
            self.style_elements[style_id] = style
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
                self.default_style_id = style_id
            if name_el is not None:
                # built-in styles are stored as "heading 1"; Word (and the library) show "Heading 1"
                self.style_names[style_id] = BabelFish.internal2ui(name_el.get(f"{_W}val") or style_id)
        # only rendered page breaks are reliable page boundaries (the library's rule)
        self.has_pages = bool(self.body.xpath(".//w:lastRenderedPageBreak"))
        self.page = 1
        self.labels = _ListLabels(document, self)
        self._style_numbering: dict[str | None, tuple[str | None, int | None, str | None]] = {}
        try:
            self.rels = document.part.rels
        except Exception:
            self.rels = {}
        sample = " ".join(_w_text(p) for _, p in zip(range(400), self.body.iter(f"{_W}p")))[:20_000]
        self.language = detect_languages(sample)[0]

    @property
    def page_number(self) -> int | None:
        return self.page if self.has_pages else None

    def style_name(self, style_id: str | None) -> str:
        if style_id is None:
            return self.style_names.get(self.default_style_id or "", "Normal") if self.default_style_id else "Normal"
        return self.style_names.get(style_id, style_id)

    def style_numbering(self, style_id: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, style id) that the style chain (basedOn) provides, cached per style."""
        if style_id not in self._style_numbering:
            num_id = ilvl = found = None
            seen: set[str] = set()
            current = style_id if style_id is not None else self.default_style_id
            while current and current not in seen and current in self.style_elements:
                seen.add(current)
                style = self.style_elements[current]
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                style_num, style_ilvl = self.labels._num_pr(num_pr)
                if num_id is None and style_num is not None:
                    num_id, found = style_num, current
                if ilvl is None:
                    ilvl = style_ilvl
                based = style.find(f"{_W}basedOn")
                current = based.get(f"{_W}val") if based is not None else None
            self._style_numbering[style_id] = (num_id, ilvl, found)
        return self._style_numbering[style_id]

    def outline_level(self, p: Any) -> bool:
        """Whether the paragraph or its style chain has a heading outline level (0-8)."""

        def has(el: Any) -> bool:
            lvl = el.find(f"{_W}pPr/{_W}outlineLvl") if el is not None else None
            return lvl is not None and (lvl.get(f"{_W}val") or "9").isdigit() and int(lvl.get(f"{_W}val")) <= 8

        if has(p):
            return True
        current, seen = p.style, set()
        while current and current not in seen and current in self.style_elements:
            seen.add(current)
            if has(self.style_elements[current]):
                return True
            based = self.style_elements[current].find(f"{_W}basedOn")
            current = based.get(f"{_W}val") if based is not None else None
        return False

    def run(self) -> None:
        sections = list(self.document.sections) or [None]
        index = 0
        self._headers(sections[0])
        for child in self._iter_blocks(self.body):
            if child.tag == f"{_W}p":
                self._paragraph(child)
                ppr = child.pPr
                sect = ppr.find(f"{_W}sectPr") if ppr is not None else None
                if sect is not None and sections[index] is not None and sect is sections[index]._sectPr:
                    self._footers(sections[index])
                    index += 1
                    if index >= len(sections):
                        return
                    self._headers(sections[index])
            elif child.tag == f"{_W}tbl":
                self._table(child)
        self._footers(sections[index])

    def _iter_blocks(self, parent: Any):
        for child in parent.iterchildren():
            if child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self._iter_blocks(content)
            else:
                yield child

    def _new_page(self) -> None:
        self.page += 1
        if self.settings.include_page_breaks:
            self.sink.add("PageBreak", "")

    # -- paragraphs --

    def _paragraph(self, p: Any) -> None:
        label = self.labels.label(p)
        if not self.has_pages or p.find(f".//{_W}lastRenderedPageBreak") is None:
            self._classify(p, label)
            return
        from docx.text.paragraph import Paragraph

        paragraph: Any = Paragraph(p, None)
        while paragraph is not None:
            if not paragraph.contains_page_break:
                self._classify(paragraph._p, label)
                break
            page_break = paragraph.rendered_page_breaks[0]
            before = page_break.preceding_paragraph_fragment
            if before is not None:
                if self._classify(before._p, label):
                    label = ""
            self._new_page()
            paragraph = page_break.following_paragraph_fragment

    @staticmethod
    def _text(p: Any) -> str:
        return "".join(e.text or "" for e in p.xpath("w:r | w:hyperlink"))

    def _classify(self, p: Any, label: str) -> bool:
        """Append the element for a paragraph (fragment); False when it has no text."""
        from ._text_type import is_bulleted

        text = self._text(p)
        if not text.strip():
            return False
        style_id = p.style
        style_name = self.style_name(style_id)
        style_type = _STYLE_TYPES.get(style_name)
        meta: dict[str, Any] = {
            "category_depth": self._depth(p, style_name, style_type),
            "page_number": self.page_number,
            "style_name": style_name,
        }
        meta.update(self._runs_meta(p))

        def with_label(body: str) -> str:
            return f"{label} {body}" if label else body

        if self._is_list_item(p, text, style_type):
            clean = clean_bullet(text) if is_bulleted(text) else text.strip()
            if clean:
                self.sink.add("ListItem", with_label(clean), **meta)
            return True
        text = with_label(text)
        if style_type == "ListItem" and self._numbered(p) and self._numbered_heading(p, style_type):
            style_type = None
        if style_type is not None:
            self.sink.add(style_type, text, **meta)
            return True
        # the library's docx text rules: no Title from text alone (a heading needs a heading style)
        stripped = self._text(p).strip()
        if len(stripped) < 2:
            type_ = "UncategorizedText"
        elif len(stripped) < 120 and US_CITY_STATE_ZIP_RE.match(stripped):
            type_ = "Address"
        elif len(stripped) < 255 and EMAIL_RE.match(stripped):
            type_ = "EmailAddress"
        elif is_possible_narrative_text(stripped, self.language):
            type_ = "NarrativeText"
        else:
            type_ = "UncategorizedText"
        self.sink.add(type_, text, **meta)
        return True

    def _numbered(self, p: Any) -> bool:
        own = p.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        if own:
            return own[0] not in ("", "0")
        return self.style_numbering(p.style)[0] not in (None, "0")

    def _numbered_heading(self, p: Any, style_type: str | None) -> bool:
        if p.find(f"{_W}pPr/{_W}pStyle") is None:
            return self.outline_level(p)
        return style_type == "Title" or self.outline_level(p)

    def _is_list_item(self, p: Any, text: str, style_type: str | None) -> bool:
        from ._text_type import is_bulleted

        if is_bulleted(text):
            return True
        if p.find(f"{_W}pPr/{_W}numPr") is not None:
            return not self._numbered_heading(p, style_type)
        if self.style_numbering(p.style)[0] in (None, "0"):
            return False
        if style_type is not None and style_type != "ListItem":
            return False
        return not self.outline_level(p)

    def _depth(self, p: Any, style_name: str, style_type: str | None) -> int:
        def number(name: str) -> int:
            parts = name.split()
            return int(parts[-1]) - 1 if parts and parts[-1].isdigit() else 0

        if style_name.startswith("Heading"):
            depth = number(style_name)
        elif style_name == "Subtitle":
            depth = 1
        elif style_name.startswith("List"):
            depth = number(style_name)
        else:
            depth = 0
        if style_type == "Title" and (depth > 0 or style_name.startswith("Heading")):
            return depth
        ilvl = p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
        if ilvl:
            try:
                return round(float(ilvl[0]))
            except ValueError:
                pass
        return depth

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
            link_text = _w_text(link)
            rid = link.get(f"{{{R_NS}}}id")
            url = ""
            if rid and rid in self.rels:
                try:
                    url = self.rels[rid].target_ref
                except Exception:
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

    # -- tables --

    def _table(self, tbl: Any) -> None:
        from ..chunking import format_td  # the library's cell formatting

        grid: list[list[tuple[str, object]]] = []
        above: dict[int, object] = {}
        for tr in tbl.iterchildren(f"{_W}tr"):
            row: list[tuple[str, object]] = []
            col = 0
            for tc in tr.iterchildren(f"{_W}tc"):
                text = " ".join(
                    t
                    for t in ("".join(e.text or "" for e in q.xpath("w:r | w:hyperlink")).strip() for q in tc.iter(f"{_W}p"))
                    if t
                )
                tcpr = tc.find(f"{_W}tcPr")
                span = 1
                vmerge = None
                if tcpr is not None:
                    grid_span = tcpr.find(f"{_W}gridSpan")
                    if grid_span is not None and (grid_span.get(f"{_W}val") or "1").isdigit():
                        span = max(1, int(grid_span.get(f"{_W}val")))
                    vm = tcpr.find(f"{_W}vMerge")
                    if vm is not None:
                        vmerge = vm.get(f"{_W}val") or "continue"
                if vmerge == "continue" and col in above:
                    key = above[col]
                    text = next((t for t, k in (grid[-1] if grid else []) if k is key), "")
                else:
                    key = object()
                for offset in range(span):
                    above[col + offset] = key
                    row.append((text, key))
                col += span
            grid.append(row)
        if not any(text for row in grid for text, _ in row):
            return
        spans = _collapse_spans(grid)
        html_rows = "".join("<tr>" + "".join(format_td(t, c, r) for t, c, r in row) + "</tr>" for row in spans)
        text = " ".join(t for row in spans for t, _, _ in row if t)
        self.sink.add("Table", " ".join(text.split()), text_as_html=f"<table>{html_rows}</table>", page_number=self.page_number)

    # -- headers and footers --

    def _hf_text(self, part: Any) -> str:
        items: list[str] = []
        for block in part.iter_inner_content():
            if hasattr(block, "rows"):
                cells = " ".join(c.text for row in block.rows for c in row.cells if c.text.strip())
                items.append(cells.strip())
            else:
                items.append(block.text.strip())
        return "\n".join(t for t in items if t)

    def _header_footer(self, section: Any, kind: str) -> None:
        if section is None:
            return
        variants = [("primary", kind)]
        try:
            if section.different_first_page_header_footer:
                variants.append(("first_page", f"first_page_{kind}"))
            if self.document.settings.odd_and_even_pages_header_footer:
                variants.append(("even_page", f"even_page_{kind}"))
        except Exception:
            pass
        for hf_type, attr in variants:
            try:
                part = getattr(section, attr)
                if part.is_linked_to_previous:
                    continue
                text = self._hf_text(part)
            except Exception:
                continue
            if text:
                self.sink.add("Header" if kind == "header" else "Footer", text, category_depth=0, header_footer_type=hf_type)

    def _headers(self, section: Any) -> None:
        self._header_footer(section, "header")

    def _footers(self, section: Any) -> None:
        self._header_footer(section, "footer")


def _collapse_spans(matrix: list[list[tuple[str, object]]]) -> list[list[tuple[str, int, int]]]:
    """Merged cells -> (text, colspan, rowspan), as the library's collapse_matrix_of_keyed_cells_to_spans."""
    consumed = [[False] * len(row) for row in matrix]
    out: list[list[tuple[str, int, int]]] = []
    for r, row in enumerate(matrix):
        spanned: list[tuple[str, int, int]] = []
        for c, (text, key) in enumerate(row):
            if consumed[r][c]:
                continue
            consumed[r][c] = True
            colspan = 1
            while c + colspan < len(row) and row[c + colspan][1] is key:
                consumed[r][c + colspan] = True
                colspan += 1
            rowspan = 1
            nxt = r + 1
            while nxt < len(matrix):
                below = matrix[nxt]
                if c + colspan > len(below) or any(below[c + i][1] is not key for i in range(colspan)):
                    break
                for i in range(colspan):
                    consumed[nxt][c + i] = True
                rowspan += 1
                nxt += 1
            spanned.append((text, colspan, rowspan))
        out.append(spanned)
    return out


# -- pptx --------------------------------------------------------------------------------------


def partition_pptx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition a PowerPoint deck, one page per slide (the library's ``_PptxPartitioner``)."""
    import pptx
    from pptx.exc import PackageNotFoundError

    _check_zip(path, sink.filename, ".pptx")
    try:
        with open(path, "rb") as handle:
            prs = pptx.Presentation(io.BytesIO(handle.read()))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _open_package_error(sink.filename, ".pptx", exc) from None
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
        for shape in _ordered_shapes(slide.shapes):
            if getattr(shape, "has_table", False) and shape.has_table:
                rows = [[_SPACES.sub(" ", cell.text).strip() for cell in row.cells] for row in shape.table.rows]
                sink.add_table(rows, page_number=number)
            elif shape.has_text_frame:
                if _off_slide(shape):
                    continue
                if title_shape is not None and shape == title_shape:
                    _pptx_title_shape(shape, sink, number)
                else:
                    _pptx_text_shape(shape, sink, number, language)
    return sink.finish(settings)


def _ordered_shapes(shapes: Any) -> list[Any]:
    """Shapes (groups flattened) top-to-bottom then left-to-right, as the library orders them."""
    from pptx.shapes.group import GroupShape

    def flatten(items: Any):
        for shape in items:
            if isinstance(shape, GroupShape):
                yield from flatten(shape.shapes)
            else:
                yield shape

    return sorted(flatten(shapes), key=lambda s: (s.top or 0, s.left or 0))


def _off_slide(shape: Any) -> bool:
    return bool((shape.top and shape.left) and (shape.top < 0 or shape.left < 0))


def _pptx_paragraph_text(paragraph: Any) -> str:
    # a line break (Shift+Enter) is read as a vertical tab by python-pptx; the library keeps "\n"
    return paragraph.text.replace("\v", "\n")


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


# -- xlsx --------------------------------------------------------------------------------------


def partition_xlsx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    """Partition an Excel workbook, one page per sheet."""
    _check_zip(path, sink.filename, ".xlsx")
    with gc_paused():  # a sheet's rows: many small lists, no cycles (see gc_paused)
        return _partition_xlsx(path, sink, settings)


def _partition_xlsx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict]:
    try:
        sheets = _read_sheets_fast(path)
    except FileProcessingError:
        raise
    except Exception:
        sheets = _read_sheets_openpyxl(path, sink.filename)
    language = "eng"
    for number, (name, blocks) in enumerate(sheets, start=1):
        if number == 1:
            language = detect_languages(_language_sample(blocks[:50]))[0]
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


def _language_sample(blocks: list[list[list[str]]], limit: int = 20_000) -> str:
    """The first ``limit`` characters of the blocks' non-empty cells joined by spaces; stops
    reading rows once it has them (a sheet's first block can hold the whole sheet)."""
    parts: list[str] = []
    size = 0
    for block in blocks:
        for row in block:
            text = " ".join(filter(None, row))
            if text:
                parts.append(text)
                size += len(text) + 1
                if size > limit:
                    return " ".join(parts)[:limit]
    return " ".join(parts)[:limit]


def _blocks(rows: Any) -> list[list[list[str]]]:
    """Blocks of consecutive non-empty rows (a skipped row number is an empty row), trimmed
    to the block's used columns."""
    blocks: list[list[list[str]]] = []
    current: list[list[str]] = []
    previous = 0
    for number, row in rows:
        filled = any(row)
        if current and (number > previous + 1 or not filled):
            blocks.append(current)
            current = []
        if filled:
            current.append(row)
        previous = number
    if current:
        blocks.append(current)
    return [_trim(block) for block in blocks]


def _trim(block: list[list[str]]) -> list[list[str]]:
    """The block's rows cut to the columns any of them uses, padded to the same width. Rows
    that already fit (the common case: a table starting in the first column) are kept as they
    are instead of copied; every row has a non-empty cell."""
    lo, hi = len(block[0]), 0
    for row in block:
        if lo:
            first = 0
            while not row[first]:
                first += 1
            lo = min(lo, first)
        last = len(row)
        while not row[last - 1]:
            last -= 1
        hi = max(hi, last)
    width = hi - lo
    if lo == 0 and all(len(row) == width for row in block):
        return block
    return [(row[lo:hi] + [""] * width)[:width] for row in block]


def _add_block(block: list[list[str]], sink: ElementSink, language: str, meta: dict[str, Any]) -> None:
    def single(row: list[str]) -> str | None:
        cells = [c for c in row if c]
        return cells[0] if len(cells) == 1 else None

    # rows that are not a single cell (counting empty cells is cheaper than collecting full ones)
    multi = [i for i, row in enumerate(block) if len(row) - row.count("") != 1]
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
