"""The visible text of an HTML document by one left-to-right scan: lxml's cross-check and fallback.

libxml2 silently drops what lies deeper than its nesting limit, so ``html.py`` compares the
text lxml found with the text this scanner finds, and partitions this text when lxml lost most
of it. The scanner is a tokenizer in the manner of the WHATWG one, reduced to what visible text
needs: tags (with quoted attribute values), comments, doctypes, raw-text elements
(``<script>``, ``<style>``, ...) and the page chrome ``html.py`` leaves out.

Linear time on any input: every search starts where the previous one ended and the position
only moves forward, so no character is examined more than a bounded number of times; what is
left unterminated at the end of the file (``<script`` without its end tag, ``<!--`` without
``-->``, a tag without ``>``) is dropped, as a browser does, instead of being searched for again
from each later ``<``. The only regexes are single character-class runs or searches matched at
a position, which cannot backtrack. Not the stdlib's ``html.parser``: the Python we run on
(3.11.7) predates the fix of its quadratic time on unterminated comments and tags (CVE-2025-6069).
"""

from __future__ import annotations

import html
import re
import string

# content never shown, whose end tag is the only thing that ends it (the rest is not markup)
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "iframe", "noembed", "noframes"})
# containers html.py leaves out with everything inside them (as its lxml walk does)
_DROPPED = frozenset({"noscript", "template", "head", "nav", "footer", "svg", "object", "canvas", "select", "button"})
#: block-level elements: html.py's lxml walk starts a new element at them (with a few more), the
#: scanner a new paragraph (with line and row breaks)
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "ol", "p", "pre", "section", "summary", "table", "ul",
    }
)  # fmt: skip
# elements that break the text into paragraphs
_BREAKS = BLOCK_TAGS | {"br", "tr"}
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps every index
_NAME = re.compile(r"[^\t\n\f\r />]*")
_SPACE = re.compile(r"[\t\n\f\r ]*")
_TAG_STOP = re.compile(r"[>=]")
_MARKUP = re.compile(r"<[A-Za-z/!?]")


def _run_end(run: re.Pattern[str], text: str, pos: int) -> int:
    """Where the run of ``run``'s characters starting at ``pos`` ends."""
    found = run.match(text, pos)
    return found.end() if found else pos


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.low = text.translate(_ASCII_LOWER)  # names compared in ASCII lower case, as HTML does
        self.n = len(text)
        self.out: list[str] = []
        self.dropped: list[str] = []  # open left-out containers, innermost last
        self.open_count: dict[str, int] = {}

    def run(self) -> str:
        text, n = self.text, self.n
        i = 0
        while i < n:
            # the next "<" that starts markup; any other "<" ("a < b", "<3") is text
            found = _MARKUP.search(text, i)
            if found is None:
                self.emit(text[i:])
                break
            lt = found.start()
            self.emit(text[i:lt])
            nxt = self.low[lt + 1]
            if "a" <= nxt <= "z":
                i = self.start_tag(lt)
            elif nxt == "/":
                after = self.low[lt + 2 : lt + 3]
                if after and "a" <= after <= "z":
                    i = self.end_tag(lt)
                else:  # "</>" is ignored, "</3 ...>" a bogus comment
                    i = self.skip_past(">", lt + 2)
            elif text.startswith("<!--", lt):
                i = self.comment(lt)
            else:  # "<!doctype", "<![CDATA[", "<?...": up to the next ">"
                i = self.skip_past(">", lt + 2)
        return html.unescape("".join(self.out))

    def emit(self, piece: str) -> None:
        if piece and not self.dropped:
            self.out.append(piece)

    def skip_past(self, needle: str, start: int) -> int:
        """The index after the next ``needle`` from ``start``; the end of the text if there is none."""
        found = self.text.find(needle, start)
        return self.n if found < 0 else found + len(needle)

    def comment(self, lt: int) -> int:
        for empty in ("<!-->", "<!--->"):
            if self.text.startswith(empty, lt):
                return lt + len(empty)
        return self.skip_past("-->", lt + 4)

    def tag_end(self, start: int) -> int:
        """The index after the ``>`` that ends a tag whose attributes begin at ``start``
        (``>`` inside a quoted attribute value does not end it); the end of the text if none."""
        text, n = self.text, self.n
        j = start
        while True:
            stop = _TAG_STOP.search(text, j)
            if stop is None:
                return n
            k = stop.start()
            if text[k] == ">":
                return k + 1
            v = _run_end(_SPACE, text, k + 1)
            if v < n and text[v] in "\"'":
                close = text.find(text[v], v + 1)
                if close < 0:
                    return n
                j = close + 1
            else:
                j = v

    def start_tag(self, lt: int) -> int:
        name_end = _run_end(_NAME, self.low, lt + 1)
        name = self.low[lt + 1 : name_end]
        end = self.tag_end(name_end)
        self_closing = self.text[end - 2 : end] == "/>"
        if name in _BREAKS:
            self.emit("\n\n")
        else:
            self.emit(" ")
        if name == "body":  # a body start tag closes an unclosed head, as the tree builder does
            self.close("head")
        if name in _RAW_TEXT:
            return self.raw_text(name, end)
        if name == "plaintext":  # the rest of the file is text
            self.emit(self.text[end:])
            return self.n
        if name in _DROPPED and name not in _VOID and not self_closing:
            self.dropped.append(name)
            self.open_count[name] = self.open_count.get(name, 0) + 1
        return end

    def end_tag(self, lt: int) -> int:
        name_end = _run_end(_NAME, self.low, lt + 2)
        name = self.low[lt + 2 : name_end]
        end = self.skip_past(">", name_end)
        self.close(name)
        self.emit("\n\n" if name in _BREAKS else " ")
        return end

    def close(self, name: str) -> None:
        """Close the innermost open left-out container ``name`` and those inside it (each is
        pushed and popped once, so this is linear over the file)."""
        if not self.open_count.get(name):
            return
        while self.dropped:
            top = self.dropped.pop()
            self.open_count[top] -= 1
            if top == name:
                return

    def raw_text(self, name: str, start: int) -> int:
        """Skip a raw-text element's content up to its end tag (``</script`` then a space, ``/``
        or ``>``); an element never closed runs to the end of the file."""
        low, needle = self.low, "</" + name
        j = start
        while True:
            found = low.find(needle, j)
            if found < 0:
                return self.n
            after = found + len(needle)
            if after >= self.n or low[after] in "\t\n\f\r />":
                return self.skip_past(">", after)
            j = after


def visible_text(markup: str) -> str:
    """The text a browser would show for ``markup``, entities decoded, paragraphs (block
    elements) separated by blank lines, scripts, styles, comments and page chrome left out."""
    return _Scanner(markup).run()
