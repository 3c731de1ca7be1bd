"""Page viewer: opening a 500-page PDF against a 1-page one, turning a page, and what is sent.

Run: ``.venv/bin/python -m benchmarks.bench_viewer [--pages 500] [--repeat 5]``

1. Generates two field guides with reportlab (``tests/render/pdfs.field_guide``): 1 page (the
   baseline) and ``--pages`` pages, and partitions each with the local engine's partitioner.
2. Times ``unstructured_nb.view(elements, source=pdf)`` (documents, page index, page 1 drawn,
   payload and detail built: everything before the widget is shown), the median of
   ``--repeat`` runs after a warm-up; then turning to the last page; then the same for chunks
   (``chunk_by_title`` with ``include_orig_elements``: only the chunks that can reach the page are decoded).
3. Prints the table with the ratios against the 1-page baseline, the bytes sent for page 1
   (image, payload JSON) and the static snapshot's size, and writes benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks._results import update_results


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(pdf: Path, repeat: int) -> dict[str, float]:
    import unstructured_nb
    from unstructured_nb.local.chunking import ChunkOptions, chunk_elements
    from unstructured_nb.local.partition import PartitionSettings, partition_file

    elements, _ = partition_file(pdf, filename=pdf.name, settings=PartitionSettings())
    chunks = chunk_elements(elements, ChunkOptions(strategy="chunk_by_title", max_characters=500, include_orig_elements=True))
    unstructured_nb.view(elements, source=pdf).close()  # warm-up: imports, fonts

    def open_elements():
        unstructured_nb.view(elements, source=pdf).close()

    def open_chunks():
        unstructured_nb.view(chunks, source=pdf).close()

    viewer = unstructured_nb.view(elements, source=pdf)
    pages = viewer.payload["page_count"]
    turns = []
    for target in (pages, 1) * repeat:
        start = time.perf_counter()
        viewer.page = target
        turns.append(time.perf_counter() - start)
    viewer.page = 1
    html, _text = viewer.state.snapshot()
    figures = {
        "pages": pages,
        "elements": len(elements),
        "chunks": len(chunks),
        "open": _median(open_elements, repeat),
        "open_chunks": _median(open_chunks, repeat),
        "turn": statistics.median(turns),
        "image_bytes": len(viewer.image),
        "payload_bytes": len(json.dumps(viewer.payload)),
        "snapshot_bytes": len(html),
    }
    viewer.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from tests.render.pdfs import field_guide

    with tempfile.TemporaryDirectory(prefix="bench-viewer-") as tmp:
        one, many = Path(tmp) / "one-page.pdf", Path(tmp) / f"{args.pages}-pages.pdf"
        field_guide(one, pages=1)
        field_guide(many, pages=args.pages)
        base, big = measure(one, args.repeat), measure(many, args.repeat)

    def ms(v: float) -> str:
        return f"{v * 1000:.0f} ms"

    rows = [
        ("open (elements mode, page 1 drawn)", ms(base["open"]), ms(big["open"]), f"{big['open'] / base['open']:.2f}x"),
        (
            "open (chunks mode, originals decoded for page 1)",
            ms(base["open_chunks"]),
            ms(big["open_chunks"]),
            f"{big['open_chunks'] / base['open_chunks']:.2f}x",
        ),
        ("turn to the last page and back (draw, boxes, send)", "(one page)", ms(big["turn"]), ""),
        ("page 1 image sent", f"{base['image_bytes'] / 1000:.0f} kB", f"{big['image_bytes'] / 1000:.0f} kB", ""),
        (
            "page 1 payload (boxes, legend) sent",
            f"{base['payload_bytes'] / 1000:.1f} kB",
            f"{big['payload_bytes'] / 1000:.1f} kB",
            "",
        ),
        ("static snapshot (text/html)", f"{base['snapshot_bytes'] / 1000:.0f} kB", f"{big['snapshot_bytes'] / 1000:.0f} kB", ""),
    ]
    head = f"| | 1 page ({base['elements']} elements) | {big['pages']} pages ({big['elements']} elements, {big['chunks']} chunks) | ratio |"
    table = "\n".join([head, "| --- | --- | --- | --- |", *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)])
    markdown = (
        "## Page viewer (`bench_viewer`)\n\n"
        f"`unstructured_nb.view(elements, source=pdf)` on generated field guides, median of {args.repeat} runs; the "
        "1-page guide is the baseline. Only the page on screen is drawn and sent; the page index is one pass over the "
        "elements' page numbers, so opening grows with the element count, not the pages.\n\n" + table
    )
    print(markdown)
    update_results("viewer", markdown)


if __name__ == "__main__":
    main()
