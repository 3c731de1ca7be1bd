"""Org mode: our parser's HTML and elements, pandoc's rules, hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from unstructured_nb.local.partition import PartitionSettings, partition_file
from unstructured_nb.local.partition.org import org_to_html


def _elements(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    doc = tmp_path / "doc.org"
    doc.write_text(text)
    return [(e["type"], e["text"]) for e in partition_file(doc, filename="doc.org", settings=PartitionSettings())[0]]


def test_headlines_keep_keyword_priority_and_tags_and_drop_planning() -> None:
    html = org_to_html("* DONE [#A] Ship it  :work:urgent:\n  SCHEDULED: <2024-01-01 Mon>\n  Body text.\n")
    assert html.startswith("<h1><span>DONE</span> [#A] Ship it <span>work</span> <span>urgent</span></h1>")
    assert "SCHEDULED" not in html and "<p>Body text.</p>" in html


def test_levels_beyond_three_become_list_items_under_a_level_three_parent() -> None:
    html = org_to_html("* A\n*** C\n**** D\n* B\n**** E\n")
    assert "<h3>C</h3><ol><li>D</li></ol>" in html
    assert "<h1>B</h1><p>E</p>" in html  # a deep headline under a shallow one: a paragraph


def test_custom_todo_keywords_drawers_comments_and_noexport(tmp_path: Path) -> None:
    text = (
        "#+TITLE: Not shown\n#+TODO: NEXT | FIN\n* NEXT Task one\n  :PROPERTIES:\n  :ID: 1\n  :END:\n"
        "  :LOGBOOK:\n  CLOCK: x\n  :END:\n  :NOTES:\n  Kept drawer text.\n  :END:\n"
        "# a comment\n* COMMENT Hidden\n  secret one\n* Private :noexport:\n  secret two\n"
    )
    elements = _elements(tmp_path, text)
    texts = " ".join(t for _, t in elements)
    assert elements[0] == ("Title", "NEXT Task one")
    assert "Kept drawer text." in texts
    for gone in ("Not shown", "ID", "CLOCK", "a comment", "secret"):
        assert gone not in texts


def test_lists_tables_blocks_and_links(tmp_path: Path) -> None:
    text = (
        "- first item\n  - nested item\n- [X] done item\n\n1. one\n2. two\n\n- term :: its definition\n\n"
        "| h1 | h2 |\n|----+----|\n| a  | b  |\n\n#+BEGIN_SRC python\nprint('x')\n#+END_SRC\n\n"
        "#+BEGIN_QUOTE\nA quoted sentence here.\n#+END_QUOTE\n\nSee [[https://orgmode.org][the site]] -- now.\n"
    )
    elements = _elements(tmp_path, text)
    types = [t for t, _ in elements]
    assert ("ListItem", "nested item") in elements and ("ListItem", "done item") in elements
    assert ("ListItem", "two") in elements and ("ListItem", "its definition") in elements
    assert "Table" in types and ("CodeSnippet", "print('x')") in elements
    html = org_to_html(text)
    assert "<thead><tr><th>h1</th><th>h2</th></tr></thead>" in html
    assert '<a href="https://orgmode.org">the site</a> – now.' in html


@pytest.mark.slow  # thorough; the README's command runs it, the fast subset does not
def test_hostile_nesting_and_markup_stay_fast(tmp_path: Path) -> None:
    deep_list = "".join(" " * i + "- item\n" for i in range(3000))
    deep_headlines = "".join("*" * i + " h\n" for i in range(1, 3000))
    emphasis = "*a /b _c " * 20_000 + "\n"
    start = time.perf_counter()
    for text in (deep_list, deep_headlines, emphasis, "|" * 100_000 + "\n"):
        org_to_html(text)
    assert time.perf_counter() - start < 20  # generous: bounded, not quadratic blow-ups
    assert _elements(tmp_path, deep_list)
