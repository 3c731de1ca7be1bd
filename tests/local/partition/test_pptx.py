"""The .pptx reader on decks built with python-pptx: reading order, placeholders, groups, tables."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest

from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, partition_file

pptx = pytest.importorskip("pptx")
from pptx.util import Inches, Pt  # noqa: E402


def _partition(path: Path, **settings: object) -> list[dict]:
    return partition_file(path, filename=path.name, settings=PartitionSettings(**settings))[0]  # type: ignore[arg-type]


def _deck(path: Path) -> Path:
    prs = pptx.Presentation()
    # 1: title and content; the title shape moved after the body in the XML, so only the
    # positions the placeholders inherit from their layout put the title first
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Quarterly review"
    body = slide.placeholders[1].text_frame
    body.text = "Revenue grew in every region this quarter."
    point = body.add_paragraph()
    point.text = "Europe"
    point.level = 1
    tree = slide.shapes._spTree
    title_sp = slide.shapes.title._element
    tree.remove(title_sp)
    tree.append(title_sp)
    # 2: blank layout, text boxes given out of reading order, a group, a table, one shape off the slide
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    low = slide.shapes.add_textbox(Inches(1), Inches(5), Inches(4), Inches(1))
    low.text_frame.text = "The lower box closes the slide."
    high = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    high.text_frame.text = "The upper box opens the slide."
    run = high.text_frame.paragraphs[0].add_run()
    run.text = ""
    group = slide.shapes.add_group_shape()
    inner = group.shapes.add_textbox(Inches(1), Inches(3), Inches(4), Inches(1))
    inner.text_frame.text = "The grouped box sits in the middle."
    off = slide.shapes.add_textbox(Inches(-3), Inches(-2), Inches(1), Inches(1))
    off.text_frame.text = "Nobody sees this box."
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(6), Inches(4), Inches(1)).table
    for r, row in enumerate((("Region", "Sales"), ("Europe", "12"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    # 3: a line break inside a paragraph, and a copy of a text box with an XML comment before its first child
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
    paragraph = box.text_frame.paragraphs[0]
    paragraph.add_run().text = "First line"
    paragraph.add_line_break()
    paragraph.add_run().text = "second line"
    paragraph.runs[0].font.size = Pt(20)
    twin = copy.deepcopy(box._element)
    from lxml import etree

    twin.insert(0, etree.Comment("a comment"))
    for off_el in twin.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}off"):
        off_el.set("y", str(Inches(2)))
    for t in twin.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t"):
        t.text = t.text.upper()
    slide.shapes._spTree.append(twin)
    prs.save(str(path))
    return path


def test_reading_order_types_and_pages(tmp_path: Path) -> None:
    elements = _partition(_deck(tmp_path / "deck.pptx"), include_page_breaks=True)
    got = [(e["type"], e["text"], e["metadata"].get("page_number")) for e in elements]
    assert got == [
        ("Title", "Quarterly review", 1),
        ("NarrativeText", "Revenue grew in every region this quarter.", 1),
        ("Title", "Europe", 1),
        ("PageBreak", "", 1),
        ("NarrativeText", "The upper box opens the slide.", 2),
        ("NarrativeText", "The grouped box sits in the middle.", 2),
        ("NarrativeText", "The lower box closes the slide.", 2),
        ("Table", "Region Sales Europe 12", 2),
        ("PageBreak", "", 2),
        ("Title", "First line\nsecond line", 3),
        ("Title", "FIRST LINE\nSECOND LINE", 3),
    ]
    europe = elements[2]["metadata"]
    assert europe["category_depth"] == 2  # a title-like line at level 1 is one deeper
    table = elements[7]["metadata"]["text_as_html"]
    assert "<td>Region</td>" in table and "<td>12</td>" in table


def test_a_deck_without_its_main_part_fails_with_one_message(tmp_path: Path) -> None:
    good = _deck(tmp_path / "deck.pptx")
    broken = tmp_path / "broken.pptx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if item.filename != "ppt/presentation.xml":
                target.writestr(item, source.read(item))
    with pytest.raises(FileProcessingError, match=r"broken\.pptx is not a valid \.pptx file"):
        _partition(broken)


def test_entities_in_a_slide_are_not_expanded(tmp_path: Path) -> None:
    good = _deck(tmp_path / "deck.pptx")
    evil = tmp_path / "evil.pptx"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETVALUE")
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(evil, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "ppt/slides/slide3.xml":
                text = data.decode()
                head, rest = text.split("?>", 1)
                text = f'{head}?><!DOCTYPE p:sld [<!ENTITY x SYSTEM "file://{secret}">]>{rest}'.replace("First line", "&x;")
                data = text.encode()
            target.writestr(item, data)
    try:
        shown = " ".join(e["text"] for e in _partition(evil))
    except FileProcessingError as exc:
        shown = str(exc)
    assert "TOPSECRETVALUE" not in shown
