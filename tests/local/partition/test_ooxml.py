"""_ooxml.paragraph_text gives python-docx's paragraph text (runs and hyperlinks) without its per-run XPath."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
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


@pytest.mark.slow  # thorough; the README's command runs it, the fast subset does not
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


def test_random_paragraphs_read_as_python_docx_reads_them() -> None:
    # the plain-run fast path and the run-by-run path against python-docx, on paragraphs mixing
    # every run content kind, hyperlinks, comments and elements neither reads
    import random

    from docx.oxml.parser import parse_xml

    rng = random.Random(4)
    contents = [
        "<w:t>word</w:t>", "<w:t xml:space='preserve'> two words </w:t>", "<w:t/>", "<w:tab/>", "<w:br/>",
        "<w:br w:type='page'/>", "<w:br w:type='textWrapping'/>", "<w:cr/>", "<w:noBreakHyphen/>", "<w:ptab/>",
        "<w:t>a<!-- note -->b</w:t>", "<w:rPr><w:b/></w:rPr>", "<w:t>é€😀</w:t>",
    ]  # fmt: skip
    for _ in range(500):
        parts = []
        for _ in range(rng.randint(0, 6)):
            run = "<w:r>" + "".join(rng.choice(contents) for _ in range(rng.randint(0, 4))) + "</w:r>"
            kind = rng.random()
            if kind < 0.2:
                run = f"<w:hyperlink>{run}{run}</w:hyperlink>"
            elif kind < 0.3:
                run = f"<w:ins>{run}</w:ins>"  # not a child run: neither reads it
            elif kind < 0.35:
                run = "<!-- between runs -->" + run
            parts.append(run)
        p = parse_xml(f'<w:p xmlns:w="{W[1:-1]}">' + "".join(parts) + "</w:p>")
        assert paragraph_text(p) == _python_docx_text(p), "".join(parts)
