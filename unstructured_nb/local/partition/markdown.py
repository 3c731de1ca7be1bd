"""Markdown: rendered to HTML by cmark-gfm, then partitioned as HTML.

As the library does (``partition_md`` renders the Markdown to HTML and calls ``partition_html``),
so the element rules are the HTML partitioner's: ``#`` headings -> Title with ``category_depth``
= level - 1, list items -> ListItem with the list nesting depth, pipe tables -> Table, fenced and
indented code (``<pre>``) -> CodeSnippet, images -> Image with the alt text and ``image_url``,
paragraphs -> the text heuristics, never Title.

Why cmark-gfm (the ``cmarkgfm`` package, GitHub's C implementation of CommonMark with its table
and strikethrough extensions, used by PyPI's readme renderer): it renders a README in well under
a millisecond, twenty times faster than a pure-Python parser, and it was written to run in linear
time on any input (its authors fuzz it against pathological nesting). Raw HTML in the Markdown is
kept in the rendering (``CMARK_OPT_UNSAFE``, as the library's ``markdown`` package keeps it): the
HTML partitioner reads it as text and never runs or fetches anything in it.
"""

from __future__ import annotations

from typing import Any

from ._common import ElementSink, PartitionSettings
from .html import partition_html


def to_html(text: str) -> str:
    """The Markdown ``text`` rendered to HTML (CommonMark plus GitHub's tables and strikethrough)."""
    from cmarkgfm.cmark import Options, markdown_to_html_with_extensions

    # not GitHub's "tagfilter", which escapes <script>/<style>/... into visible text (the library
    # keeps them as tags, which the HTML partitioner leaves out), nor its bare-URL "autolink"
    rendered: str = markdown_to_html_with_extensions(text, options=Options.CMARK_OPT_UNSAFE, extensions=_EXTENSIONS)
    return rendered


_EXTENSIONS = ["table", "strikethrough"]


def partition_markdown(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition Markdown source into elements."""
    return partition_html(to_html(text), sink, settings)
