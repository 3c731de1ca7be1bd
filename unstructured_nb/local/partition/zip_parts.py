"""Bounded reading of the parts of a zip-based document (OpenDocument, EPUB): sizes, count, safe XML.

A document's parts are read whole, so the archive's central directory is checked first (member
count, declared unzipped total) and every read stops at a byte limit whatever the header says.
XML is parsed without entity expansion, DTD loading or network access, and without lxml's huge
tree mode (which lifts its depth and size limits).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ._errors import FileProcessingError

MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all parts together, as the worker's archive check
MAX_PART_BYTES = 128 * 1024 * 1024  # one XML part
MAX_DEPTH = 256  # libxml2's element depth without its huge tree mode

XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False, remove_comments=True
)
# lxml.html's parser: its elements have the ``text_content`` the HTML walk uses
HTML_PARSER = lxml_html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)


class ZipParts:
    """An opened zip document; :meth:`read` and :meth:`xml` refuse what would unzip too big."""

    def __init__(self, path: Path, filename: str, kind: str, what_to_do: str) -> None:
        self.filename = filename
        self.kind = kind
        self.what_to_do = what_to_do
        self._read_so_far = 0
        try:
            self.zip = zipfile.ZipFile(path)
            members = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise self.error(f"not a zip package: {exc}") from None
        if len(members) > MAX_MEMBERS:
            raise self.error(f"it holds {len(members):,} parts, more than {MAX_MEMBERS:,}")
        total = sum(m.file_size for m in members)
        if total > MAX_TOTAL_BYTES:
            raise self.error(f"its parts unzip to {total / 1024**2:,.0f} MB, more than {MAX_TOTAL_BYTES // 1024**2} MB")
        self.names = {m.filename for m in members}

    def error(self, why: str) -> FileProcessingError:
        return FileProcessingError(f"{self.filename} could not be read as {self.kind} ({why}); {self.what_to_do}")

    def too_deep(self, name: str) -> FileProcessingError:
        return FileProcessingError(
            f"{self.filename} is nested too deeply to read (its part {name!r} goes more than {MAX_DEPTH} levels deep); "
            "simplify the document or split it"
        )

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> ZipParts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, name: str, limit: int = MAX_PART_BYTES) -> bytes:
        """The unzipped bytes of part ``name`` (at most ``limit``, and the document's total budget)."""
        if name not in self.names:
            raise self.error(f"its part {name!r} is missing")
        budget = min(limit, MAX_TOTAL_BYTES - self._read_so_far)
        try:
            with self.zip.open(name) as handle:
                data = handle.read(budget + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            raise self.error(f"its part {name!r} is damaged: {type(exc).__name__}: {exc}") from None
        if len(data) > budget:
            raise self.error(f"its part {name!r} unzips to more than {budget // 1024**2} MB")
        self._read_so_far += len(data)
        return data

    def xml(self, name: str) -> Any:
        """Part ``name`` parsed as XML (safely); the root element."""
        data = self.read(name)
        try:
            root = etree.fromstring(data, XML_PARSER)
        except etree.XMLSyntaxError as exc:
            if "Excessive depth" in str(exc):
                raise self.too_deep(name) from None
            raise self.error(f"its part {name!r} is not well-formed XML: {exc}") from None
        if root is None:
            raise self.error(f"its part {name!r} is empty")
        return root
