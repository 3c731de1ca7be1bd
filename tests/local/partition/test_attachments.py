"""A message's attachment partitioned as a document of its own: types, skips and warnings."""

from __future__ import annotations

from typing import Any

import pytest

from unstructured_nb.local.partition import ElementSink, PartitionSettings
from unstructured_nb.local.partition.attachments import partition_attachment


def _sink() -> ElementSink:
    return ElementSink(filename="mail.eml", filetype="message/rfc822")


def _never() -> bytes:
    raise AssertionError("the bytes of an attachment we do not partition are not read")


def test_a_supported_attachment_gives_its_own_elements() -> None:
    sink = _sink()
    text = b"The quarterly report is attached.\n\nRevenue grew by ten percent over the year."
    elements = partition_attachment(sink, "dir/report.txt", lambda: text, PartitionSettings(), "2024-02-03")
    assert [e["text"] for e in elements] == [
        "The quarterly report is attached.",
        "Revenue grew by ten percent over the year.",
    ]
    for element in elements:
        meta = element["metadata"]
        assert meta["filename"] == "report.txt" and meta["filetype"] == "text/plain"
        assert meta["attached_to_filename"] == "mail.eml" and meta["last_modified"] == "2024-02-03"
        assert list(meta) == sorted(meta)
    assert sink.warnings == [] and sink.elements == []  # the message's own elements untouched


@pytest.mark.parametrize("name", ["setup.exe", "forwarded.eml", "inner.msg", "no-extension"])
def test_an_attachment_we_do_not_open_is_a_warning_and_is_not_read(name: str) -> None:
    sink = _sink()
    assert partition_attachment(sink, name, _never, PartitionSettings(), None) == []
    assert len(sink.warnings) == 1 and f"attachment {name!r} was not partitioned" in sink.warnings[0]


@pytest.mark.parametrize(("name", "data"), [("empty.txt", b""), ("broken.docx", b"PK\x03\x04 no zip"), ("x.pdf", b"%PDF-1.4")])
def test_an_empty_or_broken_attachment_is_skipped(name: str, data: bytes) -> None:
    sink = _sink()
    read: Any = lambda: data  # noqa: E731
    assert partition_attachment(sink, name, read, PartitionSettings(), None) == []
    assert all("attachment skipped: " + name in w for w in sink.warnings)
    assert bool(sink.warnings) == bool(data)


def test_an_attachment_whose_bytes_cannot_be_read_is_skipped_and_the_message_kept() -> None:
    # e.g. the email package failing to serialize a damaged multipart part
    def damaged() -> bytes:
        raise UnicodeEncodeError("ascii", "ü", 0, 1, "ordinal not in range(128)")

    sink = _sink()
    assert partition_attachment(sink, "inner.html", damaged, PartitionSettings(), None) == []
    assert sink.warnings == ["mail.eml: attachment 'inner.html' could not be read (UnicodeEncodeError); it was skipped"]
