"""Plain text (.txt and text-like files): paragraphs, then the library's text heuristics.

Paragraph grouping follows the library's ``auto_paragraph_grouper``: when at least 10% of the
lines are blank, blank lines separate paragraphs and the lines inside a paragraph are joined
(unless every line is short, as in an address or a list of names, which stay separate); when
blank lines are rare, every line is its own paragraph. Paragraphs over 1500 characters are cut
at sentence ends (``max_partition``). Each paragraph is then classified by ``_text_type``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._lang import detect_languages
from ._text_type import BULLET_RE, classify, sentences

MAX_PARTITION = 1500
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_BLANK_LINES = re.compile(r"\n[ \t\f\v\r]*\n\s*")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


def iter_paragraphs(text: str) -> Iterator[str]:
    """Yield the paragraphs of a plain-text document, whitespace-normalized, in order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    head = text[:200_000]
    lines = head.split("\n", 2000)[:2000]
    blank = sum(1 for line in lines if not line.strip())
    if lines and blank / len(lines) >= 0.1:
        for block in _BLANK_LINES.split(text):
            if not block.strip():
                continue
            block_lines = [line.strip() for line in block.split("\n") if line.strip()]
            if BULLET_RE.match(block_lines[0]) and len(block_lines) > 1:
                yield from _group_bullets(block_lines)
            elif all(len(line.split(" ")) < 5 for line in block_lines):
                yield from block_lines
            else:
                yield " ".join(block_lines)
    else:
        for line in text.split("\n"):
            if line.strip():
                yield line.strip()


def _group_bullets(lines: list[str]) -> Iterator[str]:
    """A block of bullets: each bullet starts an item, continuation lines join the item."""
    current: list[str] = []
    for line in lines:
        if BULLET_RE.match(line) and current:
            yield " ".join(current)
            current = []
        current.append(line)
    if current:
        yield " ".join(current)


def split_to_max(paragraph: str, max_partition: int = MAX_PARTITION) -> list[str]:
    """Cut a long paragraph into pieces of at most ``max_partition`` chars at sentence ends."""
    if len(paragraph) <= max_partition:
        return [paragraph]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in sentences(paragraph):
        if len(sentence) > max_partition:
            if current:
                chunks.append(" ".join(current))
                current, size = [], 0
            pieces = textwrap.wrap(sentence, width=max_partition, break_long_words=True)
            chunks.extend(pieces[:-1])
            current, size = [pieces[-1]], len(pieces[-1])
            continue
        extra = len(sentence) + (1 if current else 0)
        if current and size + extra > max_partition:
            chunks.append(" ".join(current))
            current, size = [sentence], len(sentence)
        else:
            current.append(sentence)
            size += extra
    if current:
        chunks.append(" ".join(current))
    return chunks


def add_text_elements(sink: ElementSink, text: str, language: str, **metadata: object) -> None:
    """Classify each paragraph of ``text`` and append it to ``sink``."""
    for paragraph in iter_paragraphs(text):
        paragraph = _SPACES.sub(" ", paragraph).strip()
        for piece in split_to_max(paragraph):
            if not piece:
                continue
            type_, clean = classify(piece, language)
            if clean:
                sink.add(type_, clean, **metadata)


def partition_text(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition decoded plain text into elements."""
    languages = detect_languages(text[:20_000])
    add_text_elements(sink, text, languages[0])
    return sink.finish(settings, languages=languages)
