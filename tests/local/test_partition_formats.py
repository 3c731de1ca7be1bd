"""Each supported format, on small files generated here (no dependency on ../shared)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from unstructured_nb.local.nodes import SUPPORTED_EXTENSIONS, FileProcessingError, run_node

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def partition(path: Path, filename: str | None = None, **settings) -> list[dict]:
    node = {"type": "partition", "subtype": "unstructured_api", "settings": settings}
    return run_node(node, path, filename=filename or path.name, last_modified="2026-01-02T03:04:05").elements


def types(elements: list[dict]) -> list[str]:
    return [e["type"] for e in elements]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# -- common element shape ----------------------------------------------------------------------


def test_supported_extensions_cover_the_issue_list() -> None:
    wanted = {".txt", ".md", ".html", ".htm", ".csv", ".tsv", ".json", ".xml", ".eml", ".docx", ".pptx", ".xlsx", ".pdf"}
    assert wanted <= SUPPORTED_EXTENSIONS
    assert all(ext.startswith(".") and ext == ext.lower() for ext in SUPPORTED_EXTENSIONS)


def test_element_shape_ids_and_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "upload-1234.bin", "Annual Report\n\nThe company grew revenue in every region this year.\n")
    elements = partition(path, filename="report.txt")
    assert types(elements) == ["Title", "NarrativeText"]
    for e in elements:
        assert list(e) == ["type", "element_id", "text", "metadata"]
        assert HEX32.match(e["element_id"])
        meta = e["metadata"]
        # the on-disk name is not what the user uploaded: metadata uses `filename`
        assert meta["filename"] == "report.txt"
        assert meta["filetype"] == "text/plain"
        assert meta["languages"] == ["eng"]
        assert meta["last_modified"] == "2026-01-02T03:04:05"
    assert elements[1]["metadata"]["parent_id"] == elements[0]["element_id"]
    # deterministic: same input, same ids; another filename, other ids
    assert [e["element_id"] for e in partition(path, filename="report.txt")] == [e["element_id"] for e in elements]
    assert partition(path, filename="other.txt")[0]["element_id"] != elements[0]["element_id"]
    # an upload's name may carry directories: metadata keeps the file's name only
    assert partition(path, filename="../../secret\\dir/report.txt")[0] == elements[0]


# -- plain text heuristics ---------------------------------------------------------------------


def test_text_heuristics(tmp_path: Path) -> None:
    text = (
        "QUARTERLY RESULTS\n\n"
        "Revenue grew by twelve percent and the margin improved in all regions.\n\n"
        "• First point about the growth of the business\n"
        "• Second point about the costs\n\n"
        "- dash bullets are list items too\n\n"
        "contact@example.com\n\n"
        "2024\n\n"
        "Key Figures\n"
    )
    elements = partition(write(tmp_path, "doc.txt", text))
    assert [(e["type"], e["text"]) for e in elements] == [
        ("Title", "QUARTERLY RESULTS"),
        ("NarrativeText", "Revenue grew by twelve percent and the margin improved in all regions."),
        ("ListItem", "First point about the growth of the business"),
        ("ListItem", "Second point about the costs"),
        ("ListItem", "dash bullets are list items too"),
        ("EmailAddress", "contact@example.com"),
        ("UncategorizedText", "2024"),
        ("Title", "Key Figures"),
    ]


def test_text_lines_without_blank_lines_are_separate_elements(tmp_path: Path) -> None:
    # fewer than 10% blank lines: every line is a paragraph (the library's new-line grouper)
    text = "\n".join(f"This is sentence number {i} and it has a verb." for i in range(12))
    assert len(partition(write(tmp_path, "lines.txt", text))) == 12


def test_wrapped_paragraphs_are_joined_and_long_ones_split(tmp_path: Path) -> None:
    wrapped = (
        "This paragraph was wrapped\nat a fixed width by an editor\nand should come back as one element.\n\n"
        "Next one is here and it is fine.\n"
    )
    elements = partition(write(tmp_path, "wrapped.txt", wrapped))
    assert elements[0]["text"] == "This paragraph was wrapped at a fixed width by an editor and should come back as one element."
    long_paragraph = " ".join(["The company reported strong results for the year."] * 80)
    pieces = partition(write(tmp_path, "long.txt", long_paragraph))
    assert len(pieces) > 1 and all(len(e["text"]) <= 1500 for e in pieces)
    assert " ".join(e["text"] for e in pieces) == long_paragraph


def test_languages_detected_per_document(tmp_path: Path) -> None:
    german = "Der Bericht ist fertig und die Ergebnisse sind gut. Wir haben mit den Kunden gesprochen und es wird besser."
    spanish = "El informe está listo y los resultados son buenos. Hablamos con los clientes y la empresa es muy fuerte."
    assert partition(write(tmp_path, "de.txt", german))[0]["metadata"]["languages"] == ["deu"]
    assert partition(write(tmp_path, "es.txt", spanish))[0]["metadata"]["languages"] == ["spa"]


# -- encodings ---------------------------------------------------------------------------------


def test_non_utf8_text_with_encoding_setting(tmp_path: Path) -> None:
    text = "Résumé des résultats\n\nLe chiffre d'affaires a augmenté de façon régulière cette année.\n"
    path = write(tmp_path, "latin.txt", text.encode("latin-1"))
    elements = partition(path, encoding="latin-1")
    assert elements[0]["text"] == "Résumé des résultats"
    assert "augmenté" in elements[1]["text"]


def test_bad_bytes_never_crash_and_warn(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mixed.txt",
        "Caf\xe9 menu for the team and the guests.\n".encode("latin-1") + b"\xff\xfe\x00 end of file text\n",
    )
    node = {"type": "partition", "subtype": "unstructured_api", "settings": {"encoding": "utf-8"}}
    out = run_node(node, path, filename="mixed.txt")
    assert out.elements
    assert any("not valid utf-8" in w for w in out.warnings)


# -- markdown / html ---------------------------------------------------------------------------


def test_markdown_structure(tmp_path: Path) -> None:
    md = (
        "# Guide\n\nIntro paragraph that explains what the guide is about.\n\n## Steps\n\n"
        "- install the package\n- run the command\n  - with a nested option\n\n"
        "```\ncode block\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "See [the docs](https://example.com/docs) for more information.\n"
    )
    elements = partition(write(tmp_path, "guide.md", md))
    assert types(elements) == [
        "Title",
        "NarrativeText",
        "Title",
        "ListItem",
        "ListItem",
        "ListItem",
        "CodeSnippet",  # as the library (its HTML <pre>)
        "Table",
        "NarrativeText",
    ]
    assert elements[6]["text"] == "code block"
    assert [e["metadata"].get("category_depth") for e in elements[:6]] == [0, None, 1, 1, 1, 2]
    assert (
        elements[7]["metadata"]["text_as_html"]
        == "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
    )
    assert elements[8]["metadata"]["link_urls"] == ["https://example.com/docs"]
    assert elements[8]["metadata"]["filetype"] == "text/markdown"


def test_html_structure_skips_chrome(tmp_path: Path) -> None:
    html = (
        "<html><head><title>T</title><script>var a = 1;</script></head><body><nav>Menu</nav>"
        "<h2>Section <em>one</em></h2>"
        "<p>The team shipped the <a href='/x'>new release</a> on time, and <b>customers</b> liked it.</p>"
        "<ol><li>first step</li><li>second step<ul><li>detail</li></ul></li></ol>"
        "<table><tr><th>k</th><th>v</th></tr><tr><td>a &amp; b</td><td>1</td></tr></table>"
        "<footer>Copyright</footer></body></html>"
    )
    elements = partition(write(tmp_path, "page.htm", html))
    assert [(e["type"], e["text"]) for e in elements] == [
        ("Title", "Section one"),
        ("NarrativeText", "The team shipped the new release on time, and customers liked it."),
        ("ListItem", "first step"),
        ("ListItem", "second step"),
        ("ListItem", "detail"),
        ("Table", "k v a & b 1"),
    ]
    para = elements[1]["metadata"]
    assert para["link_texts"] == ["new release"] and para["link_urls"] == ["/x"]
    assert para["emphasized_text_contents"] == ["customers"] and para["emphasized_text_tags"] == ["b"]
    assert [e["metadata"]["category_depth"] for e in elements[2:5]] == [1, 1, 2]
    # the source's row groups and cell tags are kept, attributes and inline markup dropped
    assert (
        elements[5]["metadata"]["text_as_html"]
        == "<table><tr><th>k</th><th>v</th></tr><tr><td>a &amp; b</td><td>1</td></tr></table>"
    )
    assert all(e["metadata"]["filetype"] == "text/html" for e in elements)


def test_deeply_nested_html_does_not_recurse(tmp_path: Path) -> None:
    html = "<div>" * 5000 + "<p>Deep text is still found by the partitioner.</p>" + "</div>" * 5000
    assert partition(write(tmp_path, "deep.html", html))[0]["text"] == "Deep text is still found by the partitioner."


# -- csv / tsv / json / xml ----------------------------------------------------------------------


def test_csv_tsv_single_table(tmp_path: Path) -> None:
    csv_elements = partition(write(tmp_path, "t.csv", 'name,note\nalpha,"x, y"\nbeta\n'))
    assert types(csv_elements) == ["Table"]
    assert csv_elements[0]["text"] == "name note alpha x, y beta"
    assert csv_elements[0]["metadata"]["text_as_html"] == (
        "<table><tr><td>name</td><td>note</td></tr><tr><td>alpha</td><td>x, y</td></tr><tr><td>beta</td><td/></tr></table>"
    )
    tsv = partition(write(tmp_path, "t.tsv", "a\tb\n1\t2\n"))
    assert tsv[0]["text"] == "a b 1 2" and tsv[0]["metadata"]["filetype"] == "text/tsv"
    semicolons = partition(write(tmp_path, "s.csv", "a;b;c\n1;2;3\n4;5;6\n"))
    assert "<td>c</td>" in semicolons[0]["metadata"]["text_as_html"]


def test_json_generic_and_element_json(tmp_path: Path) -> None:
    data = {
        "title": "Annual Report",
        "year": 2024,
        "items": [{"k": "a", "v": 1}, {"k": "b", "v": 2}],
        "meta": {"status": "final", "tags": ["finance", "annual"]},
        "body": "The company grew its revenue.",
        "notes": ["The first note explains the method used here.", "The second note lists the sources."],
    }
    # as the library: an object is one element of pretty-printed JSON (keys sorted) ...
    elements = partition(write(tmp_path, "d.json", json.dumps(data)))
    assert [(e["type"], e["text"]) for e in elements] == [("UncategorizedText", json.dumps(data, indent=2, sort_keys=True))]
    # ... an array of objects one element per record, any other array one element
    records = partition(write(tmp_path, "r.json", json.dumps(data["items"])))
    assert [e["text"] for e in records] == ['{\n  "k": "a",\n  "v": 1\n}', '{\n  "k": "b",\n  "v": 2\n}']
    assert [e["text"] for e in partition(write(tmp_path, "t.json", '["a", 1]'))] == ['[\n  "a",\n  1\n]']
    # an earlier run's output read back keeps types and texts
    again = partition(write(tmp_path, "out.json", json.dumps(elements)))
    assert [(e["type"], e["text"]) for e in again] == [(e["type"], e["text"]) for e in elements]
    assert again[0]["metadata"]["filename"] == "out.json"
    with pytest.raises(FileProcessingError, match=r"bad\.json is not valid JSON .*line 1"):
        partition(write(tmp_path, "bad.json", "{oops"))


def test_xml_leaves_keep_tags_and_no_entity_expansion(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<r><title>Annual Report</title><p>The company grew its revenue this year.</p><e>&x;</e></r>"
    )
    path = write(tmp_path, "d.xml", xml)
    elements = partition(path)
    assert [(e["type"], e["text"]) for e in elements] == [
        ("Title", "Annual Report"),
        ("NarrativeText", "The company grew its revenue this year."),
    ]
    assert all("TOP SECRET" not in e["text"] for e in elements)
    kept = partition(path, xml_keep_tags=True)
    assert types(kept) == ["UncategorizedText"] and "<title>Annual Report</title>" in kept[0]["text"]
    with pytest.raises(FileProcessingError, match="not well-formed XML"):
        partition(write(tmp_path, "broken.xml", "<r><a></r>"))


def test_xml_mixed_content_follows_the_library(tmp_path: Path) -> None:
    # the library reads each element's own text when it closes: inner elements first, tails never
    xml = '<?xml version="1.0"?>\n<doc>\n  <title>Annual Report</title>\n  <p>Hello <b>world</b> and more.</p>\n</doc>\n'
    elements = partition(write(tmp_path, "m.xml", xml))
    assert [(e["type"], e["text"]) for e in elements] == [("Title", "Annual Report"), ("Title", "world"), ("Title", "Hello ")]
    kept = partition(write(tmp_path, "m.xml", xml), xml_keep_tags=True)
    assert kept[0]["text"] == xml  # as written


def test_xml_in_legacy_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "l.xml", "<r><p>Caf\xe9 cr\xe8me is served here every day.</p></r>".encode("latin-1"))
    assert partition(path, encoding="latin-1")[0]["text"] == "Café crème is served here every day."


# -- email -------------------------------------------------------------------------------------

EML = """From: Alice Example <alice@example.com>
To: bob@example.com, Carol <carol@example.com>
Subject: Quarterly numbers
Date: Tue, 03 Nov 2026 10:00:00 +0000
Message-ID: <abc123@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/plain; charset=utf-8

Hello Bob,

The revenue grew by ten percent this quarter and we expect more growth.

--XX
Content-Type: text/csv; name="data.csv"
Content-Disposition: attachment; filename="data.csv"

a,b
1,2
--XX--
"""


def test_email_body_metadata_and_attachment(tmp_path: Path) -> None:
    node = {"type": "partition", "subtype": "unstructured_api", "settings": {}}
    elements = run_node(node, write(tmp_path, "m.eml", EML), filename="m.eml").elements
    assert [(e["type"], e["text"]) for e in elements] == [
        # a salutation ending in a comma is neither a title nor narrative (the library's rule)
        ("UncategorizedText", "Hello Bob,"),
        ("NarrativeText", "The revenue grew by ten percent this quarter and we expect more growth."),
        ("Table", "a b 1 2"),
    ]
    meta = elements[1]["metadata"]
    assert meta["filetype"] == "message/rfc822"
    assert meta["sent_from"] == ["Alice Example <alice@example.com>"]
    assert meta["sent_to"] == ["bob@example.com", "Carol <carol@example.com>"]
    assert meta["subject"] == "Quarterly numbers" and meta["email_message_id"] == "abc123@example.com"
    assert meta["last_modified"].startswith("2026-11-03T10:00:00")
    attachment = elements[2]["metadata"]
    assert attachment["filename"] == "data.csv" and attachment["attached_to_filename"] == "m.eml"


# -- office ------------------------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_heading("Report Title", level=0)
    document.add_heading("Overview", level=1)
    paragraph = document.add_paragraph("The company grew revenue in all regions, and ")
    paragraph.add_run("margins").bold = True
    paragraph.add_run(" improved.")
    document.add_paragraph("first point of the list", style="List Bullet")
    document.add_paragraph("nested point", style="List Bullet 2")
    document.add_paragraph("first numbered step", style="List Number")
    document.add_paragraph("second numbered step", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([["k", "v"], ["a", "1"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    split = document.add_paragraph("This paragraph starts on page one and ")
    # Word records where it broke pages when it last rendered the document
    run = split.add_run("ends on page two.")
    run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    document.add_heading("Details", level=2)
    document.add_paragraph("The second page explains the details of the results.")
    document.add_paragraph("Plain line")
    document.sections[0].header.paragraphs[0].text = "ACME Corp confidential"
    document.sections[0].footer.paragraphs[0].text = "Page footer text"
    document.save(path)
    return path


def test_docx(tmp_path: Path) -> None:
    elements = partition(make_docx(tmp_path / "r.docx"))
    assert [(e["type"], e["text"], e["metadata"].get("page_number")) for e in elements] == [
        ("Header", "ACME Corp confidential", None),
        ("Title", "Report Title", 1),
        ("Title", "Overview", 1),
        ("NarrativeText", "The company grew revenue in all regions, and margins improved.", 1),
        ("ListItem", "first point of the list", 1),
        ("ListItem", "nested point", 1),
        # Word's auto-numbering labels are rendered, as the library does
        ("ListItem", "1. first numbered step", 1),
        ("ListItem", "2. second numbered step", 1),
        ("Table", "k v a 1", 1),
        # a paragraph broken across pages becomes one element per page
        ("NarrativeText", "This paragraph starts on page one and ", 1),
        ("NarrativeText", "ends on page two.", 2),
        ("Title", "Details", 2),
        ("NarrativeText", "The second page explains the details of the results.", 2),
        # in .docx a heading needs a heading style: short text alone is not a Title (library rule)
        ("UncategorizedText", "Plain line", 2),
        ("Footer", "Page footer text", None),
    ]
    by_text = {e["text"]: e["metadata"] for e in elements}
    assert by_text["Overview"]["style_name"] == "Heading 1" and by_text["Overview"]["category_depth"] == 0
    assert by_text["Details"]["category_depth"] == 1
    assert by_text["nested point"]["category_depth"] == 1
    assert by_text["ACME Corp confidential"]["header_footer_type"] == "primary"
    assert by_text["The company grew revenue in all regions, and margins improved."]["emphasized_text_contents"] == ["margins"]
    assert by_text["Details"]["parent_id"] == elements[2]["element_id"]
    assert by_text["k v a 1"]["text_as_html"] == "<table><tr><td>k</td><td>v</td></tr><tr><td>a</td><td>1</td></tr></table>"
    with_breaks = partition(tmp_path / "r.docx", include_page_breaks=True)
    assert types(with_breaks).count("PageBreak") == 1


def test_docx_merged_cells_and_no_page_numbers_without_rendered_breaks(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "wide header"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "tall"
    for r, c, v in ((1, 1, "a"), (1, 2, "b"), (2, 1, "c"), (2, 2, "d")):
        table.cell(r, c).text = v
    document.add_page_break()  # a hard break: Word has not rendered pages, so no page numbers
    document.add_paragraph("After the break the text continues here.")
    document.save(tmp_path / "m.docx")
    elements = partition(tmp_path / "m.docx")
    assert elements[0]["metadata"]["text_as_html"] == (
        '<table><tr><td colspan="3">wide header</td></tr><tr><td rowspan="2">tall</td><td>a</td><td>b</td></tr>'
        "<tr><td>c</td><td>d</td></tr></table>"
    )
    assert elements[0]["text"] == "wide header tall a b c d"
    assert all("page_number" not in e["metadata"] for e in elements)


def make_pptx(path: Path) -> Path:
    import pptx
    from pptx.util import Inches

    prs = pptx.Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Quarterly Review"
    body = slide.placeholders[1].text_frame
    body.text = "Revenue grew strongly in the third quarter of the year."
    sub = body.add_paragraph()
    sub.text = "driven by new customers"
    sub.level = 1
    slide.notes_slide.notes_text_frame.text = "Speaker notes say the team did well this quarter."
    slide2 = prs.slides.add_slide(prs.slide_layouts[5])
    slide2.shapes.title.text = "Numbers"
    shape = slide2.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1))
    for r, row in enumerate([["k", "v"], ["a", "1"]]):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    box = slide2.shapes.add_textbox(Inches(1), Inches(4), Inches(4), Inches(1))
    box.text_frame.text = "a bulleted point"
    ppr = box.text_frame.paragraphs[0]._p.get_or_add_pPr()
    bullet = ppr.makeelement("{http://schemas.openxmlformats.org/drawingml/2006/main}buChar", {"char": "•"})
    ppr.append(bullet)
    prs.save(path)
    return path


def test_pptx(tmp_path: Path) -> None:
    elements = partition(make_pptx(tmp_path / "deck.pptx"), include_page_breaks=True)
    assert [(e["type"], e["text"], e["metadata"].get("page_number"), e["metadata"].get("category_depth")) for e in elements] == [
        ("Title", "Quarterly Review", 1, 0),
        ("NarrativeText", "Revenue grew strongly in the third quarter of the year.", 1, 0),
        # an indented paragraph without a bullet character is not a ListItem (the library's rule);
        # speaker notes are left out, as the library does by default
        ("NarrativeText", "driven by new customers", 1, 1),
        ("PageBreak", "", 1, None),
        ("Title", "Numbers", 2, 0),
        ("Table", "k v a 1", 2, None),
        ("ListItem", "a bulleted point", 2, 0),
    ]


def make_xlsx(path: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sales"
    sheet.append(["Sales by region"])
    sheet.append(["region", "amount"])
    sheet.append(["north", 10])
    sheet.append(["south", 12.5])
    sheet.append([])
    sheet.append([None, "note", "kept"])
    other = workbook.create_sheet("Empty and more")
    other.append(["x", "y"])
    workbook.save(path)
    return path


def test_xlsx(tmp_path: Path) -> None:
    elements = partition(make_xlsx(tmp_path / "book.xlsx"))
    assert [(e["type"], e["text"], e["metadata"]["page_number"], e["metadata"]["page_name"]) for e in elements] == [
        ("Title", "Sales by region", 1, "Sales"),
        ("Table", "region amount north 10 south 12.5", 1, "Sales"),
        ("Table", "note kept", 1, "Sales"),
        ("Table", "x y", 2, "Empty and more"),
    ]
    assert elements[1]["metadata"]["text_as_html"].startswith("<table><tr><td>region</td><td>amount</td></tr>")


# -- pdf ---------------------------------------------------------------------------------------


def make_pdf(path: Path, pages: int = 2) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    for page in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 18)
        c.drawString(72, 720, f"Chapter {page} Overview")
        c.setFont("Helvetica", 10)
        y = 690
        for line in (
            "The company reported strong results for the quarter and the team",
            "expects the growth to continue in the next year as new customers",
            "join the platform and existing customers expand their usage.",
        ):
            c.drawString(72, y, line)
            y -= 12
        c.showPage()
    c.save()
    return path


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "doc.pdf")
    elements = partition(path)
    assert [(e["type"], e["metadata"]["page_number"]) for e in elements] == [
        ("Title", 1),
        ("NarrativeText", 1),
        ("Title", 2),
        ("NarrativeText", 2),
    ]
    assert elements[1]["text"].startswith("The company reported strong results for the quarter and the team expects")
    assert elements[1]["metadata"]["parent_id"] == elements[0]["element_id"]
    coords = elements[0]["metadata"]["coordinates"]
    assert coords["system"] == "PixelSpace" and coords["layout_height"] == 792.0
    assert coords["points"][0] == pytest.approx([72.0, 792 - 720 - 0.79 * 18], abs=0.2)
    with_breaks = partition(path, include_page_breaks=True)
    assert types(with_breaks).count("PageBreak") == 1


def test_pdf_infer_table_structure_and_strategy_warnings(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "doc.pdf", pages=1)
    node = {
        "type": "partition",
        "subtype": "unstructured_api",
        "settings": {"strategy": "hi_res", "pdf_infer_table_structure": True},
    }
    out = run_node(node, path, filename="doc.pdf")
    assert out.elements
    assert any(w.startswith("strategy hi_res ran as text layer + OCR in the local engine") for w in out.warnings)
    assert any("pdf_infer_table_structure is not supported" in w for w in out.warnings)
    vlm = run_node({"type": "partition", "subtype": "vlm", "settings": {"provider": "anthropic"}}, path, filename="doc.pdf")
    assert any("vlm" in w and "emulated with fast" in w for w in vlm.warnings)
    fast = run_node({"type": "partition", "subtype": "unstructured_api", "settings": {}}, path, filename="doc.pdf")
    assert fast.warnings == []


def test_scanned_pdf_fails_clearly(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 300, 400, fill=1)  # drawing only, no text layer
    c.showPage()
    c.save()
    with pytest.raises(FileProcessingError, match=r"scan\.pdf: no text found: the PDF has no text layer.*hi_res"):
        partition(path)


# -- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        (
            "small.pdf",
            b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
            r"small\.pdf is not a valid PDF \(.+\); re-export it or check the upload",
        ),
        ("fake.pdf", b"hello, I am not a pdf", r"fake\.pdf is not a valid PDF \(no %PDF header"),
        ("empty.txt", b"", r"empty\.txt is empty \(0 bytes\): no text found"),
        ("blank.md", b"   \n\n  \n", r"blank\.md: no text found"),
        (
            "photo.png",
            b"\x89PNG\r\n\x1a\n....",
            r"the fast strategy is not available for image files; images need OCR",
        ),
        ("archive.zip", b"PK\x03\x04", r"unsupported file type \.zip: the local engine partitions .*\.docx"),
        ("noext", b"text", r"a file without an extension"),
        ("bad.docx", b"not a zip", r"bad\.docx is not a valid \.docx file .*old \.doc files must be converted"),
        ("bad.pptx", b"PK\x03\x04garbage", r"bad\.pptx is not a valid \.pptx file"),
        ("bad.xlsx", b"\x00\x01", r"bad\.xlsx is not a valid \.xlsx file"),
    ],
)
def test_bad_files_raise_file_processing_error(tmp_path: Path, name: str, content: bytes, pattern: str) -> None:
    with pytest.raises(FileProcessingError, match=pattern):
        partition(write(tmp_path, f"upload-{len(content)}", content), filename=name)


def test_zip_that_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    for ext in (".docx", ".pptx", ".xlsx"):
        with pytest.raises(FileProcessingError, match=rf"not a valid \{ext} file"):
            partition(path, filename=f"doc{ext}")


def test_truncated_pdf(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "full.pdf").read_bytes()
    with pytest.raises(FileProcessingError) as info:
        partition(write(tmp_path, "cut", data[: len(data) // 3]), filename="cut.pdf")
    assert "cut.pdf" in str(info.value)


# -- settings ----------------------------------------------------------------------------------


def test_exclude_elements_and_unique_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path, "d.txt", "Annual Report\n\nThe company grew revenue in every region this year.\n\n• a list item here\n"
    )
    kept = partition(path, exclude_elements=["Title", "ListItem"])
    assert types(kept) == ["NarrativeText"]
    unique = partition(path, unique_element_ids=True)
    ids = [e["element_id"] for e in unique]
    assert all(re.match(r"^[0-9a-f-]{36}$", i) for i in ids)
    assert ids != [e["element_id"] for e in partition(path, unique_element_ids=True)]
    assert unique[1]["metadata"]["parent_id"] == ids[0]


def test_excluding_everything_is_an_empty_success(tmp_path: Path) -> None:
    path = write(tmp_path, "d.txt", "The company grew revenue in every region this year.\n")
    assert partition(path, exclude_elements=["NarrativeText"]) == []
