"""Counting the characters of a set of code point ranges in UTF-8 bytes, without a regex.

``len(re.findall("[\\u0400-\\u04ff]", text))`` builds one string per match: on a page of Cyrillic
that is milliseconds. In UTF-8 every character of a range is one of a few byte prefixes (a lead
byte, or a lead byte and continuation bytes): Cyrillic is exactly the characters whose lead byte
is D0-D3. A lead byte never occurs in a continuation position, so occurrences of such a prefix
neither overlap nor start inside another character, and counting them counts the characters:
bytes.translate for the lead bytes whose whole block is in the range, bytes.count for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

# the first code point of each UTF-8 length (shorter encodings of it are invalid, never produced)
_FIRST = {1: 0, 2: 0x80, 3: 0x800, 4: 0x10000}


def _length(lead: int) -> int:
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _block(prefix: bytes) -> tuple[int, int]:
    """The code points whose UTF-8 encoding starts with ``prefix``."""
    n = _length(prefix[0])
    lead_bits = prefix[0] & (0x7F >> n if n > 1 else 0x7F)
    value = lead_bits
    for byte in prefix[1:]:
        value = value << 6 | (byte & 0x3F)
    free = 6 * (n - len(prefix))
    return max(value << free, _FIRST[n]), (value << free) | ((1 << free) - 1)


def _prefixes(first: int, last: int) -> list[bytes]:
    """The fewest UTF-8 prefixes whose characters are exactly ``first``..``last``."""
    out: list[bytes] = []
    cp = first
    while cp <= last:
        encoded = chr(cp).encode("utf-8", "surrogatepass")
        for k in range(1, len(encoded) + 1):
            start, end = _block(encoded[:k])
            if start == cp and end <= last:
                break
        out.append(encoded[:k])
        cp = end + 1
    return out


@dataclass(frozen=True, slots=True)
class CodePoints:
    """Characters of some code point ranges, counted in UTF-8 bytes (surrogatepass included)."""

    whole: bytes  # single bytes (ASCII, or lead bytes whose whole block is in the ranges)
    # longer prefixes for the rest, by lead byte (bytes.count scans at about a byte per
    # nanosecond, a lead byte's absence is found by memchr many times faster)
    prefixes: tuple[tuple[int, tuple[bytes, ...]], ...]
    leads: bytes  # every non-ASCII lead byte of the ranges: none in the text, no character

    @classmethod
    def of(cls, *ranges: tuple[int, int]) -> CodePoints:
        found = [p for first, last in ranges for p in _prefixes(first, last)]
        whole = bytes(sorted({p[0] for p in found if len(p) == 1}))
        longer: dict[int, list[bytes]] = {}
        for p in found:
            if len(p) > 1:
                longer.setdefault(p[0], []).append(p)
        by_lead = tuple((lead, tuple(group)) for lead, group in longer.items())
        return cls(whole, by_lead, bytes(sorted({p[0] for p in found if p[0] >= 0x80})))

    def present(self, encoded: bytes) -> bool:
        """False when ``encoded`` holds no character of the (non-ASCII) ranges: none of their lead bytes."""
        return any(lead in encoded for lead in self.leads)

    def count(self, encoded: bytes) -> int:
        """How many characters of the ranges the UTF-8 bytes ``encoded`` hold."""
        n = len(encoded) - len(encoded.translate(None, self.whole)) if self.whole else 0
        for lead, prefixes in self.prefixes:
            if lead in encoded:
                n += sum(map(encoded.count, prefixes))
        return n
