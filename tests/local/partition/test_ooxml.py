"""_ooxml.paragraph_text gives python-docx's paragraph text (runs and hyperlinks) without its per-run XPath."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from unstructured_nb.local.partition._ooxml import W, has_emphasis, paragraph_text

CORPUS = Path(__file__).parent / "corpus" / "docx"


def _python_docx_text(p: object) -> str:
    return "".join(e.text or "" for e in p.xpath("w:r | w:hyperlink"))  # type: ignore[attr-defined]


def test_every_run_content_kind_as_python_docx_reads_it() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("a\tb\nc")
    run = paragraph.add_run("x")
    run.add_break(WD_BREAK.PAGE)
    run.add_text("y")
    run.add_break(WD_BREAK.COLUMN)
    run.add_break()
    run.add_tab()
    for tag in ("w:cr", "w:noBreakHyphen", "w:ptab", "w:t"):
        run._r.append(OxmlElement(tag))
    wrapping = OxmlElement("w:br")
    wrapping.set(qn("w:type"), "textWrapping")
    run._r.append(wrapping)
    link = OxmlElement("w:hyperlink")
    link_run = OxmlElement("w:r")
    link_text = OxmlElement("w:t")
    link_text.text = "link"
    link_run.append(link_text)
    link.append(link_run)
    paragraph._p.append(link)
    paragraph._p.append(copy.deepcopy(run._r))
    p = paragraph._p
    assert paragraph_text(p) == _python_docx_text(p) == "a\tb\ncxy\n\t\n-\t\nlinkxy\n\t\n-\t\n"


def test_corpus_paragraphs_read_the_same() -> None:
    count = 0
    for path in sorted(CORPUS.glob("*.docx")):
        for p in docx.Document(str(path)).element.iter(f"{W}p"):
            assert paragraph_text(p) == _python_docx_text(p), path.name
            count += 1
    assert count > 1000


def test_has_emphasis() -> None:
    document = docx.Document()
    plain = document.add_paragraph("plain")
    bold = document.add_paragraph()
    bold.add_run("bold").bold = True
    italic = document.add_paragraph()
    italic.add_run("italic").italic = True
    assert not has_emphasis(plain._p)
    assert has_emphasis(bold._p)
    assert has_emphasis(italic._p)
