"""Differential test: our chunker against the open-source library's, on random element streams.

Runs only where the benchmark's throwaway library venv exists (``benchmarks/_work/unstructured-venv``,
made by ``benchmarks/bench_partition.py``); chunking needs no language model, so the library
runs offline there. One library subprocess chunks every case; we compare type, text and
metadata (all but the random ``table_id`` and the encoded ``orig_elements``) chunk by chunk.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from unstructured_nb.local.nodes import run_node

LIB_PYTHON = Path(__file__).resolve().parents[3] / "benchmarks" / "_work" / "unstructured-venv" / "bin" / "python"

pytestmark = [
    pytest.mark.slow,  # the library runs in its own interpreter
    pytest.mark.skipif(
        not LIB_PYTHON.exists(), reason="the open-source library's venv is absent (made by benchmarks/bench_partition.py)"
    ),
]

_LIB = r"""
import json, sys
from unstructured.staging.base import elements_from_dicts, elements_to_dicts
from unstructured.chunking.title import chunk_by_title
from unstructured.chunking.basic import chunk_elements
out = []
for case in json.load(sys.stdin):
    fn = chunk_by_title if case["strategy"] == "by_title" else chunk_elements
    chunks = fn(elements_from_dicts(case["elements"]), include_orig_elements=False, **case["kwargs"])
    out.append(elements_to_dicts(chunks))
print(json.dumps(out))
"""

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()


def _cases(seed: int, count: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    cases = []
    for _ in range(count):
        elements = []
        page = 1
        for i in range(rng.randint(1, 25)):
            kind = rng.choice(["Title", "NarrativeText", "NarrativeText", "ListItem", "Table", "PageBreak"])
            page += rng.random() < 0.15
            meta: dict[str, Any] = {"filename": "f.txt", "languages": [rng.choice(["eng", "eng", "fra"])], "page_number": page}
            if kind == "Table":
                rows = [[text(1) for _ in range(3)] for _ in range(rng.randint(1, 12))]
                body = " ".join(c for r in rows for c in r)
                header = rng.random() < 0.5
                cells = [
                    "<tr>"
                    + "".join(f"<{'th' if header and j == 0 else 'td'}>{c}</{'th' if header and j == 0 else 'td'}>" for c in r)
                    + "</tr>"
                    for j, r in enumerate(rows)
                ]
                meta["text_as_html"] = "<table>" + "".join(cells) + "</table>"
            elif kind == "PageBreak":
                body = ""
            else:
                body = text(rng.choice([1, 3, 10, 40, 120]))
                if rng.random() < 0.2:
                    meta["link_texts"], meta["link_urls"] = ["x"], ["https://example.com"]
            elements.append({"type": kind, "element_id": f"e{i}", "text": body, "metadata": meta})
        strategy = rng.choice(["basic", "by_title"])
        kwargs: dict[str, Any] = {"max_characters": rng.choice([50, 100, 200, 500])}
        if rng.random() < 0.5:
            kwargs["new_after_n_chars"] = rng.choice([0, 30, 80, 300])
        if rng.random() < 0.4:
            kwargs["overlap"] = rng.choice([0, 5, 20])
        if rng.random() < 0.3:
            kwargs["overlap_all"] = True
        if strategy == "by_title":
            if rng.random() < 0.5:
                kwargs["combine_text_under_n_chars"] = min(kwargs["max_characters"], rng.choice([0, 20, 100, 1000]))
            kwargs["multipage_sections"] = rng.random() < 0.5
        if kwargs.get("overlap", 0) >= kwargs["max_characters"]:
            kwargs["overlap"] = 0
        cases.append({"strategy": strategy, "kwargs": kwargs, "elements": elements})
    return cases


def _comparable(chunk: dict[str, Any]) -> tuple[str, str, str]:
    meta = {k: v for k, v in chunk["metadata"].items() if k not in ("table_id", "orig_elements")}
    return chunk["type"], chunk["text"], json.dumps(meta, sort_keys=True)


def test_chunks_match_the_library() -> None:
    cases = _cases(seed=20261128, count=150)
    result = subprocess.run(
        [str(LIB_PYTHON), "-c", _LIB],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        check=True,
    )
    library = json.loads(result.stdout.strip().splitlines()[-1])
    for case, theirs in zip(cases, library, strict=True):
        subtype = "chunk_by_title" if case["strategy"] == "by_title" else "chunk_by_character"
        node = {"type": "chunk", "subtype": subtype, "settings": case["kwargs"]}
        ours = run_node(node, case["elements"], filename="f.txt").elements
        assert [_comparable(c) for c in ours] == [_comparable(c) for c in theirs], case["kwargs"]
