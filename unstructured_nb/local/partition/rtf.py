"""RTF (.rtf): our own tokenizer renders the HTML pandoc's RTF reader would, then partition_html.

One linear regex scan over control words, hex escapes, groups and text; a stack of group states
(no recursion). Skipped as pandoc skips them: font/colour/style/list tables, document info,
pictures, objects, headers/footers, bookmarks and other ``\\*`` destinations, ``\\listtext``
(the bullet), hidden text. ``\\par`` ends a paragraph (``\\line`` -> ``<br>``); ``\\'hh`` bytes are
decoded in the document's ``\\ansicpg`` code page; ``\\uN`` with its ``\\ucN`` fallback chars
skipped. Paragraphs in a list (``\\lsN``, level ``\\ilvlN``) -> list items; else
``\\outlinelevelN`` -> a heading; ``\\intbl`` paragraphs with ``\\cell``/``\\row`` -> a table;
HYPERLINK fields -> links; ``\\b``/``\\i`` -> strong/em; footnotes -> an end list, as pandoc's.
"""

from __future__ import annotations

import codecs
import html as std_html
import re
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError

MAX_INPUT_BYTES = 200_000_000
_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, optional parameter, its delimiter space
    rb"|\\'([0-9a-fA-F]{2})"  # hex byte
    rb"|\\([^a-zA-Z'])"  # control symbol
    rb"|([{}])"
    rb"|([^\\{}\r\n]+)"  # text
    rb"|[\r\n]+"
    rb"|\\"
)
_SKIP = frozenset(
    b"fonttbl colortbl stylesheet info listtable listoverridetable revtbl rsidtbl generator xmlnstbl "
    b"pict object header headerl headerr headerf footer footerl footerr footerf themedata "
    b"colorschememapping datastore latentstyles pgdsctbl userprops nonshppict filetbl "
    b"private fldtype template docvar ftnsep ftnsepc ftncn aftnsep aftnsepc aftncn bkmkstart bkmkend "
    b"xe tc txe rxe pnseclvl pntext pntxta pntxtb".split()
)
_SYMBOLS = {
    b"emdash": "—",
    b"endash": "–",
    b"lquote": "‘",
    b"rquote": "’",
    b"ldblquote": "“",
    b"rdblquote": "”",
    b"bullet": "•",
    b"tab": "\t",
    b"emspace": " ",
    b"enspace": " ",
    b"qmspace": " ",
    b"~": " ",
    b"_": "-",
    b"-": "",
}
_HANDLED = frozenset(
    b"u par sect line cell nestcell row pard intbl outlinelevel ls ilvl plain b i v uc ansicpg fldrslt footnote page".split()
) | frozenset(_SYMBOLS)
_HYPERLINK = re.compile(r'HYPERLINK\s+(?:\\l\s+)?"([^"]*)"|HYPERLINK\s+(\S+)')
_ORDERED = re.compile(r"\w[.)]")


class _State:
    __slots__ = ("bold", "dest", "hidden", "italic", "link", "uc", "url")

    def __init__(self) -> None:
        self.dest = ""  # "": document text; "skip"; "fldinst"; "footnote"
        self.bold = self.italic = self.hidden = False
        self.uc = 1
        self.url: str | None = None  # the enclosing field's HYPERLINK target
        self.link: str | None = None  # inside that field's result

    def copy(self) -> _State:
        new = _State.__new__(_State)
        for name in _State.__slots__:
            setattr(new, name, getattr(self, name))
        return new


class _Writer:
    """Paragraphs, lists and tables as HTML, from the runs of text the scanner feeds."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.runs: list[str] = []  # HTML of the current paragraph
        self.notes: list[str] = []
        self.intbl = False
        self.outline: int | None = None
        self.list_id = 0
        self.level = 0
        self.list_text = ""
        self.cells: list[str] = []
        self.cell_text: list[str] = []  # paragraphs of the current cell
        self.rows: list[list[str]] = []
        self.open_lists: list[str] = []  # tags of the open lists, outermost first
        self.last_item = -1  # index in out of the last list item's start

    def text(self, state: _State, text: str) -> None:
        body = std_html.escape(text, quote=False)
        if state.bold:
            body = f"<strong>{body}</strong>"
        if state.italic:
            body = f"<em>{body}</em>"
        if state.link is not None:
            body = f'<a href="{std_html.escape(state.link)}">{body}</a>'
        self.runs.append(body)

    def paragraph(self) -> None:
        body = "".join(self.runs).strip()
        self.runs = []
        if self.intbl:
            self.cell_text.append(body)
            return
        self.close_table()
        if not body:
            return
        if self.list_id:
            tag = "ol" if _ORDERED.search(self.list_text) else "ul"
            depth = min(self.level, 8) + 1
            while len(self.open_lists) > depth:
                self.out.append(f"</li></{self.open_lists.pop()}>")
            if len(self.open_lists) == depth and self.open_lists[-1] != tag:
                self.out.append(f"</li></{self.open_lists.pop()}>")
                self.last_item = -1
            if len(self.open_lists) == depth:
                self.out.append("</li>")
            if len(self.open_lists) < depth and self.last_item >= 0:
                # an item holding a nested list: pandoc writes its text as a paragraph, which the
                # library does not make a ListItem
                self.out[self.last_item] = "<li><p>" + self.out[self.last_item][4:] + "</p>"
            while len(self.open_lists) < depth:
                self.out.append(f"<{tag}>")
                self.open_lists.append(tag)
                if len(self.open_lists) < depth:
                    self.out.append("<li>")
            self.last_item = len(self.out)
            self.out.append(f"<li>{body}")
            return
        self.close_lists()
        if self.outline is not None and self.outline < 6:
            self.out.append(f"<h{self.outline + 1}>{body}</h{self.outline + 1}>")
        else:
            self.out.append(f"<p>{body}</p>")

    def cell(self) -> None:
        if self.runs:
            intbl, self.intbl = self.intbl, True
            self.paragraph()
            self.intbl = intbl
        self.cells.append(" ".join(t for t in self.cell_text if t))
        self.cell_text = []

    def row(self) -> None:
        if self.runs or self.cell_text:
            self.cell()
        self.rows.append(self.cells)
        self.cells = []

    def close_lists(self) -> None:
        self.last_item = -1
        while self.open_lists:
            self.out.append(f"</li></{self.open_lists.pop()}>")

    def close_table(self) -> None:
        if self.cells or self.cell_text:
            self.row()
        if not self.rows:
            return
        self.close_lists()
        cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in self.rows)
        self.out.append(f"<table><tbody>{cells}</tbody></table>")
        self.rows = []

    def finish(self) -> str:
        if self.runs:
            self.paragraph()
        self.intbl = False
        self.close_table()
        self.close_lists()
        if self.notes:
            self.out.append("<section><hr /><ol>" + "".join(f"<li><p>{n}</p></li>" for n in self.notes) + "</ol></section>")
        return "".join(self.out)


def rtf_to_html(data: bytes, filename: str) -> str:
    """The HTML pandoc's RTF reader would write for ``data`` (structure and text)."""
    if not data.lstrip()[:5] == b"{\\rtf":
        raise FileProcessingError(f"{filename} is not an RTF document (it does not start with {{\\rtf); check the file")
    codepage = "cp1252"
    state = _State()
    stack: list[_State] = []
    w = _Writer()
    skip_chars = 0  # \uN fallback characters still to skip
    pending: list[bytes] = []  # \'hh bytes waiting to be decoded together (multi-byte code pages)
    field_text: list[str] = []
    note_runs: list[str] | None = None

    def flush_bytes() -> None:
        if pending:
            text = b"".join(pending).decode(codepage, "replace")
            pending.clear()
            emit(text)

    def emit(text: str) -> None:
        if state.dest == "fldinst":
            field_text.append(text)
        elif state.dest == "listtext":
            w.list_text += text
        elif state.dest in ("", "footnote") and not state.hidden and text:
            w.text(state, text)

    pos = 0
    while pos >= 0:
        jump = -1
        for m in _TOKEN.finditer(data, pos):
            word, arg, hexa, symbol, brace, text = m.groups()
            if hexa is not None:
                if skip_chars:
                    skip_chars -= 1
                else:
                    pending.append(bytes.fromhex(hexa.decode()))
                continue
            flush_bytes()
            if text is not None:
                if skip_chars:
                    cut = min(skip_chars, len(text))
                    skip_chars -= cut
                    text = text[cut:]
                if text:
                    emit(text.decode(codepage, "replace"))
                continue
            if brace is not None:
                skip_chars = 0
                if brace == b"{":
                    stack.append(state)
                    state = state.copy()
                elif stack:
                    closing = state
                    state = stack.pop()
                    if closing.dest == "fldinst" and state.dest != "fldinst":
                        found = _HYPERLINK.search("".join(field_text))
                        field_text = []
                        if found:
                            target = found.group(1) if found.group(1) is not None else found.group(2)
                            state.url = ("#" + target) if "\\l" in found.group(0) else target
                    elif closing.dest == "footnote" and state.dest != "footnote":
                        body = "".join(w.runs[len(note_runs or []) :]).strip() if note_runs is not None else ""
                        w.runs = note_runs or []
                        note_runs = None
                        if body:
                            n = len(w.notes) + 1
                            w.notes.append(body)
                            w.runs.append(f'<a href="#fn{n}"><sup>{n}</sup></a>')
                continue
            if symbol is not None:
                if symbol == b"*":
                    if state.dest != "fldinst" and not data.startswith((b"\\fldinst", b"\\listtext"), m.end()):
                        state.dest = "skip"
                        jump = _group_end(data, m.end())
                        break
                elif symbol in b"{}\\":
                    emit(symbol.decode())
                elif symbol in _SYMBOLS:
                    emit(_SYMBOLS[symbol])
                elif symbol in (b"\n", b"\r") and not state.dest:
                    w.paragraph()
                continue
            if word is None:
                continue
            if skip_chars and word != b"u":
                skip_chars -= 1
                continue
            if word == b"fldinst":
                state.dest = "fldinst"
                field_text = []
                continue
            if word == b"listtext":
                state.dest = "listtext"
                w.list_text = ""
                continue
            if word in _SKIP or state.dest == "skip":
                state.dest = "skip"
                jump = _group_end(data, m.end())
                break
            if word not in _HANDLED:
                continue  # formatting this reader does not use (fonts, sizes, spacing...)
            if word == b"u" and arg is not None:
                code = int(arg)
                if code < 0:
                    code += 65536
                emit(chr(code) if code < 0xD800 or code > 0xDFFF else "\ufffd")
                skip_chars = state.uc
            elif word == b"par" or word == b"sect":
                if state.dest == "footnote":
                    w.runs.append(" ")
                elif not state.dest:
                    w.paragraph()
            elif word == b"line":
                if not state.dest or state.dest == "footnote":
                    w.runs.append("<br />")
            elif word == b"cell" or word == b"nestcell":
                if not state.dest:
                    w.cell()
            elif word == b"row":
                if not state.dest:
                    w.row()
            elif word == b"pard":
                w.intbl = False
                w.outline = None
                w.list_id = 0
                w.level = 0
                w.list_text = ""
            elif word == b"intbl":
                w.intbl = True
            elif word == b"outlinelevel" and arg is not None:
                w.outline = int(arg)
            elif word == b"ls" and arg is not None:
                w.list_id = int(arg)
            elif word == b"ilvl" and arg is not None:
                w.level = max(0, int(arg))
            elif word == b"plain":
                state.bold = state.italic = state.hidden = False
            elif word == b"b":
                state.bold = arg != b"0"
            elif word == b"i":
                state.italic = arg != b"0"
            elif word == b"v":
                state.hidden = arg != b"0"
            elif word == b"uc" and arg is not None:
                state.uc = max(0, min(int(arg), 10))
            elif word == b"ansicpg" and arg is not None:
                codepage = _codepage(int(arg))
            elif word == b"fldrslt":
                state.link = state.url
            elif word == b"footnote" and not state.dest:
                state.dest = "footnote"
                note_runs = w.runs
                w.runs = list(note_runs)
            elif word in _SYMBOLS:
                emit(_SYMBOLS[word])
            elif word == b"page" and not state.dest:
                w.paragraph()
        pos = jump
    flush_bytes()
    return w.finish()


_BRACES = re.compile(rb"\\[\\{}]|[{}]")


def _group_end(data: bytes, pos: int) -> int:
    """Where the group open at ``pos`` closes (its ``}``), or the end of the data."""
    depth = 1
    for m in _BRACES.finditer(data, pos):
        token = m.group()
        if token == b"{":
            depth += 1
        elif token == b"}":
            depth -= 1
            if depth == 0:
                return m.start()
    return len(data)


def _codepage(number: int) -> str:
    name = f"cp{number}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def partition_rtf(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an RTF document."""
    from .html import partition_html

    if path.stat().st_size > MAX_INPUT_BYTES:
        raise FileProcessingError(
            f"{sink.filename} is larger than {MAX_INPUT_BYTES // 1_000_000} MB; split it into smaller files"
        )
    return partition_html(rtf_to_html(path.read_bytes(), sink.filename), sink, settings)
