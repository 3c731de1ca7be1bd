"""Chunker semantics, parameter by parameter (the library's ``unstructured.chunking`` rules)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from unstructured_nb.local.chunking import decode_orig_elements
from unstructured_nb.local.nodes import run_node


def el(type_: str, text: str, page: int | None = None, **meta: Any) -> dict[str, Any]:
    metadata = {"filename": "doc.pdf", "filetype": "application/pdf", "languages": ["eng"], **meta}
    if page is not None:
        metadata["page_number"] = page
    return {"type": type_, "element_id": f"id-{text[:8]}", "text": text, "metadata": metadata}


def chunk(elements: list[dict[str, Any]], subtype: str = "chunk_by_character", **settings: Any) -> list[dict[str, Any]]:
    node = {"type": "chunk", "subtype": subtype, "settings": settings}
    return run_node(node, elements, filename="doc.pdf").elements


def texts(chunks: list[dict[str, Any]]) -> list[str]:
    return [c["text"] for c in chunks]


A, B, C = "a" * 20, "b" * 20, "c" * 20


def test_consecutive_elements_are_packed_up_to_max_characters() -> None:
    out = chunk([el("NarrativeText", A), el("NarrativeText", B), el("NarrativeText", C)], max_characters=50)
    # A + "\n\n" + B is 42 <= 50; adding C would make 64
    assert texts(out) == [f"{A}\n\n{B}", C]
    assert {c["type"] for c in out} == {"CompositeElement"}
    assert all(len(t) <= 50 for t in texts(out))


def test_exact_fit_is_allowed() -> None:
    out = chunk([el("NarrativeText", A), el("NarrativeText", B)], max_characters=42)
    assert texts(out) == [f"{A}\n\n{B}"]


def test_new_after_n_chars_is_a_soft_limit() -> None:
    elements = [el("NarrativeText", A), el("NarrativeText", B), el("NarrativeText", C)]
    # a chunk longer than 30 is "full": B still joins A (20 <= 30), C does not (42 > 30)
    assert texts(chunk(elements, max_characters=100, new_after_n_chars=30)) == [f"{A}\n\n{B}", C]
    # 0 puts every element in its own chunk
    assert texts(chunk(elements, max_characters=100, new_after_n_chars=0)) == [A, B, C]
    # above max_characters it behaves like max_characters
    assert texts(chunk(elements, max_characters=42, new_after_n_chars=1000)) == [f"{A}\n\n{B}", C]


def test_only_an_oversized_element_is_text_split_with_continuations() -> None:
    long_text = " ".join(f"word{i:02d}" for i in range(30))  # 30 * 6 + 29 = 209 chars
    out = chunk(
        [el("NarrativeText", "short one"), el("NarrativeText", long_text), el("NarrativeText", "after")], max_characters=50
    )
    assert out[0]["text"] == "short one"
    split = out[1:-1]
    assert all(len(c["text"]) <= 50 for c in split)
    assert " ".join(c["text"] for c in split) == long_text  # split on spaces, nothing lost
    assert "is_continuation" not in split[0]["metadata"]
    assert all(c["metadata"]["is_continuation"] is True for c in split[1:])
    assert out[-1]["text"] == "after"


def test_split_without_separators_cuts_at_max() -> None:
    out = chunk([el("NarrativeText", "x" * 120)], max_characters=50)
    assert texts(out) == ["x" * 50, "x" * 50, "x" * 20]


def test_overlap_applies_to_text_splits_only_by_default() -> None:
    long_text = " ".join(f"word{i:02d}" for i in range(30))
    out = chunk([el("NarrativeText", long_text), el("NarrativeText", "next element")], max_characters=50, overlap=12)
    first, second = out[0]["text"], out[1]["text"]
    # the continuation starts with (overlap - 1) characters of the previous split's tail
    tail = first[-11:].lstrip()
    assert second.startswith(tail + " ")
    assert out[-1]["text"] == "next element"  # no overlap between whole-element chunks


def test_overlap_all_prefixes_every_chunk_with_the_previous_tail() -> None:
    elements = [el("NarrativeText", A), el("NarrativeText", B), el("NarrativeText", C)]
    out = chunk(elements, max_characters=30, overlap=5, overlap_all=True)
    assert texts(out) == [A, f"{'a' * 5}\n\n{B}", f"{'b' * 5}\n\n{C}"]


def test_chunk_by_title_starts_sections_at_titles() -> None:
    elements = [el("NarrativeText", "intro text"), el("Title", "Section"), el("NarrativeText", "body text")]
    assert texts(chunk(elements, "chunk_by_title", combine_text_under_n_chars=0)) == ["intro text", "Section\n\nbody text"]
    # chunk_by_character ignores titles
    assert texts(chunk(elements, "chunk_by_character")) == ["intro text\n\nSection\n\nbody text"]


def test_combine_text_under_n_chars() -> None:
    elements = [el("Title", "T1"), el("Title", "T2"), el("NarrativeText", A), el("Title", "T3"), el("NarrativeText", B)]
    # default (= max_characters): small sections are combined while they fit
    assert texts(chunk(elements, "chunk_by_title", max_characters=200)) == [f"T1\n\nT2\n\n{A}\n\nT3\n\n{B}"]
    # a section of 10+ characters is not combined with the next one
    assert texts(chunk(elements, "chunk_by_title", max_characters=200, combine_text_under_n_chars=10)) == [
        f"T1\n\nT2\n\n{A}",
        f"T3\n\n{B}",
    ]
    # combining never exceeds max_characters: "T1" joins the next section (28 chars), the third would make 54
    assert texts(chunk(elements, "chunk_by_title", max_characters=30)) == [f"T1\n\nT2\n\n{A}", f"T3\n\n{B}"]


def test_multipage_sections() -> None:
    elements = [el("Title", "Intro", 1), el("NarrativeText", A, 1), el("NarrativeText", B, 2)]
    # the platform's default (false): a new page starts a new section
    assert texts(chunk(elements, "chunk_by_title", combine_text_under_n_chars=0)) == [f"Intro\n\n{A}", B]
    assert texts(chunk(elements, "chunk_by_title", combine_text_under_n_chars=0, multipage_sections=True)) == [
        f"Intro\n\n{A}\n\n{B}"
    ]


def test_chunk_by_page() -> None:
    elements = [
        el("Title", "One", 1),
        el("NarrativeText", A, 1),
        el("Title", "Two", 1),
        el("NarrativeText", B, 2),
        el("NarrativeText", C),
    ]
    out = chunk(elements, "chunk_by_page")
    # titles do not break, pages do; an element without a page number stays on the current page
    assert texts(out) == [f"One\n\n{A}\n\nTwo", f"{B}\n\n{C}"]
    assert [c["metadata"]["page_number"] for c in out] == [1, 2]


def test_tables_are_isolated_and_kept_whole_when_they_fit() -> None:
    table = el("Table", "k v a 1", text_as_html="<table><tr><td>k</td><td>v</td></tr><tr><td>a</td><td>1</td></tr></table>")
    out = chunk([el("NarrativeText", "before"), table, el("NarrativeText", "after")], "chunk_by_title", max_characters=500)
    assert [(c["type"], c["text"]) for c in out] == [
        ("CompositeElement", "before"),
        ("Table", "k v a 1"),
        ("CompositeElement", "after"),
    ]
    assert out[1]["metadata"]["text_as_html"] == table["metadata"]["text_as_html"]


def test_oversized_table_becomes_table_chunks_split_on_rows() -> None:
    rows = [["name", "value"]] + [[f"row{i:02d}", f"{i * 111:05d}"] for i in range(20)]
    html = (
        "<table><thead><tr><th>name</th><th>value</th></tr></thead><tbody>"
        + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows[1:])
        + "</tbody></table>"
    )
    text = " ".join(c for row in rows for c in row)
    out = chunk([el("Table", text, text_as_html=html)], max_characters=80)
    assert {c["type"] for c in out} == {"TableChunk"}
    assert len(out) > 2
    for index, piece in enumerate(out):
        meta = piece["metadata"]
        assert len(piece["text"]) <= 80
        assert meta["chunk_index"] == index
        assert meta.get("is_continuation", False) is (index > 0)
        assert meta["text_as_html"].startswith("<table>") and meta["text_as_html"].endswith("</table>")
        # each chunk's HTML holds exactly the rows of its text
        cells = re.findall(r"<t[dh]>(.*?)</t[dh]>", meta["text_as_html"])
        assert " ".join(cells) == piece["text"]
    assert len({c["metadata"]["table_id"] for c in out}) == 1
    # header rows are repeated at the top of every continuation
    assert all(c["text"].startswith("name value ") for c in out)
    assert out[1]["metadata"]["num_carried_over_header_rows"] == 1
    body_cells = [cell for c in out for cell in c["text"].split()[(2 if c["metadata"]["chunk_index"] else 0) :]]
    assert body_cells == text.split()


def test_include_orig_elements() -> None:
    elements = [el("Title", "Intro"), el("NarrativeText", "The body of the section.", parent_id="x", category_depth=0)]
    assert "orig_elements" not in chunk(elements, "chunk_by_title")[0]["metadata"]  # platform default: false
    out = chunk(elements, "chunk_by_title", include_orig_elements=True)
    assert decode_orig_elements(out[0]["metadata"]["orig_elements"]) == elements


def test_chunk_metadata_is_consolidated() -> None:
    elements = [
        el("Title", "Intro", 3, parent_id="p", category_depth=0, coordinates={"points": []}, link_texts=["a"], link_urls=["u1"]),
        el("NarrativeText", "Le texte du rapport.", 3, languages=["fra"], link_texts=["b"], link_urls=["u2"]),
    ]
    (only,) = chunk(elements, "chunk_by_title", multipage_sections=True)
    meta = only["metadata"]
    assert meta == {
        "filename": "doc.pdf",
        "filetype": "application/pdf",
        "languages": ["eng", "fra"],
        "link_texts": ["a", "b"],
        "link_urls": ["u1", "u2"],
        "page_number": 3,
    }
    assert re.match(r"^[0-9a-f]{32}$", only["element_id"])
    assert chunk(elements, "chunk_by_title")[0]["element_id"] == only["element_id"]


def test_page_breaks_alone_make_no_chunk_and_output_types_are_limited() -> None:
    elements = [el("PageBreak", ""), el("ListItem", "item one"), el("Header", "head"), el("UncategorizedText", "42")]
    out = chunk(elements, "chunk_by_character", new_after_n_chars=0)
    assert texts(out) == ["item one", "head", "42"]
    assert {c["type"] for c in out} <= {"CompositeElement", "Table", "TableChunk"}
    assert chunk([], "chunk_by_title") == []


def test_whitespace_inside_elements_is_normalized() -> None:
    assert texts(chunk([el("NarrativeText", "  many   spaces\nand\tlines  ")])) == ["many spaces and lines"]


@pytest.mark.parametrize("subtype", ["chunk_by_character", "chunk_by_title", "chunk_by_page"])
def test_chunks_never_exceed_max_characters(subtype: str) -> None:
    words = [" ".join(f"w{i}{j}" for j in range(i % 17 + 1)) for i in range(200)]
    elements = [el("Title" if i % 9 == 0 else "NarrativeText", w, page=1 + i // 50) for i, w in enumerate(words)]
    for max_chars in (30, 97, 300):
        out = chunk(elements, subtype, max_characters=max_chars, overlap=5)
        assert all(len(c["text"]) <= max_chars for c in out)
        # nothing lost: every word of the input appears in the output in order
        joined = " ".join(c["text"] for c in out).split()
        it = iter(joined)
        assert all(any(word == got for got in it) for word in " ".join(words).split())
