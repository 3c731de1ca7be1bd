"""Word sections that start on an odd or even page, as the library's partition_docx counts them."""

from __future__ import annotations

from pathlib import Path

from unstructured_nb.local.nodes import run_node


def test_odd_and_even_page_sections_add_the_library_s_page_break(tmp_path: Path) -> None:
    import docx
    from docx.enum.section import WD_SECTION_START

    document = docx.Document()
    document.add_paragraph("First section text.")
    document.add_section(WD_SECTION_START.ODD_PAGE)  # from page 1 (odd) to the next odd page: one more page
    document.add_paragraph("Second section text.")
    document.add_section(WD_SECTION_START.EVEN_PAGE)  # now on page 2 (even): one more page again
    document.add_paragraph("Third section text.")
    document.save(tmp_path / "sections.docx")
    node = {"type": "partition", "subtype": "unstructured_api", "settings": {"include_page_breaks": True}}
    elements = run_node(node, tmp_path / "sections.docx", filename="sections.docx").elements
    # the library's output for the same file (no rendered page breaks, so no page numbers)
    assert [e["type"] for e in elements] == [
        "UncategorizedText",
        "PageBreak",
        "UncategorizedText",
        "PageBreak",
        "UncategorizedText",
    ]
