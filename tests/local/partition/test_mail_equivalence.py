"""The .eml partitioner gives what it gave before its light headers (mail_headers.py), on real, damaged and random messages.

The oracle is mail.py as it was, kept below: the email package's header objects for every
header (bounded as now), its address parser for every recipient list. The comparison is of
partition_file's whole answer: element dicts with their metadata, warnings, or the error.
Held-out messages: tests/local/partition/heldout/eml (SOURCES.md).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import functools
import random
import re
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, partition_file
from unstructured_nb.local.partition import mail as new_mail
from unstructured_nb.local.partition._common import ElementSink, decode_text
from unstructured_nb.local.partition._lang import detect_languages
from unstructured_nb.local.partition.attachments import attachment_name, partition_attachment

HERE = Path(__file__).parent
MESSAGES = sorted((HERE / "corpus" / "eml").glob("*.eml")) + sorted((HERE / "heldout" / "eml").glob("*.eml"))


def outcome(path: Path, monkeypatch: pytest.MonkeyPatch, old: bool) -> Any:
    """(elements, warnings) of partition_file, or the message of its error."""
    with monkeypatch.context() as patch:
        if old:
            patch.setattr(new_mail, "partition_eml", old_partition_eml)
        try:
            return partition_file(path, filename=path.name, settings=PartitionSettings())
        except FileProcessingError as exc:
            return str(exc)


def assert_same(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = outcome(path, monkeypatch, old=False), outcome(path, monkeypatch, old=True)
    assert new == old, path.name


@pytest.mark.parametrize("path", MESSAGES, ids=lambda p: p.name)
def test_real_messages_partition_as_before(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same(path, monkeypatch)


PEOPLE = [
    "jane@example.com", "<bob@example.org>", "Jane Doe <jane.doe@example.com>", '"Doe, Jane" <jd@ex.org>',
    "René Lévesque <rene@example.fr>", "Иван <ivan@example.ru>", '"a \\"b\\"" <q@x.y>', "x@y (comment)",
    "Group: a@b.c, d@e.f;", "undisclosed-recipients:;", "broken <a@b", "=?utf-8?q?Ren=C3=A9?= <r@e.fr>", "a@b,,c@d",
]  # fmt: skip
SUBJECTS = ["Hello", "Re: Fwd: the report", "Café crème", "Привет, мир", "テスト", "=?utf-8?b?Q2Fmw6k=?=", "a " * 600, ""]
CHARSETS = ["utf-8", "iso-8859-1", "koi8-r", "shift_jis", "gb2312", "windows-1252", "us-ascii"]
TEXTS = [
    "Plain words of a message body.\n\nA second paragraph, with more words in it.",
    "Résumé: café, naïve, Straße.\n- one\n- two",
    "Здравствуйте! Это письмо на русском языке, чтобы проверить кодировки.",
    "1. First item\n2. Second item\n\nREPORT TITLE\n\nThe end.",
]
HTMLS = [
    "<html><body><h1>Title</h1><p>{}</p><ul><li>one</li><li>two</li></ul></body></html>",
    "<p>{}</p><table><tr><td>a</td><td>b</td></tr></table>",
]
ATTACHMENTS = [
    ("notes.txt", "text", "plain"), ("page.html", "text", "html"), ("data.csv", "text", "csv"), ("readme.md", "text", "markdown"),
    ("photo.jpg", "image", "jpeg"), ("tool.exe", "application", "octet-stream"), ("café.txt", "text", "plain"),
    ("noext", "application", "x-y"),
]  # fmt: skip
DSN = b"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; a@b.c\nAction: failed\nStatus: 5.1.1\n"


def text_part(rnd: random.Random, subtype: str) -> EmailMessage:
    part = EmailMessage()
    words = rnd.choice(TEXTS)
    body = rnd.choice(HTMLS).format(words) if subtype == "html" else words
    charset = rnd.choice(CHARSETS)
    try:
        body.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    part.set_content(body, subtype=subtype, charset=charset, cte=rnd.choice(["quoted-printable", "base64", "8bit", None]))
    return part


def body(rnd: random.Random, depth: int) -> EmailMessage:
    kind = rnd.choice(["plain", "html", "alternative", "related", "mixed"] if depth < 3 else ["plain", "html"])
    if kind in ("plain", "html"):
        return text_part(rnd, kind)
    part = text_part(rnd, rnd.choice(["plain", "html"]))
    if kind == "alternative":
        part.make_alternative()
        part.attach(text_part(rnd, rnd.choice(["plain", "html"])))
    elif kind == "related":
        part.make_related()
        part.add_related(b"GIF89a", "image", "gif", cid="<img1@example.com>")
        if rnd.random() < 0.5:
            part.set_param("start", rnd.choice(["<img1@example.com>", "<missing@example.com>"]))
    else:
        part.make_mixed()
        part.attach(body(rnd, depth + 1))
    return part


def random_message(rnd: random.Random) -> bytes:
    message = body(rnd, 0)
    for name in ("From", "To", "Cc", "Bcc"):
        if rnd.random() < 0.7:
            message[name] = ", ".join(rnd.sample(PEOPLE, rnd.randint(1, 3)))
    message["Subject"] = rnd.choice(SUBJECTS)
    message["Message-ID"] = rnd.choice(["<a.b@example.com>", "<x@y>", "not-an-id", " <c@d> "])
    message["Date"] = rnd.choice(
        ["Tue, 7 Mar 2017 14:29:24 -0800", "22 Aug 2016 18:37:49 +0400", "yesterday", "Mon, 32 Foo 2000"]
    )
    for _ in range(rnd.randint(0, 3)):
        if not message.is_multipart() or message.get_content_subtype() != "mixed":
            message.make_mixed()
        choice = rnd.random()
        if choice < 0.15:
            inner = EmailMessage()
            inner["Subject"] = "Inner"
            inner.set_content(rnd.choice(TEXTS))
            message.attach(EmailMessage())
            message.get_payload()[-1].set_content(inner)
        elif choice < 0.25:
            dsn = email.message_from_bytes(b"Content-Type: message/delivery-status\n\n" + DSN, policy=email.policy.default)
            message.attach(dsn)
        elif choice < 0.32:  # a multipart attachment: partitioned as its bytes stand
            inner = text_part(rnd, "plain")
            inner.add_alternative(rnd.choice(HTMLS).format("Inner words."), subtype="html")
            inner["Content-Disposition"] = 'attachment; filename="inner.html"'
            message.attach(inner)
        else:
            name, maintype, subtype = rnd.choice(ATTACHMENTS)
            data = rnd.choice(TEXTS).encode() if maintype == "text" else b"\x00\x01binary"
            message.add_attachment(data, maintype, subtype, filename=name, disposition=rnd.choice(["attachment", "inline"]))
    raw = message.as_bytes(policy=email.policy.default.clone(linesep=rnd.choice(["\n", "\r\n"])))
    if rnd.random() < 0.15:  # no Content-Type at the top, or one the parser must make sense of
        head, _, rest = raw.partition(b"\n\n")
        lines = [line for line in head.split(b"\n") if not line.lower().startswith(b"content-type")]
        extra = rnd.choice(
            [
                b"",
                b"Content-Type: text/plain; charset=x-unknown",
                b"Content-Type: text",
                b"Content-type: TEXT/Plain ; charset = utf-8",
            ]
        )
        raw = b"\n".join([*lines, extra]) + b"\n\n" + rest
    return raw


def check_random(seed: int, count: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(seed)
    for i in range(count):
        path = tmp_path / f"m{seed}-{i}.eml"
        path.write_bytes(random_message(rnd))
        assert_same(path, monkeypatch)


def test_random_messages_partition_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_random(0, 20, tmp_path, monkeypatch)


@pytest.mark.slow  # ~10 s
@pytest.mark.parametrize("seed", range(1, 6))
def test_more_random_messages_partition_as_before(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_random(seed, 200, tmp_path, monkeypatch)


SNIPPETS = [b";", b'"', b" ", b"\t", b"=?utf-8?q?a?=", b"(", b")", b"\\", b"<", b">", b",", b"@", b"*", b"'", b"\xc3\xa9", b"/"]
SNIPPETS += [b"=", b"\r\n ", b"filename=x.txt", b"; name*=utf-8''a%20b.csv", b"attachment", b"text/html", b"x" * 1200]


def mutant(rnd: random.Random, data: bytes) -> bytes:
    """A real message with a few of its (or its parts') header lines damaged."""
    lines = data.split(b"\n")
    headers = [i for i, line in enumerate(lines) if re.match(rb"[A-Za-z-]+:", line)]
    for _ in range(rnd.randint(1, 4)):
        i = rnd.choice(headers)
        line = lines[i]
        at = rnd.randint(line.index(b":") + 1, len(line))
        if rnd.random() < 0.7:
            lines[i] = line[:at] + rnd.choice(SNIPPETS) + line[at:]
        else:
            lines[i] = line[:at] + line[at + rnd.randint(1, 5) :]
    return b"\n".join(lines)


@pytest.mark.slow  # ~3 s
def test_damaged_real_messages_partition_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(7)
    sources = [p.read_bytes() for p in MESSAGES if p.stat().st_size < 30_000]
    for i in range(800):
        path = tmp_path / f"d{i}.eml"
        path.write_bytes(mutant(rnd, rnd.choice(sources)))
        assert_same(path, monkeypatch)


def test_the_comparison_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(b"From: a@b.c\nSubject: Hello\nContent-Type: text/plain\n\nThe body text.\n")
    monkeypatch.setattr(new_mail, "address_pairs", lambda name, value: [("X", "x@y.z")])
    with pytest.raises(AssertionError):
        assert_same(path, monkeypatch)


# ---- the oracle: mail.py before mail_headers.py ----

# Python's structured header parsers (addresses, MIME parameters) take time worse than linear in
# a header's length (a 64 KB To of quotes: about a minute), and even unstructured ones do on
# thousands of encoded words. A header is read up to _MAX_HEADER characters (a MIME header,
# whose parameters the compat parser reads in quadratic time, up to _MAX_MIME_HEADER), the
# rest cut; and structured only up to _MAX_STRUCTURED (a line of RFC 5322 is at most 998): a
# longer one is read as plain text, which the compat helpers mail.py uses anyway
# (getaddresses, get_param) parse quickly at that size.
_MAX_HEADER = 64 * 1024
_MAX_MIME_HEADER = 4 * 1024
_MAX_STRUCTURED = 998


class OldBoundedHeaders(HeaderRegistry):
    def __call__(self, name: str, value: str) -> BaseHeader:
        value = value[: _MAX_MIME_HEADER if name.lower().startswith("content-") else _MAX_HEADER]
        if len(value) <= _MAX_STRUCTURED:
            return super().__call__(name, value)
        plain = type("_PlainHeader", (UnstructuredHeader, self.base_class), {})
        header: BaseHeader = plain(name, value)
        return header


old_HEADERS = OldBoundedHeaders()


def old_partition_eml(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an RFC 822 message."""
    data = path.read_bytes()
    try:
        message = email.message_from_bytes(data, policy=email.policy.default.clone(header_factory=OldHeaderCache()))
    except Exception as exc:
        raise FileProcessingError(f"{sink.filename} is not a readable e-mail message ({exc}); re-export it as .eml") from None
    if not isinstance(message, EmailMessage) or (not message.keys() and not message.get_payload()):
        raise FileProcessingError(f"{sink.filename} is not an e-mail message (no headers); re-export it as .eml")
    meta = old_message_metadata(message)
    if not sink.last_modified and message.get("Date"):
        try:
            sink.last_modified = email.utils.parsedate_to_datetime(str(message["Date"])).isoformat()
        except (TypeError, ValueError, IndexError):
            pass

    body_html, body_text = old_bodies(message, settings)
    if body_html is not None and body_html.strip():
        from unstructured_nb.local.partition.html import add_html_elements, parse_html

        root = parse_html(body_html)
        if root is not None:
            add_html_elements(sink, root, **meta)
    if not sink.elements and body_text and body_text.strip():
        from unstructured_nb.local.partition.text import add_text_elements

        add_text_elements(sink, body_text, detect_languages(body_text[:20_000])[0], **meta)

    attachments = old_partition_attachments(message, sink, settings)
    elements = sink.finish(settings)
    # attachments keep their own filename, ids and hierarchy; they follow the body
    elements.extend(attachments)
    if not elements and not sink.elements:
        if message.get_content_maintype() == "multipart" and not message.is_multipart():
            raise FileProcessingError(
                f"{sink.filename}: no text found: its MIME structure is broken (the boundary its Content-Type "
                "names never occurs, so no part can be read); re-export the message from the mail program"
            )
        raise FileProcessingError(f"{sink.filename}: no text found (the message has no body)")
    return elements


class OldHeaderCache:
    """The bounded header factory (old_HEADERS), parsing each distinct header of one message once.

    The email package parses a header anew on every access, and ``get_body``/``iter_attachments``
    ask each part's Content-Type many times: half of the time of a message was spent there.
    """

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, str], Any] = {}

    def __call__(self, name: str, value: str) -> Any:
        key = (name, value)
        header = self._parsed.get(key)
        if header is None:
            header = self._parsed[key] = old_HEADERS(name, value)
        return header


def old_message_metadata(message: EmailMessage) -> dict[str, Any]:
    def addresses(header: str) -> list[str] | None:
        values = message.get_all(header)
        if not values:
            return None
        found = [
            email.utils.formataddr(pair) if pair[0] else pair[1] for pair in email.utils.getaddresses([str(v) for v in values])
        ]
        return [a for a in found if a] or None

    message_id = message.get("Message-ID")
    subject = message.get("Subject")
    return {
        "sent_from": addresses("From"),
        "sent_to": addresses("To"),
        "cc_recipient": addresses("Cc"),
        "bcc_recipient": addresses("Bcc"),
        "subject": str(subject) if subject else None,
        "email_message_id": str(message_id).strip().strip("<>") if message_id else None,
    }


def old_decoded(part: Any, settings: PartitionSettings) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeDecodeError, AssertionError, KeyError):
        payload = part.get_payload(decode=True) or b""
        return decode_text(payload, part.get_content_charset() or settings.encoding, "message part")[0]


def old_bodies(message: EmailMessage, settings: PartitionSettings) -> tuple[str | None, str | None]:
    html_part = message.get_body(preferencelist=("html",))
    text_part = message.get_body(preferencelist=("plain",))
    if html_part is None and text_part is None and not message.is_multipart() and message.get_content_maintype() != "multipart":
        # a single-part message whose type is neither (e.g. missing Content-Type): read it as text
        return None, old_decoded(message, settings)
    html = old_decoded(html_part, settings) if html_part is not None else None
    text = old_decoded(text_part, settings) if text_part is not None else None
    return html, text


def old_partition_attachments(message: EmailMessage, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    # the old header objects, the shared attachment rules (attachments.py, tested on their own)
    results: list[dict[str, Any]] = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        name = attachment_name(part.get_filename(), part.get_content_type(), number)
        if name is not None:
            read = functools.partial(old_attachment_bytes, part)
            results.extend(partition_attachment(sink, name, read, settings, sink.last_modified))
    return results


def old_attachment_bytes(part: Any) -> bytes:
    """An attachment's bytes as the library reads them: ``get_content()`` (so a
    ``message/delivery-status`` part, whose payload is a list of header blocks, gives its text),
    a ``message/*`` part's enclosed message serialized, a ``multipart/*`` part as it stands."""
    if part.get_content_type().startswith("multipart/"):
        copy = email.message_from_bytes(part.as_bytes(), policy=email.policy.default)
        del copy["Content-Disposition"]
        return bytes(copy.as_bytes())
    try:
        content = part.get_content()
    except (LookupError, KeyError, UnicodeDecodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True)
        return payload if isinstance(payload, bytes) else b""
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, email.message.Message):
        return bytes(content.as_bytes())
    return content if isinstance(content, bytes) else b""
