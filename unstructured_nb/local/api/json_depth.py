"""How deeply a JSON text nests, counted in one linear pass without parsing it.

Python's parser, pydantic and FastAPI's encoders all recurse: settings nested 900 deep end
in a RecursionError (a 500, or a dropped connection) somewhere below the route. Counting
the brackets first (outside strings) lets the engine answer a clear 422 instead.
"""

from __future__ import annotations

import re

__all__ = ["MAX_JSON_DEPTH", "TOO_DEEP", "json_depth"]

#: Deepest nesting of objects and arrays the engine accepts in a JSON body or field.
MAX_JSON_DEPTH = 64

TOO_DEEP = (
    f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep, more than the local engine accepts: "
    "workflow nodes and their settings are a few levels deep. Flatten the settings and send them again."
)

# a JSON string (escapes included); one char or one escape per step, so linear time
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(text: bytes | str, stop_at: int = MAX_JSON_DEPTH) -> int:
    """The deepest nesting of ``[``/``{`` in ``text`` (brackets inside strings do not count).

    Stops counting once ``stop_at`` is passed (returns ``stop_at + 1``). Malformed text
    gets a best-effort figure: the parser reports its own error afterwards.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRING.sub(b"", data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    return deepest
        else:
            depth = max(depth - 1, 0)
    return deepest
