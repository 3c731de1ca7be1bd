"""The Compound File reader: what it reads equals what was written (and what olefile reads), and
every malformed file it is given ends quickly in a CompoundFileError."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import olefile
import pytest

from tests.local.partition.cfb_writer import ENDOFCHAIN, write_cfb
from unstructured_nb.local.partition import cfb
from unstructured_nb.local.partition.cfb import CompoundFile, CompoundFileError, open_compound_file

TREE = {
    "small": b"abc" * 10,
    "big": bytes(range(256)) * 40,
    "empty": b"",
    "edge": b"e" * 4096,  # the first size kept out of the mini stream
    "sub": {"inner": b"x" * 5000, "inner2": b"y" * 100, "deeper": {"leaf": b"z" * 7}},
}


def _read_all(data: bytes) -> dict[str, bytes]:
    """Every stream of ``data`` by path, through our reader."""
    file = CompoundFile(data)
    found: dict[str, bytes] = {}
    pending = [("", 0)]
    while pending:
        prefix, sid = pending.pop()
        streams, storages = file.storage(sid)
        found.update({prefix + name: file.read(kid) for name, kid in streams.items()})
        pending += [(f"{prefix}{name}/", kid) for name, kid in storages]
    return found


def _olefile_all(data: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(data) as ole:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}


@pytest.mark.parametrize(("sector_size", "pad"), [(512, 0), (4096, 0), (512, 14_000)])  # 14000: > 109 FAT sectors
def test_reads_what_was_written_as_olefile_does(sector_size: int, pad: int) -> None:
    data = write_cfb(TREE, sector_size, pad)
    ours = _read_all(data)
    assert ours == _olefile_all(data)
    assert ours["sub/deeper/leaf"] == b"z" * 7
    assert ours["edge"] == TREE["edge"] and ours["empty"] == b""


@pytest.mark.parametrize(("sector_size", "pad", "slots"), [(512, 300, 1), (512, 0, 0), (4096, 0, 0), (4096, 1100, 1)])
def test_fat_sectors_listed_in_difat_sectors(sector_size: int, pad: int, slots: int) -> None:
    ours = _read_all(write_cfb(TREE, sector_size, pad, header_slots=slots))
    assert ours["big"] == TREE["big"] and ours["sub/inner2"] == TREE["sub"]["inner2"]  # type: ignore[index]


def test_children_come_sorted_by_name_and_the_last_of_equal_names_wins() -> None:
    file = CompoundFile(write_cfb({"b": b"1", "a": b"2", "c": {"x": b""}, "B": {"y": b""}}))
    streams, storages = file.storage(0)
    assert list(streams) == ["a", "b"] and [name for name, _ in storages] == ["B", "c"]


def test_open_compound_file_maps_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "large.cfb"
    path.write_bytes(write_cfb({"big": b"q" * 5_000_000}))
    with open_compound_file(path) as file:
        streams, _ = file.storage(0)
        assert file.read(streams["big"]) == b"q" * 5_000_000


# -- hostile files --------------------------------------------------------------------------------


def _patch(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return bytes(out)


def _entry_field(layout: dict, sid: int, field: int) -> int:
    """The offset of field ``field`` (index into ENTRY) of directory entry ``sid``."""
    sizes = [64, 2, 1, 1, 4, 4, 4, 16, 4, 8, 8, 4, 4, 4]
    return int(layout["entry_offset"](sid)) + sum(sizes[:field])


def _layout(tree: dict | None = None, **options: int) -> tuple[bytes, dict]:
    layout: dict = {}
    return write_cfb(tree or TREE, layout=layout, **options), layout  # type: ignore[arg-type]


def _sid(layout: dict, name: str) -> int:
    return int(layout["names"].index(name))


def _fails(data: bytes, words: str) -> None:
    start = time.perf_counter()
    with pytest.raises(CompoundFileError, match=words):
        _read_all(data)
    assert time.perf_counter() - start < 2


def test_not_a_compound_file() -> None:
    _fails(b"", "not a Compound File")
    _fails(b"From: someone\r\n\r\nhello" * 40, "not a Compound File")


def test_header_alone_or_bad_sector_size() -> None:
    data, _ = _layout()
    _fails(data[:512], "cut short")
    _fails(_patch(data, 30, "<H", 16), "sector size")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_file(keep: float) -> None:
    data, _ = _layout({"big": b"b" * 20_000, "small": b"s" * 700})
    with pytest.raises(CompoundFileError):
        _read_all(data[: int(len(data) * keep)])


def test_stream_chain_loops() -> None:
    data, layout = _layout()
    big = layout["starts"][_sid(layout, "big")]
    _fails(_patch(data, layout["fat_entry_offset"](big + 3), "<I", big), "loops")


def test_stream_chain_ends_early_or_leaves_the_file() -> None:
    data, layout = _layout()
    big = layout["starts"][_sid(layout, "big")]
    _fails(_patch(data, layout["fat_entry_offset"](big + 3), "<I", ENDOFCHAIN), "shorter than declared")
    _fails(_patch(data, layout["fat_entry_offset"](big + 3), "<I", 0x7FFFFFF0), "out of range")
    _fails(_patch(data, _entry_field(layout, _sid(layout, "big"), 11), "<I", 0x00FFFFFF), "out of range")


def test_directory_chain_loops() -> None:
    data, layout = _layout()
    _fails(_patch(data, layout["fat_entry_offset"](layout["first_dir"]), "<I", layout["first_dir"]), "loops")


def test_mini_fat_chain_loops() -> None:
    data, layout = _layout({"a": b"a" * 1000})
    offset = layout["sector_offset"](layout["first_minifat"])  # mini sector 0 of stream "a"
    _fails(_patch(data, offset + 4 * 3, "<I", 0), "loops")


def test_declared_stream_size_larger_than_the_file() -> None:
    data, layout = _layout()
    _fails(_patch(data, _entry_field(layout, _sid(layout, "small"), 12), "<I", 0x7FFFFFFF), "larger than the file")
    data, layout = _layout(sector_size=4096)  # the high half counts with 4096-byte sectors
    _fails(_patch(data, _entry_field(layout, _sid(layout, "big"), 13), "<I", 5), "larger than the file")


def test_difat_chain_loops_or_overflows() -> None:
    data, layout = _layout(pad=300, header_slots=1)
    difat = layout["difat_ids"][0]
    looped = _patch(data, layout["sector_offset"](difat) + 508, "<I", difat)
    _fails(_patch(looped, 72, "<I", 3), "DIFAT chain loops")  # three DIFAT sectors declared, one there
    _fails(_patch(data, 72, "<I", 0x7FFFFFFF), "more DIFAT sectors")
    _fails(_patch(data, 68, "<I", 0x7FFFFFF0), "out of range")


def test_too_many_fat_sectors_declared() -> None:
    data, _ = _layout()
    _fails(_patch(data, 76, "<109I", *range(109)), "more FAT sectors|out of range|cut short")


def test_directory_tree_loops_and_shared_entries_end() -> None:
    data, layout = _layout()
    small, sub = _sid(layout, "small"), _sid(layout, "sub")
    looped = _patch(data, _entry_field(layout, small, 4), "<I", 0)  # left sibling: the root
    looped = _patch(looped, _entry_field(layout, sub, 6), "<I", small)  # sub's child: a root entry
    start = time.perf_counter()
    found = _read_all(looped)
    assert time.perf_counter() - start < 1
    assert found["small"] == TREE["small"] and "sub/small" not in found
    _fails(_patch(data, _entry_field(layout, small, 5), "<I", 10**6), "entry number is out of range")


def test_a_degenerate_deep_tree_is_walked_without_recursion() -> None:
    tree = {f"s{i:05d}": b"" for i in range(20_000)}  # a right-linked list 20000 deep
    start = time.perf_counter()
    streams, _ = CompoundFile(write_cfb(tree)).storage(0)  # type: ignore[arg-type]
    assert len(streams) == 20_000 and time.perf_counter() - start < 2


def test_directory_entry_count_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = _layout({f"s{i}": b"" for i in range(200)})
    monkeypatch.setattr(cfb, "MAX_ENTRIES", 100)
    _fails(data, "more than 100 entries")


def test_total_bytes_read_is_capped() -> None:
    data, _ = _layout({"big": b"b" * 100_000})
    file = CompoundFile(data)
    streams, _ = file.storage(0)
    for _ in range(3):  # a stream may be read again, up to about three times the file's size in all
        assert file.read(streams["big"]) == b"b" * 100_000
    with pytest.raises(CompoundFileError, match="several times its size"):
        file.read(streams["big"])
