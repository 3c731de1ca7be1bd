"""A tiny Compound File (MS-CFB) writer for the tests: valid files to read, and to break.

``write_cfb({"name": b"stream", "storage": {...}})`` lays out streams under 4096 bytes in the mini
stream and larger ones in FAT sectors, then the mini FAT, the directory (each storage's children
as a right-linked list), ``pad`` unused sectors (to grow the FAT past the header's 109 DIFAT
slots), the FAT and the DIFAT sectors. ``layout`` (a dict) receives where things went, so that a
test can corrupt a precise place.
"""

from __future__ import annotations

import itertools
import struct
from typing import Any, Union

Tree = dict[str, Union[bytes, "Tree"]]
ENDOFCHAIN, FREESECT, FATSECT, DIFSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
ENTRY = struct.Struct("<64sHBBIII16sIQQIII")
HEADER = struct.Struct("<8s16sHHHHH6sIIIIIIIII")


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def write_cfb(
    tree: Tree, sector_size: int = 512, pad: int = 0, layout: dict[str, Any] | None = None, header_slots: int = 109
) -> bytes:
    """The Compound File of ``tree``; ``header_slots`` of the header's 109 DIFAT slots are used (fewer
    put the other FAT sector numbers in DIFAT sectors, as no writer does but readers accept)."""
    ss = sector_size
    # -- entries: [name, type, data, children] with the root first --
    entries: list[list[Any]] = [["Root Entry", 5, b"", []]]

    def add(parent: int, sub: Tree) -> None:
        for name, value in sub.items():
            entries.append([name, 2 if isinstance(value, bytes) else 1, value if isinstance(value, bytes) else b"", []])
            entries[parent][3].append(len(entries) - 1)
            if not isinstance(value, bytes):
                add(len(entries) - 1, value)

    add(0, tree)
    fat: list[int] = []
    body: list[bytes] = []

    def allocate(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        count = _ceil(len(data), ss)
        start = len(fat)
        fat.extend(range(start + 1, start + count))
        fat.append(ENDOFCHAIN)
        body.append(data.ljust(count * ss, b"\0"))
        return start

    mini: list[bytes] = []
    minifat: list[int] = []
    starts: dict[int, int] = {}
    for i, (_, kind, data, _) in enumerate(entries):
        if kind != 2:
            continue
        if len(data) >= 4096:
            starts[i] = allocate(data)
        elif data:
            count = _ceil(len(data), 64)
            starts[i] = len(minifat)
            minifat.extend(range(len(minifat) + 1, len(minifat) + count))
            minifat.append(ENDOFCHAIN)
            mini.append(data.ljust(count * 64, b"\0"))
        else:
            starts[i] = ENDOFCHAIN
    ministream = b"".join(mini)
    starts[0] = allocate(ministream)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    first_minifat = allocate(minifat_bytes) if minifat else ENDOFCHAIN
    # -- directory --
    left_right_child = {i: [NOSTREAM, NOSTREAM, NOSTREAM] for i in range(len(entries))}
    for i, entry in enumerate(entries):
        kids = entry[3]
        if kids:
            left_right_child[i][2] = kids[0]
            for a, b in itertools.pairwise(kids):
                left_right_child[a][1] = b
    records = []
    for i, (name, kind, data, _) in enumerate(entries):
        raw = name.encode("utf-16-le")
        size = len(ministream) if i == 0 else len(data)
        left, right, child = left_right_child[i]
        start = starts.get(i, ENDOFCHAIN) if kind in (2, 5) else 0
        records.append(ENTRY.pack(raw, len(raw) + 2, kind, 1, left, right, child, b"\0" * 16, 0, 0, 0, start, size, 0))
    directory = b"".join(records)
    empty = ENTRY.pack(b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0, 0)
    directory += empty * ((-len(directory) // 128) % (ss // 128))
    first_dir = allocate(directory)
    dir_sectors = _ceil(len(directory), ss)
    fat.extend([FREESECT] * pad)
    body.append(b"\0" * ss * pad)
    # -- FAT and DIFAT sectors --
    per = ss // 4
    n_fat = n_difat = 0
    while True:
        total = len(fat) + n_fat + n_difat
        nf = _ceil(total, per)
        nd = 0 if nf <= header_slots else _ceil(nf - header_slots, per - 1)
        if (nf, nd) == (n_fat, n_difat):
            break
        n_fat, n_difat = nf, nd
    fat_ids = list(range(len(fat), len(fat) + n_fat))
    fat.extend([FATSECT] * n_fat)
    difat_ids = list(range(len(fat), len(fat) + n_difat))
    fat.extend([DIFSECT] * n_difat)
    fat.extend([FREESECT] * (n_fat * per - len(fat)))
    body.append(struct.pack(f"<{len(fat)}I", *fat))
    rest = fat_ids[header_slots:]
    for k in range(n_difat):
        chunk = rest[k * (per - 1) : (k + 1) * (per - 1)]
        chunk += [FREESECT] * (per - 1 - len(chunk))
        chunk.append(difat_ids[k + 1] if k + 1 < n_difat else ENDOFCHAIN)
        body.append(struct.pack(f"<{per}I", *chunk))
    header_difat = (fat_ids[:header_slots] + [FREESECT] * 109)[:109]
    head = HEADER.pack(
        bytes.fromhex("d0cf11e0a1b11ae1"),
        b"\0" * 16,
        0x3E,
        3 if ss == 512 else 4,
        0xFFFE,
        9 if ss == 512 else 12,
        6,
        b"\0" * 6,
        0 if ss == 512 else dir_sectors,
        n_fat,
        first_dir,
        0,
        4096,
        first_minifat,
        _ceil(len(minifat_bytes), ss) if minifat else 0,
        difat_ids[0] if difat_ids else ENDOFCHAIN,
        n_difat,
    ) + struct.pack("<109I", *header_difat)
    if layout is not None:
        layout.update(
            starts=starts,
            first_dir=first_dir,
            first_minifat=first_minifat,
            fat_ids=fat_ids,
            difat_ids=difat_ids,
            names=[e[0] for e in entries],
            entry_offset=lambda sid: ss + first_dir * ss + sid * 128,  # one directory sector run
            sector_offset=lambda sect: ss * (sect + 1),
            fat_entry_offset=lambda sect: ss * (fat_ids[sect // per] + 1) + (sect % per) * 4,
        )
    return head.ljust(ss, b"\0") + b"".join(body)


VARIABLE = (0x001E, 0x001F, 0x0102)  # string8, string, binary: their bytes are in a substg stream


def msg_storage(props: list[tuple[int, int, Any]], header: int) -> Tree:
    """A .msg storage: ``props`` as (id, type, value); a variable-size value of None is listed
    in the properties stream without its substg stream."""
    stream = b"\0" * header
    tree: Tree = {}
    for pid, ptyp, value in props:
        if ptyp in VARIABLE:
            stream += struct.pack("<HHIII", ptyp, pid, 6, len(value or b""), 0)
            if value is not None:
                tree[f"__substg1.0_{pid:04X}{ptyp:04X}"] = value
        else:
            stream += struct.pack("<HHIQ", ptyp, pid, 6, value)
    tree["__properties_version1.0"] = stream
    return tree


def write_msg(
    props: list[tuple[int, int, Any]],
    recipients: list[list[tuple[int, int, Any]]] | tuple[()] = (),
    extra: Tree | None = None,
    **options: Any,
) -> bytes:
    """A .msg: the message's ``props``, one storage per recipient, ``extra`` entries at the root."""
    tree = msg_storage(props, 32)
    for i, recipient in enumerate(recipients):
        tree[f"__recip_version1.0_#{i:08X}"] = msg_storage(recipient, 8)
    tree.update(extra or {})
    return write_cfb(tree, **options)
