"""OpenDocument text read directly: the elements the library gets through pandoc's .docx (built documents, held-out files)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from benchmarks.fidelity import KindScore, compare, partition_ours, reference
from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, partition_file

HELDOUT = Path(__file__).parent / "heldout"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)
_STYLES = (
    '<style:style style:name="Bold" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="It" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>'
    '<text:list-style style:name="Alpha"><text:list-level-style-number text:level="1" style:num-format="a" style:num-suffix=")"/>'
    '<text:list-level-style-number text:level="2" style:num-format="i" style:num-prefix="(" style:num-suffix=")"/>'
    "</text:list-style>"
    '<text:list-style style:name="Dots"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/></text:list-style>'
)


def odt(body: str, tmp_path: Path, *, styles_xml: str = "", name: str = "doc.odt") -> Path:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>'
        f"<office:automatic-styles>{_STYLES}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles_xml or f"<office:document-styles {_NS}><office:styles/></office:document-styles>")
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def elements(path: Path) -> list[dict]:
    return partition_file(path, filename=path.name, settings=PartitionSettings())[0]


def shown(path: Path) -> list[tuple[str, str]]:
    return [(e["type"], e["text"]) for e in elements(path)]


def test_headings_and_paragraphs_follow_the_docx_rules(tmp_path: Path) -> None:
    path = odt(
        '<text:h text:outline-level="1">Quarterly report</text:h>'
        "<text:p>The company sold more goods this quarter than it did in the last one.</text:p>"
        '<text:h text:outline-level="3">Contact</text:h>'
        "<text:p>jane.doe@example.com</text:p><text:p>Springfield, IL 62704</text:p>"
        '<text:p text:style-name="Title">Short line</text:p><text:p>  </text:p><text:p>• starts with a bullet</text:p>',
        tmp_path,
    )
    got = elements(path)
    assert [(e["type"], e["text"]) for e in got] == [
        ("Title", "Quarterly report"),
        ("NarrativeText", "The company sold more goods this quarter than it did in the last one."),
        ("Title", "Contact"),
        ("EmailAddress", "jane.doe@example.com"),
        ("Address", "Springfield, IL 62704"),
        ("UncategorizedText", "Short line"),  # no Title from a style or text alone, as in the docx rules
        ("ListItem", "starts with a bullet"),
    ]
    assert [e["metadata"]["category_depth"] for e in got[:3]] == [0, 0, 2]
    assert got[3]["metadata"]["parent_id"] == got[2]["element_id"]
    assert got[0]["metadata"]["filetype"] == "application/vnd.oasis.opendocument.text"
    assert all("page_number" not in e["metadata"] for e in got)


def test_lists_get_word_labels_and_nesting(tmp_path: Path) -> None:
    path = odt(
        '<text:list text:style-name="Alpha"><text:list-item><text:p>First</text:p></text:list-item>'
        "<text:list-item><text:p>Second</text:p><text:p>Second, more</text:p>"
        "<text:list><text:list-item><text:p>Inner one</text:p></text:list-item>"
        "<text:list-item><text:p>Inner two</text:p></text:list-item></text:list></text:list-item>"
        '<text:list-item text:start-value="7"><text:p>Seventh</text:p></text:list-item></text:list>'
        '<text:list text:style-name="Dots"><text:list-item><text:p>A bullet</text:p></text:list-item></text:list>'
        "<text:list><text:list-item><text:p>No style</text:p></text:list-item></text:list>",
        tmp_path,
    )
    got = elements(path)
    assert [(e["type"], e["text"], e["metadata"]["category_depth"]) for e in got] == [
        ("ListItem", "a) First", 0),
        ("ListItem", "b) Second", 0),
        ("ListItem", "Second, more", 0),  # a later paragraph of the item: a list paragraph without label
        ("ListItem", "(i) Inner one", 1),
        ("ListItem", "(ii) Inner two", 1),
        ("ListItem", "c) Seventh", 0),  # pandoc ignores an item's start value
        ("ListItem", "A bullet", 0),
        ("ListItem", "1. No style", 0),  # pandoc numbers a list without a style
    ]


def test_a_heading_in_a_list_item_stays_a_title_with_the_label(tmp_path: Path) -> None:
    path = odt(
        '<text:list text:style-name="Alpha"><text:list-item><text:h text:outline-level="2">Numbered heading</text:h>'
        "<text:p>Body under it.</text:p></text:list-item></text:list>"
        "<text:list><text:list-header><text:p>Header item</text:p></text:list-header>"
        "<text:list-item><text:p>Next item</text:p></text:list-item></text:list>",
        tmp_path,
    )
    got = elements(path)
    assert [(e["type"], e["text"], e["metadata"]["category_depth"]) for e in got] == [
        ("Title", "a) Numbered heading", 1),
        ("ListItem", "Body under it.", 0),
        ("ListItem", "1. Header item", 0),  # a list header is numbered like an item
        ("ListItem", "2. Next item", 0),
    ]


def test_fields_and_other_inline_elements_pandoc_drops(tmp_path: Path) -> None:
    path = odt(
        "<text:p>Page <text:page-number>3</text:page-number> of <text:page-count>9</text:page-count>, "
        "<text:date>2020-01-01</text:date> figure <text:sequence>12</text:sequence>, see "
        "<text:reference-ref>Table 1</text:reference-ref> and <text:bookmark-ref text:ref-name='b'>there</text:bookmark-ref>"
        "<office:annotation><text:p>A COMMENT</text:p></office:annotation>.</text:p>",
        tmp_path,
    )
    (element,) = elements(path)
    assert element["text"] == "Page of , figure 12, see Table 1 and there."
    assert element["metadata"]["link_texts"] == ["there"]


def test_tables_keep_spans_and_leave_nested_tables_out(tmp_path: Path) -> None:
    cell = "<table:table-cell><text:p>{}</text:p></table:table-cell>"
    path = odt(
        "<table:table><table:table-row>"
        '<table:table-cell table:number-columns-spanned="2"><text:p>Wide &amp; merged</text:p></table:table-cell>'
        "<table:covered-table-cell/></table:table-row>"
        f"<table:table-row>{cell.format('b1')}<table:table-cell><text:p>c1</text:p>"
        f"<table:table><table:table-row>{cell.format('NESTED')}</table:table-row></table:table></table:table-cell>"
        "</table:table-row></table:table>",
        tmp_path,
    )
    (table,) = elements(path)
    assert table["type"] == "Table"
    assert table["text"] == "Wide & merged b1 c1"
    assert table["metadata"]["text_as_html"] == (
        '<table><tr><td colspan="2">Wide &amp; merged</td></tr><tr><td>b1</td><td>c1</td></tr></table>'
    )


def test_whitespace_is_joined_as_pandoc_joins_it(tmp_path: Path) -> None:
    path = odt(
        '<text:p>The boy stood <text:s text:c="3"/>on the deck,<text:line-break/><text:tab/>Whence all<text:tab/>'
        '<text:tab/>but him. <text:s text:c="2"/></text:p><text:p>No\u00a0break  kept<text:s/></text:p>',
        tmp_path,
    )
    assert [e["text"] for e in elements(path)] == ["The boy stood   on the deck,\nWhence all but him.  ", "No\u00a0break kept "]


def test_notes_frames_and_master_pages_give_no_text(tmp_path: Path) -> None:
    styles = (
        f"<office:document-styles {_NS}><office:master-styles><style:master-page>"
        "<style:header><text:p>HEADER TEXT</text:p></style:header></style:master-page></office:master-styles>"
        "</office:document-styles>"
    )
    path = odt(
        "<text:p>Body text<text:note><text:note-citation>1</text:note-citation>"
        "<text:note-body><text:p>NOTE TEXT</text:p></text:note-body></text:note> goes on.</text:p>"
        "<text:p><draw:frame><draw:text-box><text:p>FRAME TEXT</text:p></draw:text-box></draw:frame>After the frame.</text:p>"
        "<text:table-of-content><text:index-body><text:p>TOC ENTRY</text:p></text:index-body></text:table-of-content>",
        tmp_path,
        styles_xml=styles,
    )
    assert [e["text"] for e in elements(path)] == ["Body text goes on.", "After the frame."]


def test_runs_give_emphasis_and_links(tmp_path: Path) -> None:
    path = odt(
        '<text:p>Plain <text:span text:style-name="Bold">bold words</text:span> and '
        '<text:span text:style-name="It">italic</text:span>, see <text:a xlink:href="../other.odt">the other</text:a>'
        '<text:a xlink:href="https://example.com/">site</text:a>.</text:p>',
        tmp_path,
    )
    (element,) = elements(path)
    meta = element["metadata"]
    assert meta["emphasized_text_contents"] == ["bold words", "italic"]
    assert meta["emphasized_text_tags"] == ["b", "i"]
    # ODF counts relative links from inside the package: pandoc drops the first "../"
    assert meta["link_texts"] == ["the other", "site"]
    assert meta["link_urls"] == ["other.odt", "https://example.com/"]


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    content = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<office:document-content {_NS}><office:body><office:text><text:p>Here &b; end</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", content)
    path = tmp_path / "entities.odt"
    path.write_bytes(buffer.getvalue())
    try:
        text = " ".join(e["text"] for e in elements(path))
    except FileProcessingError as exc:
        text = str(exc)
    assert "AAAAAAAAAA" not in text


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"mimetype": "x"}, r"part 'content\.xml' is missing"),
        ({"content.xml": "<not-closed"}, r"not well-formed XML"),
        ({"content.xml": f"<office:document-content {_NS}/>"}, r"has no text body"),
    ],
)
def test_a_broken_package_is_one_clear_message(tmp_path: Path, members: dict[str, str], message: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path = tmp_path / "broken.odt"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FileProcessingError, match=rf"broken\.odt could not be read as an OpenDocument text \(.*{message}"):
        elements(path)


def test_held_out_documents_match_the_library() -> None:
    """Documents converted to .odt (LibreOffice, pandoc) from other corpus types, with the library's output."""
    score = KindScore("odt")
    for path in sorted((HELDOUT / "odt").glob("*.odt")):
        ours, error = partition_ours(path)
        score.documents.append(compare("odt", path, ours, error, reference(path)))
    assert len(score.documents) >= 15
    assert score.type_match >= 0.93 - 0.005
    assert score.coverage >= 0.999


def test_deep_nesting_is_one_clear_message(tmp_path: Path) -> None:
    deep = "<text:list><text:list-item>" * 300 + "<text:p>deep</text:p>" + "</text:list-item></text:list>" * 300
    with pytest.raises(FileProcessingError, match=r"doc\.odt is nested too deeply to read .*more than 256 levels"):
        elements(odt(deep, tmp_path))


def test_repeated_cells_are_bounded(tmp_path: Path) -> None:
    row = (
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1000">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    path = odt(f"<table:table>{row * 3}</table:table>", tmp_path)
    got, warnings = partition_file(path, filename=path.name, settings=PartitionSettings())
    assert len(got) == 1 and got[0]["text"].count("x") <= 251_000
    assert any("more than 250,000 cells" in w for w in warnings)
