"""A message's attachment partitioned as a document of its own: types, skips and warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.fidelity import KindScore, compare, partition_ours, reference
from unstructured_nb.local.partition import ElementSink, PartitionSettings
from unstructured_nb.local.partition.attachments import MAX_NESTED_MESSAGES, attachment_name, partition_attachment


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


@pytest.mark.parametrize("name", ["setup.exe", "no-extension", "attachment-3"])
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


@pytest.mark.parametrize(
    ("filename", "content_type", "expected"),
    [
        ("report.pdf", "application/octet-stream", "report.pdf"),  # its own name first
        (None, "text/plain", "attachment-2.txt"),
        (None, "TEXT/HTML", "attachment-2.html"),
        (None, "message/rfc822", "attachment-2.eml"),  # a forwarded message
        (None, "message/delivery-status", "attachment-2.txt"),
        (None, "text/rfc822-headers", None),  # a copy of headers: nothing to read
        (None, "Message/RFC822-Headers", None),
        (None, "multipart/mixed", "attachment-2.txt"),  # raw MIME, read as text as the library does
        (None, "application/pdf", "attachment-2.pdf"),
        (None, "image/png", "attachment-2.png"),
        (None, "application/octet-stream", "attachment-2"),  # nothing to go by: reported, not read
    ],
)
def test_a_nameless_attachment_is_named_by_its_content_type(
    filename: str | None, content_type: str, expected: str | None
) -> None:
    assert attachment_name(filename, content_type, 2) == expected


def _nested(depth: int) -> bytes:
    """A message holding a message ... ``depth`` levels down, each with a line of text."""
    import email.policy
    from email.message import EmailMessage

    inner: EmailMessage | None = None
    for level in range(depth, -1, -1):
        message = EmailMessage()
        message["Subject"] = f"level {level}"
        message.set_content(f"The text of the message at level {level}.")
        if inner is not None:
            message.add_attachment(inner)  # message/rfc822, no file name
        inner = message
    assert inner is not None
    return inner.as_bytes(policy=email.policy.default)


def test_messages_in_messages_are_opened_up_to_a_depth() -> None:
    sink = _sink()
    deep = _nested(MAX_NESTED_MESSAGES + 3)
    elements = partition_attachment(sink, "fwd.eml", lambda: deep, PartitionSettings(), None)
    texts = [e["text"] for e in elements]
    # the attachment is level 0; it and MAX_NESTED_MESSAGES - 1 messages inside it are read
    assert texts == [f"The text of the message at level {level}." for level in range(MAX_NESTED_MESSAGES)]
    assert [e["metadata"]["filename"] for e in elements] == ["fwd.eml"] + [
        "attachment-1.eml" for _ in range(MAX_NESTED_MESSAGES - 1)
    ]
    assert any("nested more than 3 deep" in w for w in sink.warnings)


HELDOUT = Path(__file__).parent / "heldout"


@pytest.mark.parametrize(
    ("kind", "count", "type_floor"),
    [("eml", 29, 0.92), ("msg", 7, 0.94)],
)
def test_held_out_messages_with_their_attachments_match_the_library(kind: str, count: int, type_floor: float) -> None:
    """Real messages outside the corpus (heldout/README.md), attachments and nameless parts included,
    against the library's stored output: the floors measured when attachments landed (type match
    0.64 -> 0.92 on eml, 0.90 -> 0.94 on msg; word coverage 0.41 and 0.995 -> 1.00)."""
    score = KindScore(kind)
    for path in sorted((HELDOUT / kind).glob(f"*.{kind}")):
        ours, error = partition_ours(path)
        score.documents.append(compare(kind, path, ours, error, reference(path)))
    assert len(score.documents) == count
    worst = sorted(score.documents, key=lambda d: d.type_match if d.type_match is not None else 1.0)[:3]
    detail = ", ".join(f"{d.name}={d.type_match}" for d in worst)
    assert score.type_match >= type_floor - 0.005, f"{kind} type match {score.type_match:.3f} ({detail})"
    assert score.coverage >= 0.995, f"{kind} word coverage {score.coverage:.4f}"
