"""Word list numbering: the label ("1.", "a)", "iv.") Word shows for a numbered paragraph."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._ooxml import W as _W
from ._ooxml import style_id as paragraph_style_id
from ._ooxml import w_text

if TYPE_CHECKING:
    from .docx import DocxWalker

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


def format_number(value: int, fmt: str) -> str | None:
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


class ListLabels:
    """The label Word shows for an auto-numbered paragraph ("1.", "a)"), like the library's.

    Resolves ``w:numPr`` (the paragraph's own, else its style chain's) against numbering.xml and
    keeps the running counters; bullets have no label. Never raises: unknown numbering -> "".
    """

    def __init__(self, document: Any, walker: DocxWalker) -> None:
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
        self._levels: dict[tuple[int, int, int], Any] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.restarted: set[tuple[str, int]] = set()

    @staticmethod
    def _val(element: Any, tag: str) -> str | None:
        child = element.find(f"{_W}{tag}")
        return None if child is None else child.get(f"{_W}val")

    def num_pr(self, num_pr: Any) -> tuple[str | None, int | None]:
        if num_pr is None:
            return None, None
        ilvl = self._val(num_pr, "ilvl")
        try:
            return self._val(num_pr, "numId"), None if ilvl is None else int(float(ilvl))
        except ValueError:
            return self._val(num_pr, "numId"), None

    def resolve(self, p: Any) -> tuple[str | None, int | None, str | None]:
        own = p.find(f"{_W}pPr/{_W}numPr")
        num_id, ilvl = self.num_pr(own)
        style_num, style_ilvl, style_id = self.walker.style_numbering(paragraph_style_id(p))
        if num_id is None:
            return style_num, ilvl if ilvl is not None else style_ilvl, style_id
        return num_id, ilvl if ilvl is not None else style_ilvl, None

    def _level(self, num: Any, abstract: Any, ilvl: int) -> Any | None:
        # the numbering part does not change while a document is read: each level looked up once
        key = (id(num), id(abstract), ilvl)  # (both elements are kept alive by self.nums/abstracts)
        if key not in self._levels:
            self._levels[key] = self._find_level(num, abstract, ilvl)
        return self._levels[key]

    def _find_level(self, num: Any, abstract: Any, ilvl: int) -> Any | None:
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
        if ppr is not None and ppr.find(f"{_W}sectPr") is not None and not w_text(p).strip():
            return ""
        num_id, ilvl, style_id = self.resolve(p)
        if num_id in (None, "0") or num_id not in self.nums:
            return ""
        num = self.nums[num_id]
        abstract_id = self._val(num, "abstractNumId")
        abstract = self.abstracts.get(abstract_id) if abstract_id is not None else None
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
            rendered = format_number(value, self._val(referenced, "numFmt") or "decimal")
            if rendered is None:
                failed = True
                return ""
            return rendered

        text = re.sub(r"%(\d)", placeholder, self._val(lvl, "lvlText") or "").strip()
        return "" if failed else text
