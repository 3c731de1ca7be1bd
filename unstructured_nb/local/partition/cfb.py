"""Reads the streams asked for from a Compound File (MS-CFB, the container of .msg), bounded.

Why not olefile: olefile materialises and checks an object for every directory entry (with a
debug-log call or several each) and python-oxmsg on top of it reads every stream of every storage,
while a .msg needs about a dozen streams. This reader parses the directory with
``struct.iter_unpack`` (a tuple per entry, names decoded only for the storages walked) and reads
only the streams asked for, with olefile's layout rules: the header's 109 DIFAT entries and then
the DIFAT sector chain give the FAT sectors, the directory is a FAT chain, streams under 4096
bytes live in the root entry's mini stream (64-byte sectors, mini FAT), a storage's children are
its red-black tree walked in order and sorted by name; 512- and 4096-byte sectors.

Every input is hostile: each chain walk stops on a loop and at the number of sectors in the file,
every sector and entry number is range-checked, a declared size larger than the file is refused,
all reads together are capped at a few times the file size, the directory holds at most
``MAX_ENTRIES`` entries and a tree walk (no recursion: its stack is bounded by the entry count)
visits an entry once. A malformed file raises ``CompoundFileError``, whose text says what is wrong.
"""

from __future__ import annotations

import os
import struct
import sys
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    import mmap

SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
STORAGE, STREAM = 1, 2  # directory entry types
MAX_ENTRIES = 1 << 18  # directory entries; a .msg with hundreds of attachments has a few thousand
_NOSTREAM = 0xFFFFFFFF
_ENDOFCHAIN, _FREESECT = 0xFFFFFFFE, 0xFFFFFFFF
_MINI_SECTOR, _MINI_CUTOFF = 64, 4096
_MMAP_FROM = 4 << 20  # bytes: smaller files are read whole, larger ones mapped
# signature, clsid, minor, major, byte order, sector shift, mini sector shift, reserved,
# then: directory sectors, FAT sectors, first directory sector, transaction, mini cutoff,
# first mini FAT sector, mini FAT sectors, first DIFAT sector, DIFAT sectors
_HEADER = struct.Struct("<8s16sHHHHH6sIIIIIIIII")
# name, name length, type, colour, left, right, child, clsid, state, created, modified, start,
# size low, size high
_ENTRY = struct.Struct("<64sHBBIII16sIQQIII")
_NAME, _NAME_LEN, _TYPE, _LEFT, _RIGHT, _CHILD, _START, _SIZE_LOW, _SIZE_HIGH = 0, 1, 2, 4, 5, 6, 11, 12, 13

Buffer = Union[bytes, "mmap.mmap"]
Entry = tuple[Any, ...]  # _ENTRY's fields, read by the indexes above


class CompoundFileError(ValueError):
    """The file is not a readable Compound File; ``str(exc)`` says what is wrong, in a few words."""


def _u32(data: bytes) -> array[int]:
    values = array("I")
    values.frombytes(data[: len(data) - len(data) % 4])
    if sys.byteorder == "big":  # pragma: no cover - the format is little-endian
        values.byteswap()
    return values


class CompoundFile:
    """The directory and allocation tables of one Compound File held in ``data``."""

    def __init__(self, data: Buffer) -> None:
        self._data = data
        size = len(data)
        if size < 512 or bytes(data[:8]) != SIGNATURE:
            raise CompoundFileError("it is not a Compound File")
        head = _HEADER.unpack_from(data, 0)
        shift, mini_shift = head[5], head[6]
        if shift not in (9, 12) or mini_shift != 6:
            raise CompoundFileError(f"its sector size 2**{shift} is neither 512 nor 4096")
        self._ss = ss = 1 << shift
        self._sectors = (size + ss - 1) // ss - 1  # after the header (which takes one sector)
        if self._sectors < 1:
            raise CompoundFileError("it is cut short after its header")
        self._budget = 3 * size + 65536
        first_dir, first_minifat, minifat_sectors, first_difat, difat_sectors = (
            head[10],
            head[13],
            head[14],
            head[15],
            head[16],
        )
        self._fat = self._load_fat(_u32(bytes(data[76:512])), first_difat, difat_sectors)
        directory = self._read_chain(self._chain(first_dir, self._fat, None), ss)
        count = len(directory) // 128
        if count > MAX_ENTRIES:
            raise CompoundFileError(f"its directory has more than {MAX_ENTRIES} entries")
        self._entries: list[Entry] = list(_ENTRY.iter_unpack(directory[: count * 128]))
        if not self._entries:
            raise CompoundFileError("its directory is empty")
        self._first_minifat, self._minifat_sectors = first_minifat, minifat_sectors
        self._minifat: array[int] | None = None
        self._ministream = b""
        self._visited: set[int] = set()

    # -- sectors and chains -------------------------------------------------------------------

    def _sector(self, sect: int) -> bytes:
        """One whole sector of the file (the FAT and DIFAT sectors must be whole)."""
        if sect >= self._sectors:
            raise CompoundFileError("a sector number is out of range")
        start = (sect + 1) * self._ss
        sector = bytes(self._data[start : start + self._ss])
        if len(sector) != self._ss:
            raise CompoundFileError("it is cut short (an allocation sector is incomplete)")
        return sector

    def _load_fat(self, header_difat: array[int], sect: int, difat_sectors: int) -> array[int]:
        fat_sectors: list[int] = []
        for value in header_difat:
            if value in (_ENDOFCHAIN, _FREESECT):
                break
            fat_sectors.append(value)
        if difat_sectors > self._sectors:
            raise CompoundFileError("it declares more DIFAT sectors than it has sectors")
        per = self._ss // 4 - 1
        seen: set[int] = set()
        for _ in range(difat_sectors):
            if sect in seen:
                raise CompoundFileError("its DIFAT chain loops")
            seen.add(sect)
            difat = _u32(self._sector(sect))
            for value in difat[:per]:
                if value in (_ENDOFCHAIN, _FREESECT):
                    break
                fat_sectors.append(value)
            sect = difat[per]
        if len(fat_sectors) > self._sectors:
            raise CompoundFileError("it declares more FAT sectors than it has sectors")
        fat = _u32(b"".join(self._sector(s) for s in fat_sectors))
        return fat[: self._sectors]

    def _chain(self, start: int, table: array[int], count: int | None) -> list[int]:
        """The sector numbers from ``start``: ``count`` of them, or up to the end of the chain."""
        chain: list[int] = []
        seen: set[int] = set()
        limit = len(table)
        sect = start
        while count is None or len(chain) < count:
            if sect == _ENDOFCHAIN and count is None:
                break
            if sect >= limit:
                raise CompoundFileError(
                    "a stream is shorter than declared" if sect == _ENDOFCHAIN else "a sector number is out of range"
                )
            if sect in seen:
                raise CompoundFileError("a sector chain loops")
            seen.add(sect)
            chain.append(sect)
            sect = table[sect]
        return chain

    def _read_chain(self, chain: list[int], unit: int, source: Buffer | None = None) -> bytes:
        """The bytes of the ``unit``-sized sectors of ``chain``, consecutive runs sliced at once."""
        data, base = (self._data, unit) if source is None else (source, 0)
        parts: list[bytes] = []
        i, n = 0, len(chain)
        while i < n:
            j = i + 1
            while j < n and chain[j] == chain[j - 1] + 1:
                j += 1
            start = base + chain[i] * unit
            parts.append(bytes(data[start : start + (j - i) * unit]))
            i = j
        out = b"".join(parts)
        self._budget -= len(out)
        if self._budget < 0:
            raise CompoundFileError("reading it would take several times its size")
        return out

    # -- directory ------------------------------------------------------------------------------

    def _entry(self, sid: int) -> Entry:
        if sid >= len(self._entries):
            raise CompoundFileError("a directory entry number is out of range")
        return self._entries[sid]

    def _size(self, entry: Entry) -> int:
        # olefile: the high half of the size is only meaningful with 4096-byte sectors
        size: int = entry[_SIZE_LOW] if self._ss == 512 else entry[_SIZE_LOW] | entry[_SIZE_HIGH] << 32
        if size > len(self._data):
            raise CompoundFileError("it declares a stream larger than the file")
        return size

    def storage(self, sid: int = 0) -> tuple[dict[str, int], list[tuple[str, int]]]:
        """The streams (name: entry number, the last of equal names) and the sub-storages
        ((name, entry number), sorted by name) of storage ``sid`` (0 is the root).

        Each entry is taken at most once over all calls (an entry referenced again is skipped,
        as olefile does), so a tree that loops or is shared ends."""
        entries, visited = self._entries, self._visited
        count = len(entries)
        kids: list[int] = []
        stack: list[int] = []
        kid = self._entry(sid)[_CHILD]
        while True:  # in order (left, entry, right), each entry marked when first reached
            while kid != _NOSTREAM and kid not in visited:
                if kid >= count:
                    raise CompoundFileError("a directory entry number is out of range")
                visited.add(kid)
                stack.append(kid)
                kid = entries[kid][_LEFT]
            if not stack:
                break
            kid = stack.pop()
            kids.append(kid)
            kid = entries[kid][_RIGHT]
        named = []
        for kid in kids:
            entry = entries[kid]
            named.append((entry[_NAME][: min(entry[_NAME_LEN], 64) - 2].decode("utf-16-le", "replace"), entry[_TYPE], kid))
        named.sort(key=itemgetter(0))
        streams = {name: kid for name, kind, kid in named if kind == STREAM}
        return streams, [(name, kid) for name, kind, kid in named if kind == STORAGE]

    # -- streams --------------------------------------------------------------------------------

    def read(self, sid: int) -> bytes:
        """The bytes of stream ``sid``."""
        entry = self._entry(sid)
        size = self._size(entry)
        if size >= _MINI_CUTOFF:
            chain = self._chain(entry[_START], self._fat, -(-size // self._ss))
            data = self._read_chain(chain, self._ss)
        elif size == 0:
            return b""
        else:
            minifat = self._load_minifat()
            chain = self._chain(entry[_START], minifat, -(-size // _MINI_SECTOR))
            data = self._read_chain(chain, _MINI_SECTOR, self._ministream)
        if len(data) < size:
            raise CompoundFileError("it is cut short (a stream is incomplete)")
        return data[:size]

    def _load_minifat(self) -> array[int]:
        if self._minifat is None:
            if self._minifat_sectors > self._sectors:
                raise CompoundFileError("it declares more mini FAT sectors than it has sectors")
            chain = self._chain(self._first_minifat, self._fat, self._minifat_sectors)
            root = self._entries[0]
            root_size = self._size(root)
            self._ministream = self._read_chain(self._chain(root[_START], self._fat, -(-root_size // self._ss)), self._ss)
            self._minifat = _u32(self._read_chain(chain, self._ss))[: -(-root_size // _MINI_SECTOR)]
        return self._minifat


@contextmanager
def open_compound_file(path: Path) -> Iterator[CompoundFile]:
    """The Compound File at ``path``, read whole when small, else mapped (and unmapped after)."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size < _MMAP_FROM:
            yield CompoundFile(file.read())
            return
        import mmap

        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield CompoundFile(mapped)
