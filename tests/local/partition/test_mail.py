"""mail_headers.HeaderCache parses each distinct header of a message once and gives the default policy's headers."""

from __future__ import annotations

import email
import email.policy

from unstructured_nb.local.partition.mail_headers import HeaderCache as _HeaderCache

MESSAGE = (
    b"From: =?utf-8?q?Ren=C3=A9?= <rene@example.com>\r\nTo: a@example.com, b@example.com\r\n"
    b"Subject: =?utf-8?b?Q2Fmw6k=?=\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello there.\r\n"
    b'--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="notes.txt"\r\n\r\nNotes.\r\n--b--\r\n'
)


def test_same_headers_as_the_default_policy() -> None:
    cached = email.message_from_bytes(MESSAGE, policy=email.policy.default.clone(header_factory=_HeaderCache()))
    plain = email.message_from_bytes(MESSAGE, policy=email.policy.default)
    for name in ("From", "To", "Subject", "Content-Type"):
        assert str(cached[name]) == str(plain[name])
    assert cached["From"].addresses == plain["From"].addresses
    assert cached.get_content_type() == plain.get_content_type() == "multipart/mixed"
    assert [p.get_filename() for p in cached.iter_attachments()] == ["notes.txt"]
    assert cached.get_body(preferencelist=("plain",)).get_content().strip() == "Hello there."


def test_each_header_parsed_once() -> None:
    cache = _HeaderCache()
    first = cache("Content-Type", "text/plain; charset=utf-8")
    assert cache("Content-Type", "text/plain; charset=utf-8") is first
    assert first.content_type == "text/plain"
    assert cache("Content-Type", "text/html") is not first
