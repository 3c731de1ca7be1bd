"""The types the library reads through another program: msg (python-oxmsg), pandoc's five (read by us), LibreOffice's three."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.local.samples import CORPUS
from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, legacy_office, partition_file


def _partition(path: Path, name: str | None = None) -> list[dict]:
    return partition_file(path, filename=name or path.name, settings=PartitionSettings())[0]


def test_msg_body_and_message_metadata() -> None:
    elements = _partition(CORPUS / "msg" / "other.msg")
    assert len(elements) == 12
    meta = elements[0]["metadata"]
    assert meta["filetype"] == "application/vnd.ms-outlook"
    assert meta["subject"] and meta["sent_to"] and meta["sent_from"]
    assert all(e["metadata"]["subject"] == meta["subject"] for e in elements)


@pytest.mark.parametrize(
    ("relative", "filetype"),
    [
        ("epub/mail-parser-README.epub", "application/epub"),
        ("odt/twolevellist.odt", "application/vnd.oasis.opendocument.text"),
        ("rtf/serious-poem.rtf", "text/rtf"),
        ("rst/msg-parser-README.rst", "text/x-rst"),
        ("org/orgparse-02_tree_struct.org", "text/org"),
    ],
)
def test_pandoc_types_partition_with_their_own_filetype(relative: str, filetype: str) -> None:
    elements = _partition(CORPUS / relative)
    assert elements and all(e["metadata"]["filetype"] == filetype for e in elements)
    assert any(e["type"] in {"Title", "NarrativeText", "ListItem"} for e in elements)


def test_an_rst_include_cannot_read_other_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETVALUE\n")
    doc = tmp_path / "doc.rst"
    doc.write_text(f"Title\n=====\n\n.. include:: {secret}\n\nBody text after the include.\n")
    try:
        shown = " ".join(e["text"] for e in _partition(doc))
    except FileProcessingError as exc:  # refusing the include is fine too
        shown = str(exc)
    assert "TOPSECRETVALUE" not in shown


@pytest.mark.parametrize("name", ["broken.epub", "broken.odt"])
def test_a_broken_epub_or_odt_is_one_clear_message(tmp_path: Path, name: str) -> None:
    broken = tmp_path / name
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileProcessingError, match=rf"{name} could not be read as .*not a zip package.*re-(export|save) it"):
        _partition(broken)


@pytest.mark.parametrize(
    ("relative", "package"),
    [
        ("doc/python-docx-test.doc", "libreoffice-writer"),
        ("ppt/txt-text.ppt", "libreoffice-impress"),
    ],
)
def test_without_libreoffice_each_file_names_the_debian_packages(
    relative: str, package: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(legacy_office, "soffice_binary", lambda: None)
    with pytest.raises(FileProcessingError, match=f"apt-get install libreoffice-core {package}"):
        _partition(CORPUS / relative)


@pytest.mark.slow  # LibreOffice takes a few seconds a file
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
@pytest.mark.parametrize(
    ("relative", "filetype", "words"),
    [
        ("doc/python-docx-test.doc", "application/msword", "python-docx"),
        ("ppt/txt-text.ppt", "application/vnd.ms-powerpoint", "yahoo.com"),
    ],
)
def test_legacy_office_through_libreoffice(relative: str, filetype: str, words: str | None) -> None:
    elements = _partition(CORPUS / relative)
    assert elements and all(e["metadata"]["filetype"] == filetype for e in elements)
    if words:
        assert words in " ".join(e["text"] for e in elements)


def test_xls_is_read_by_xlrd_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_office, "soffice_binary", lambda: None)
    elements = _partition(CORPUS / "xls" / "xlsx2csv-sheets.xls")
    assert elements[0]["metadata"]["page_name"] == "Реестр"  # the first sheet's (Cyrillic) name
    assert {e["metadata"]["page_number"] for e in elements} == {1, 2}  # as the library
    assert all(e["metadata"]["filetype"] == "application/vnd.ms-excel" for e in elements)
    dates = _partition(CORPUS / "xls" / "tablib-dates.xls")
    assert "2015-04-12 00:00:00" in " ".join(e["text"] for e in dates)  # a date cell, as pandas shows it


def test_corrupt_xls_is_one_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not a workbook" * 20)
    with pytest.raises(FileProcessingError, match=r"bad\.xls is not a readable Excel 97-2003 workbook"):
        _partition(bad)
