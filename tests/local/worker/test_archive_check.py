"""Zip bombs of every zip-based format are refused from the central directory, before anything is inflated."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from unstructured_nb.local.partition import FileProcessingError
from unstructured_nb.local.worker.archive_check import MAX_MEMBERS, ZIP_FORMATS, check_archive

from .test_hostile_files import zip_bomb

# the part each format's partitioner reads whole
PARTS = {
    ".docx": "word/document.xml",
    ".docm": "word/document.xml",
    ".pptx": "ppt/slides/slide1.xml",
    ".pptm": "ppt/slides/slide1.xml",
    ".xlsx": "xl/worksheets/sheet1.xml",
    ".xlsm": "xl/worksheets/sheet1.xml",
    ".odt": "content.xml",
    ".ods": "content.xml",
    ".odp": "content.xml",
    ".epub": "OEBPS/chapter1.xhtml",
}


def test_every_zip_format_has_a_bomb_here() -> None:
    assert set(PARTS) == set(ZIP_FORMATS)


@pytest.mark.parametrize("ext", sorted(PARTS))
def test_a_highly_compressed_part_is_refused_by_its_ratio(ext: str, tmp_path: Path) -> None:
    # 40 MB of markup in ~40 KB: small enough to build fast, far past the 200:1 ratio
    bomb = zip_bomb(tmp_path / f"bomb{ext}", PARTS[ext], megabytes=40)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(FileProcessingError, match="decompression bomb") as err:
        check_archive(bomb, f"bomb{ext}")
    assert f"bomb{ext}" in str(err.value) and "compressed" in str(err.value)


@pytest.mark.slow  # ~6 s to write 100,001 zip entries
def test_an_archive_of_too_many_parts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.pptx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for i in range(MAX_MEMBERS + 1):
            zf.writestr(f"p/{i}", b"")
    with pytest.raises(FileProcessingError, match="parts"):
        check_archive(path, "many.pptx")


def test_a_real_document_and_a_non_zip_pass(tmp_path: Path) -> None:
    fine = tmp_path / "fine.docx"
    with zipfile.ZipFile(fine, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document>" + "<w:p><w:t>Some ordinary text.</w:t></w:p>" * 2000 + "</w:document>")
    check_archive(fine, "fine.docx")
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip at all")
    check_archive(junk, "junk.docx")  # the partitioner says what is wrong with it
