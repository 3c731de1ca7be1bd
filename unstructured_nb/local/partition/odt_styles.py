"""OpenDocument styles as pandoc's odt reader uses them: bold/italic of text styles, list label formats.

Styles come from ``styles.xml`` (named and automatic) and ``content.xml`` (automatic); a style
inherits from its ``style:parent-style-name`` chain. A list level is a bullet or a number with
a format ("1", "a", "A", "i", "I"), a prefix/suffix and a start value; pandoc writes a number
level to Word as ``%N.``, ``%N)`` or ``(%N)`` (the delimiter it recognises), which is the label
the library then shows ("1.", "a)", "(iv)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .docx_numbering import format_number

STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
FO_NS = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
S = f"{{{STYLE_NS}}}"
T = f"{{{TEXT_NS}}}"
FO = f"{{{FO_NS}}}"
OFFICE = f"{{{OFFICE_NS}}}"

_LENGTH = re.compile(r"-?\d+(?:\.\d+)?")
_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}


@dataclass(frozen=True, slots=True)
class ListLevel:
    numbered: bool
    fmt: str = "decimal"
    delimiter: str = "."  # "." / ")" / "()"
    start: int = 1

    def label(self, value: int) -> str:
        if not self.numbered:
            return ""
        number = format_number(value, self.fmt) or str(value)
        return f"({number})" if self.delimiter == "()" else f"{number}{self.delimiter}"


_BULLET = ListLevel(numbered=False)
_DEFAULT = ListLevel(numbered=True)


class OdfStyles:
    """Text properties and list styles of one document, resolved through parent styles."""

    def __init__(self, roots: list[Any]) -> None:
        self._styles: dict[tuple[str, str], Any] = {}
        self._lists: dict[str, dict[int, ListLevel]] = {}
        self._emphasis: dict[tuple[str, str], tuple[bool | None, bool | None]] = {}
        for root in roots:
            for container in (root.find(f"{OFFICE}styles"), root.find(f"{OFFICE}automatic-styles")):
                if container is None:
                    continue
                for style in container.iterchildren(f"{S}style"):
                    name = style.get(f"{S}name")
                    if name:
                        self._styles[(style.get(f"{S}family") or "", name)] = style
                for list_style in container.iterchildren(f"{T}list-style"):
                    name = list_style.get(f"{S}name")
                    if name:
                        self._lists[name] = _levels(list_style)

    def emphasis(self, family: str, name: str | None) -> tuple[bool | None, bool | None]:
        """(bold, italic) a style sets, following its parents; None where none of them says."""
        if not name:
            return None, None
        key = (family, name)
        if key not in self._emphasis:
            bold: bool | None = None
            italic: bool | None = None
            seen: set[str] = set()
            current: str | None = name
            while current and current not in seen and (family, current) in self._styles:
                seen.add(current)
                style = self._styles[(family, current)]
                props = style.find(f"{S}text-properties")
                if props is not None:
                    weight = props.get(f"{FO}font-weight")
                    if bold is None and weight is not None:
                        bold = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
                    slant = props.get(f"{FO}font-style")
                    if italic is None and slant is not None:
                        italic = slant in ("italic", "oblique")
                # pandoc's odt reader does not take bold/italic from a text style's parents
                current = None
            self._emphasis[key] = (bold, italic)
        return self._emphasis[key]

    def paragraph_list_style(self, name: str | None) -> str | None:
        """The list style a paragraph style names (``style:list-style-name``), following its parents."""
        seen: set[str] = set()
        while name and name not in seen and ("paragraph", name) in self._styles:
            seen.add(name)
            style = self._styles[("paragraph", name)]
            found = style.get(f"{S}list-style-name")
            if found:
                return str(found)
            name = style.get(f"{S}parent-style-name")
        return None

    def indented(self, name: str | None) -> bool:
        """Whether a paragraph style (or its parents) indents its left margin: pandoc's block quote."""
        seen: set[str] = set()
        while name and name not in seen and ("paragraph", name) in self._styles:
            seen.add(name)
            style = self._styles[("paragraph", name)]
            props = style.find(f"{S}paragraph-properties")
            margin = props.get(f"{FO}margin-left") if props is not None else None
            if margin is not None:
                number = _LENGTH.match(margin)
                return number is not None and float(number.group(0)) > 0
            name = style.get(f"{S}parent-style-name")
        return False

    def list_level(self, list_style: str | None, level: int) -> ListLevel:
        """The level (1-based) of a list style: a bullet when the style lacks the level; numbers
        ("1.") when the list has no style or an unknown one, as pandoc reads it."""
        levels = self._lists.get(list_style or "")
        if levels is None:
            return _DEFAULT
        return levels.get(level, _BULLET)


def _levels(list_style: Any) -> dict[int, ListLevel]:
    levels: dict[int, ListLevel] = {}
    for child in list_style.iterchildren():
        tag = child.tag if isinstance(child.tag, str) else ""
        raw_level = child.get(f"{T}level") or "1"
        level = int(raw_level) if raw_level.isdigit() else 1
        if tag == f"{T}list-level-style-number":
            fmt = child.get(f"{S}num-format")
            prefix = child.get(f"{S}num-prefix") or ""
            suffix = child.get(f"{S}num-suffix") or ""
            start = child.get(f"{T}start-value") or "1"
            if not fmt:
                levels[level] = _BULLET
                continue
            delimiter = "()" if prefix.endswith("(") and suffix.startswith(")") else (")" if suffix.startswith(")") else ".")
            levels[level] = ListLevel(True, _FORMATS.get(fmt, "decimal"), delimiter, int(start) if start.isdigit() else 1)
        elif tag in (f"{T}list-level-style-bullet", f"{T}list-level-style-image"):
            levels[level] = _BULLET
    return levels
