"""Outlook messages (.msg): the body partitioned as HTML or text, with the message's metadata.

Read as the library's ``partition_msg`` reads it with python-oxmsg (``msg_props`` mirrors its
rules and reads only the streams needed, through ``cfb``: python-oxmsg reads them all): the HTML
body is preferred, the plain-text body is the fallback; every element carries ``sent_from``,
``sent_to``, ``cc_recipient``, ``bcc_recipient``, ``subject`` and ``email_message_id``, and the sent
date is the ``last_modified`` when the upload gave none. Attachments are not partitioned (the
library's default). An encrypted message gives a clear error (the library returns nothing).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from ._lang import detect_languages
from .cfb import CompoundFileError, open_compound_file
from .msg_props import MsgFormatError, MsgMessage


def _split_addresses(addresses: str) -> list[str]:
    return (
        [a.strip() for a in addresses.split(";") if a.strip()]
        if ";" in addresses
        else [a.strip() for a in addresses.split(",") if a.strip()]
    )


def partition_msg(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an Outlook .msg file."""
    try:
        with open_compound_file(path) as cfb:
            msg = MsgMessage(cfb)
            headers = {name.lower(): value for name, value in msg.message_headers.items()}
            if "encrypted" in headers.get("content-type", ""):
                raise FileProcessingError(
                    f"{sink.filename} is an encrypted message: decrypt it in Outlook first, then save it again"
                )
            sender, sent_to, subject, sent_date = msg.sender, msg.recipient_addresses, msg.subject, msg.sent_date
            html_body = msg.html_body
            body = None if html_body else msg.body
    except (CompoundFileError, MsgFormatError, OSError) as exc:
        raise FileProcessingError(
            f"{sink.filename} is not a readable Outlook message ({exc}); save it again from Outlook as .msg, or as .eml"
        ) from None
    message_id = headers.get("message-id")
    meta: dict[str, Any] = {
        "sent_from": _split_addresses(sender) if sender else None,
        "sent_to": sent_to or None,
        "cc_recipient": _split_addresses(headers["cc"]) if headers.get("cc") else None,
        "bcc_recipient": _split_addresses(headers["bcc"]) if headers.get("bcc") else None,
        "subject": subject or None,
        "email_message_id": re.sub(r"^<|>$", "", message_id) if message_id else None,
    }
    if not sink.last_modified and sent_date:
        sink.last_modified = sent_date.isoformat()
    if html_body:
        from .html import add_html_elements, parse_html

        root = parse_html(html_body)
        if root is not None:
            add_html_elements(sink, root, **meta)
    elif body:
        from .text import add_text_elements

        add_text_elements(sink, body, detect_languages(body[:20_000])[0], **meta)
    elements = sink.finish(settings)
    if not elements:
        raise FileProcessingError(f"{sink.filename}: no text found (the message has no body)")
    return elements
