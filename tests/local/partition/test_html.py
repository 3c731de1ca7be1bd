"""List items in HTML as the library's ListItemBlock reads them (answers taken from unstructured 0.27.35)."""

from __future__ import annotations

from pathlib import Path

from unstructured_nb.local.partition import PartitionSettings, partition_file

PAGE = """<html><body>
<ul>
<li><p>The first item is a full sentence that says something.</p></li>
<li><p>Second item paragraph one is here.</p><p>Second item paragraph two is here as well.</p></li>
<li>Plain item text</li>
<li><div>Div inside an item with a verb is here.</div></li>
<li>Item with nested list
<ul><li><p>Nested paragraph item goes here.</p></li><li>Nested plain</li></ul>
</li>
<li><p>Para then nested list is written.</p><ul><li>Child one</li></ul></li>
<li>Text before <p>and a paragraph after is written.</p></li>
<li><p>Para with <b>bold</b> and <a href="http://x.org">a link</a> is written.</p></li>
<li><p>First para.</p>Tail text after para.</li>
<li><p></p><p>Only one non-empty paragraph is written.</p></li>
<li><div><p>Div wrapping a para is written.</p></div></li>
</ul>
<dl><dt>Term</dt><dd><p>Definition paragraph is written here.</p></dd></dl>
</body></html>"""

# (type, text, category_depth) as the library gives them for PAGE
LIBRARY = [
    ("ListItem", "The first item is a full sentence that says something.", 1),
    ("NarrativeText", "Second item paragraph one is here.", None),
    ("NarrativeText", "Second item paragraph two is here as well.", None),
    ("ListItem", "Plain item text", 1),
    ("ListItem", "Div inside an item with a verb is here.", 1),
    ("ListItem", "Item with nested list", 1),
    ("ListItem", "Nested paragraph item goes here.", 2),
    ("ListItem", "Nested plain", 2),
    ("NarrativeText", "Para then nested list is written.", None),
    ("ListItem", "Child one", 2),
    ("ListItem", "Text before", 1),
    ("NarrativeText", "and a paragraph after is written.", None),
    ("ListItem", "Para with bold and a link is written.", 1),
    ("UncategorizedText", "First para.", None),
    ("UncategorizedText", "Tail text after para.", None),
    ("NarrativeText", "Only one non-empty paragraph is written.", None),
    ("NarrativeText", "Div wrapping a para is written.", None),
    ("UncategorizedText", "Term", None),
    ("ListItem", "Definition paragraph is written here.", 1),
]


def test_a_list_item_adopts_its_sole_text_block_as_the_library_does(tmp_path: Path) -> None:
    page = tmp_path / "lists.html"
    page.write_text(PAGE)
    elements = partition_file(page, filename=page.name, settings=PartitionSettings())[0]
    got = [(e["type"], e["text"], e["metadata"].get("category_depth")) for e in elements]
    assert got == LIBRARY
    linked = next(e for e in elements if e["text"].startswith("Para with bold"))
    assert linked["metadata"]["link_urls"] == ["http://x.org"]
