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

    from unstructured_nb.local.partition import office

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

    fast = office._read_sheets_fast(path)
    slow = office._read_sheets_openpyxl(path, "w.xlsx")
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
    from unstructured_nb.local.partition import office

    workbook = openpyxl.Workbook()
    workbook.active.append(["k", "v"])
    workbook.active.append(["a", 1])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    node = {"type": "partition", "subtype": "unstructured_api"}
    expected = run_node(node, path, filename="w.xlsx").elements

    def broken(_path: Path):
        raise KeyError("xl/workbook.xml")

    monkeypatch.setattr(office, "_read_sheets_fast", broken)
    assert run_node(node, path, filename="w.xlsx").elements == expected
