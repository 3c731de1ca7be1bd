"""Small generated documents of every type the local engine may partition, built with the real libraries.

Each generator returns bytes; ``EXTENSION_ALIASES`` maps extensions that share a format.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

TEXT = (
    "Quarterly report\n\nRevenue grew in every region this quarter. The board approved the budget.\n\n"
    "- first point\n- second point\n"
)


def txt() -> bytes:
    return TEXT.encode()


def md() -> bytes:
    return (
        b"# Quarterly report\n\nRevenue grew in every region this quarter.\n\n## Details\n\n"
        b"- first point\n- second point\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )


def html() -> bytes:
    return (
        b"<!doctype html><html><head><title>Report</title></head><body><h1>Quarterly report</h1>"
        b"<p>Revenue grew in every region this quarter.</p><ul><li>first point</li><li>second point</li></ul>"
        b"<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table></body></html>"
    )


def csv() -> bytes:
    return b"region,revenue\nnorth,10\nsouth,12\n"


def tsv() -> bytes:
    return b"region\trevenue\nnorth\t10\nsouth\t12\n"


def json_() -> bytes:
    return json.dumps([{"type": "Title", "element_id": "a" * 32, "text": "Quarterly report", "metadata": {}}]).encode()


def xml() -> bytes:
    return b"<?xml version='1.0'?><report><title>Quarterly report</title><para>Revenue grew in every region.</para></report>"


def eml() -> bytes:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com"
    msg["Subject"] = "Quarterly report"
    msg["Date"] = "Mon, 01 Jan 2024 10:00:00 +0000"
    msg.set_content("Revenue grew in every region this quarter.\n\nThe board approved the budget.\n")
    return bytes(msg)


def docx() -> bytes:
    import docx as _docx

    doc = _docx.Document()
    doc.add_heading("Quarterly report", level=1)
    doc.add_paragraph("Revenue grew in every region this quarter. The board approved the budget.")
    doc.add_paragraph("first point", style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    for r, row in enumerate([["a", "b"], ["1", "2"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pptx() -> bytes:
    from pptx import Presentation

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Quarterly report"
    slide.placeholders[1].text_frame.text = "Revenue grew in every region this quarter."
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Revenue"
    for row in [["region", "revenue"], ["north", 10], ["south", 12]]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(72, 720, "Quarterly report")
    c.setFont("Helvetica", 11)
    c.drawString(72, 690, "Revenue grew in every region this quarter. The board approved the budget.")
    c.showPage()
    c.setFont("Helvetica", 11)
    c.drawString(72, 720, "Second page text about the budget.")
    c.showPage()
    c.save()
    return buf.getvalue()


CORPUS = Path(__file__).resolve().parent / "partition" / "corpus"


def rst() -> bytes:
    return b"Quarterly report\n================\n\nRevenue grew in every region this quarter.\n\n- first point\n- second point\n"


def org() -> bytes:
    return b"* Quarterly report\nRevenue grew in every region this quarter.\n** Points\n- first point\n- second point\n"


def _from_corpus(relative: str) -> Callable[[], bytes]:
    """Types no Python library here writes (msg, epub, odt, rtf, doc, ppt, xls): a real corpus file."""
    return lambda: (CORPUS / relative).read_bytes()


GENERATORS: dict[str, Callable[[], bytes]] = {
    ".txt": txt,
    ".md": md,
    ".html": html,
    ".csv": csv,
    ".tsv": tsv,
    ".json": json_,
    ".xml": xml,
    ".eml": eml,
    ".docx": docx,
    ".pptx": pptx,
    ".xlsx": xlsx,
    ".pdf": pdf,
    ".rst": rst,
    ".org": org,
    ".msg": _from_corpus("msg/other.msg"),
    ".epub": _from_corpus("epub/mail-parser-README.epub"),
    ".odt": _from_corpus("odt/simpletable.odt"),
    ".rtf": _from_corpus("rtf/python-docx-test.rtf"),
    ".doc": _from_corpus("doc/python-docx-test.doc"),
    ".ppt": _from_corpus("ppt/txt-text.ppt"),
    ".xls": _from_corpus("xls/tablib-errors.xls"),
}
EXTENSION_ALIASES = {".htm": ".html", ".markdown": ".md", ".text": ".txt", ".log": ".txt"}


def sample(ext: str) -> bytes:
    """Bytes of a small valid document with extension ``ext``."""
    return GENERATORS[EXTENSION_ALIASES.get(ext, ext)]()


def can_generate(ext: str) -> bool:
    return EXTENSION_ALIASES.get(ext, ext) in GENERATORS
