"""The .msg properties we read equal python-oxmsg's (the oracle), on real messages and on crafted
ones that take each of its rules' branches (string8 code pages, listed-but-missing streams, ...)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from oxmsg import Message

from tests.local.partition.cfb_writer import write_cfb, write_msg
from tests.local.samples import CORPUS
from unstructured_nb.local.partition import msg_props as p
from unstructured_nb.local.partition.cfb import CompoundFile
from unstructured_nb.local.partition.msg_props import MsgFormatError, MsgMessage

HELDOUT = Path(__file__).parent / "heldout" / "msg"
REAL = sorted((CORPUS / "msg").glob("*.msg")) + sorted(HELDOUT.glob("*.msg"))
FIELDS = ("subject", "body", "html_body", "message_headers", "sender", "recipients", "sent_date")
S8, S, BIN, TIME, I32 = p.PTYP_STRING8, p.PTYP_STRING, p.PTYP_BINARY, p.PTYP_TIME, 0x0003


def _ours(data: bytes) -> dict[str, Any]:
    msg = MsgMessage(CompoundFile(data))
    out: dict[str, Any] = {}
    for field in FIELDS:
        try:
            out[field] = msg.recipient_addresses if field == "recipients" else getattr(msg, field)
        except MsgFormatError:
            out[field] = "unreadable"
    return out


def _oxmsg(data: bytes) -> dict[str, Any]:
    msg = Message.load(data)
    out: dict[str, Any] = {}
    for field in FIELDS:
        try:
            out[field] = [r.email_address for r in msg.recipients] if field == "recipients" else getattr(msg, field)
        except OverflowError:
            out[field] = "overflow"
        except Exception:  # a missing stream, an unknown code page or codec, bad text
            out[field] = "unreadable"
    return out


def test_the_held_out_set_is_there() -> None:
    assert len(REAL) >= 8


@pytest.mark.parametrize("path", REAL, ids=lambda path: path.name)
def test_real_messages_read_as_python_oxmsg_reads_them(path: Path) -> None:
    data = path.read_bytes()
    ours = _ours(data)
    assert ours == _oxmsg(data)
    assert ours["subject"] or ours["body"] or ours["html_body"]


def _u16(text: str) -> bytes:
    return text.encode("utf-16-le")


HEADERS = "From: Ann <ann@example.com>\r\nTo: bob@example.com\r\nCC: c@x.org; d@x.org\r\nReceived: one\r\nreceived: two\r\n\r\n"
RECIPIENTS = [
    [(p.PID_SMTP_ADDRESS, S, _u16("smtp@example.com")), (p.PID_EMAIL_ADDRESS, S, _u16("/o=EX/cn=bob"))],
    [(p.PID_EMAIL_ADDRESS, S8, b"only-email@example.com")],
    [(p.PID_SMTP_ADDRESS, S, b""), (p.PID_EMAIL_ADDRESS, S, _u16("empty-smtp@example.com"))],
    [],
]
SUBMIT = (p.PID_CLIENT_SUBMIT_TIME, TIME, 132_000_000_123_456_789)
CASES: dict[str, dict[str, Any]] = {
    "unicode": {
        "props": [
            (p.PID_SUBJECT, S, _u16("Grüße")),
            (p.PID_BODY, S, _u16("Body ✓")),
            (p.PID_TRANSPORT_MESSAGE_HEADERS, S, _u16(HEADERS)),
            SUBMIT,
        ],
        "recipients": RECIPIENTS,
    },
    "string8-default-latin9": {"props": [(p.PID_SUBJECT, S8, "€uro".encode("iso-8859-15")), (p.PID_BODY, S8, b"caf\xe9")]},
    "string8-message-and-internet-codepages": {
        "props": [
            (p.PID_MESSAGE_CODEPAGE, I32, 1251),
            (p.PID_INTERNET_CODEPAGE, I32, 65001),
            (p.PID_SUBJECT, S8, "Привет".encode("cp1251")),
            (p.PID_BODY, S8, "Körper ✓".encode()),  # the body takes the internet code page
            (p.PID_HTML, BIN, "<p>ünï</p>".encode()),
        ]
    },
    "body-html-string": {"props": [(p.PID_HTML, S8, b"<p>old style</p>"), (p.PID_BODY, S, _u16("plain"))]},
    "empty-binary-html-falls-back": {"props": [(p.PID_HTML, BIN, b""), (p.PID_HTML, S, _u16("<b>x</b>"))]},
    "sender-from-parts": {
        "props": [(p.PID_SENDER_NAME, S, _u16("  Jane Doe ")), (p.PID_SENDER_SMTP_ADDRESS, S, _u16("jane@example.com"))]
    },
    "sender-from-name-only": {"props": [(p.PID_SENDER_NAME, S, _u16("Jane")), (p.PID_SENT_REPRESENTING_NAME, S8, b"On behalf")]},
    "listed-stream-missing": {"props": [(p.PID_SUBJECT, S, _u16("s")), (p.PID_BODY, S, None)]},
    "stream-not-listed-is-ignored": {
        "props": [(p.PID_SUBJECT, S, _u16("s"))],
        "extra": {"__substg1.0_1000001F": _u16("not listed")},
    },
    "first-of-equal-ids-and-last-time": {
        "props": [
            (p.PID_SUBJECT, I32, 5),
            (p.PID_SUBJECT, S8, b"first string"),
            (p.PID_SUBJECT, S, _u16("second")),
            SUBMIT,
            (p.PID_CLIENT_SUBMIT_TIME, TIME, 131_000_000_000_000_000),
        ]
    },
    "unknown-codepage": {"props": [(p.PID_MESSAGE_CODEPAGE, I32, 4242), (p.PID_SUBJECT, S8, b"x")]},
    "codepage-without-a-codec": {"props": [(p.PID_INTERNET_CODEPAGE, I32, 720), (p.PID_HTML, BIN, b"<p>x</p>")]},
    "bad-utf16": {"props": [(p.PID_SUBJECT, S, b"abc"), (p.PID_BODY, S, _u16("fine"))]},
    "sent-date-out-of-range-is-none": {"props": [(p.PID_BODY, S, _u16("b")), (p.PID_CLIENT_SUBMIT_TIME, TIME, 2**64 - 1)]},
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("sector_size", [512, 4096])
def test_crafted_messages_read_as_python_oxmsg_reads_them(name: str, sector_size: int) -> None:
    case = CASES[name]
    data = write_msg(case["props"], case.get("recipients", ()), case.get("extra"), sector_size=sector_size)
    ours, theirs = _ours(data), _oxmsg(data)
    if name == "sent-date-out-of-range-is-none":  # python-oxmsg raises OverflowError; we give no date
        assert theirs["sent_date"] == "overflow"
        theirs["sent_date"] = None
    assert ours == theirs


def test_crafted_cases_take_the_branches_they_name() -> None:
    def read(name: str) -> dict[str, Any]:
        case = CASES[name]
        return _ours(write_msg(case["props"], case.get("recipients", ()), case.get("extra")))

    unicode = read("unicode")
    assert unicode["recipients"] == ["smtp@example.com", "only-email@example.com", "empty-smtp@example.com", ""]
    assert unicode["message_headers"]["received"] == "one" and unicode["sender"] == "Ann <ann@example.com>"
    assert unicode["sent_date"].microsecond == 0 and unicode["sent_date"].utcoffset().total_seconds() == 0
    assert read("string8-message-and-internet-codepages")["subject"] == "Привет"
    assert read("string8-message-and-internet-codepages")["html_body"] == "<p>ünï</p>"
    assert read("sender-from-parts")["sender"] == '"Jane Doe" <jane@example.com>'
    assert read("sender-from-name-only")["sender"] == "On behalf"
    assert read("listed-stream-missing")["body"] == "unreadable"
    assert read("stream-not-listed-is-ignored")["body"] is None
    assert read("first-of-equal-ids-and-last-time")["subject"] == "first string"
    assert read("unknown-codepage")["subject"] == "unreadable"
    assert read("sent-date-out-of-range-is-none")["sent_date"] is None


def test_a_trailing_short_segment_is_dropped() -> None:
    data = write_msg([(p.PID_BODY, S, _u16("b"))], extra={})
    msg = MsgMessage(CompoundFile(data))
    assert msg.body == "b"
    props_stream = struct.pack("<32x") + struct.pack("<HHIII", S, p.PID_BODY, 6, 2, 0) + b"\x1f\x00\x37"
    data = write_cfb({"__properties_version1.0": props_stream, "__substg1.0_1000001F": _u16("b")})
    assert _ours(data) == _oxmsg(data)
    assert MsgMessage(CompoundFile(data)).subject == ""
