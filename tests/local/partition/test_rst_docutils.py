"""docutils set-up: safe settings, and pooled nested state machines giving the trees docutils gives."""

from __future__ import annotations

from docutils.utils import new_document

from unstructured_nb.local.partition.rst_docutils import parser_and_settings

NESTED = (
    "1. first\n\n   * inner one\n   * inner two\n\n     :field: value\n\n2. second\n\n"
    "term\n   definition with *emphasis*\n\n.. note:: a note\n\n   - in the note\n"
)


def _tree(text: str) -> str:
    parser, settings = parser_and_settings()
    document = new_document("x.rst", settings.copy())
    parser.parse(text, document)
    return str(document.pformat())


def test_settings_forbid_reading_files_and_raw() -> None:
    settings = parser_and_settings()[1]
    assert settings.file_insertion_enabled is False and settings.raw_enabled is False


def test_reused_state_machines_give_the_same_tree_every_time() -> None:
    first = _tree(NESTED)
    _tree("* a\n\n  * b\n\n    * c\n")  # machines of other kinds go back to the pool in between
    assert _tree(NESTED) == first
    assert first.count("<bullet_list") == 2 and "<enumerated_list" in first and "<field_list" in first
    assert "<definition_list" in first and "<note>" in first


def test_nested_lists_keep_their_enumeration_settings() -> None:
    tree = _tree("a. one\nb. two\n\n   i. roman\n   ii. roman two\n\nc. three\n")
    assert 'enumtype="loweralpha"' in tree and 'enumtype="lowerroman"' in tree
