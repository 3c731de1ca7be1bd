"""pdf_content reads content streams into exactly the objects pdfminer.six's PDFContentParser gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, list_value, stream_value
from pdfminer.psparser import PSEOF, PSSyntaxError

from unstructured_nb.local.partition.pdf_content import content_objects

CORPUS = Path(__file__).parent / "pdf_corpus"


def _plain(obj: Any) -> Any:
    if isinstance(obj, PDFStream):  # streams compare by identity: compare what they hold
        return ("stream", sorted(obj.attrs.items(), key=str), obj.rawdata)
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def _pdfminer(data: bytes) -> list[Any]:
    try:
        parser = PDFContentParser([PDFStream({}, data)])
    except PSEOF:
        return []
    out = []
    while True:
        try:
            out.append(_plain(parser.nextobject()[1]))
        except PSEOF:
            return out


def _ours(data: bytes) -> list[Any]:
    return [_plain(obj) for obj in content_objects(data)]


@pytest.mark.parametrize(
    "data",
    [
        b"BT /F1 12 Tf 100 700 Td (Hello \\(world\\) \\101\\1012 \\\n x\\q \\\r\n y) Tj ET",
        b"[(a) -20 (b)] TJ <414 2> Tj <4> Tj <> Tj /N#41#4g#zz /caf\xc3\xa9 /\xff 1 2.5 -.5 +3 - . 1.2.3",
        b"true false T* ' \" d0 0 0 m 10 10 l S",
        b"<< /A 1 /B [1 2 {3}] /C << /D (x) >> >> BDC ] } >> > EMC % a comment\n q Q (nested (paren) s) Tj",
        b"q BI /W 2 /H 2 /BPC 8 /CS /G ID \x00\x01\x02\x03 EI Q 1 0 0 1 0 0 cm (\xe9\x80) Tj \\ \x00Tj",
        b"BI /W 1 /H 1 /F /AHx ID 00> EI (after) Tj",
        b"ID (stray ID) Tj",
        b"(unterminated",
        b"[1 2",
        b"<41",
        b"12",
        b"",
    ],
)
def test_same_objects_as_pdfminer(data: bytes) -> None:
    assert _ours(data) == _pdfminer(data)


def test_an_odd_dictionary_fails_as_in_pdfminer() -> None:
    with pytest.raises(PSSyntaxError):
        list(content_objects(b"<< /A >> BDC"))


@pytest.mark.slow
def test_same_objects_as_pdfminer_on_every_corpus_page() -> None:
    pages = 0
    for path in sorted(CORPUS.glob("*.pdf")):
        with open(path, "rb") as handle:
            for page in PDFPage.create_pages(PDFDocument(PDFParser(handle))):
                contents = list_value(page.contents) if page.contents else []
                data = b"\n".join(stream_value(s).get_data() for s in contents)
                assert _ours(data) == _pdfminer(data), f"{path.name}, page {pages}"
                pages += 1
    assert pages >= 200
