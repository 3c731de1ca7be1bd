"""Cell values in .xlsx XML: XML entities, column letters and number formats that are dates."""

from __future__ import annotations

import re

DATE_BUILTIN = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[(?!h\]|m\]|s\])[^\]]*\]', re.I)
_DATE_TOKENS = re.compile(r"[dmyhs]", re.I)
_COL = re.compile(r"^([A-Z]+)")

_ENTITY_RE = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    # only what XML allows: a parser (lxml, openpyxl) rejects anything else
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise ValueError(f"character reference &#{code}; is not allowed in XML")


def unescape(text: str) -> str:
    """XML character data as a parser reads it: the five predefined entities and character
    references. (html.unescape is not XML: it reads &#150; as cp1252's dash, &nbsp; as a space.)
    Anything else raises, and the caller falls back to a real XML parser."""
    if "&" not in text:
        return text
    result, count = _ENTITY_RE.subn(_entity, text)
    if count != text.count("&"):
        raise ValueError("entity reference that XML does not define")
    return result


def local_name(tag: object) -> str:
    """An lxml tag without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def column_index(ref: str | None) -> int | None:
    """0-based column of a cell reference ("C7" -> 2), None when it has none."""
    if not ref:
        return None
    match = _COL.match(ref)
    if not match:
        return None
    index = 0
    for char in match.group(1):
        index = index * 26 + (ord(char) - 64)
    return index - 1


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time (quoted text and colours ignored)."""
    cleaned = _QUOTED.sub("", code)
    return cleaned.lower() != "general" and bool(_DATE_TOKENS.search(cleaned))
