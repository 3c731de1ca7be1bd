"""Word (.docx) documents, by the library's ``_DocxPartitioner`` rules (python-docx, raw XML).

List paragraphs (bullets, Word numbering, list styles) -> ListItem with Word's rendered label
("1.", "a)"); then the paragraph style (Title/Heading N/Subtitle -> Title with
``category_depth``, Caption/Quote/... -> UncategorizedText); other paragraphs ->
Address/EmailAddress/NarrativeText/UncategorizedText (no Title from text alone); tables ->
Table with colspan/rowspan; ``style_name`` on each element; ``page_number`` only when Word
recorded rendered page breaks, a paragraph split across pages giving one element per page;
section headers/footers -> Header/Footer. The body is walked as XML (lxml, which python-docx
uses) rather than through per-paragraph proxy objects, which keeps large documents fast.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._lang import detect_languages
from ._ooxml import R_NS, check_zip, first_val, has_emphasis, open_package_error, paragraph_text, style_id, w_text
from ._ooxml import W as _W
from ._text_type import clean_bullet, word_paragraph_type
from .docx_numbering import ListLabels
from .docx_tables import table_text_and_html


def partition_docx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a Word document."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(path, sink.filename, ".docx")
    try:
        with open(path, "rb") as handle:
            document = docx.Document(io.BytesIO(handle.read()))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise open_package_error(sink.filename, ".docx", exc) from None
    DocxWalker(document, sink, settings).run()
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


class DocxWalker:
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
        self.labels = ListLabels(document, self)
        self._style_numbering: dict[str | None, tuple[str | None, int | None, str | None]] = {}
        try:
            self.rels = document.part.rels
        except Exception:
            self.rels = {}
        sample = " ".join(w_text(p) for _, p in zip(range(400), self.body.iter(f"{_W}p"), strict=False))[:20_000]
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
                style_num, style_ilvl = self.labels.num_pr(num_pr)
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
        current, seen = style_id(p), set()
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
        self._section_page_breaks(0, sections[0])
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
                    self._section_page_breaks(index, sections[index])
                    self._headers(sections[index])
            elif child.tag == f"{_W}tbl":
                self._table(child)
        self._footers(sections[index])

    def _iter_blocks(self, parent: Any) -> Iterator[Any]:
        for child in parent.iterchildren():
            if child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self._iter_blocks(content)
            else:
                yield child

    def _section_page_breaks(self, index: int, section: Any) -> None:
        """As the library: an odd (even) page section entered on an odd (even) page adds a page."""
        from docx.enum.section import WD_SECTION_START as START

        odd = self.page % 2 == 1
        start = section.start_type if section is not None else None
        if (start == START.EVEN_PAGE and not odd) or (start == START.ODD_PAGE and index and odd):
            self._new_page()

    def _new_page(self) -> None:  # (the first page is odd: an odd-page first section adds none)
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

        paragraph: Any = Paragraph(p, None)  # type: ignore[arg-type]  # a fragment needs no story part here
        while paragraph is not None:
            if not paragraph.contains_page_break:
                self._classify(paragraph._p, label)
                break
            page_break = paragraph.rendered_page_breaks[0]
            before = page_break.preceding_paragraph_fragment
            if before is not None and self._classify(before._p, label):
                label = ""
            self._new_page()
            paragraph = page_break.following_paragraph_fragment

    @staticmethod
    def _text(p: Any) -> str:
        return paragraph_text(p)

    def _classify(self, p: Any, label: str) -> bool:
        """Append the element for a paragraph (fragment); False when it has no text."""
        from ._text_type import is_bulleted

        raw = text = self._text(p)
        if not text.strip():
            return False
        style_name = self.style_name(style_id(p))
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
        self.sink.add(word_paragraph_type(raw.strip(), self.language), text, **meta)
        return True

    def _numbered(self, p: Any) -> bool:
        own = first_val(p, f"{_W}pPr/{_W}numPr/{_W}numId")
        if own is not None:
            return own not in ("", "0")
        return self.style_numbering(style_id(p))[0] not in (None, "0")

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
        if self.style_numbering(style_id(p))[0] in (None, "0"):
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
        ilvl = first_val(p, f"{_W}pPr/{_W}numPr/{_W}ilvl")
        if ilvl is not None:
            try:
                return round(float(ilvl))
            except ValueError:
                pass
        return depth

    def _runs_meta(self, p: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        contents: list[str] = []
        tags: list[str] = []
        for run in p.iterchildren(f"{_W}r") if has_emphasis(p) else ():
            rpr = run.find(f"{_W}rPr")
            if rpr is None:
                continue
            run_text = w_text(run).strip()
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
            link_text = w_text(link)
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
        table = table_text_and_html(tbl)
        if table is not None:
            text, html = table
            self.sink.add("Table", text, text_as_html=html, page_number=self.page_number)

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
