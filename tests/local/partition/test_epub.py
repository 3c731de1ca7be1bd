"""EPUB read directly: the spine merged as pandoc's epub reader presents it, on built books and held-out files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from benchmarks.fidelity import KindScore, compare, partition_ours, reference
from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, partition_file
from unstructured_nb.local.partition.epub import collapse_path

HELDOUT = Path(__file__).parent / "heldout"
_CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
)


def xhtml(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
        f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title></head><body>{body}</body></html>'
    )


def book(tmp_path: Path, documents: dict[str, str], spine: list[str], *, name: str = "book.epub") -> Path:
    items = "".join(f'<item id="d{i}" href="{href}" media-type="application/xhtml+xml"/>' for i, href in enumerate(documents))
    ids = {href: f"d{i}" for i, href in enumerate(documents)}
    refs = "".join(f'<itemref idref="{ids[href]}"/>' for href in spine)
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        f"<metadata/><manifest>{items}</manifest><spine>{refs}</spine></package>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", _CONTAINER)
        archive.writestr("OEBPS/content.opf", opf)
        for href, text in documents.items():
            archive.writestr(f"OEBPS/{href}", text)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def elements(path: Path) -> list[dict]:
    return partition_file(path, filename=path.name, settings=PartitionSettings())[0]


def test_spine_order_title_page_and_documents_outside_the_spine(tmp_path: Path) -> None:
    path = book(
        tmp_path,
        {
            "text/title.xhtml": xhtml('<section epub:type="titlepage"><h1>TITLE PAGE</h1><p>AUTHOR</p></section>'),
            "text/b.xhtml": xhtml("<h2>Second chapter</h2><p>The second chapter tells what happened next.</p>"),
            "text/a.xhtml": xhtml("<h1>First chapter</h1><ul><li>One point</li></ul>"),
            "nav.xhtml": xhtml("<p>NOT IN THE SPINE</p>"),
        },
        ["text/title.xhtml", "text/a.xhtml", "text/b.xhtml"],
    )
    got = elements(path)
    assert [(e["type"], e["text"]) for e in got] == [
        ("Title", "First chapter"),
        ("ListItem", "One point"),
        ("Title", "Second chapter"),
        ("NarrativeText", "The second chapter tells what happened next."),
    ]
    assert got[2]["metadata"]["category_depth"] == 1
    assert got[0]["metadata"]["filetype"] == "application/epub"


def test_footnotes_move_to_the_end_numbered_in_reference_order(tmp_path: Path) -> None:
    body = (
        '<p>Text with a note<a epub:type="noteref" href="#n2">9</a> and another<a epub:type="noteref" href="#n1">8</a>.</p>'
        '<aside epub:type="footnote" id="n1"><p>Note about the second thing.</p></aside>'
        '<aside epub:type="footnote" id="n2"><p>Note about the first thing.</p><pre>code line</pre></aside>'
        '<aside epub:type="footnote" id="n3"><p>NEVER REFERRED TO</p></aside>'
        "<p>After the notes, the chapter goes on with more narrative text.</p>"
    )
    got = elements(book(tmp_path, {"c.xhtml": xhtml(body)}, ["c.xhtml"]))
    assert [(e["type"], e["text"]) for e in got] == [
        ("UncategorizedText", "Text with a note1 and another2."),
        ("NarrativeText", "After the notes, the chapter goes on with more narrative text."),
        ("NarrativeText", "Note about the first thing."),
        ("CodeSnippet", "code line"),
        # pandoc's back link follows a note's last block when it is not a paragraph; a note of one
        # paragraph is its list item's sole text block, which the library adopts as a ListItem
        ("UncategorizedText", "\u21a9\ufe0e"),
        ("ListItem", "Note about the second thing.\u21a9\ufe0e"),
    ]


def test_image_sources_and_links_are_rewritten_as_pandoc_does(tmp_path: Path) -> None:
    body = (
        '<p><img src="../https://img.example.com/badge.svg" alt="Badge"/></p>'
        '<p>See <a href="b.xhtml#part">the part</a> and <a href="https://example.com/x">the site</a>.</p>'
    )
    path = book(tmp_path, {"text/a.xhtml": xhtml(body), "text/b.xhtml": xhtml("<p>B</p>")}, ["text/a.xhtml", "text/b.xhtml"])
    got = elements(path)
    assert got[0]["type"] == "Image" and got[0]["metadata"]["image_url"] == "https:/img.example.com/badge.svg"
    assert got[1]["metadata"]["link_urls"] == ["#b.xhtml_part", "https://example.com/x"]


def test_collapse_path() -> None:
    assert collapse_path("text/../images/a.png") == "images/a.png"
    assert collapse_path("text/./a//b.png") == "text/a/b.png"
    assert collapse_path("/abs/../x") == "/x"
    assert collapse_path("../../x") == "../../x"


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"mimetype": "application/epub+zip"}, r"part 'META-INF/container\.xml' is missing"),
        ({"META-INF/container.xml": "<container/>"}, r"names no package document"),
        ({"META-INF/container.xml": _CONTAINER}, r"part 'OEBPS/content\.opf' is missing"),
        ({"META-INF/container.xml": _CONTAINER, "OEBPS/content.opf": "<package"}, r"not well-formed XML"),
    ],
)
def test_a_broken_book_is_one_clear_message(tmp_path: Path, members: dict[str, str], message: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path = tmp_path / "broken.epub"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FileProcessingError, match=rf"broken\.epub could not be read as an EPUB book \(.*{message}"):
        elements(path)


def test_a_spine_document_that_is_missing_or_empty_is_skipped(tmp_path: Path) -> None:
    path = book(tmp_path, {"a.xhtml": xhtml("<p>Only this chapter is here.</p>"), "empty.xhtml": ""}, ["a.xhtml", "empty.xhtml"])
    assert [e["text"] for e in elements(path)] == ["Only this chapter is here."]


@pytest.mark.slow  # thorough; the README's command runs it, the fast subset does not
def test_held_out_documents_match_the_library() -> None:
    """Books converted to .epub (pandoc, LibreOffice) from other corpus types, with the library's output."""
    score = KindScore("epub")
    for path in sorted((HELDOUT / "epub").glob("*.epub")):
        ours, error = partition_ours(path)
        score.documents.append(compare("epub", path, ours, error, reference(path)))
    assert len(score.documents) >= 15
    assert score.type_match >= 0.94 - 0.005
    assert score.coverage >= 0.999


def test_deep_nesting_is_one_clear_message_not_lost_text(tmp_path: Path) -> None:
    deep = "<div>" * 400 + "<p>deep text</p>" + "</div>" * 400
    path = book(tmp_path, {"a.xhtml": xhtml(deep)}, ["a.xhtml"])
    with pytest.raises(FileProcessingError, match=r"book\.epub is nested too deeply to read \(its part 'OEBPS/a\.xhtml'"):
        elements(path)


def test_a_spine_of_too_many_documents_is_refused(tmp_path: Path) -> None:
    path = book(tmp_path, {"a.xhtml": xhtml("<p>x</p>")}, ["a.xhtml"] * 5_001)
    with pytest.raises(FileProcessingError, match=r"its spine lists 5,001 documents"):
        elements(path)
