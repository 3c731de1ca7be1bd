"""A fast .xlsx cell reader: rows of cell strings, sheet by sheet.

openpyxl's read-only mode parses each sheet twice with the stdlib parser (once for its
dimensions) and builds a cell object per value. Here plain sheet XML (what Excel, openpyxl and
xlsxwriter write) is tokenized by one regex findall per sheet, with the common cell shapes
recognized by the regex itself, and the shared-string table likewise; anything else (prefixed
names, CDATA, very large parts) goes through lxml's streaming parser. It resolves shared
strings, inline strings, booleans, errors, and numbers formatted as dates (built-in and custom
date formats, 1900 and 1904 date systems). Anything it does not understand raises, and the
caller falls back to openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO, Any

from ._xlsx_values import DATE_BUILTIN, column_index, is_date_format, local_name, unescape

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REGEX_MAX_BYTES = 64 * 1024 * 1024
# One token per row start or cell of <sheetData>, found by a single findall over the sheet (a
# row's cells are the cell tokens up to the next row token). Groups: 1 "<row" (marks a row
# token), 2 its number when r= comes first (as Excel, openpyxl and xlsxwriter write it), 3 the
# other row attributes, 4 "/" for an empty <row .../>; for a cell either 5-7 (column letters,
# style, type: attributes in the order those writers use) or 8 (any other attributes, parsed
# like before), then its content: 9 a plain non-empty <v>, 10 a plain non-empty inline
# string, or 11 anything else (formulas, rich text, ...). The common shapes are recognized by
# the regex engine, so the Python loop does little per cell.
# Linear time on hostile XML: no group can run past the next "<" of a tag (attributes) or the
# next cell start (content), so an unclosed <row or <c is given up at the next one instead of
# being searched for to the end of the sheet from every later start (quadratic: 96 KB of "<c>"
# took 38 s). Each content character matches one alternative only, so nothing backtracks.
_CELL_CONTENT = r"(?:[^<]|<(?!/?c[\s>/]))*?"
_TOKEN_RE = re.compile(
    r'(<row)\b(?: r="(\d+)")?([^<>]*?)(/?)>'
    r'|<c(?: r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?|\b([^<>]*?))'
    rf"(?:/>|>(?:<v>([^<]+)</v>|<is><t>([^<]+)</t></is>|({_CELL_CONTENT}))</c>)",
    re.S,
)
_ATTR_RE = re.compile(r'\b([rts])="([^"]*)"')
_R_ATTR = re.compile(r'\br="(\d+)"')
_V_RE = re.compile(r"<v>([^<]*)</v>")
_T_RE = re.compile(r"<t(?:\s[^<>]*)?>((?:[^<]|<(?!/?t[\s>/]))*?)</t>", re.S)
_RPH_RE = re.compile(r"<rPh\b(?:[^<]|<(?!/?rPh[\s>/]))*?</rPh>", re.S)
# a shared string: 1 plain text (the common case), or 2 anything else (runs, phonetic guides)
_SI_RE = re.compile(r"<si>(?:<t>([^<]+)</t>|((?:[^<]|<(?!/?si[\s>/]))*?))</si>|<si/>", re.S)


class XlsxReader:
    """Sheets of an .xlsx package as ``(name, rows)``; each row is ``(row_number, [cell strings])``."""

    def __init__(self, source: IO[bytes]) -> None:
        from lxml import etree

        self._etree = etree
        self.zip = zipfile.ZipFile(source)
        names = set(self.zip.namelist())
        workbook_path = self._office_document_path(names)
        base = posixpath.dirname(workbook_path)
        rels = self._rels(posixpath.join(base, "_rels", posixpath.basename(workbook_path) + ".rels"))
        workbook = self._parse(workbook_path)
        self.date1904 = False
        self.sheets: list[tuple[str, str]] = []
        for el in workbook.iter():
            name = local_name(el.tag)
            if name == "workbookPr":
                self.date1904 = el.get("date1904") in ("1", "true")
            elif name == "sheet":
                rid = el.get(f"{{{_REL_NS}}}id") or el.get("{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
                target = rels.get(rid or "", ("", ""))[1]
                if target:
                    self.sheets.append((el.get("name") or f"Sheet{len(self.sheets) + 1}", self._resolve(base, target)))
        shared_path = next((self._resolve(base, t) for kind, t in rels.values() if kind.endswith("/sharedStrings")), None)
        styles_path = next((self._resolve(base, t) for kind, t in rels.values() if kind.endswith("/styles")), None)
        self.shared = self._shared_strings(shared_path) if shared_path in names else []
        self.date_styles = self._date_styles(styles_path) if styles_path in names else frozenset()

    # -- package plumbing ----------------------------------------------------------------------

    def _parse(self, name: str) -> Any:
        parser = self._etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        return self._etree.fromstring(self.zip.read(name), parser)

    def _office_document_path(self, names: set[str]) -> str:
        if "_rels/.rels" in names:
            for kind, target in self._rels("_rels/.rels").values():
                if kind.endswith("/officeDocument"):
                    return target.lstrip("/")
        return "xl/workbook.xml"

    def _rels(self, name: str) -> dict[str, tuple[str, str]]:
        try:
            root = self._parse(name)
        except KeyError:
            return {}
        return {
            el.get("Id", ""): (el.get("Type", ""), el.get("Target", "")) for el in root if local_name(el.tag) == "Relationship"
        }

    @staticmethod
    def _resolve(base: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(base, target))

    def _shared_strings(self, name: str) -> list[str]:
        """The shared-string table: a regex scan for plain XML (as for sheets; about twice as
        fast as lxml's iterparse), lxml for anything else."""
        if self.zip.getinfo(name).file_size <= _REGEX_MAX_BYTES:
            text = self.zip.read(name).decode("utf-8")
            if "<![CDATA[" not in text and "<!DOCTYPE" not in text and ":si" not in text and ":t>" not in text:
                strings = self._shared_strings_regex(text)
                # every <si> read (none skipped by an unexpected shape), else let lxml read it
                if len(strings) == text.count("<si"):
                    return strings
        return self._shared_strings_lxml(name)

    @staticmethod
    def _shared_strings_regex(text: str) -> list[str]:
        return [
            # cells are whitespace-normalized; rich text runs are concatenated, phonetic guides
            # (rPh) are not text
            " ".join(unescape(plain or "".join(_T_RE.findall(_RPH_RE.sub("", inner)))).split())
            for plain, inner in _SI_RE.findall(text)
        ]

    def _shared_strings_lxml(self, name: str) -> list[str]:
        strings: list[str] = []
        with self.zip.open(name) as handle:
            for _, si in self._etree.iterparse(handle, events=("end",), tag="{*}si", resolve_entities=False, huge_tree=True):
                # rich text runs are concatenated; phonetic guides (rPh) are not text
                text = "".join(t.text or "" for t in si.iter("{*}t") if local_name(t.getparent().tag) != "rPh")
                strings.append(" ".join(text.split()))  # cells are whitespace-normalized
                si.clear()
        return strings

    def _date_styles(self, name: str) -> frozenset[int]:
        root = self._parse(name)
        custom: dict[int, str] = {}
        dates: set[int] = set()
        for el in root.iter("{*}numFmt"):
            try:
                custom[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
            except ValueError:
                continue
        for xfs in root.iter("{*}cellXfs"):
            for index, xf in enumerate(x for x in xfs if local_name(x.tag) == "xf"):
                try:
                    fmt = int(xf.get("numFmtId", "0"))
                except ValueError:
                    continue
                if fmt in DATE_BUILTIN or (fmt in custom and is_date_format(custom[fmt])):
                    dates.add(index)
        return frozenset(dates)

    # -- cells ---------------------------------------------------------------------------------

    def _date(self, value: float) -> str:
        epoch = datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)
        # to the millisecond, as openpyxl does: serials are binary fractions of a day
        moment = epoch + timedelta(milliseconds=round(value * 86_400_000))
        if 0 <= value < 1 and not self.date1904:
            return moment.time().isoformat()
        return str(moment)

    def _number(self, v: str, style: str | None) -> str:
        if style is not None and self.date_styles and int(style) in self.date_styles:
            try:
                return self._date(float(v))
            except (ValueError, OverflowError):
                return v
        # numbers: integral values without ".0", the rest as Python prints the float
        try:
            number = float(v)
        except ValueError:
            return v
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)

    def iter_rows(self, sheet_path: str) -> Iterator[tuple[int, list[str]]]:
        """Rows of one sheet: a regex scan for plain sheet XML (the common case, several times
        faster), lxml's streaming parser for anything else (prefixed names, CDATA, very large
        sheets)."""
        info = self.zip.getinfo(sheet_path)
        if info.file_size <= _REGEX_MAX_BYTES:
            text = self.zip.read(sheet_path).decode("utf-8")
            head = text[:4096]
            plain = "<![CDATA[" not in text and ":row" not in text and ":c " not in text
            if ("<sheetData" in head or "<sheetData" in text) and plain:
                yield from self._iter_rows_regex(text)
                return
        yield from self._iter_rows_lxml(sheet_path)

    def _iter_rows_regex(self, text: str) -> Iterator[tuple[int, list[str]]]:
        """Rows of plain sheet XML, from the tokens of ``_TOKEN_RE``: common cells are read
        here, the others by ``_general_cell`` with the same meaning as the lxml scan."""
        shared = self.shared
        date_styles = self.date_styles
        columns: dict[str, int] = {}
        number = 0
        cells: list[str] | None = None
        begin = text.find("<sheetData")
        stop = text.find("</sheetData>", begin)
        body = text[begin : stop if stop >= 0 else len(text)]
        for is_row, row_ref, row_attrs, empty, letters, style, kind, attrs, v, inline, inner in _TOKEN_RE.findall(body):
            if is_row:
                if cells is not None:
                    yield number, cells
                if row_ref:
                    number = int(row_ref)
                else:
                    number_match = _R_ATTR.search(row_attrs)
                    number = int(number_match.group(1)) if number_match else number + 1
                cells = []
                if empty:  # <row r="5" ht="20"/>: a row without cells (Excel writes them for formatting)
                    yield number, cells
                    cells = None
                continue
            if cells is None:  # a cell outside any row: not plain sheet XML
                raise ValueError("cell outside a row")
            if not letters:  # attributes in another order or with others: the general reading
                col, value = self._general_cell(attrs, v, inline, inner, columns, len(cells))
            else:
                known = columns.get(letters)
                if known is None:  # letters matched [A-Z]+, so column_index never gives None here
                    known = columns[letters] = column_index(letters) or 0
                col = known
                # here an absent t= or s= is "" (its group did not match)
                if v:
                    if kind == "s":
                        value = shared[int(v)]
                    elif not kind or kind == "n":
                        if style and date_styles and int(style) in date_styles:
                            value = self._number(v, style)
                        elif v.isdigit() and v.isascii() and len(v) < 16 and (v[0] != "0" or len(v) == 1):
                            value = v  # a plain integer prints as itself: what _number gives, cheaper
                        else:
                            value = self._number(v, None)
                    elif kind == "b":
                        value = "True" if v.strip() in ("1", "true") else "False"
                    else:  # str (formula result), e (error), d (ISO date), inlineStr with <v>
                        value = " ".join(unescape(v).split())
                elif inline:  # (the & test saves a call per cell: most text has no entity)
                    value = " ".join((unescape(inline) if "&" in inline else inline).split())
                elif inner:
                    value = self._cell_content(inner, kind or None, style or None)
                else:  # <c r="A1" s="3"/>: a formatted empty cell
                    value = ""
            if col == len(cells):
                cells.append(value)
            else:
                if col > len(cells):
                    cells.extend([""] * (col - len(cells) + 1))
                cells[col] = value
        if cells is not None:
            yield number, cells

    def _general_cell(
        self, attrs: str, v: str, inline: str, inner: str, columns: dict[str, int], default: int
    ) -> tuple[int, str]:
        """Column and value of a cell whose attributes are not in the common order."""
        ref = kind = style = None
        for name, value in _ATTR_RE.findall(attrs):
            if name == "r":
                ref = value
            elif name == "t":
                kind = value
            elif name == "s":
                style = value
        # the token split the content into groups: put it back together for the general reading
        if v:
            inner = f"<v>{v}</v>"
        elif inline:
            inner = f"<is><t>{inline}</t></is>"
        return self._column(ref, columns, default), self._cell_content(inner, kind, style) if inner else ""

    @staticmethod
    def _column(ref: str | None, columns: dict[str, int], default: int) -> int:
        """0-based column of a cell reference ("C12" -> 2); ``default`` without a usable one."""
        if not ref:
            return default
        letters = ref.rstrip("0123456789")
        col = columns.get(letters)
        if col is None:
            col = column_index(letters)
            if col is None:
                return default
            columns[letters] = col
        return col

    def _cell_content(self, inner: str, kind: str | None, style: str | None) -> str:
        """Value of a cell whose content is not a lone <v> or plain inline string (formula and
        value, rich inline text with runs and phonetic guides, empty <v></v>)."""
        v_match = _V_RE.search(inner)
        if v_match is None:
            if "<is" in inner:
                raw = "".join(_T_RE.findall(_RPH_RE.sub("", inner)))
                return " ".join(unescape(raw).split())
            return ""
        v = v_match.group(1)
        if kind == "s":
            return self.shared[int(v)]
        if kind is None or kind == "n":
            return self._number(v, style) if v else ""
        if kind == "b":
            return "True" if v.strip() in ("1", "true") else "False"
        return " ".join(unescape(v).split())

    def _iter_rows_lxml(self, sheet_path: str) -> Iterator[tuple[int, list[str]]]:
        shared = self.shared
        columns: dict[str, int] = {}
        with self.zip.open(sheet_path) as handle:
            expected = 1
            ns = ""
            for _, row in self._etree.iterparse(handle, events=("end",), tag="{*}row", resolve_entities=False, huge_tree=True):
                if not ns:
                    ns = row.tag[: -len("row")]
                    c_tag, v_tag, is_tag, t_tag, rph_tag = ns + "c", ns + "v", ns + "is", ns + "t", ns + "rPh"
                try:
                    number = int(row.get("r") or expected)
                except ValueError:
                    number = expected
                cells: list[str] = []
                for c in row:
                    if c.tag != c_tag:
                        continue
                    ref = c.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        col = columns.get(letters)
                        if col is None:
                            col = column_index(letters)
                            if col is None:
                                col = len(cells)
                            else:
                                columns[letters] = col
                    else:
                        col = len(cells)
                    kind = c.get("t")
                    v_el = c.find(v_tag)
                    if v_el is None:
                        is_el = c.find(is_tag)
                        if is_el is None:
                            value = ""
                        else:
                            # rich text runs are concatenated; phonetic guides (rPh) are not text
                            text = "".join(t.text or "" for t in is_el.iter(t_tag) if t.getparent().tag != rph_tag)
                            value = " ".join(text.split())
                    else:
                        v = v_el.text or ""
                        if kind == "s":
                            value = shared[int(v)]
                        elif kind is None or kind == "n":
                            value = self._number(v, c.get("s")) if v else ""
                        elif kind == "b":
                            value = "True" if v.strip() in ("1", "true") else "False"
                        else:  # str (formula result), e (error), d (ISO date), inlineStr with <v>
                            value = " ".join(v.split())
                    if col >= len(cells):
                        cells.extend([""] * (col - len(cells) + 1))
                    cells[col] = value
                yield number, cells
                expected = number + 1
                # free parsed rows: memory stays flat on large sheets
                row.clear()
                parent = row.getparent()
                if parent is not None:
                    while row.getprevious() is not None:
                        del parent[0]
