"""The API key: held in a :class:`Secret` that never prints, and masked in any text a server may echo.

A key must not reach an output, a repr, an exception or a log line. Holding it in a
``Secret`` keeps it out of every repr (including the locals a ``%xmode Verbose`` traceback
prints), and :meth:`Secret.mask` replaces it in text a server or a library sends back, in
the encodings a server may use when it quotes a request: as sent, URL-encoded, base64
(at any alignment inside a longer base64 text), hex, and in any letter case.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "Secret", "hidden"]

MASK = "***"

# Too short to find reliably inside other text: a fragment this small is masked only whole.
_MIN_FRAGMENT = 6


def _base64_forms(raw: bytes) -> set[str]:
    """The base64 text of ``raw`` as it appears inside any longer base64 text.

    Inside a longer string the key starts at byte offset 0, 1 or 2 of a 3-byte group; for
    each alignment, only the characters that depend on the key alone are kept.
    """
    forms: set[str] = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode("ascii").rstrip("=")
        # the first characters mix in the padding bytes, the last ones the following bytes
        start = {0: 0, 1: 2, 2: 3}[shift]
        end = len(encoded) - (1 if (shift + len(raw)) % 3 else 0)
        fragment = encoded[start:end]
        if len(fragment) >= _MIN_FRAGMENT:
            forms.add(fragment)
            forms.add(fragment.replace("+", "-").replace("/", "_"))  # the URL-safe alphabet
    return forms


class Secret:
    """A value that is sent but never shown: ``repr``, ``str`` and f-strings give ``'***'``."""

    __slots__ = ("_pattern", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        raw = value.encode("utf-8")
        forms = {value, quote(value, safe=""), quote_plus(value), raw.hex()}
        forms |= _base64_forms(raw)
        ordered = sorted((f for f in forms if f), key=len, reverse=True)  # longest first
        self._pattern = re.compile("|".join(re.escape(f) for f in ordered), re.IGNORECASE)

    def reveal(self) -> str:
        """The value itself, for the one place it is sent (the request header)."""
        return self._value

    def mask(self, value: Any) -> Any:
        """``value`` with every echo of the secret replaced by ``***`` (strings, lists and dicts, recursively)."""
        if isinstance(value, str):
            return self._pattern.sub(MASK, value)
        if isinstance(value, list):
            return [self.mask(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.mask(v) for v in value)
        if isinstance(value, dict):
            return {self.mask(k): self.mask(v) for k, v in value.items()}
        return value

    def __repr__(self) -> str:
        return f"'{MASK}'"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> Any:  # a pickled client or error must not carry the key either
        raise TypeError("a Secret cannot be pickled")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def hidden(key: str | Secret | None) -> Secret | None:
    """``key`` held in a :class:`Secret` (None when empty).

    Rebind a key argument with it first thing (``api_key = hidden(api_key)``): a traceback's
    frames then show ``'***'`` in its place, whatever is raised below.
    """
    if key is None or isinstance(key, Secret):
        return key
    key = key.strip()
    return Secret(key) if key else None
