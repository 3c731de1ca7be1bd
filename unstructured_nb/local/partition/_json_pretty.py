"""JSON pretty-printed exactly as ``json.dumps(value, indent=2, sort_keys=True)`` writes it, fast.

The library's JSON partitioner puts that text in its elements. With ``indent`` the standard
library encodes in pure Python through nested generators; orjson (a Rust encoder) writes the
same layout with the same sorted keys twenty times faster, but writes floats its own way
(``1e-7`` where Python writes ``1e-07``), NaN as null, and DEL and non-ASCII characters
unescaped. So orjson writes the values that hold no floats (:func:`load_json` tells), those
characters are escaped afterwards, and everything else goes through an emitter of our own that
follows ``json.dumps`` token for token.
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring_ascii
from typing import Any

import orjson

from ._errors import FileProcessingError

# what ensure_ascii escapes and orjson does not: DEL and everything beyond ASCII
_NON_ASCII = re.compile(r"[^\x00-\x7e]")


def load_json(text: str) -> tuple[Any, bool]:
    """``json.loads(text)``, and whether the value holds a float, NaN or Infinity.

    (json's hooks are called for those literals only: the C scanner reads everything else.)
    """
    floats: list[str] = []

    def as_float(literal: str) -> float:
        floats.append(literal)
        return float(literal)

    return json.loads(text, parse_float=as_float, parse_constant=as_float), bool(floats)


def _escape(match: re.Match[str]) -> str:
    return encode_basestring_ascii(match.group())[1:-1]


def pretty_json(value: Any, *, floats: bool = True) -> str:
    """``json.dumps(value, indent=2, sort_keys=True)`` for what ``json.loads`` returns, several times faster.

    ``floats=False`` promises that ``value`` holds no float, NaN or Infinity (as
    :func:`load_json` tells): orjson then writes it, and only DEL and non-ASCII characters are
    escaped afterwards. Otherwise, and for what orjson refuses (integers beyond 64 bits, lone
    surrogates, nesting deeper than 255), a Python emitter writes it.
    """
    if not floats:
        try:
            written = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
        except (orjson.JSONEncodeError, TypeError):
            pass
        else:
            # non-ASCII characters occur only inside strings: escaped as json.dumps' ensure_ascii does
            return written if written.isascii() and "\x7f" not in written else _NON_ASCII.sub(_escape, written)
    out: list[str] = []
    try:
        _emit(value, out, "\n")
    except RecursionError:
        raise FileProcessingError("the JSON is nested too deeply to partition; flatten or split it") from None
    return "".join(out)


_CONSTANTS = {True: "true", False: "false"}


def _emit(value: Any, out: list[str], newline: str) -> None:
    if isinstance(value, str):
        out.append(encode_basestring_ascii(value))
    elif value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append(_CONSTANTS[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in sorted(value.items()):
            out.append(separator)
            out.append(encode_basestring_ascii(key))
            out.append(": ")
            _emit(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _emit(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    else:  # not produced by json.loads: the standard encoder's answer (or its TypeError)
        out.append(json.dumps(value, indent=2, sort_keys=True))


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)
