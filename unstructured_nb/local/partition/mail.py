"""E-mail messages (.eml): the body partitioned as HTML or text, with the message's metadata.

Like the library's ``partition_email``: the HTML body is preferred (``content_source``
text/html), the plain-text body is the fallback; every element carries ``sent_from``,
``sent_to``, ``cc_recipient``, ``bcc_recipient``, ``subject`` and ``email_message_id``, and the
``Date`` header is the ``last_modified`` when the upload gave none. Attachments of a type the
local engine supports are partitioned too, each as a document of its own (``attachments``), their
elements marked with ``attached_to_filename``.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import functools
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings, decode_text
from ._errors import FileProcessingError
from ._lang import detect_languages
from .attachments import attachment_name, partition_attachment
from .mail_headers import HeaderCache, address_pairs, address_text

# the default policy's unfolding of a header value (email.policy.linesep_splitter)
_LINESEP = re.compile(r"\n|\r")


def partition_eml(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an RFC 822 message."""
    data = path.read_bytes()
    try:
        headers = HeaderCache()
        message = email.message_from_bytes(data, policy=email.policy.default.clone(header_factory=headers, message_factory=_Part))
        headers.parsed = True
    except Exception as exc:
        raise FileProcessingError(f"{sink.filename} is not a readable e-mail message ({exc}); re-export it as .eml") from None
    if not isinstance(message, EmailMessage) or (not message.keys() and not message.get_payload()):
        raise FileProcessingError(f"{sink.filename} is not an e-mail message (no headers); re-export it as .eml")
    meta = _message_metadata(message)
    if not sink.last_modified and message.get("Date"):
        try:
            sink.last_modified = email.utils.parsedate_to_datetime(str(message["Date"])).isoformat()
        except (TypeError, ValueError, IndexError):
            pass

    body_html, body_text = _bodies(message, settings)
    if body_html is not None and body_html.strip():
        from .html import add_html_elements, parse_html

        root = parse_html(body_html)
        if root is not None:
            add_html_elements(sink, root, **meta)
    if not sink.elements and body_text and body_text.strip():
        from .text import add_text_elements

        add_text_elements(sink, body_text, detect_languages(body_text[:20_000])[0], **meta)

    attachments = _partition_attachments(message, sink, settings)
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


class _Part(EmailMessage):
    """An EmailMessage that, once parsed, works its content type out once: ``get_body`` and
    ``iter_attachments`` ask each part's many times."""

    def get_content_type(self) -> str:
        known: str | None = self.__dict__.get("_content_type")
        if known is None:
            known = super().get_content_type()
            if getattr(getattr(self.policy, "header_factory", None), "parsed", False):  # its headers are all there
                self.__dict__["_content_type"] = known
        return known


def _message_metadata(message: EmailMessage) -> dict[str, Any]:
    def addresses(header: str) -> list[str] | None:
        # as getaddresses of str() of each header of the default policy (message.get_all), the
        # simple ones not parsed
        wanted = header.lower()
        values = [(k, "".join(_LINESEP.split(v))) for k, v in message.raw_items() if k.lower() == wanted]
        if not values:
            return None
        simple = [address_pairs(k, v) for k, v in values]
        if all(pairs is not None for pairs in simple):
            found_pairs = [pair for pairs in simple if pairs is not None for pair in pairs]
        else:
            found_pairs = email.utils.getaddresses([_address_text(k, v) for k, v in values])
        found = [email.utils.formataddr(pair) if pair[0] else pair[1] for pair in found_pairs]
        return [a for a in found if a] or None

    def _address_text(name: str, value: str) -> str:
        text = address_text(name, value)
        return text if text is not None else str(message.policy.header_fetch_parse(name, value))

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


def _decoded(part: Any, settings: PartitionSettings) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeDecodeError, AssertionError, KeyError):
        payload = part.get_payload(decode=True) or b""
        return decode_text(payload, part.get_content_charset() or settings.encoding, "message part")[0]


def _bodies(message: EmailMessage, settings: PartitionSettings) -> tuple[str | None, str | None]:
    html_part = message.get_body(preferencelist=("html",))
    text_part = message.get_body(preferencelist=("plain",))
    if html_part is None and text_part is None and not message.is_multipart() and message.get_content_maintype() != "multipart":
        # a single-part message whose type is neither (e.g. missing Content-Type): read it as text
        return None, _decoded(message, settings)
    html = _decoded(html_part, settings) if html_part is not None else None
    text = _decoded(text_part, settings) if text_part is not None else None
    return html, text


def _partition_attachments(message: EmailMessage, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        name = attachment_name(part.get_filename(), part.get_content_type(), number)
        if name is not None:
            read = functools.partial(_attachment_bytes, part)
            results.extend(partition_attachment(sink, name, read, settings, sink.last_modified))
    return results


def _attachment_bytes(part: Any) -> bytes:
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
