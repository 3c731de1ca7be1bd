"""Content-stream objects as pdfminer.six's ``PDFContentParser`` gives them, read with one regular expression.

pdfminer tokenizes content streams a byte class at a time in Python (several calls per token);
most of a page's parse time went there. ``content_objects`` yields the same top-level objects
(numbers, strings, names, booleans, arrays, dictionaries, operators) following pdfminer's rules
to the quirk: numbers as ``int``/``float`` (malformed ones dropped), ``/Name#41`` escapes, literal
string escapes and nested parentheses, hex strings with an odd last digit taken as is, a lone
``>`` skipped, single-character operators, unbalanced ``]``/``>>``/``}`` ignored, an unterminated
array or string dropping the rest. Inline images (``BI ... ID data EI``) are handed to pdfminer's
own parser, whose binary-data scan is kept as is. ``FastInterpreter`` runs pdfminer's operators on
those objects exactly as ``PDFPageInterpreter.execute`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword, PSSyntaxError, keyword_name, literal_name
from pdfminer.utils import choplist

_TOKEN = re.compile(
    rb"(?P<ws>[ \t\n\r\f\v\x00]+)"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|/(?P<name>[^#/%\[\]()<>{}\s]*)(?P<hash>#)?"
    rb"|(?P<num>[-+][0-9]*(?:\.[0-9]*)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]*)"
    rb"|(?P<kw>[A-Za-z][^#/%\[\]()<>{}\s]*)"
    rb"|(?P<str>\()"
    rb"|(?P<dict><<)"
    rb"|<(?P<hex>[ \t\n\r\f\v0-9a-fA-F]*)"
    rb"|(?P<enddict>>>)"
    rb"|(?P<gt>>)"
    rb"|(?P<other>.)",
    re.S,
)
_SPACE = re.compile(rb"\s")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.", re.S)
_STRING_SPECIAL = re.compile(rb"[()\\]")
_NAME_END = re.compile(rb"[#/%\[\]()<>{}\s]")
_HEX_DIGIT = b"0123456789abcdefABCDEF"
_OCTAL = b"01234567"
_ESCAPES = {ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("f"): 12, ord("r"): 13, ord("("): 40, ord(")"): 41, ord("\\"): 92}
_BI, _ID = KWD(b"BI"), KWD(b"ID")
_OPEN = {b"[": "a", b"{": "p"}
_CLOSE = {b"]": "a", b"}": "p"}
_UNSET = object()


def content_objects(data: bytes) -> Iterator[Any]:
    """The top-level objects of ``data`` (streams joined by "\\n"), in order, as ``PDFContentParser`` yields them."""
    data += b"\n"  # pdfminer ends the last token with a newline at end of data
    match = _TOKEN.match
    stack: list[Any] = []
    context: list[tuple[str | None, list[Any]]] = []
    kind: str | None = None
    pos, end = 0, len(data)
    while pos < end:
        m = match(data, pos)
        assert m is not None  # the last alternative matches any byte
        group = m.lastgroup
        pos = m.end()
        value: Any = _UNSET
        if group == "ws" or group == "comment" or group == "gt":
            continue
        if group == "num":
            text = m.group("num")
            try:
                value = float(text) if b"." in text else int(text)
            except ValueError:
                continue
        elif group == "kw":
            word = m.group("kw")
            if word == b"true":
                value = True
            elif word == b"false":
                value = False
            else:
                keyword = KWD(word)
                if keyword is _BI and not context:
                    inline, pos = _inline_image(data, m.start())
                    yield from inline
                    continue
                if keyword is _ID:
                    continue  # ID outside an inline image: pdfminer's type mismatch, ignored
                value = keyword
        elif group == "name" or group == "hash":
            if m.group("hash") is None:
                raw = m.group("name")
            else:
                raw, pos = _escaped_name(data, m.start() + 1)
            try:
                value = LIT(str(raw, "utf-8"))
            except UnicodeDecodeError:
                value = LIT(raw)
        elif group == "str":
            parsed = _string(data, pos)
            if parsed is None:
                return  # unterminated: pdfminer drops it and stops
            value, pos = parsed
        elif group == "hex":
            if m.end() >= end:
                return  # unterminated hex string at the end: dropped
            digits = _SPACE.sub(b"", m.group("hex"))
            value = _HEX_PAIR.sub(lambda pair: bytes((int(pair.group(0), 16),)), digits)
        elif group == "dict":
            context.append((kind, stack))
            kind, stack = "d", []
            continue
        elif group == "enddict":
            if kind != "d":
                continue
            objs = stack
            kind, stack = context.pop()
            if len(objs) % 2:
                raise PSSyntaxError(f"Invalid dictionary construct: {objs!r}")
            value = {literal_name(k): v for (k, v) in choplist(2, objs) if v is not None}
        else:  # one byte: an operator of one character, or an array/procedure bracket
            char = m.group("other")
            if char in _OPEN:
                context.append((kind, stack))
                kind, stack = _OPEN[char], []
                continue
            if char in _CLOSE:
                if kind != _CLOSE[char]:
                    continue
                value = stack
                kind, stack = context.pop()
            else:
                value = KWD(char)
        if context:
            stack.append(value)
        else:
            yield value


def _string(data: bytes, pos: int) -> tuple[bytes, int] | None:
    """A literal string from just after its "(": pdfminer's ``_parse_string``/``_parse_string_1``."""
    out = bytearray()
    depth = 1
    search = _STRING_SPECIAL.search
    end = len(data)
    while True:
        m = search(data, pos)
        if m is None:
            return None
        j = m.start()
        out += data[pos:j]
        c = data[j]
        pos = j + 1
        if c == 0x5C:  # backslash
            if pos >= end:
                return None
            c = data[pos]
            if c in _OCTAL:
                k = pos
                while k < end and k - pos < 3 and data[k] in _OCTAL:
                    k += 1
                code = int(data[pos:k], 8)
                assert code < 256, f"Invalid octal {data[pos:k]!r} ({code})"  # as pdfminer: the page fails
                out.append(code)
                pos = k
            elif c in _ESCAPES:
                out.append(_ESCAPES[c])
                pos += 1
            elif c == 0x0D and data[pos + 1 : pos + 2] == b"\n":
                pos += 2
            else:
                pos += 1  # any other escaped byte (a line break included) is dropped
        elif c == 0x28:  # (
            depth += 1
            out.append(c)
        else:  # )
            depth -= 1
            if not depth:
                return bytes(out), pos
            out.append(c)


def _escaped_name(data: bytes, pos: int) -> tuple[bytes, int]:
    """A name with ``#xx`` escapes from just after its "/": pdfminer's ``_parse_literal``/``_parse_literal_hex``."""
    out = bytearray()
    while True:
        m = _NAME_END.search(data, pos)
        j = m.start() if m else len(data)
        out += data[pos:j]
        if m is None or data[j] != 0x23:  # not "#": the name ends here
            return bytes(out), j
        k = j + 1
        while k < len(data) and k - j - 1 < 2 and data[k] in _HEX_DIGIT:
            k += 1
        if k > j + 1:
            out.append(int(data[j + 1 : k], 16))
        pos = k


def _inline_image(data: bytes, start: int) -> tuple[list[Any], int]:
    """``BI ... ID data EI`` at ``start``, parsed by pdfminer itself: (the objects it yields, where it stopped)."""
    parser = PDFContentParser([PDFStream({}, data[start:])])
    objs: list[Any] = []
    try:
        objs.append(parser.nextobject()[1])  # the image's stream (pdfminer stops its scan after EI)
        while parser.results:
            objs.append(parser.results.pop(0)[1])
    except Exception:
        return objs, len(data)
    return objs, start + parser.bufpos + parser.charpos


class FastInterpreter(PDFPageInterpreter):
    """``PDFPageInterpreter`` whose ``execute`` reads operators with ``content_objects``; the same operators run."""

    def execute(self, streams: Sequence[object]) -> None:
        valid: list[PDFStream] = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            # pdfminer's guard against circular content streams (form XObjects drawing themselves)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                continue
            valid.append(stream)
            self.stream_ids.add(stream.objid)
        if not valid:
            return
        data = b"\n".join(stream.get_data() for stream in valid)
        methods: dict[PSKeyword, tuple[Any, int]] = {}
        for obj in content_objects(data):  # read as drawn, like pdfminer: a malformed stream fails the page
            if isinstance(obj, PSKeyword):
                known = methods.get(obj)
                if known is None:
                    name = keyword_name(obj)
                    method = getattr(self, "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q"), None)
                    known = methods[obj] = (None, 0) if method is None else (method, method.__code__.co_argcount - 1)
                func, nargs = known
                if func is None:
                    continue  # unknown operator: pdfminer ignores it (not strict)
                if nargs:
                    args = self.pop(nargs)
                    if len(args) == nargs:
                        func(*args)
                else:
                    func()
            else:
                self.push(obj)
