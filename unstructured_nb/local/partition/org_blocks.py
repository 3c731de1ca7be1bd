"""Org mode's blocks (paragraphs, lists, tables, #+BEGIN blocks, drawers, footnotes) and inline markup as pandoc's HTML.

Used by ``org.py``, which splits the document at its headlines. Every regex stops at its own
delimiter or a line end (no catastrophic backtracking); list nesting is capped at ``MAX_DEPTH``.
"""

from __future__ import annotations

import html as std_html
import re

MAX_DEPTH = 40  # list nesting / headline tree depth beyond which content is kept flat
HEADLINE = re.compile(r"(\*+)[ \t]+(.*)")
_DRAWER = re.compile(r"[ \t]*:([\w-]+):[ \t]*$")
_END = re.compile(r"[ \t]*:END:[ \t]*$", re.I)
KEYWORD = re.compile(r"[ \t]*#\+(\w+)(?:\[[^\]\n]*\])?:[ \t]*(.*)")
_BEGIN = re.compile(r"[ \t]*#\+BEGIN_(\w+)[ \t]*(.*)", re.I)
_BULLET = re.compile(r"([ \t]*)([-+]|\*(?=[ \t])|\d+[.)]|[A-Za-z][.)])(?:[ \t]+(.*))?$")
_CHECKBOX = re.compile(r"\[([ Xx-])\][ \t]+")
_TABLE = re.compile(r"[ \t]*\|")
_RULE = re.compile(r"[ \t]*\|-")
_HR = re.compile(r"[ \t]*-{5,}[ \t]*$")
_FIXED = re.compile(r"[ \t]*:(?: (.*)|$)")
_COMMENT = re.compile(r"[ \t]*#(?: |$)")
_FOOTDEF = re.compile(r"\[fn:([\w-]+)\][ \t]*(.*)")
_DESC = re.compile(r"(.*?)[ \t]+::(?:[ \t]+(.*)|$)")
_DEFAULT_TODO = ("TODO", "DONE")
# inline markup: each pattern stops at its own delimiter or a newline, so matching stays linear
_INLINE = re.compile(
    r"\[\[([^\[\]\n]{1,2000})\](?:\[([^\]\n]{0,2000})\])?\]"  # links
    r"|\[fn:([\w-]{1,100})(?::([^\]\n]{0,2000}))?\]"  # footnote references (or inline footnotes)
    r"|(?<![\w*/_=~+])([*/_=~+])(?=\S)([^\n]{0,2000}?\S)\5(?![\w])"  # emphasis
)
_EMPH_TAGS = {"*": "strong", "/": "em", "_": "u", "=": "code", "~": "code", "+": "del"}
_SMART = (("---", "—"), ("--", "–"), ("...", "…"))


class OrgDoc:
    """Parse state: TODO keywords, export options, footnotes."""

    def __init__(self) -> None:
        self.todo: set[str] = set(_DEFAULT_TODO)
        self.custom_todo: set[str] = set()
        self.max_level = 3
        self.footnotes: dict[str, str] = {}
        self.footnote_order: list[str] = []

    def inline(self, text: str, depth: int = 0) -> str:
        """Escaped HTML of a line of org text with its links, emphasis and footnote references."""
        if depth > 8:  # markup nested this deep: the rest is text
            return _plain(text)
        out: list[str] = []
        pos = 0
        for m in _INLINE.finditer(text):
            out.append(_plain(text[pos : m.start()]))
            pos = m.end()
            if m.group(1) is not None:
                target, desc = m.group(1), m.group(2)
                label = self.inline(desc, depth + 1) if desc else _plain(target)
                out.append(f'<a href="{std_html.escape(target)}">{label}</a>')
            elif m.group(3) is not None:
                name = m.group(3)
                if m.group(4):
                    self.footnotes.setdefault(name, m.group(4))
                if name not in self.footnote_order:
                    self.footnote_order.append(name)
                n = self.footnote_order.index(name) + 1
                out.append(f'<a href="#fn{n}" class="footnote-ref"><sup>{n}</sup></a>')
            else:
                tag = _EMPH_TAGS[m.group(5)]
                body = m.group(6)
                inner = std_html.escape(body) if tag == "code" else self.inline(body, depth + 1)
                out.append(f"<{tag}>{inner}</{tag}>")
        out.append(_plain(text[pos:]))
        return "".join(out)


def _plain(text: str) -> str:
    for a, b in _SMART:
        text = text.replace(a, b)
    return std_html.escape(text, quote=False)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def blocks(doc: OrgDoc, lines: list[str], depth: int = 0) -> list[str]:
    """HTML of a run of org lines without headlines."""
    out: list[str] = []
    para: list[str] = []
    i, n = 0, len(lines)

    def flush() -> None:
        if para:
            out.append("<p>" + doc.inline(" ".join(s.strip() for s in para)) + "</p>")
            para.clear()

    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
            continue
        begin = _BEGIN.match(line)
        if begin:
            flush()
            kind = begin.group(1).upper()
            end = re.compile(r"[ \t]*#\+END_" + re.escape(begin.group(1)) + r"\b", re.I)
            j = i + 1
            while j < n and not end.match(lines[j]):
                j += 1
            out.extend(_special_block(doc, kind, begin.group(2), lines[i + 1 : j], depth))
            i = j + 1
            continue
        found = KEYWORD.match(line)
        if found:
            flush()
            keyword(doc, found.group(1).upper(), found.group(2))
            i += 1
            continue
        if _COMMENT.match(line):
            flush()
            i += 1
            continue
        drawer = _DRAWER.match(line)
        if drawer:
            j = i + 1
            while j < n and not _END.match(lines[j]) and not HEADLINE.match(lines[j]):
                j += 1
            if j < n and _END.match(lines[j]):
                flush()
                name = drawer.group(1).upper()
                if name not in ("PROPERTIES", "LOGBOOK"):
                    out.append("<div>" + "".join(blocks(doc, lines[i + 1 : j], depth + 1)) + "</div>")
                i = j + 1
                continue
        if _TABLE.match(line):
            flush()
            j = i
            while j < n and _TABLE.match(lines[j]):
                j += 1
            out.append(_table(doc, lines[i:j]))
            i = j
            continue
        if _HR.match(line):
            flush()
            out.append("<hr />")
            i += 1
            continue
        fixed = _FIXED.match(line)
        if fixed and not _DRAWER.match(line):
            flush()
            j = i
            code: list[str] = []
            while j < n and (m := _FIXED.match(lines[j])):
                code.append(m.group(1) or "")
                j += 1
            out.append("<pre><code>" + std_html.escape("\n".join(code)) + "</code></pre>")
            i = j
            continue
        footdef = _FOOTDEF.match(line) if _indent(line) == 0 else None
        if footdef:
            flush()
            body = [footdef.group(2)]
            j = i + 1
            while j < n and lines[j].strip() and not _FOOTDEF.match(lines[j]):
                body.append(lines[j].strip())
                j += 1
            doc.footnotes[footdef.group(1)] = " ".join(body)
            i = j
            continue
        bullet = _BULLET.match(line)
        if bullet and depth < MAX_DEPTH:
            flush()
            html, i = _list(doc, lines, i, depth)
            out.append(html)
            continue
        para.append(line)
        i += 1
    flush()
    return out


def keyword(doc: OrgDoc, key: str, value: str) -> None:
    if key in ("TODO", "SEQ_TODO", "TYP_TODO"):
        words = [w.split("(")[0] for w in value.split() if w != "|"]
        if not doc.custom_todo:
            doc.todo = set()
        doc.custom_todo.update(words)
        doc.todo.update(words)
    elif key == "OPTIONS":
        for option in value.split():
            if option.startswith("H:") and option[2:].isdigit():
                doc.max_level = min(int(option[2:]), 6)


def _special_block(doc: OrgDoc, kind: str, args: str, body: list[str], depth: int) -> list[str]:
    if kind in ("SRC", "EXAMPLE"):
        lines = [line[1:] if line.startswith((",*", ",#+")) else line for line in body]
        common = min((_indent(s) for s in lines if s.strip()), default=0)
        code = "\n".join(s[common:] for s in lines)
        return ["<pre><code>" + std_html.escape(code) + "</code></pre>"]
    if kind == "QUOTE":
        return ["<blockquote>" + "".join(blocks(doc, body, depth + 1)) + "</blockquote>"]
    if kind == "VERSE":
        return ["<p>" + "<br />".join(doc.inline(s.strip()) for s in body if s.strip()) + "</p>"]
    if kind == "COMMENT":
        return []
    if kind == "EXPORT":
        # pandoc passes raw HTML export blocks through to its HTML (partition_html parses them safely)
        return ["\n".join(body)] if args.split()[:1] == ["html"] else []
    return ["<div>" + "".join(blocks(doc, body, depth + 1)) + "</div>"]


def _list(doc: OrgDoc, lines: list[str], i: int, depth: int) -> tuple[str, int]:
    """The list starting at line ``i``: (its HTML, the index after it)."""
    first = _BULLET.match(lines[i])
    assert first is not None
    base = len(first.group(1).expandtabs(8))
    ordered = first.group(2)[0] not in "-+*"
    items: list[tuple[str, list[str]]] = []  # (bullet text, body lines)
    n = len(lines)
    blanks = 0
    loose = False
    while i < n:
        line = lines[i]
        if not line.strip():
            blanks += 1
            if blanks >= 2:
                break
            i += 1
            continue
        width = _indent(line.expandtabs(8))
        bullet = _BULLET.match(line)
        if width < base or (width == base and not bullet) or HEADLINE.match(line):
            break
        if width == base and bullet and (bullet.group(2)[0] not in "-+*") != ordered:
            break  # pandoc: another kind of bullet starts another list
        if width == base and bullet:
            if blanks and items:
                loose = True
            items.append((bullet.group(3) or "", []))
        else:
            if blanks:
                items[-1][1].append("")
            items[-1][1].append(line)
        blanks = 0
        i += 1
    description = False
    parts: list[str] = []
    for first_line, body in items:
        text = first_line
        check = _CHECKBOX.match(text)
        if check:  # pandoc's HTML: a checkbox <input>, which has no text
            text = text[check.end() :]
        desc = None if ordered else _DESC.match(text)
        if desc:
            description = True
            term, text = desc.group(1), desc.group(2) or ""
        inner = blocks(doc, [text, *body], depth + 1)
        if inner and inner[0].startswith("<p>") and not loose:
            inner[0] = inner[0][3:-4]  # a tight item: its text is not a paragraph
        content = "".join(inner)
        if desc:
            parts.append(f"<dt>{doc.inline(term.strip())}</dt><dd>{content}</dd>")
        else:
            parts.append(f"<li>{content}</li>")
    tag = "dl" if description else "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(parts) + f"</{tag}>", i


def _table(doc: OrgDoc, lines: list[str]) -> str:
    rows: list[list[str] | None] = []
    for line in lines:
        if _RULE.match(line):
            rows.append(None)
            continue
        cells = line.strip()[1:]
        if cells.endswith("|"):
            cells = cells[:-1]
        rows.append([c.strip() for c in cells.split("|")])
    header = len(rows) > 1 and rows[0] is not None and rows[1] is None
    data = [r for r in rows if r is not None]
    parts = ["<table>"]
    for k, row in enumerate(data):
        cell = "th" if header and k == 0 else "td"
        if header and k == 0:
            parts.append("<thead>")
        elif k == (1 if header else 0):
            parts.append("<tbody>")
        parts.append("<tr>" + "".join(f"<{cell}>{doc.inline(c)}</{cell}>" for c in row) + "</tr>")
        if header and k == 0:
            parts.append("</thead>")
    if len(data) > (1 if header else 0):
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)
