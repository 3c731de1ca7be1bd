"""The properties of an Outlook message (.msg) that ``partition_msg`` needs, by python-oxmsg's rules.

Why not python-oxmsg: it reads through olefile, which materialises and checks an object for every
directory entry, and then reads every stream of every storage into memory; a .msg needs a dozen.
This module reads those few streams through ``cfb`` and mirrors python-oxmsg 0.0.2 (MIT;
``properties.py``, ``message.py``, ``recipient.py``, ``domain/encodings.py``) so that the values,
and so the elements, are the same:

- a storage's properties stream holds 16-byte segments (type, id, flags, 8 bytes of value) after a
  header (32 bytes for the message, 8 for a recipient or an attachment); a trailing short segment
  is dropped;
- a string or binary property's bytes are in stream ``__substg1.0_<ID><TYPE>`` of the storage; a
  property listed whose stream is missing makes the file unreadable, a stream not listed is
  ignored; of several listed with one id, the first (in stream order) of an accepted type counts;
- PtypString is UTF-16-LE; PtypString8 is decoded with the code page of the storage's
  PID_MESSAGE_CODEPAGE, else iso-8859-15, except PID_BODY, which (like the PID_HTML binary) uses
  PID_INTERNET_CODEPAGE, else the same; each code page is the first segment with that id, read
  as a 32-bit integer whatever its type; an unknown code page makes every property unreadable;
- a time is the last segment with its id, truncated to the second, in UTC.

A value that cannot be read raises ``MsgFormatError`` (text: what is wrong).
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.parser
import struct
from functools import cached_property

from .cfb import CompoundFile

PID_SUBJECT, PID_CLIENT_SUBMIT_TIME, PID_SENT_REPRESENTING_NAME = 0x0037, 0x0039, 0x0042
PID_TRANSPORT_MESSAGE_HEADERS, PID_BODY, PID_HTML = 0x007D, 0x1000, 0x1013  # PID_HTML is also PID_BODY_HTML
PID_SENDER_NAME, PID_SENDER_EMAIL_ADDRESS, PID_SENDER_SMTP_ADDRESS = 0x0C1A, 0x0C1F, 0x5D01
PID_EMAIL_ADDRESS, PID_SMTP_ADDRESS = 0x3003, 0x39FE
PID_INTERNET_CODEPAGE, PID_MESSAGE_CODEPAGE = 0x3FDE, 0x3FFD
PID_ATTACH_DATA_BINARY, PID_ATTACH_LONG_FILENAME, PID_LAST_MODIFICATION_TIME = 0x3701, 0x3707, 0x3008
PID_ATTACH_MIME_TAG = 0x370E
PTYP_STRING8, PTYP_STRING, PTYP_TIME, PTYP_BINARY = 0x001E, 0x001F, 0x0040, 0x0102
MESSAGE_HEADER, RECIPIENT_HEADER, ATTACHMENT_HEADER = 32, 8, 8  # bytes before a properties stream's segments
RECIPIENT_PREFIX, ATTACHMENT_PREFIX = "__recip_version1.0_#", "__attach_version1.0_#"
_SEGMENT = struct.Struct("<HH4xII")  # type, id, (flags), value's low and high 32 bits
_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc)

# Microsoft code page -> the codec name python-oxmsg gives it (its domain/encodings.py; the code
# pages it lists with no codec are left out: like unknown ones, they make a message unreadable).
_CODEPAGES = {
    int(number): name
    for number, name in (
        item.split(":")
        for item in """
37:IBM037 437:IBM437 500:IBM500 708:ASMO-708 720:DOS-720 737:cp737 775:ibm775 850:ibm850 852:ibm852 855:IBM855
857:ibm857 858:cp858 860:IBM860 861:ibm861 862:cp862 863:IBM863 864:IBM864 865:IBM865 866:cp866 869:ibm869 870:cp870
874:windows-874 875:cp875 932:shift_jis 936:gb2312 949:ks_c_5601-1987 950:windows-950 1026:IBM1026 1047:cp1047
1140:cp1140 1141:cp1141 1142:cp1142 1143:cp1143 1144:cp1144 1145:cp1145 1146:cp1146 1147:cp1147 1148:cp1148ms
1149:cp1149 1200:utf-16-le 1201:utf-16-be 1250:windows-1250 1251:windows-1251 1252:windows-1252 1253:windows-1253
1254:windows-1254 1255:windows-1255 1256:windows-1256 1257:windows-1257 1258:windows-1258 1361:Johab 10000:macintosh
10001:x-mac-japanese 10003:x-mac-korean 10006:x-mac-greek 10007:x-mac-cyrillic 10029:x-mac-ce 10079:x-mac-icelandic
10081:x-mac-turkish 12000:utf-32 12001:utf-32BE 20127:us-ascii 20273:IBM273 20277:cp277 20278:cp278 20280:cp280
20284:cp284 20285:cp285 20290:cp290 20297:cp297 20420:cp420 20424:IBM424 20833:cp833 20838:cp838 20866:koi8-r
20871:cp871 20905:IBM905 20932:EUC-JP 21025:cp1025 21866:koi8-u 28591:iso-8859-1 28592:iso-8859-2 28593:iso-8859-3
28594:iso-8859-4 28595:iso-8859-5 28596:iso-8859-6 28597:iso-8859-7 28598:iso-8859-8 28599:iso-8859-9 28603:iso-8859-13
28605:iso-8859-15 50220:iso-2022-jp 50221:csISO2022JP 50222:iso-2022-jp 50225:iso-2022-kr 51932:euc-jp 51936:EUC-CN
51949:euc-kr 52936:hz-gb-2312 54936:GB18030 65000:utf-7 65001:utf-8
""".split()
    )
}


class MsgFormatError(ValueError):
    """A property of the message cannot be read; ``str(exc)`` says which, in a few words."""


def _encoding(codepage: int) -> str:
    name = _CODEPAGES.get(codepage)
    if name is None:
        raise MsgFormatError(f"its code page {codepage} is not one it can be decoded with")
    return name


class Properties:
    """The properties of one storage (the message's, a recipient's or an attachment's)."""

    def __init__(self, cfb: CompoundFile, streams: dict[str, int], header: int) -> None:
        self._cfb, self.streams = cfb, streams
        props = streams.get("__properties_version1.0")
        if props is None:
            raise MsgFormatError("a storage has no properties stream")
        data = cfb.read(props)[header:]
        self._segments = list(_SEGMENT.iter_unpack(data[: len(data) - len(data) % 16]))
        first_int: dict[int, int] = {}
        for _, pid, low, _ in self._segments:
            first_int.setdefault(pid, low)
        # python-oxmsg works both out before it reads any property (so fails on a bad code page)
        message_cp, internet_cp = first_int.get(PID_MESSAGE_CODEPAGE), first_int.get(PID_INTERNET_CODEPAGE)
        self._str_encoding = "iso-8859-15" if message_cp is None else _encoding(message_cp)
        self.body_encoding = self._str_encoding if internet_cp is None else _encoding(internet_cp)

    def _stream(self, pid: int, ptyp: int) -> bytes:
        sid = self.streams.get(f"__substg1.0_{pid:04X}{ptyp:04X}")
        if sid is None:
            raise MsgFormatError(f"property {pid:04X}{ptyp:04X} is listed but its stream is missing")
        return self._cfb.read(sid)

    def _first_type(self, pid: int, ptyps: tuple[int, ...]) -> int | None:
        return next((ptyp for ptyp, pid_, _, _ in self._segments if pid_ == pid and ptyp in ptyps), None)

    def binary(self, pid: int) -> bytes | None:
        """The bytes of PtypBinary property ``pid``; None when it is not listed."""
        return None if self._first_type(pid, (PTYP_BINARY,)) is None else self._stream(pid, PTYP_BINARY)

    def string(self, pid: int) -> str | None:
        """The text of PtypString or PtypString8 property ``pid``; None when it is not listed."""
        ptyp = self._first_type(pid, (PTYP_STRING, PTYP_STRING8))
        if ptyp is None:
            return None
        if ptyp == PTYP_STRING:
            encoding = "utf-16-le"
        else:
            encoding = self.body_encoding if pid == PID_BODY else self._str_encoding
        return decode(self._stream(pid, ptyp), encoding)

    def time(self, pid: int) -> dt.datetime | None:
        """PtypTime property ``pid`` to the second in UTC; None when not listed, not a time, or out of range."""
        last = None
        for segment in self._segments:
            if segment[1] == pid:
                last = segment
        if last is None or last[0] != PTYP_TIME:
            return None  # python-oxmsg would give the value of another type, which no date is
        try:
            return _EPOCH + dt.timedelta(seconds=(last[2] | last[3] << 32) // 1e7)  # as python-oxmsg (float)
        except OverflowError:
            return None


def decode(data: bytes, encoding: str) -> str:
    """``data`` decoded strictly (as python-oxmsg does); MsgFormatError when it cannot be."""
    try:
        return data.decode(encoding)
    except LookupError:
        raise MsgFormatError(f"its text encoding {encoding} is not one it can be decoded with") from None
    except UnicodeDecodeError:
        raise MsgFormatError(f"a text property is not valid {encoding}") from None


class MsgMessage:
    """The message in a Compound File, with the accessors of ``oxmsg.Message`` that we use."""

    def __init__(self, cfb: CompoundFile) -> None:
        self._cfb = cfb
        self._streams, self._storages = cfb.storage(0)

    @cached_property
    def properties(self) -> Properties:
        return Properties(self._cfb, self._streams, MESSAGE_HEADER)

    @cached_property
    def _headers(self) -> email.message.Message:
        text = self.properties.string(PID_TRANSPORT_MESSAGE_HEADERS) or ""
        return email.parser.HeaderParser().parsestr(text)

    @property
    def message_headers(self) -> dict[str, str]:
        """The transport headers, {name: first value of that name}."""
        return dict(self._headers)

    @property
    def subject(self) -> str:
        return self.properties.string(PID_SUBJECT) or ""

    @property
    def body(self) -> str | None:
        return self.properties.string(PID_BODY)

    @property
    def html_body(self) -> str | None:
        """PID_HTML decoded with the body's code page, else the PID_BODY_HTML string."""
        if html := self.properties.binary(PID_HTML):
            return decode(html, self.properties.body_encoding)
        return self.properties.string(PID_HTML) or None

    @property
    def sender(self) -> str | None:
        """The From header, else '"name" <address>' from the sender properties, as python-oxmsg."""
        if from_header := self._headers["from"]:
            return str(from_header)
        props = self.properties
        raw_name = (props.string(PID_SENDER_NAME) or "").strip()
        name = f'"{raw_name}" ' if raw_name else ""
        address = props.string(PID_SENDER_EMAIL_ADDRESS) or props.string(PID_SENDER_SMTP_ADDRESS)
        return f"{name}<{address}>" if address else props.string(PID_SENT_REPRESENTING_NAME)

    @property
    def recipient_addresses(self) -> list[str]:
        """Each recipient's SMTP address, else its e-mail address, else "", in storage-name order."""
        addresses = []
        for name, sid in self._storages:
            if name.startswith(RECIPIENT_PREFIX):
                props = Properties(self._cfb, self._cfb.storage(sid)[0], RECIPIENT_HEADER)
                addresses.append(props.string(PID_SMTP_ADDRESS) or props.string(PID_EMAIL_ADDRESS) or "")
        return addresses

    @property
    def sent_date(self) -> dt.datetime | None:
        return self.properties.time(PID_CLIENT_SUBMIT_TIME)

    @property
    def attachment_storages(self) -> list[int]:
        """The entry numbers of the attachments' storages, in storage-name order (python-oxmsg's)."""
        return [sid for name, sid in self._storages if name.startswith(ATTACHMENT_PREFIX)]

    def attachment(self, sid: int) -> tuple[str | None, str, bytes, dt.datetime | None]:
        """The long file name, the MIME type, the bytes (b"" when not attached by value, e.g. an
        embedded message) and the last-modified time of the attachment in storage ``sid``, as
        python-oxmsg's ``Attachment`` gives them."""
        props = Properties(self._cfb, self._cfb.storage(sid)[0], ATTACHMENT_HEADER)
        name = props.string(PID_ATTACH_LONG_FILENAME)
        mime = props.string(PID_ATTACH_MIME_TAG) or "application/octet-stream"
        return name, mime, props.binary(PID_ATTACH_DATA_BINARY) or b"", props.time(PID_LAST_MODIFICATION_TIME)
