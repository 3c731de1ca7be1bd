"""EPUB (.epub): the spine's XHTML documents merged the way pandoc's epub reader presents them, then our HTML walk.

The library converts an epub to HTML with pandoc and partitions that HTML; this reads the
package itself (``META-INF/container.xml`` -> the OPF package -> its spine, in order) and
rebuilds what pandoc's HTML shows: the body of each spine document, in one document; the
title page (``epub:type="titlepage"``) left out, as pandoc turns it into metadata; footnotes
(``<aside epub:type="footnote">``) moved to the end as one numbered list; image sources
resolved against the document's folder and collapsed as pandoc's ``collapseFilePath`` does
(so ``../https://x`` becomes ``https:/x``, as in the library's output); links within the book
renamed as pandoc renames them. Everything is bounded: see :mod:`.zip_parts`.
"""

from __future__ import annotations

import copy
import posixpath
import re
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ._common import ElementSink, PartitionSettings
from .zip_parts import HTML_PARSER, ZipParts

_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_EPUB_TYPE = "epub:type"
_XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/x-dtbook+xml"})
_NOTE_TYPES = frozenset({"footnote", "rearnote"})  # pandoc's; an endnote or a role="doc-..." aside stays in place
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
MAX_DOCUMENTS = 5_000


def partition_epub(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an EPUB book."""
    from .html import add_html_elements

    with ZipParts(path, sink.filename, "an EPUB book", "check that the file is not corrupt, or re-export it") as parts:
        root = merged_html(parts)
    add_html_elements(sink, root)
    return sink.finish(settings)


def spine(parts: ZipParts) -> tuple[str, list[str]]:
    """(the OPF's folder, the zip names of the spine's (X)HTML documents in reading order)."""
    container = parts.xml("META-INF/container.xml")
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    opf_name = rootfile.get("full-path") if rootfile is not None else None
    if not opf_name:
        raise parts.error("META-INF/container.xml names no package document")
    package = parts.xml(opf_name)
    folder = posixpath.dirname(opf_name)
    manifest = {}
    for item in package.iter(f"{_OPF}item"):
        if item.get("id") and item.get("href"):
            manifest[item.get("id")] = (item.get("href"), item.get("media-type") or "")
    names: list[str] = []
    for ref in package.iter(f"{_OPF}itemref"):
        href, media = manifest.get(ref.get("idref") or "", ("", ""))
        if not href or media not in _XHTML_TYPES:
            continue
        name = posixpath.normpath(posixpath.join(folder, _unquote(href)))
        if name in parts.names:
            names.append(name)
    if len(names) > MAX_DOCUMENTS:
        raise parts.error(f"its spine lists {len(names):,} documents, more than {MAX_DOCUMENTS:,}")
    return folder, names


def merged_html(parts: ZipParts) -> Any:
    """One ``<html><body>`` holding the spine documents' bodies as pandoc's HTML output shows them."""
    folder, names = spine(parts)
    html = lxml_html.document_fromstring("<html><body></body></html>", parser=HTML_PARSER)
    body = html.find("body")
    spine_docs = {posixpath.relpath(n, folder) if folder else n for n in names}
    notes: list[Any] = []
    for name in names:
        doc = _parse(parts, name)
        doc_body = doc.find("body") if doc is not None else None
        if doc_body is None:
            continue
        relative = posixpath.relpath(name, folder) if folder else name
        _rewrite(doc_body, relative, spine_docs, notes)
        if doc_body.text and doc_body.text.strip():
            para = etree.SubElement(body, "p")
            para.text = doc_body.text
        body.extend(list(doc_body))
    if notes:
        section = etree.SubElement(body, "section")
        listing = etree.SubElement(section, "ol")
        for number, note in enumerate(notes, 1):
            item = etree.SubElement(listing, "li")
            item.text = note.text
            item.extend(list(note))
            # pandoc's back link ends the note's last paragraph, else follows its last block
            # (an empty note has none)
            if not len(item) and not (item.text or "").strip():
                continue
            last = item[-1] if len(item) else None
            if last is not None and last.tag == "p" and not (last.tail or "").strip():
                back = etree.SubElement(last, "a")
            else:
                back = etree.SubElement(item, "a")
            back.text = "\u21a9\ufe0e"
            back.set("href", f"#fnref{number}")
    return html


def _parse(parts: ZipParts, name: str) -> Any:
    data = parts.read(name)
    declared = _XML_DECL.match(data)
    encoding = "utf-8"
    if declared:
        found = _ENCODING.search(declared.group(0))
        if found:
            encoding = found.group(1).decode("ascii")
        data = data[declared.end() :]
    try:
        text = data.decode(encoding, "replace")
    except LookupError:
        text = data.decode("utf-8", "replace")
    if not text.strip():
        return None
    try:
        root = etree.fromstring(text, HTML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if any("Excessive depth" in entry.message for entry in HTML_PARSER.error_log):
        # libxml2 drops what lies deeper than its limit: refuse rather than lose text silently
        raise parts.too_deep(name)
    return root


def _types(el: Any) -> set[str]:
    return set((el.get(_EPUB_TYPE) or "").split())


def _rewrite(body: Any, doc: str, spine_docs: set[str], notes: list[Any]) -> None:
    """Pandoc's changes to one spine document: title page out, notes moved to the end (numbered in
    the order they are referred to; one never referred to is dropped), image and link targets."""
    doc_dir = posixpath.dirname(doc)
    asides: dict[str, Any] = {}
    refs: list[Any] = []
    for el in list(body.iter("section", "div", "aside", "img", "a", "table")):
        tag = el.tag
        if tag in ("section", "div") and "titlepage" in _types(el):
            _drop(el)
        elif tag == "aside" and _types(el) & _NOTE_TYPES:
            _drop(el)
            asides.setdefault(el.get("id") or "", el)
        elif tag == "img":
            src = el.get("src")
            if src and not src.startswith("data:"):
                el.set("src", _escape(collapse_path(posixpath.join(doc_dir, src) if not src.startswith("/") else src)))
        elif tag == "a":
            if "noteref" in _types(el):
                refs.append(el)
            href = el.get("href")
            if href:
                in_note = any(a.tag == "aside" and _types(a) & _NOTE_TYPES for a in el.iterancestors("aside"))
                el.set("href", _escape(href if in_note else _link(href, doc, spine_docs)))
        elif tag == "table":
            _table_head(el)
    for ref in refs:
        # every note reference is numbered; one whose note is missing gets an empty note, as in pandoc
        target = (ref.get("href") or "").rpartition("#")[2]
        note = asides.get(target) if target else None
        if note is None and target:
            note = next((a for key, a in asides.items() if key and target.endswith("_" + key)), None)
        if note is None:
            note = etree.Element("aside")
        elif note in notes:
            note = copy.deepcopy(note)
        notes.append(note)
        for child in list(ref):
            ref.remove(child)
        ref.text = None
        ref.set("href", f"#fn{len(notes)}")
        etree.SubElement(ref, "sup").text = str(len(notes))


def _drop(el: Any) -> None:
    """Remove ``el`` from its parent, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def collapse_path(path: str) -> str:
    """Haskell's ``System.FilePath.collapseFilePath``-like collapsing pandoc applies to image paths:
    empty and ``.`` components dropped, ``x/..`` pairs removed."""
    absolute = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == ".." and out and out[-1] != "..":
            out.pop()
            continue
        out.append(part)
    return ("/" if absolute else "") + "/".join(out)


def _link(href: str, doc: str, spine_docs: set[str]) -> str:
    """A link as pandoc's epub reader rewrites it: ``dir/file#id`` -> ``#file_id`` within the book
    (``file_id`` elsewhere), ``file`` -> ``#file`` for a document of the book."""
    if _SCHEME.match(href):
        return href
    target, _, fragment = href.partition("#")
    target_doc = posixpath.normpath(posixpath.join(posixpath.dirname(doc), target)) if target else doc
    name = posixpath.basename(target_doc)
    if target_doc in spine_docs:
        return f"#{name}_{fragment}" if fragment else f"#{name}"
    return f"{name}_{fragment}" if fragment else href


def _escape(url: str) -> str:
    """Percent-encoding as pandoc's HTML writer applies it (spaces, quotes, non-ASCII ...)."""
    from urllib.parse import quote

    return quote(url, safe=":/?#[]@!$&'()*+,;=-._~%")


def _table_head(table: Any) -> None:
    """Pandoc's table: leading rows of header cells become ``<thead>``, the other rows ``<tbody>``."""
    rows = [child for child in table if child.tag == "tr"]
    if not rows or any(child.tag in ("thead", "tbody", "tfoot") for child in table):
        return
    head = 0
    while head < len(rows) and all(cell.tag == "th" for cell in rows[head] if isinstance(cell.tag, str)):
        head += 1
    at = table.index(rows[0])
    for tr in rows:
        table.remove(tr)
    groups = [("thead", rows[:head]), ("tbody", rows[head:])]
    for offset, (name, group) in enumerate(g for g in groups if g[1]):
        section = lxml_html.Element(name)
        section.extend(group)
        table.insert(at + offset, section)


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href.partition("#")[0])
