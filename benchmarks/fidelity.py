"""Score the local partitioner against the library's stored output on the fidelity corpus.

The corpus is ``tests/local/partition/corpus/<type>/<document>``, each with ``<document>.ref.json``
written by ``benchmarks/library_reference.py`` (unstructured 0.27.35, fast strategy). Per type:

- **type match**: ``difflib.SequenceMatcher`` ratio between our element-type sequence and the
  library's, averaged over the type's documents (a document both refuse counts 1.0);
- **word coverage**: share of the library's words (as a multiset, case-folded) found in ours;
- **language match**: share of our elements whose ``languages`` equal the library's element at the
  same place in the aligned type sequences.

Used by ``tests/local/partition/test_vs_library.py`` (floors) and ``benchmarks/bench_partition.py``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "local" / "partition" / "corpus"
_WORD = re.compile(r"\w+")
PARTITION = {"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}
# the library's partition() emits PageBreak elements for these by default; the platform's API (and
# so our engine's default) does not: the comparison asks for them where the library gives them
PAGE_BREAK_KINDS = {"docx", "pptx", "doc", "ppt", "odt"}


@dataclass
class Score:
    """One document's comparison."""

    kind: str
    name: str
    type_match: float | None  # None: the library refuses a file we partition (not scored)
    ref_words: int
    found_words: int
    lang_pairs: int = 0
    lang_same: int = 0
    ours: int = 0
    theirs: int = 0
    note: str = ""


@dataclass
class KindScore:
    kind: str
    documents: list[Score] = field(default_factory=list)

    @property
    def type_match(self) -> float:
        scored = [d.type_match for d in self.documents if d.type_match is not None]
        return sum(scored) / len(scored) if scored else 1.0

    @property
    def coverage(self) -> float:
        total = sum(d.ref_words for d in self.documents)
        return sum(d.found_words for d in self.documents) / total if total else 1.0

    @property
    def languages(self) -> float | None:
        pairs = sum(d.lang_pairs for d in self.documents)
        return sum(d.lang_same for d in self.documents) / pairs if pairs else None


def documents(kinds: set[str] | None = None) -> list[tuple[str, Path]]:
    """(type, path) of every corpus document that has a stored reference."""
    found = []
    for ref in sorted(CORPUS.glob("*/*.ref.json")):
        path = ref.with_name(ref.name[: -len(".ref.json")])
        if path.is_file() and (kinds is None or path.parent.name in kinds):
            found.append((path.parent.name, path))
    return found


def reference(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.with_name(path.name + ".ref.json").read_text())
    return loaded


def partition_ours(path: Path) -> tuple[list[dict[str, Any]], str]:
    """Our elements for ``path`` and "" or, when we refuse the file, ([], the message)."""
    from unstructured_nb.local.nodes import run_node
    from unstructured_nb.local.partition import FileProcessingError

    try:
        node = PARTITION
        if path.parent.name in PAGE_BREAK_KINDS:
            node = {**PARTITION, "settings": {"strategy": "fast", "include_page_breaks": True}}
        return run_node(node, path, filename=path.name).elements, ""
    except FileProcessingError as exc:
        return [], str(exc)


def _types(elements: list[dict[str, Any]]) -> list[str]:
    return ["UncategorizedText" if e["type"] == "Text" else e["type"] for e in elements]


def _words(elements: list[dict[str, Any]]) -> Counter[str]:
    return Counter(w.casefold() for e in elements for w in _WORD.findall(e.get("text") or ""))


def compare(kind: str, path: Path, ours: list[dict[str, Any]], error: str, ref: dict[str, Any]) -> Score:
    theirs = ref.get("elements", [])
    if "error" in ref or not theirs:
        # the library refuses the file or finds nothing in it: agreeing scores 1; partitioning a file
        # the library refuses is not scored (it is no worse), finding elements where it finds none is 0
        agree = bool(error) or not ours
        note = "library: " + ref.get("error", "no elements")[:80]
        match = 1.0 if agree else (None if "error" in ref else 0.0)
        return Score(kind, path.name, match, 0, 0, ours=len(ours), note=note)
    a, b = _types(ours), _types(theirs)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ref_words, our_words = _words(theirs), _words(ours)
    score = Score(
        kind,
        path.name,
        matcher.ratio(),
        sum(ref_words.values()),
        sum((ref_words & our_words).values()),
        ours=len(ours),
        theirs=len(theirs),
        note=error[:120],
    )
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            continue
        for i, j in zip(range(i1, i2), range(j1, j1 + (i2 - i1)), strict=True):
            expected = theirs[j].get("metadata", {}).get("languages")
            if expected is None:
                continue
            score.lang_pairs += 1
            score.lang_same += ours[i].get("metadata", {}).get("languages") == expected
    return score


def score_corpus(kinds: set[str] | None = None) -> dict[str, KindScore]:
    """Per type, our scores against the stored references."""
    result: dict[str, KindScore] = {}
    for kind, path in documents(kinds):
        ours, error = partition_ours(path)
        result.setdefault(kind, KindScore(kind)).documents.append(compare(kind, path, ours, error, reference(path)))
    return result


def table(scores: dict[str, KindScore]) -> list[str]:
    lines = ["| type | documents | type match | word coverage | languages |", "|---|---|---|---|---|"]
    for kind in sorted(scores):
        s = scores[kind]
        lang = f"{s.languages:.2f}" if s.languages is not None else ""
        lines.append(f"| {kind} | {len(s.documents)} | {s.type_match:.2f} | {s.coverage:.3f} | {lang} |")
    return lines


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(CORPUS.parents[3]))
    result = score_corpus(set(sys.argv[1:]) or None)
    print("\n".join(table(result)))
    for s in result.values():
        for d in s.documents:
            shown = "  -  " if d.type_match is None else f"{d.type_match:5.2f}"
            print(f"{d.kind:5} {shown} {d.found_words}/{d.ref_words} ours={d.ours} lib={d.theirs} {d.name} {d.note}")
