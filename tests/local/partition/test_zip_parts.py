"""Bounded reading of zip-based documents: member count, declared and actual unzipped sizes, safe XML."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from unstructured_nb.local.partition import FileProcessingError, zip_parts
from unstructured_nb.local.partition.zip_parts import ZipParts


def archive(tmp_path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    path = tmp_path / "doc.odt"
    path.write_bytes(buffer.getvalue())
    return path


def parts(path: Path) -> ZipParts:
    return ZipParts(path, "doc.odt", "an OpenDocument text", "re-save it")


def test_too_many_members_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_parts, "MAX_MEMBERS", 5)
    path = archive(tmp_path, {f"p{i}.xml": b"<a/>" for i in range(6)})
    with pytest.raises(FileProcessingError, match=r"doc\.odt could not be read as an OpenDocument text \(it holds 6 parts"):
        parts(path)


def test_a_declared_unzipped_total_above_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_parts, "MAX_TOTAL_BYTES", 1_000)
    path = archive(tmp_path, {"content.xml": b" " * 2_000})  # compresses to a few bytes: a small bomb
    with pytest.raises(FileProcessingError, match=r"unzip to .* MB, more than"):
        parts(path)


def test_a_part_is_read_up_to_its_limit_only(tmp_path: Path) -> None:
    path = archive(tmp_path, {"content.xml": b"<a>" + b"x" * 5_000 + b"</a>"})
    with parts(path) as opened:
        with pytest.raises(FileProcessingError, match=r"part 'content\.xml' unzips to more than"):
            opened.read("content.xml", limit=1_000)
        assert len(opened.read("content.xml")) == 5_007


def test_xml_entities_and_external_dtds_are_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY s SYSTEM "file://{secret}">]><a>&s;</a>'.encode()
    with parts(archive(tmp_path, {"content.xml": xml})) as opened:
        root = opened.xml("content.xml")
    assert "TOPSECRET" not in "".join(root.itertext())


def test_a_damaged_member_is_one_clear_message(tmp_path: Path) -> None:
    path = archive(tmp_path, {"content.xml": b"<a>" + b"hello world " * 200 + b"</a>"})
    data = bytearray(path.read_bytes())
    start = data.index(b"content.xml") + len(b"content.xml")  # the local header's name, then the deflated data
    data[start + 10 : start + 40] = b"\xff" * 30
    path.write_bytes(bytes(data))
    with parts(path) as opened, pytest.raises(FileProcessingError, match=r"part 'content\.xml' is damaged"):
        opened.read("content.xml")
