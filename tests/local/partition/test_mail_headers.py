"""mail_headers' light headers are what the email package's header objects give, on random values of and near their grammars."""

from __future__ import annotations

import email.utils
import itertools
import random
from typing import Any

import pytest

from unstructured_nb.local.partition.mail_headers import HEADERS, HeaderCache, address_pairs, address_text, make_header

PIECES = [
    "text/plain", "multipart/mixed", "Text/HTML", "application/pdf", "attachment", "Inline", "; ", ";", " ", "\t", "=",
    "charset", "utf-8", '"', "boundary", "----=_Part_1.2", "filename", "x.pdf", "filename*", "utf-8''a%20b.pdf",
    "name*0", "base64", "Quoted-Printable", "7bit", "(c)", "\\", "<", ">", "@", "a.b", "example.com", ",", "John",
    "Doe", '"Doe, J."', "=?", "?=", "?", "/", ":", "[", "]", "'", "é", "Mon, 22 Aug 2016 06:23:36 -0300", "22 Aug 2016",
    "", "\x7f", "\x01", "*",
]  # fmt: skip
NAMES = [
    "Content-Type", "Content-Disposition", "Content-Transfer-Encoding", "Content-ID", "Subject", "Message-ID",
    "Date", "X-Mailer", "MIME-Version", "To", "From", "Content-Description",
]  # fmt: skip


def runs(fast: int, thorough: int) -> list[Any]:
    """(seed, count): one quick run in the fast subset, three thorough ones marked slow (~2 s each)."""
    return [(0, fast)] + [pytest.param(seed, thorough, marks=pytest.mark.slow) for seed in (1, 2, 3)]


def random_value(rnd: random.Random) -> str:
    return "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 14)))


def real_or_error(name: str, value: str) -> object:
    try:
        return HEADERS(name, value)
    except Exception as exc:  # the parser's own failures must stay failures
        return type(exc)


def check(name: str, value: str) -> None:
    real = real_or_error(name, value)
    try:
        light = make_header(name, value)
    except Exception as exc:  # the parser's own failures must stay failures
        light = type(exc)
    if isinstance(real, type) or isinstance(light, type):
        assert light is real, (name, value)
        return
    assert str(light) == str(real), (name, value)
    assert light.name == real.name  # type: ignore[union-attr]
    if not hasattr(real, "params"):  # a value past the bound, plain text
        assert not hasattr(light, "params") and not hasattr(light, "content_disposition")
    elif name == "Content-Disposition":
        assert light.content_disposition == real.content_disposition, (name, value)  # type: ignore[union-attr]
    elif name == "Content-Type":
        assert light.params == real.params and light.content_type == real.content_type, value  # type: ignore[union-attr]


def check_addresses(value: str) -> None:
    text = address_text("To", value)
    if text is None:
        return
    real = real_or_error("To", value)
    assert not isinstance(real, type), (value, real)
    assert email.utils.getaddresses([text]) == email.utils.getaddresses([str(real)]), value
    pairs = address_pairs("To", value)
    assert pairs is None or pairs == email.utils.getaddresses([str(real)]), value


@pytest.mark.parametrize(("seed", "count"), runs(300, 3000))
def test_light_headers_equal_the_parsed_ones(seed: int, count: int) -> None:
    rnd = random.Random(seed)
    for _ in range(count):
        value = random_value(rnd)
        for name in NAMES:
            check(name, value)
        check_addresses(value)


ADDRESS_PIECES = ["a", "jane.doe", "x+y", "b-c", "@", "example.com", "mail.ex-ample.org", "<", ">", " ", "  ", "\t", ","]
ADDRESS_PIECES += ['"Doe, Jane"', '"J. Doe"', '"a"', '""', '" x "', "Jane", "Doe", "O'Neil", "!#$%&'*+-/=?^_`{|}~"]
ADDRESS_PIECES += ['"J  Doe"', '"J\tDoe"', '"  "', "Jane  Doe"]


@pytest.mark.parametrize(("seed", "count"), runs(5000, 20000))
def test_address_text_reads_as_the_parsed_header(seed: int, count: int) -> None:
    rnd = random.Random(seed)
    matched = 0
    for _ in range(count):
        value = "".join(rnd.choice(ADDRESS_PIECES) for _ in range(rnd.randint(1, 12)))
        check_addresses(value)
        matched += address_text("To", value) is not None
    mailbox = ["jane@example.com", "<jane@example.com>", "Jane Doe <jane@example.com>", '"Doe, Jane" <j.d@ex.org>']
    for _ in range(count // 10):
        value = rnd.choice([", ", ",", " , ", ",\t"]).join(rnd.choice(mailbox) for _ in range(rnd.randint(1, 5)))
        check_addresses(value)
        assert address_text("To", value) is not None and address_pairs("To", value) is not None, value
    assert matched > count // 4000  # the grammar is exercised, not only refused


VALUES = ["utf-8", '"UTF-8"', '""', '"a b.pdf"', "_x.1", '"----=_Part_1"', "utf-8''a%20b", '"<a@b>"', "'x'"]
VALUES += ['"O\'Neil (1).txt"', '"a;b=c"', "a.b-c", '" a "', '"a  b"', '"a\tb"', '"\ta"']


def random_mime_value(rnd: random.Random) -> str:
    """Near the light grammar: a type and parameters, now and then with a flaw."""
    ws = ["", " ", "  ", "\t"]
    head = rnd.choice(["text/plain", "Multipart/Related", "attachment", "inline", "image/jpeg", "a", "x-y/z.w"])
    out = rnd.choice(ws) + head + rnd.choice(ws)
    for _ in range(rnd.randint(0, 4)):
        name = rnd.choice(["charset", "name", "Filename", "boundary", "start", "name", "a*", "b*0", "c*1*"])
        value = rnd.choice(
            [
                "utf-8",
                '"UTF-8"',
                '""',
                '"a b.pdf"',
                "_x.1",
                '"----=_Part_1"',
                "utf-8''a%20b",
                '"<a@b>"',
                "'x'",
                '"O\'Neil (1).txt"',
                '"a;b=c"',
            ]
        )
        out += ";" + rnd.choice(ws) + name + rnd.choice(["", " "]) + "=" + rnd.choice(["", " "]) + value + rnd.choice(ws)
    if rnd.random() < 0.2:
        out += rnd.choice(PIECES)
    return out


@pytest.mark.parametrize(("seed", "count"), runs(400, 4000))
def test_light_mime_headers_equal_the_parsed_ones(seed: int, count: int) -> None:
    rnd = random.Random(seed)
    light = 0
    for _ in range(count):
        value = random_mime_value(rnd)
        for name in ("Content-Type", "Content-Disposition"):
            check(name, value)
            light += type(make_header(name, value)).__name__ == "_LightHeader"
    assert light > count // 4


def test_typical_values_are_light() -> None:
    for name, value in [
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Type", 'multipart/alternative;\tboundary="----=_NextPart_000_0045_01D1FC84.01C36A99"'),
        ("Content-Disposition", 'attachment; filename="image001.jpg"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
        ("Subject", "Hi there"),
        ("Message-ID", "<8AF5A2192C2A46BE.2743cdb5@mail.outlook.com>"),
        ("Date", "Tue, 7 Mar 2017 14:29:24 -0800"),
    ]:
        check(name, value)
        assert type(make_header(name, value)).__name__ == "_LightHeader", (name, value)
    assert address_text("To", '"Ava Oneil" <Oneil.844@randtelekom.com.tr>, kalinokyra@thismail.it') is not None


def test_long_values_are_cut_as_the_bounded_registry_cuts_them() -> None:
    for name, value in [("Subject", "ab" * 40000), ("Content-Type", "text/plain; " + 'a="b"; ' * 2000), ("X-A", "b" * 999)]:
        check(name, value)


def test_each_header_made_once() -> None:
    cache = HeaderCache()
    first = cache("Content-Type", "text/plain; charset=utf-8")
    assert cache("Content-Type", "text/plain; charset=utf-8") is first
    assert first.content_type == "text/plain"  # asked of the parsed header
    assert cache("Content-Type", "text/html") is not first


WHITESPACE = ["", " ", "\t", "  ", " \t ", "\t\t"]
TEMPLATES = [
    ("Subject", "{a}x{b}y{c}"),
    ("Message-ID", "{a}<a.b@c.d>{c}"),
    ("Content-Transfer-Encoding", "{a}base64{c}"),
    ("Content-Type", '{a}text/plain{b};{c}charset={a}"x{b}y"{c}'),
    ("Content-Disposition", '{a}inline{b};{c}filename="a{b}b"{c}'),
    ("Date", "{a}Tue,{b}7 Mar 2017 14:29:24{c}-0800{a}"),
    ("X-Foo", "{a}{b}{c}"),
    ("Content-ID", "{a}<x@y>{b}"),
    ("To", "{a}Jane{b}Doe{c}<j@d.e>{a},{b}x@y{c}"),
    ("To", '{a}"Jane{b}Doe"{c}<j@d.e>{c}'),
    ("To", "{a}<j@d.e>{b},{c}<k@l.m>{a}"),
]


def test_whitespace_anywhere_reads_as_the_parser_reads_it() -> None:
    # a tab or a run of spaces in a quoted string is one space to the parser (found by damaging real messages)
    for a, b, c in itertools.product(WHITESPACE, repeat=3):
        for name, template in TEMPLATES:
            value = template.format(a=a, b=b, c=c)
            check_addresses(value) if name == "To" else check(name, value)
