"""Hostile sheet XML in an .xlsx is read in bounded, linear time (the fast reader's regexes).

Unclosed ``<c>``, ``<row``, ``<si>``, ``<t>`` and ``<rPh>`` runs once made ``_xlsx_reader``'s
regexes search to the end of the part from every start (96 KB of ``<c>`` took 38 s). Each file
is partitioned in a forked child under ``test_hostile_markup``'s 60 s guard, which only catches
hangs; the scaling check compares sizes 8x apart within the test (linear work gives about 8x,
quadratic 64x).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from .test_hostile_markup import partition_guarded, repeat

pytestmark = pytest.mark.slow

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SML}sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_GOOD_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>42</v></c></row>'


def xlsx(sheet_data: str, shared: str = "<si><t>Revenue</t></si>") -> bytes:
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{sheet_data}</sheetData></worksheet>'
    strings = f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>{shared}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


# name -> file of about ``n`` characters of hostile XML after one good row (and a good string)
HOSTILE: dict[str, Callable[[int], bytes]] = {
    "<c> storm": lambda n: xlsx(_GOOD_ROW + '<row r="2">' + repeat("<c>", n) + "</row>"),
    '<c r="A1"> storm': lambda n: xlsx(_GOOD_ROW + '<row r="2">' + repeat('<c r="A2">', n) + "</row>"),
    "<row storm": lambda n: xlsx(_GOOD_ROW + repeat("<row", n)),
    "<si> storm": lambda n: xlsx(_GOOD_ROW, "<si><t>Revenue</t></si>" + repeat("<si>", n)),
    "<t> storm": lambda n: xlsx(_GOOD_ROW, "<si><t>Revenue</t></si><si><r>" + repeat("<t>", n) + "</r></si>"),
    "<rPh> storm": lambda n: xlsx(_GOOD_ROW, "<si><t>Revenue</t>" + repeat("<rPh>", n) + "</si>"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_sheet_xml_finishes_with_an_answer(case: str, tmp_path: Path) -> None:
    status, texts, _ = partition_guarded(tmp_path, "hostile.xlsx", HOSTILE[case](1024 * 1024))
    if status == "error":  # a broken part: said so, naming the file
        (message,) = texts
        assert "hostile.xlsx" in message
    else:  # the good row is still read
        assert "Revenue" in " ".join(texts), texts


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_sheet_xml_scales_linearly(case: str, tmp_path: Path) -> None:
    small, large = HOSTILE[case](64 * 1024), HOSTILE[case](512 * 1024)
    best = {}
    for name, content in (("small", small), ("large", large)):
        best[name] = min(partition_guarded(tmp_path, "hostile.xlsx", content)[2] for _ in range(3))
    # the fork and the package import are in both: a floor keeps the ratio about the work
    ratio = best["large"] / max(best["small"], 0.05)
    assert ratio < 24, f"{case}: 8x the input took {ratio:.1f}x the time (quadratic would be ~64x)"
