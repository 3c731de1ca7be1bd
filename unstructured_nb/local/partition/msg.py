"""Outlook messages (.msg): the body partitioned as HTML or text, with the message's metadata.

Read as the library's ``partition_msg`` reads it with python-oxmsg (``msg_props`` mirrors its
rules and reads only the streams needed, through ``cfb``: python-oxmsg reads them all): the HTML
body is preferred, the plain-text body is the fallback; every element carries ``sent_from``,
``sent_to``, ``cc_recipient``, ``bcc_recipient``, ``subject`` and ``email_message_id``, and the sent
date is the ``last_modified`` when the upload gave none. Attachments are partitioned as the
library's default is, each as a document of its own (``attachments``), dated by its own
last-modified time, else the message's. An encrypted message gives a clear error (the library
returns nothing).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from ._lang import detect_languages
from .attachments import attachment_name, partition_attachment
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
            attached = _read_attachments(msg, sink)
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
    # as the library: each attachment partitioned on its own, its elements after the body's
    for name, data, modified in attached:
        last_modified = modified.isoformat() if modified else sink.last_modified
        elements.extend(partition_attachment(sink, name, functools.partial(bytes, data), settings, last_modified))
    if not elements:
        raise FileProcessingError(f"{sink.filename}: no text found (the message has no body)")
    return elements


def _read_attachments(msg: MsgMessage, sink: ElementSink) -> list[tuple[str, bytes, dt.datetime | None]]:
    """(name, bytes, last modified) of each attachment; one that cannot be read is skipped with a
    warning (the library's python-oxmsg fails the whole message)."""
    attached = []
    for number, sid in enumerate(msg.attachment_storages, start=1):
        try:
            name, mime, data, modified = msg.attachment(sid)
        except (CompoundFileError, MsgFormatError) as exc:
            sink.warnings.append(f"{sink.filename}: attachment {number} could not be read ({exc}); it was skipped")
            continue
        # the library's sanitizing: no directories, no NUL; without a name left, one from its type
        # (the library sniffs its bytes)
        name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\0", "")
        named = attachment_name(name if name not in (".", "..") else "", mime, number)
        if named is not None:
            attached.append((named, data, modified))
    return attached
