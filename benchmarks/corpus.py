"""A deterministic corpus for the partition benchmark: one file per supported type.

``build_corpus(directory)`` writes (or reuses) files of a few MB of text-like formats and
documents of tens to hundreds of pages for the binary ones, all from a seeded generator, so
every run measures the same bytes. Run ``python -m benchmarks.corpus DIR`` to just write them.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

WORDS = (
    "the of and to in is was for on that with as by at from it be are this report revenue growth quarter "
    "customer data pipeline workflow partition chunk element document source destination vector embedding "
    "model analysis table metric status result text narrative title connector job team market product "
    "increased improved expected delivered reviewed launched measured"
).split()
VERSION = 3  # bump when the generators change, to rebuild cached files


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def sentence(self) -> str:
        s = self.words(self.rng.randint(8, 18))
        return s[0].upper() + s[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 7)))

    def heading(self) -> str:
        return " ".join(w.capitalize() for w in self.words(self.rng.randint(2, 5)).split())


def _sections(gen: _Gen, target_chars: int):
    """Yield (heading, paragraphs, bullets) sections until about ``target_chars`` of text."""
    size = 0
    while size < target_chars:
        heading = gen.heading()
        paragraphs = [gen.paragraph() for _ in range(gen.rng.randint(2, 4))]
        bullets = [gen.sentence() for _ in range(gen.rng.randint(0, 4))]
        size += len(heading) + sum(map(len, paragraphs)) + sum(map(len, bullets))
        yield heading, paragraphs, bullets


def make_txt(path: Path, mb: float = 2.0) -> None:
    gen = _Gen(1)
    out = io.StringIO()
    for heading, paragraphs, bullets in _sections(gen, int(mb * 1_000_000)):
        out.write(heading + "\n\n")
        for p in paragraphs:
            out.write(p + "\n\n")
        for b in bullets:
            out.write("• " + b + "\n")
        out.write("\n")
    path.write_text(out.getvalue())


def make_md(path: Path, mb: float = 1.0) -> None:
    gen = _Gen(2)
    out = io.StringIO()
    out.write("# Benchmark Document\n\n")
    for i, (heading, paragraphs, bullets) in enumerate(_sections(gen, int(mb * 1_000_000))):
        out.write(f"## {heading}\n\n")
        for p in paragraphs:
            out.write(p + "\n\n")
        for b in bullets:
            out.write("- " + b + "\n")
        out.write("\n")
        if i % 5 == 0:
            out.write("| name | count | score |\n|---|---|---|\n")
            for _ in range(5):
                out.write(f"| {gen.rng.choice(WORDS)} | {gen.rng.randint(1, 999)} | {gen.rng.random():.3f} |\n")
            out.write("\n")
    path.write_text(out.getvalue())


def make_html(path: Path, mb: float = 1.0) -> None:
    gen = _Gen(3)
    out = io.StringIO()
    out.write(
        "<!DOCTYPE html><html><head><title>Bench</title><style>p{color:#333}</style></head><body><nav><a href='/'>Home</a></nav><main><h1>Benchmark Page</h1>\n"
    )
    for i, (heading, paragraphs, bullets) in enumerate(_sections(gen, int(mb * 1_000_000))):
        out.write(f"<h2>{heading}</h2>")
        for p in paragraphs:
            out.write(f"<p>{p}</p>\n")
        if bullets:
            out.write("<ul>" + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>\n")
        if i % 5 == 0:
            rows = "".join(f"<tr><td>{gen.rng.choice(WORDS)}</td><td>{gen.rng.randint(1, 999)}</td></tr>" for _ in range(5))
            out.write(f"<table><tr><th>name</th><th>count</th></tr>{rows}</table>\n")
    out.write("</main><footer>Footer</footer></body></html>")
    path.write_text(out.getvalue())


def make_csv(path: Path, mb: float = 2.0, delimiter: str = ",") -> None:
    gen = _Gen(4)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "name", "category", "amount", "comment"])
    i = 0
    while out.tell() < mb * 1_000_000:
        writer.writerow([i, gen.rng.choice(WORDS), gen.rng.choice(WORDS), f"{gen.rng.random() * 1000:.2f}", gen.sentence()])
        i += 1
    path.write_text(out.getvalue())


def make_json(path: Path, mb: float = 1.0) -> None:
    gen = _Gen(5)
    records = []
    size = 0
    while size < mb * 1_000_000:
        record = {
            "title": gen.heading(),
            "summary": gen.paragraph(),
            "score": round(gen.rng.random(), 3),
            "tags": [gen.rng.choice(WORDS) for _ in range(3)],
        }
        size += len(json.dumps(record))
        records.append(record)
    path.write_text(json.dumps({"source": "benchmark", "documents": records}, indent=1))


def make_xml(path: Path, mb: float = 1.0) -> None:
    gen = _Gen(6)
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<articles>\n')
    while out.tell() < mb * 1_000_000:
        out.write(f"  <article><title>{gen.heading()}</title>")
        for _ in range(3):
            out.write(f"<para>{gen.paragraph()}</para>")
        out.write("</article>\n")
    out.write("</articles>\n")
    path.write_text(out.getvalue())


def make_eml(path: Path, mb: float = 0.5) -> None:
    gen = _Gen(7)
    body = io.StringIO()
    for heading, paragraphs, _ in _sections(gen, int(mb * 1_000_000)):
        body.write(heading + "\n\n" + "\n\n".join(paragraphs) + "\n\n")
    text = body.getvalue()
    path.write_text(
        "From: Alice <alice@example.com>\nTo: bob@example.com\nSubject: Benchmark message\n"
        "Date: Tue, 03 Nov 2026 10:00:00 +0000\nMessage-ID: <bench@example.com>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n" + text
    )


def make_docx(path: Path, sections: int = 600) -> None:
    import docx

    gen = _Gen(8)
    document = docx.Document()
    document.add_heading("Benchmark Report", level=0)
    for i in range(sections):
        document.add_heading(gen.heading(), level=1)
        for _ in range(3):
            document.add_paragraph(gen.paragraph())
        for _ in range(2):
            document.add_paragraph(gen.sentence(), style="List Bullet")
        if i % 10 == 0:
            table = document.add_table(rows=4, cols=3)
            for row in table.rows:
                for cell in row.cells:
                    cell.text = gen.rng.choice(WORDS)
        if i % 4 == 3:
            document.add_page_break()
    document.save(path)


def make_pptx(path: Path, slides: int = 150) -> None:
    import pptx

    gen = _Gen(9)
    prs = pptx.Presentation()
    for _ in range(slides):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = gen.heading()
        frame = slide.placeholders[1].text_frame
        frame.text = gen.sentence()
        for _ in range(4):
            p = frame.add_paragraph()
            p.text = gen.sentence()
            p.level = 1
    prs.save(path)


def make_xlsx(path: Path, sheets: int = 5, rows: int = 8000) -> None:
    import openpyxl

    gen = _Gen(10)
    workbook = openpyxl.Workbook(write_only=True)
    for s in range(sheets):
        sheet = workbook.create_sheet(f"Sheet {s + 1}")
        sheet.append(["id", "name", "category", "amount", "comment"])
        for i in range(rows):
            sheet.append([i, gen.rng.choice(WORDS), gen.rng.choice(WORDS), round(gen.rng.random() * 1000, 2), gen.sentence()])
    workbook.save(path)


def make_pdf(path: Path, pages: int = 120) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    gen = _Gen(11)
    styles = getSampleStyleSheet()
    story = []
    for _page in range(pages):
        story.append(Paragraph(gen.heading(), styles["Heading1"]))
        for _ in range(4):
            story.append(Paragraph(gen.paragraph(), styles["BodyText"]))
            story.append(Spacer(1, 6))
        story.append(
            ListFlowable([ListItem(Paragraph(gen.sentence(), styles["BodyText"])) for _ in range(3)], bulletType="bullet")
        )
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=letter).build(story)


GENERATORS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "txt": ("corpus.txt", make_txt),
    "md": ("corpus.md", make_md),
    "html": ("corpus.html", make_html),
    "csv": ("corpus.csv", make_csv),
    "tsv": ("corpus.tsv", lambda p: make_csv(p, mb=1.0, delimiter="\t")),
    "json": ("corpus.json", make_json),
    "xml": ("corpus.xml", make_xml),
    "eml": ("corpus.eml", make_eml),
    "docx": ("corpus.docx", make_docx),
    "pptx": ("corpus.pptx", make_pptx),
    "xlsx": ("corpus.xlsx", make_xlsx),
    "pdf": ("corpus.pdf", make_pdf),
}


def build_corpus(directory: Path) -> dict[str, Path]:
    """Write the corpus into ``directory`` (reusing files from the same generator version)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = directory / "VERSION"
    fresh = not stamp.exists() or stamp.read_text().strip() != str(VERSION)
    files: dict[str, Path] = {}
    for kind, (name, make) in GENERATORS.items():
        path = directory / name
        if fresh or not path.exists():
            make(path)
        files[kind] = path
    stamp.write_text(str(VERSION))
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/_work/corpus")
    for kind, path in build_corpus(target).items():
        print(f"{kind:5} {path} {path.stat().st_size / 1e6:.2f} MB")
