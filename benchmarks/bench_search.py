"""Benchmark of search and embedding: recall@5 of ``run.search`` with the local embeddings and with BM25, and
the embed node's throughput against the same model called directly.

Run from the repo root: ``.venv/bin/python -m benchmarks.bench_search``. Prints the figures and
writes them to benchmarks/RESULTS.md (section "search").

The documents of ``retrieval_set`` go through the local engine's nodes in this process
(partition fast -> chunk_by_title at ``MAX_CHARACTERS`` -> embed local); the outputs are then
searched with the function ``run.search`` uses, once with the embeddings and once with them
removed (BM25). Goal: recall@5 >= 0.8 with embeddings. Throughput: chunks per second through
the embed node (``run_node``, a copy of every element plus its vector as a list) against
the wordllama model's own ``embed`` on the same texts; medians of ``REPEATS`` runs.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from unstructured_nb.local.embed_model import load_model
from unstructured_nb.local.nodes import run_node
from unstructured_nb.runs.search import search_outputs

from ._results import update_results
from .retrieval_set import DOCUMENTS, QUESTIONS

MAX_CHARACTERS = 300
K = 5
REPEATS = 5
PARTITION = {"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}
CHUNK = {"type": "chunk", "subtype": "chunk_by_title", "settings": {"max_characters": MAX_CHARACTERS}}
EMBED = {"type": "embed", "subtype": "local"}


def build_outputs() -> dict[str, dict[str, list[dict[str, Any]]]]:
    outputs = {}
    for path in DOCUMENTS:
        elements = run_node(PARTITION, path, filename=path.name).elements
        chunks = run_node(CHUNK, elements, filename=path.name).elements
        outputs[path.name] = {"Chunker": chunks, "Embedder": run_node(EMBED, chunks, filename=path.name).elements}
    return outputs


def recall(outputs: dict[str, dict[str, list[dict[str, Any]]]], k: int = K) -> tuple[float, str, list[str]]:
    found, method, missed = 0, "", []
    for question, file, answer in QUESTIONS:
        result = search_outputs(outputs, question, k)
        method = result.method
        if any(h.file == file and answer in h.text for h in result.hits):
            found += 1
        else:
            missed.append(question)
    return found / len(QUESTIONS), method, missed


def throughput(chunks: list[dict[str, Any]]) -> tuple[float, float]:
    model = load_model()
    texts = [str(c.get("text") or "") for c in chunks]
    node, direct = [], []
    for _ in range(REPEATS):
        start = time.perf_counter()
        model.embed(texts, norm=True)
        direct.append(len(texts) / (time.perf_counter() - start))
        start = time.perf_counter()
        run_node(EMBED, chunks, filename="bench")
        node.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(node), statistics.median(direct)


def main() -> None:
    outputs = build_outputs()
    chunks = [c for by_node in outputs.values() for c in by_node["Chunker"]]
    sizes = sorted(len(c["text"]) for c in chunks)
    with_embeddings, method, missed = recall(outputs)
    assert method == "embeddings", method
    bare = {f: {"Chunker": by["Chunker"]} for f, by in outputs.items()}
    with_bm25, method_bm25, missed_bm25 = recall(bare)
    assert method_bm25 == "bm25", method_bm25
    at1, _, _ = recall(outputs, 1)
    at1_bm25, _, _ = recall(bare, 1)
    corpus = chunks * max(1, 2000 // len(chunks))  # enough texts for a steady rate
    node_rate, direct_rate = throughput(corpus)
    lines = [
        "## Search and embeddings (`bench_search`)",
        "",
        f"{len(QUESTIONS)} labelled questions over {len(DOCUMENTS)} sample documents, chunked by title at {MAX_CHARACTERS} "
        f"characters: {len(chunks)} chunks (median {sizes[len(sizes) // 2]} characters).",
        "",
        "| ranking | recall@5 | recall@1 | goal |",
        "| --- | --- | --- | --- |",
        f"| local embeddings (wordllama l2_supercat 256-d) | {with_embeddings:.2f} | {at1:.2f} | recall@5 >= 0.8 |",
        f"| BM25 over the chunk texts | {with_bm25:.2f} | {at1_bm25:.2f} | (baseline) |",
        "",
        f"With {len(chunks)} chunks, the top 5 is a fifth of the corpus: recall@1 is the sharper figure.",
        "",
        f"Embedding throughput on {len(corpus)} chunks (median of {REPEATS}): the embed node {node_rate:,.0f} chunks/s, "
        f"the model called directly {direct_rate:,.0f} chunks/s: the node runs at {node_rate / direct_rate:.2f}x the model.",
        "",
        f"Missed with embeddings: {'; '.join(missed) or 'none'}. Missed with BM25: {'; '.join(missed_bm25) or 'none'}.",
    ]
    text = "\n".join(lines)
    print(text)
    update_results("search", text)


if __name__ == "__main__":
    main()
