"""reStructuredText: docutils' doctree rendered as pandoc's HTML; safety of directives."""

from __future__ import annotations

from pathlib import Path

import pytest

from unstructured_nb.local.partition import FileProcessingError, PartitionSettings, partition_file
from unstructured_nb.local.partition.rst import rst_to_html


def _elements(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    doc = tmp_path / "doc.rst"
    doc.write_text(text)
    return [(e["type"], e["text"]) for e in partition_file(doc, filename="doc.rst", settings=PartitionSettings())[0]]


def test_sections_nest_and_the_title_is_not_promoted() -> None:
    html = rst_to_html("Title\n=====\n\nIntro.\n\nPart\n----\n\nBody.\n", "x.rst")
    assert html == "<h1>Title</h1><p>Intro.</p><h2>Part</h2><p>Body.</p>"


def test_lists_follow_pandocs_compaction() -> None:
    tight = rst_to_html("* one\n* two\n\n  * nested\n", "x.rst")
    assert tight == "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>"
    loose = rst_to_html("* one\n\n  more text\n\n* two\n", "x.rst")
    assert loose == "<ul><li><p>one</p><p>more text</p></li><li><p>two</p></li></ul>"


def test_directives_tables_substitutions_and_comments(tmp_path: Path) -> None:
    text = (
        ".. note::\n\n   Be careful here.\n\n.. code-block:: python\n\n   print('x')\n\n"
        "|logo| project\n\n.. |logo| image:: logo.png\n\n"
        "=====  =====\nA      B\n=====  =====\n1      2\n=====  =====\n\n"
        ".. a comment\n\n   Quoted after the comment.\n\n.. contents::\n"
    )
    html = rst_to_html(text, "x.rst")
    assert "<div><div><p>Note</p></div><p>Be careful here.</p></div>" in html
    assert "<pre><code>print('x')</code></pre>" in html
    assert '<img src="logo.png" alt="logo" /> project' in html  # a substitution: its name is the alt
    assert "<thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody>" in html
    assert "<blockquote><p>Quoted after the comment.</p></blockquote>" in html
    assert "a comment" not in html and "Contents" not in html
    types = [t for t, _ in _elements(tmp_path, text)]
    assert "Table" in types and "CodeSnippet" in types and "Image" in types


def test_no_directive_reads_files_or_urls(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETVALUE,x\n")
    text = (
        f".. include:: {secret}\n\n.. raw:: html\n   :file: {secret}\n\n.. csv-table::\n   :file: {secret}\n\n"
        ".. raw:: html\n\n   <p>RAWHTMLVALUE</p>\n\n.. csv-table::\n   :url: http://127.0.0.1:9/x.csv\n\nBody text.\n"
    )
    shown = " ".join(t for _, t in _elements(tmp_path, text))
    assert "TOPSECRETVALUE" not in shown and "RAWHTMLVALUE" not in shown
    assert "Body text." in shown


def test_deep_nesting_is_one_clear_message(tmp_path: Path) -> None:
    deep = "".join("  " * i + "* item\n\n" for i in range(400))
    with pytest.raises(FileProcessingError, match="nested too deeply"):
        _elements(tmp_path, deep)
    shallow = "".join("  " * i + "* item\n\n" for i in range(20))
    assert len(_elements(tmp_path, shallow)) == 20
