"""The reading view and the detail table: styled by type, and safe with hostile document content."""

from __future__ import annotations

from unstructured_nb.render.element_html import READING_PAGE_SIZE, detail_html, reading_html, reading_pages, sanitize_table

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def elements():
    return [
        {"type": "Title", "element_id": "t1", "text": "Heading <b>one</b>", "metadata": {"category_depth": 0}},
        {"type": "NarrativeText", "element_id": "n1", "text": HOSTILE, "metadata": {}},
        {"type": "ListItem", "element_id": "l1", "text": "first", "metadata": {}},
        {"type": "ListItem", "element_id": "l2", "text": "second", "metadata": {}},
        {
            "type": "Table",
            "element_id": "tb",
            "text": "a b",
            "metadata": {
                "text_as_html": '<table onclick="x()"><tr><td colspan="2" style="color:red">a<script>bad()</script></td>'
                '<td><a href="javascript:evil()">b</a><iframe src="//x"></iframe></td></tr></table>'
            },
        },
        {"type": "Title", "element_id": "t2", "text": "Sub", "metadata": {"category_depth": 1}},
    ]


def test_titles_are_headings_list_items_a_list_and_tables_tables():
    html = reading_html(elements(), range(6))
    assert '<h2 class="unb-el" data-i="0" data-id="t1" data-type="Title"' in html
    assert "<h3 " in html  # category_depth 1
    assert html.count('<ul class="unb-list">') == 1 and html.count("<li ") == 2
    assert '<table><tbody><tr><td colspan="2">a</td><td>b</td></tr></tbody></table>' in html


def test_document_content_cannot_run_anything():
    html = reading_html(elements(), range(6), frozenset({"n1"}))
    for bad in ("<script", ' onerror="', "onclick", "javascript:", "<iframe", 'style="color:red"', "<img", "<b>one"):
        assert bad not in html, bad
    assert "&lt;img src=x onerror=" in html  # shown as text
    assert 'class="unb-el unb-selected" data-i="1"' in html
    assert sanitize_table("<table><tr><td>" + "x" * 10 + "</td></tr></table>" + "<td>" * 1_000_000).count("<td>") <= 100_000


def test_detail_is_escaped():
    html = detail_html(
        {"type": "<b>T</b>", "element_id": '"><script>', "text": HOSTILE, "metadata": {"parent_id": "<p>"}}, pages=[3]
    )
    assert "<script" not in html and "<b>T" not in html and "<p>" not in html
    assert "<th>page</th><td>3</td>" in html


def test_reading_pages_follow_page_numbers_or_runs_of_elements():
    numbered = [{"type": "Title", "metadata": {"page_number": p}} for p in (1, 1, 2, 3)] + [{"type": "Text", "metadata": {}}]
    assert reading_pages(numbered) == [[0, 1], [2], [3, 4]]
    plain = [{"type": "Text", "metadata": {}}] * (READING_PAGE_SIZE + 5)
    assert [len(g) for g in reading_pages(plain)] == [READING_PAGE_SIZE, 5]
    assert reading_pages([]) == [[]]
