"""RTF: our tokenizer's HTML and elements, pandoc's rules, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest

from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, partition_file
from unstructured_nb.local.partition.rtf import rtf_to_html


def _elements(tmp_path: Path, data: bytes) -> list[dict]:
    doc = tmp_path / "doc.rtf"
    doc.write_bytes(data)
    return partition_file(doc, filename="doc.rtf", settings=PartitionSettings())[0]


def test_destinations_are_skipped_and_text_decoded() -> None:
    data = (
        rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Times;}}{\colortbl;\red0;}{\info{\title Hidden title}}"
        rb"{\*\generator Writer;}\pard Caf\'e9 na\u239?ve {\b bold} \{braces\}\par"
        rb"{\pict\pngblip 89504e47}{\v hidden}second\line line\par}"
    )
    html = rtf_to_html(data, "x.rtf")
    assert html == "<p>Café naïve <strong>bold</strong> {braces}</p><p>second<br />line</p>"


def test_code_page_and_unicode_fallback_skip() -> None:
    data = rb"{\rtf1\ansi\ansicpg1251\uc2 \pard \'cf\'f0\'e8 \u8364\'3f\'3f euro\par}"
    assert rtf_to_html(data, "x.rtf") == "<p>При € euro</p>"


def test_lists_headings_tables_links_and_footnotes(tmp_path: Path) -> None:
    data = (
        rb"{\rtf1\ansi \pard\outlinelevel0 Chapter one\par"
        rb"\pard{\listtext \u8226?\tab}\ls1\ilvl0 first item\par"
        rb"\pard{\listtext \u8226?\tab}\ls1\ilvl1 nested item\par"
        rb"\pard\intbl cell a\cell cell b\cell\row \pard\intbl cell c\cell cell d\cell\row"
        rb"\pard See {\field{\*\fldinst HYPERLINK \"https://example.org\"}{\fldrslt the site}} now"
        rb"{\footnote \pard A note text.}.\par}"
    )
    html = rtf_to_html(data, "x.rtf")
    assert html.startswith("<h1>Chapter one</h1><ul><li><p>first item</p><ul><li>nested item</li></ul></li></ul>")
    assert "<table><tbody><tr><td>cell a</td><td>cell b</td></tr><tr><td>cell c</td><td>cell d</td></tr>" in html
    assert '<a href="https://example.org">the site</a>' in html
    elements = _elements(tmp_path, data)
    assert [e["type"] for e in elements][:4] == ["Title", "UncategorizedText", "ListItem", "Table"]
    assert elements[3]["metadata"]["text_as_html"].startswith("<table>")
    assert any("A note text." in e["text"] for e in elements)


def test_not_rtf_is_one_clear_message(tmp_path: Path) -> None:
    with pytest.raises(FileProcessingError, match=r"doc\.rtf is not an RTF document"):
        _elements(tmp_path, b"PK\x03\x04 a zip, renamed")


@pytest.mark.slow  # thorough; the README's command runs it, the fast subset does not
def test_deep_groups_and_unbalanced_braces_are_bounded(tmp_path: Path) -> None:
    deep = b"{\\rtf1 " + b"{" * 200_000 + b"deep text" + b"}" * 200_000 + b"\\par}"
    assert "deep text" in rtf_to_html(deep, "x.rtf")
    unbalanced = b"{\\rtf1 {\\fonttbl{" + b"x" * 1000 + b" \\par text"
    assert rtf_to_html(unbalanced, "x.rtf") == ""
    assert rtf_to_html(b"{\\rtf1 }}}} after\\par", "x.rtf") == "<p>after</p>"
