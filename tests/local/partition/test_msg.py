"""partition_msg gives exactly the elements the python-oxmsg path gave (kept here as the oracle),
and a malformed .msg ends quickly in one clear FileProcessingError."""

from __future__ import annotations

import os
import re
import struct
import time
from pathlib import Path
from typing import Any

import pytest

from tests.local.partition.cfb_writer import write_cfb, write_msg
from tests.local.samples import CORPUS
from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, msg_props, partition_file
from unstructured_nb.local.partition import msg as msg_module
from unstructured_nb.local.partition.attachments import attachment_name, partition_attachment

HELDOUT = Path(__file__).parent / "heldout" / "msg"
REAL = sorted((CORPUS / "msg").glob("*.msg")) + sorted(HELDOUT.glob("*.msg"))
S = msg_props.PTYP_STRING


def _oxmsg_partition_msg(path: Path, sink: Any, settings: PartitionSettings) -> list[dict[str, Any]]:
    """partition_msg as it was before cfb/msg_props: through oxmsg.Message.load (the oracle)."""
    from oxmsg import Message

    from unstructured_nb.local.partition._lang import detect_languages
    from unstructured_nb.local.partition.html import add_html_elements, parse_html
    from unstructured_nb.local.partition.text import add_text_elements

    def split(addresses: str) -> list[str]:
        sep = ";" if ";" in addresses else ","
        return [a.strip() for a in addresses.split(sep) if a.strip()]

    try:
        msg = Message.load(str(path))
        headers = {name.lower(): value for name, value in msg.message_headers.items()}
    except Exception as exc:
        raise FileProcessingError(f"{sink.filename} is not a readable Outlook message ({type(exc).__name__})") from None
    if "encrypted" in headers.get("content-type", ""):
        raise FileProcessingError(f"{sink.filename} is an encrypted message")
    message_id = headers.get("message-id")
    meta: dict[str, Any] = {
        "sent_from": split(msg.sender) if msg.sender else None,
        "sent_to": [r.email_address for r in msg.recipients] or None,
        "cc_recipient": split(headers["cc"]) if headers.get("cc") else None,
        "bcc_recipient": split(headers["bcc"]) if headers.get("bcc") else None,
        "subject": msg.subject or None,
        "email_message_id": re.sub(r"^<|>$", "", message_id) if message_id else None,
    }
    if not sink.last_modified and msg.sent_date:
        sink.last_modified = msg.sent_date.isoformat()
    html_body = msg.html_body
    if html_body:
        root = parse_html(html_body)
        if root is not None:
            add_html_elements(sink, root, **meta)
    elif msg.body:
        add_text_elements(sink, msg.body, detect_languages(msg.body[:20_000])[0], **meta)
    elements: list[dict[str, Any]] = sink.finish(settings)
    # the library's attachments (unstructured.partition.msg._AttachmentPartitioner) from oxmsg's
    for number, attachment in enumerate(msg.attachments, start=1):
        name = os.path.basename((attachment.file_name or "").replace("\\", "/")).replace("\0", "")
        named = attachment_name(name if name not in (".", "..") else "", attachment.mime_type or "", number)
        modified = attachment.last_modified.isoformat() if attachment.last_modified else sink.last_modified
        data = attachment.file_bytes or b""
        if named is not None:
            elements.extend(partition_attachment(sink, named, lambda data=data: data, settings, modified))
    if not elements:
        raise FileProcessingError(f"{sink.filename}: no text found (the message has no body)")
    return elements


def _partition(path: Path, last_modified: str | None = None, name: str | None = None) -> list[dict[str, Any]]:
    return partition_file(path, filename=name or path.name, settings=PartitionSettings(), last_modified=last_modified)[0]


@pytest.mark.parametrize("last_modified", [None, "2024-01-02T03:04:05"])
@pytest.mark.parametrize("path", REAL, ids=lambda path: path.name)
def test_elements_are_those_of_the_python_oxmsg_path(
    path: Path, last_modified: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = _partition(path, last_modified)
    monkeypatch.setattr(msg_module, "partition_msg", _oxmsg_partition_msg)
    assert ours == _partition(path, last_modified)
    body = [e for e in ours if "attached_to_filename" not in e["metadata"]]
    assert body and all(e["metadata"]["filetype"] == "application/vnd.ms-outlook" for e in body)
    assert all(e["metadata"]["attached_to_filename"] == path.name for e in ours if e not in body)


def test_python_oxmsg_is_still_the_oracle_here(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[Path] = []
    monkeypatch.setattr(msg_module, "partition_msg", lambda path, sink, settings: called.append(path) or [{}])
    _partition(REAL[0])
    assert called == [REAL[0]]


def _refused(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "upload.msg"
    path.write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(FileProcessingError) as info:
        _partition(path)
    assert time.perf_counter() - start < 2
    return str(info.value)


def _message(body: str = "Hello there, this is the body.", **headers: str) -> list[tuple[int, int, Any]]:
    text = "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    return [
        (msg_props.PID_BODY, S, body.encode("utf-16-le")),
        (msg_props.PID_TRANSPORT_MESSAGE_HEADERS, S, text.encode("utf-16-le")),
    ]


def test_a_crafted_message_partitions_with_its_metadata(tmp_path: Path) -> None:
    path = tmp_path / "crafted.msg"
    path.write_bytes(write_msg(_message(From="Ann <ann@example.com>", CC="c@x.org; d@x.org", **{"Message-ID": "<id@x>"})))
    elements = _partition(path)
    meta = elements[0]["metadata"]
    assert elements[0]["text"] == "Hello there, this is the body."
    assert meta["sent_from"] == ["Ann <ann@example.com>"] and meta["cc_recipient"] == ["c@x.org", "d@x.org"]
    assert meta["email_message_id"] == "id@x"


@pytest.mark.parametrize(
    "data",
    [
        b"not an outlook message at all" * 30,
        write_msg(_message())[:1500],  # truncated
        write_msg(_message())[:511],
        write_msg([(msg_props.PID_BODY, S, None)]),  # listed, its stream missing
        write_msg([(msg_props.PID_BODY, S, b"odd")]),  # not UTF-16
        write_msg([(msg_props.PID_MESSAGE_CODEPAGE, 3, 4242), (msg_props.PID_BODY, S, b"")]),  # unknown code page
        write_msg(_message(), recipients=[[(msg_props.PID_SMTP_ADDRESS, S, None)]]),  # a bad recipient
    ],
    ids=["text", "truncated", "header-only", "missing-stream", "odd-utf16", "codepage", "recipient"],
)
def test_a_malformed_message_is_one_clear_error(tmp_path: Path, data: bytes) -> None:
    message = _refused(tmp_path, data)
    assert message.startswith("upload.msg is not a readable Outlook message (")
    assert message.endswith("); save it again from Outlook as .msg, or as .eml")
    assert "\n" not in message and "Traceback" not in message


def test_a_storage_without_properties_is_one_clear_error(tmp_path: Path) -> None:
    assert "no properties stream" in _refused(tmp_path, write_cfb({"__substg1.0_1000001F": b"h\0i\0"}))


def test_reading_is_bounded_when_recipients_share_one_big_stream(tmp_path: Path) -> None:
    layout: dict[str, Any] = {}
    recipients = [[(msg_props.PID_SMTP_ADDRESS, S, b"a\0")] for _ in range(300)]
    data = bytearray(write_msg(_message(), recipients, {"big": b"a\0" * 40_000}, layout=layout))
    names = layout["names"]
    big = names.index("big")
    start, size = struct.unpack_from("<II", data, layout["entry_offset"](big) + 116)
    shared = [sid for sid, name in enumerate(names) if name == "__substg1.0_39FE001F"]
    for sid in shared:  # every recipient's address now "is" the one 80 KB stream
        struct.pack_into("<II", data, layout["entry_offset"](sid) + 116, start, size)
    assert len(shared) == 300 and len(data) < 300_000
    assert "reading it would take several times its size" in _refused(tmp_path, bytes(data))


def test_an_encrypted_message_is_still_refused(tmp_path: Path) -> None:
    data = write_msg(_message(**{"Content-Type": 'application/pkcs7-mime; smime-type="encrypted"'}))
    assert "encrypted message: decrypt it in Outlook first" in _refused(tmp_path, data)


def _attachment(name: str | None, data: bytes | None, modified: int | None = None) -> Any:
    from tests.local.partition.cfb_writer import msg_storage

    props: list[tuple[int, int, Any]] = []
    if name is not None:
        props.append((msg_props.PID_ATTACH_LONG_FILENAME, S, name.encode("utf-16-le")))
    if data is not None:
        props.append((msg_props.PID_ATTACH_DATA_BINARY, msg_props.PTYP_BINARY, data))
    if modified is not None:
        props.append((msg_props.PID_LAST_MODIFICATION_TIME, msg_props.PTYP_TIME, modified))
    return msg_storage(props, msg_props.ATTACHMENT_HEADER)


def _with_attachments(tmp_path: Path, *attachments: Any) -> tuple[list[dict[str, Any]], list[str]]:
    extra = {f"{msg_props.ATTACHMENT_PREFIX}{i:08X}": a for i, a in enumerate(attachments)}
    path = tmp_path / "mail.msg"
    path.write_bytes(write_msg(_message(), extra=extra))
    elements, warnings = partition_file(path, filename="mail.msg", settings=PartitionSettings(), last_modified="2024-05-06")
    return elements, warnings


def test_attachments_are_partitioned_after_the_body_as_documents_of_their_own(tmp_path: Path) -> None:
    # 2024-01-01T00:00:00Z in 100 ns ticks since 1601
    ticks = (1704067200 + 11644473600) * 10_000_000
    notes = b"Minutes of the meeting.\n\nThe board approved the budget for the coming year."
    elements, warnings = _with_attachments(
        tmp_path, _attachment("minutes.txt", notes, ticks), _attachment("C:\\docs\\data.csv", b"a,b\n1,2\n")
    )
    assert elements[0]["text"] == "Hello there, this is the body."
    assert "attached_to_filename" not in elements[0]["metadata"]
    attached = elements[1:]
    assert [e["metadata"]["filename"] for e in attached] == ["minutes.txt", "minutes.txt", "data.csv"]
    assert all(e["metadata"]["attached_to_filename"] == "mail.msg" for e in attached)
    assert attached[0]["metadata"]["last_modified"] == "2024-01-01T00:00:00+00:00"  # its own date
    assert attached[2]["metadata"]["last_modified"] == "2024-05-06"  # else the message's
    assert attached[2]["type"] == "Table" and attached[2]["metadata"]["filetype"] == "text/csv"
    assert warnings == []


def test_attachments_not_partitioned_are_warned_about_and_the_rest_kept(tmp_path: Path) -> None:
    elements, warnings = _with_attachments(
        tmp_path,
        _attachment("tool.exe", b"MZ\x90\x00"),  # a type we do not read
        _attachment("forwarded.msg", write_msg(_message("inner body"))),  # a message in a message
        _attachment(None, b"some text"),  # no name, no MIME type: nothing to go by
        _attachment("embedded", None),  # not attached by value: no bytes
        _attachment("broken.docx", b"PK\x03\x04 not really a zip"),
        _attachment("fine.txt", b"Still read after the others."),
    )
    texts = [e["text"] for e in elements]
    assert texts == ["Hello there, this is the body.", "inner body", "Still read after the others."]
    assert elements[1]["metadata"]["filename"] == "forwarded.msg"  # a message in a message is read too
    assert any("'tool.exe' was not partitioned" in w for w in warnings)
    assert any("'attachment-3' was not partitioned" in w for w in warnings)  # no name, no type to go by
    assert any("attachment skipped: broken.docx" in w for w in warnings)


def test_an_unreadable_attachment_is_skipped_with_a_warning(tmp_path: Path) -> None:
    from tests.local.partition.cfb_writer import msg_storage

    bad = msg_storage([(msg_props.PID_ATTACH_LONG_FILENAME, S, None)], msg_props.ATTACHMENT_HEADER)  # stream missing
    elements, warnings = _with_attachments(tmp_path, bad, _attachment("ok.txt", b"Readable attachment text."))
    assert [e["text"] for e in elements] == ["Hello there, this is the body.", "Readable attachment text."]
    assert any("attachment 1 could not be read" in w and "it was skipped" in w for w in warnings)


def test_a_message_without_a_body_gives_its_attachments(tmp_path: Path) -> None:
    extra = {f"{msg_props.ATTACHMENT_PREFIX}00000000": _attachment("a.txt", b"Only the attachment has text.")}
    path = tmp_path / "nobody.msg"
    path.write_bytes(write_msg([(msg_props.PID_SUBJECT, S, "s".encode("utf-16-le"))], extra=extra))
    elements = _partition(path)
    assert [e["text"] for e in elements] == ["Only the attachment has text."]
