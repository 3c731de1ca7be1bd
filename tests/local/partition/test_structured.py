"""XML files the library reads as HTML: its type detection (libmagic) looks at the content first."""

from __future__ import annotations

from pathlib import Path

from unstructured_nb.local.nodes import run_node
from unstructured_nb.local.partition.structured import read_as_html

RSS1 = b"""<!-- a feed -->
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel><title>Feed title</title><link>http://example.org/</link>
  <description>A set of test feeds for checking what aggregators support</description></channel>
</rdf:RDF>"""


def test_libmagic_rule() -> None:
    assert read_as_html(RSS1)  # no XML declaration, a <title> in the first 4096 bytes
    assert not read_as_html(b'<?xml version="1.0"?>\n<feed><title>x</title></feed>')
    assert not read_as_html(b"<root><item>no html tag here</item></root>")


def test_such_a_file_is_partitioned_as_html(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS1)
    node = {"type": "partition", "subtype": "unstructured_api", "settings": {}}
    elements = run_node(node, path, filename=path.name).elements
    # as the library: the <title> is page metadata, the rest one run of text
    assert [(e["type"], e["text"]) for e in elements] == [
        ("NarrativeText", "http://example.org/ A set of test feeds for checking what aggregators support")
    ]
    assert elements[0]["metadata"]["filetype"] == "text/html"
