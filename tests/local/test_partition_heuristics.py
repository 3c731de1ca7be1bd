"""Unit tests of the text heuristics, the language detector and the fast xlsx reader."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from unstructured_nb.local.partition._lang import detect_languages
from unstructured_nb.local.partition._text_type import classify, sentence_count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # titles: short, no sentence, whatever the case
        ("Introduction", "Title"),
        ("Quarterly Meeting", "Title"),
        ("QUARTERLY RESULTS", "Title"),
        ("RELATED WORK", "Title"),
        ("1.2 Background and motivation", "Title"),
        ("Key Results.", "Title"),
        # narrative: a verb, or two sentences
        ("Revenue increased.", "NarrativeText"),
        ("The second note lists the sources.", "NarrativeText"),
        ("The team is meeting today.", "NarrativeText"),
        ("See you soon.", "NarrativeText"),
        ("Growth was strong. Margins improved across the board.", "NarrativeText"),
        # lists, addresses, e-mail, leftovers
        ("• bullet text", "ListItem"),
        ("* star bullet", "ListItem"),
        ("contact@example.com", "EmailAddress"),
        ("Doylestown, PA 18901", "Address"),
        ("2024", "UncategorizedText"),
        ("Hello Bob,", "UncategorizedText"),
        ("---- 12.5% ----", "UncategorizedText"),
        ("-5 degrees outside the office", "Title"),  # "-5" is not a bullet
    ],
)
def test_classify(text: str, expected: str) -> None:
    assert classify(text)[0] == expected


def test_bullets_are_removed_from_list_items() -> None:
    assert classify("•   first item")[1] == "first item"
    assert classify("- dash item")[1] == "dash item"


def test_a_long_title_case_line_is_not_a_title() -> None:
    line = "This Line Has Far Too Many Words To Be Considered A Title By The Library Rules"
    assert classify(line)[0] == "UncategorizedText"


def test_sentence_count_ignores_abbreviation_like_fragments() -> None:
    assert sentence_count("ITEM 1A. RISK FACTORS", min_length=5) == 0
    assert sentence_count("One sentence here. Another sentence there.") == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The report is ready and the results are good for the year.", "eng"),
        ("Le rapport est prêt et les résultats sont bons pour l'année.", "fra"),
        ("Der Bericht ist fertig und die Ergebnisse sind gut für das Jahr.", "deu"),
        ("El informe está listo y los resultados son buenos para el año.", "spa"),
        ("Il rapporto è pronto e i risultati sono buoni per il anno della società.", "ita"),
        ("Отчёт готов, и результаты за год хорошие.", "rus"),
        ("报告已经准备好了，今年的结果很好。", "zho"),
        ("レポートの準備ができました。今年の結果は良好です。", "jpn"),
        ("Hello", "eng"),
        ("12345", "eng"),
    ],
)
def test_detect_languages(text: str, code: str) -> None:
    assert detect_languages(text) == [code]


def test_fast_xlsx_reader_matches_openpyxl(tmp_path: Path) -> None:
    import openpyxl

    from unstructured_nb.local.partition import xlsx

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(["name", "when", "ok", "ratio", "count"])
    sheet.append(["alpha", datetime(2024, 3, 1, 12, 30), True, 0.25, 3])
    sheet.append(["beta", datetime(2024, 3, 2), False, 1.5, 4])
    sheet["F2"] = "=E2*2"
    sheet["G2"] = "x & <y>   spaced"
    sheet.append([])
    sheet.append([])
    sheet["C8"] = "after a gap"
    sheet["D8"] = "more"
    workbook.create_sheet("Second")["B3"] = "lonely"
    path = tmp_path / "w.xlsx"
    workbook.save(path)

    fast = xlsx._read_sheets_fast(path)
    slow = xlsx._read_sheets_openpyxl(path, "w.xlsx")
    assert fast == slow
    # both scans of the sheet XML (regex for plain XML, lxml streaming otherwise) agree
    from unstructured_nb.local.partition._xlsx_reader import XlsxReader

    with open(path, "rb") as handle:
        reader = XlsxReader(handle)
        for _, sheet_path in reader.sheets:
            text = reader.zip.read(sheet_path).decode("utf-8")
            assert list(reader._iter_rows_regex(text)) == list(reader._iter_rows_lxml(sheet_path))
    assert fast[0][1][0][1][6] == "x & <y> spaced"
    data_blocks = fast[0][1]
    assert data_blocks[0][1][:5] == ["alpha", "2024-03-01 12:30:00", "True", "0.25", "3"]
    assert data_blocks[1] == [["after a gap", "more"]]
    assert fast[1] == ("Second", [[["lonely"]]])


def test_xlsx_falls_back_to_openpyxl_when_the_fast_reader_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from unstructured_nb.local.nodes import run_node
    from unstructured_nb.local.partition import xlsx

    workbook = openpyxl.Workbook()
    workbook.active.append(["k", "v"])
    workbook.active.append(["a", 1])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    node = {"type": "partition", "subtype": "unstructured_api"}
    expected = run_node(node, path, filename="w.xlsx").elements

    def broken(_path: Path):
        raise KeyError("xl/workbook.xml")

    monkeypatch.setattr(xlsx, "_read_sheets_fast", broken)
    assert run_node(node, path, filename="w.xlsx").elements == expected


_SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    # shared string, a date-styled number, attributes in another order
    '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45000.5</v></c>'
    '<c t="inlineStr" r="C1"><is><t>attr order</t></is></c></row>'
    # a formatted row without cells (Excel writes these): must not take the next row's cells
    '<row r="2" ht="20" customHeight="1"/>'
    # rich inline text with a phonetic guide, an empty <v>, a boolean, a formatted empty cell
    '<row r="3"><c r="A3" t="inlineStr"><is><r><t>rich </t></r><r><rPr><b/></rPr>'
    '<t xml:space="preserve">text  &amp; more</t></r><rPh sb="0" eb="1"><t>PH</t></rPh></is></c>'
    '<c r="B3"><v></v></c><c r="C3" t="b"><v>1</v></c><c r="D3" s="1"/></row>'
    # formula with a cached string holding XML character references, an error, t="" (a string)
    '<row r="4"><c r="B4" t="str"><f>A1&amp;"x"</f><v>a &lt;b&gt; &#150; &#x41;</v></c>'
    '<c r="E4" t="e"><v>#N/A</v></c><c s="0" r="F4" t=""><v>5</v></c></row>'
    # a row without r=, numbers that do not print as written
    '<row><c r="A5"><v>007</v></c><c r="B5"><v>-2.50</v></c><c r="C5"><v>1.5E-3</v></c>'
    '<c r="D5"><v>1E3</v></c></row>'
    "</sheetData></worksheet>"
)
_SHARED_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">'
    "<si><t>shared   text </t></si>"
    '<si><r><t>rich</t></r><r><rPr><b/></rPr><t xml:space="preserve"> run &amp; &#x9;tab</t></r>'
    '<rPh sb="0" eb="1"><t>ruby</t></rPh><phoneticPr fontId="1"/></si>'
    "<si/><si><t/></si></sst>"
)


def _handmade_workbook(tmp_path: Path) -> Path:
    """An openpyxl workbook whose sheet is replaced by the XML above, with the shared strings
    above added (openpyxl itself writes inline strings)."""
    import zipfile

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["B1"] = datetime(2023, 3, 15)  # gives the workbook a date style (s="1")
    base = tmp_path / "base.xlsx"
    workbook.save(base)
    path = tmp_path / "handmade.xlsx"
    shared_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    shared_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename).decode()
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _SHEET_XML
            elif item.filename == "xl/_rels/workbook.xml.rels":
                rel = f'<Relationship Type="{shared_type}" Target="sharedStrings.xml" Id="rIdShared"/>'
                data = data.replace("</Relationships>", rel + "</Relationships>")
            elif item.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{shared_ct}"/>'
                data = data.replace("</Types>", override + "</Types>")
            dst.writestr(item, data)
        dst.writestr("xl/sharedStrings.xml", _SHARED_XML)
    return path


def test_fast_xlsx_scans_agree_with_lxml_and_openpyxl_on_unusual_xml(tmp_path: Path) -> None:
    """The regex scans of sheets and shared strings recognize common cell shapes themselves and
    read the rest the general way: both must give what lxml's parse and openpyxl give."""
    from unstructured_nb.local.partition import xlsx
    from unstructured_nb.local.partition._xlsx_reader import XlsxReader

    path = _handmade_workbook(tmp_path)
    with open(path, "rb") as handle:
        reader = XlsxReader(handle)
        assert reader.shared == reader._shared_strings_lxml("xl/sharedStrings.xml")
        assert reader.shared == ["shared text", "rich run & tab", "", ""]
        rows = list(reader._iter_rows_regex(_SHEET_XML))
        assert rows == list(reader._iter_rows_lxml("xl/worksheets/sheet1.xml"))
    assert rows == [
        (1, ["shared text", "2023-03-15 12:00:00", "attr order"]),
        (2, []),
        (3, ["rich text & more", "", "True", ""]),
        (4, ["", "a <b> \x96 A", "", "", "#N/A", "5"]),
        (5, ["7", "-2.5", "0.0015", "1000"]),
    ]
    assert xlsx._read_sheets_fast(path) == xlsx._read_sheets_openpyxl(path, "handmade.xlsx")


def test_fast_xlsx_reader_hands_unknown_entities_to_a_real_parser(tmp_path: Path) -> None:
    """&nbsp; is HTML, not XML: the regex scan refuses it rather than guessing (openpyxl decides)."""
    from unstructured_nb.local.partition._xlsx_reader import XlsxReader
    from unstructured_nb.local.partition._xlsx_values import unescape as _unescape

    assert _unescape("a &amp; &#150; &#x1F600;") == "a & \x96 \U0001f600"
    with pytest.raises(ValueError):
        _unescape("a&nbsp;b")
    with pytest.raises(ValueError):
        _unescape("&#0;")
    with open(_handmade_workbook(tmp_path), "rb") as handle:
        reader = XlsxReader(handle)
        with pytest.raises(ValueError):
            list(reader._iter_rows_regex(_SHEET_XML.replace("attr order", "attr&nbsp;order")))


@pytest.mark.parametrize("enabled", [True, False])
def test_table_partitioners_restore_the_garbage_collector(tmp_path: Path, enabled: bool) -> None:
    """xlsx and csv pause the cyclic GC while they build rows; its state afterwards is the caller's,
    also when the file fails."""
    import gc

    import openpyxl

    from unstructured_nb.local.nodes import run_node
    from unstructured_nb.local.partition._errors import FileProcessingError

    workbook = openpyxl.Workbook()
    workbook.active.append(["k", "v"])
    workbook.save(tmp_path / "w.xlsx")
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    (tmp_path / "empty.csv").write_text(",,\n")
    node = {"type": "partition", "subtype": "unstructured_api"}
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        for name in ("w.xlsx", "t.csv"):
            assert run_node(node, tmp_path / name, filename=name).elements
            assert gc.isenabled() is enabled
        with pytest.raises(FileProcessingError):
            run_node(node, tmp_path / "empty.csv", filename="empty.csv")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
