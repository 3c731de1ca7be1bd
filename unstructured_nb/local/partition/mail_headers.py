"""Header objects for mail.py: the email package's (bounded), skipped where a value needs no parsing.

The default policy parses every header it is asked for with ``_header_value_parser``, which
was the larger part of the time of a message. Most values are plain ASCII of the simplest
form (``text/plain; charset="utf-8"``, ``attachment; filename="a.pdf"``, ``base64``, a
subject without encoded words), for which the parsed header's text is the value itself: such
a value gets a light header, a ``str`` equal to what the header object's would be, that makes
the real object only if something else is asked of it. The grammars below are deliberately
narrower than what the parser gives unchanged (tests/local/partition/test_mail_headers.py
checks each against the parser on random values); anything outside them is parsed as before.
"""

from __future__ import annotations

import email.utils
import re
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from typing import Any

# Python's structured header parsers (addresses, MIME parameters) take time worse than linear in
# a header's length (a 64 KB To of quotes: about a minute), and even unstructured ones do on
# thousands of encoded words. A header is read up to _MAX_HEADER characters (a MIME header,
# whose parameters the compat parser reads in quadratic time, up to _MAX_MIME_HEADER), the
# rest cut; and structured only up to _MAX_STRUCTURED (a line of RFC 5322 is at most 998): a
# longer one is read as plain text, which the compat helpers mail.py uses anyway
# (getaddresses, get_param) parse quickly at that size. The light headers' grammars are
# regular expressions without nested repetition, linear in the (bounded) value.
_MAX_HEADER = 64 * 1024
_MAX_MIME_HEADER = 4 * 1024
_MAX_STRUCTURED = 998


class _BoundedHeaders(HeaderRegistry):
    def __call__(self, name: str, value: str) -> BaseHeader:
        value = _cut(name, value)
        if len(value) <= _MAX_STRUCTURED:
            return super().__call__(name, value)
        plain = type("_PlainHeader", (UnstructuredHeader, self.base_class), {})
        header: BaseHeader = plain(name, value)
        return header


HEADERS = _BoundedHeaders()


def _cut(name: str, value: str) -> str:
    return value[: _MAX_MIME_HEADER if name.lower().startswith("content-") else _MAX_HEADER]


_WS = r"[ \t]*"
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"  # RFC 2045 token: no space, controls or tspecials
_NAME = r"[!#$%&+\-.^_`|~0-9A-Za-z]+"  # a token but for RFC 2231's "*" and "'" (sections, charsets)
_QUOTED = r'"(?:[!#-\[\]-~]| (?! ))*"'  # no backslash, inner quote, tab or run of spaces (read as one space)
_PARAMS = rf"(?:{_WS};{_WS}{_NAME}{_WS}={_WS}(?:{_NAME}|{_QUOTED}))*{_WS}"
_CONTENT_TYPE = re.compile(rf"{_WS}{_TOKEN}/{_TOKEN}{_PARAMS}")
_DISPOSITION = re.compile(rf"{_WS}({_TOKEN}){_PARAMS}")
_PARAM = re.compile(rf";{_WS}({_NAME}){_WS}={_WS}(?:({_NAME})|\"([^\"]*)\")")
_ENCODING = re.compile(rf"{_WS}{_TOKEN}{_WS}")
_ATEXT = r"[!#$%&'*+\-/=?^_`{|}~0-9A-Za-z]+"
_ADDR_SPEC = rf"{_ATEXT}(?:\.{_ATEXT})*@[0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*"
_MESSAGE_ID = re.compile(rf"{_WS}<{_ADDR_SPEC}>{_WS}")
_MAILBOX = rf"(?:{_ADDR_SPEC}|(?:{_ATEXT}(?: {_ATEXT})*|{_QUOTED})?{_WS}<{_ADDR_SPEC}>)"
_ADDRESS_LIST = re.compile(rf"{_WS}{_MAILBOX}(?:{_WS},{_WS}{_MAILBOX})*{_WS}")
_MAILBOX_PARTS = re.compile(  # one mailbox of an _ADDRESS_LIST: (addr-spec | (phrase | quoted)? <addr-spec>)
    rf"{_WS}(?:({_ADDR_SPEC})|(?:({_ATEXT}(?: {_ATEXT})*)|\"([^\"]*)\")?{_WS}<({_ADDR_SPEC})>){_WS}(?:,|\Z)"
)
_PLAIN = re.compile(r"[ -~\t]*")  # printable ASCII and tabs
_UNSTRUCTURED = {"subject"}  # of the registry's names; names it does not know are unstructured too


def _plain(value: str) -> bool:
    return "=?" not in value and _PLAIN.fullmatch(value) is not None


class _LightHeader(str):
    """A header's text as the email package's header object has it; any other attribute is the
    object's, made on first use."""

    name: str
    _value: str

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") or attr == "_value":
            raise AttributeError(attr)
        return getattr(self._real(), attr)

    def _real(self) -> BaseHeader:
        real = self.__dict__.get("_real_header")
        if real is None:
            real = self.__dict__["_real_header"] = HEADERS(self.name, self._value)
        return real

    def fold(self, *, policy: Any) -> str:
        return str(self._real().fold(policy=policy))


def _light(name: str, value: str, text: str, **attributes: Any) -> _LightHeader:
    header = _LightHeader(text)
    header.__dict__.update(name=name, _value=value, **attributes)
    return header


def make_header(name: str, value: str) -> Any:
    """The header object of the default policy for ``name: value`` (value unfolded), bounded as
    _BoundedHeaders, or a light stand-in equal to it."""
    cut = _cut(name, value)
    if not _plain(cut):
        return HEADERS(name, value)
    key = name.lower()
    if len(cut) > _MAX_STRUCTURED or key in _UNSTRUCTURED or key not in HEADERS.registry:
        return _light(name, value, cut)
    if key == "content-type" and _CONTENT_TYPE.fullmatch(cut):
        return _light(name, value, _mime_text(cut))
    if key == "content-disposition" and (match := _DISPOSITION.fullmatch(cut)):
        return _light(name, value, _mime_text(cut), content_disposition=match.group(1).lower())
    if key == "content-transfer-encoding" and _ENCODING.fullmatch(cut):
        return _light(name, value, cut)
    if key == "message-id" and _MESSAGE_ID.fullmatch(cut):
        return _light(name, value, cut)
    if key == "date" and cut:
        try:  # as DateHeader.parse: the normalized date, or the value when it is no date
            text = email.utils.format_datetime(email.utils.parsedate_to_datetime(cut))
        except ValueError:
            text = cut
        return _light(name, value, text)
    return HEADERS(name, value)


def _mime_text(value: str) -> str:
    """The text of a parameterized MIME header as the parser writes it back: the value up to its
    first ``;``, then each parameter (the first of a name) as ``name="value"`` (``name`` when
    empty), joined by ``; ``."""
    head, semicolon, _ = value.partition(";")
    if not semicolon:
        return value
    params: dict[str, str] = {}
    for match in _PARAM.finditer(value, len(head)):
        params.setdefault(match.group(1), match.group(2) if match.group(2) is not None else match.group(3))
    return head + "; " + "; ".join(f'{n}="{v}"' if v else n for n, v in params.items())


def address_text(name: str, value: str) -> str | None:
    """Text that ``email.utils.getaddresses`` reads as it reads the default policy's header for
    ``name: value`` (value unfolded), when that needs no parsing; else None."""
    cut = _cut(name, value)
    if not _plain(cut):
        return None
    if len(cut) > _MAX_STRUCTURED or _ADDRESS_LIST.fullmatch(cut):
        return cut
    return None


def address_pairs(name: str, value: str) -> list[tuple[str, str]] | None:
    """``email.utils.getaddresses`` of the default policy's header for ``name: value`` (value
    unfolded), when that needs no parsing: a list of plain mailboxes; else None."""
    cut = _cut(name, value)
    if len(cut) > _MAX_STRUCTURED or not _plain(cut) or not _ADDRESS_LIST.fullmatch(cut):
        return None
    return [(m[2] or m[3] or "", m[1] or m[4]) for m in _MAILBOX_PARTS.finditer(cut)]


class HeaderCache:
    """The header factory (make_header), making each distinct header of one message once.

    The email package makes a header anew on every access, and ``get_body``/``iter_attachments``
    ask each part's Content-Type many times.
    """

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], Any] = {}
        self.parsed = False  # set by the caller once the message is parsed: its headers no longer change

    def __call__(self, name: str, value: str) -> Any:
        key = (name, value)
        header = self._made.get(key)
        if header is None:
            header = self._made[key] = make_header(name, value)
        return header
