"""The chunker's options: :class:`ChunkOptions`, validated, with the limits derived from them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChunkOptions"]


@dataclass(frozen=True, slots=True)
class ChunkOptions:
    """Validated chunking options (see :func:`chunk_elements` for their meaning)."""

    strategy: str = "chunk_by_title"  # chunk_by_character | chunk_by_title | chunk_by_page
    max_characters: int = 500
    new_after_n_chars: int | None = None
    overlap: int = 0
    overlap_all: bool = False
    combine_text_under_n_chars: int | None = None
    multipage_sections: bool = False
    include_orig_elements: bool = False

    def __post_init__(self) -> None:
        if self.max_characters <= 0:
            raise ValueError(f"max_characters must be > 0, got {self.max_characters}")
        if self.new_after_n_chars is not None and self.new_after_n_chars < 0:
            raise ValueError(f"new_after_n_chars must be >= 0, got {self.new_after_n_chars}")
        if self.overlap < 0:
            raise ValueError(f"overlap must be >= 0, got {self.overlap}")
        if self.overlap >= self.max_characters:
            raise ValueError(f"overlap must be less than max_characters, got {self.overlap} >= {self.max_characters}")
        if self.combine_text_under_n_chars is not None and self.combine_text_under_n_chars < 0:
            raise ValueError(f"combine_text_under_n_chars must be >= 0, got {self.combine_text_under_n_chars}")

    @property
    def hard_max(self) -> int:
        return self.max_characters

    @property
    def soft_max(self) -> int:
        if self.new_after_n_chars is None or self.new_after_n_chars > self.max_characters:
            return self.max_characters
        return self.new_after_n_chars

    @property
    def combine_under(self) -> int:
        """Combining threshold: by_title only, default max_characters, capped at the soft limit."""
        if self.strategy != "chunk_by_title":
            return 0
        value = self.max_characters if self.combine_text_under_n_chars is None else self.combine_text_under_n_chars
        return min(value, self.soft_max)

    @property
    def inter_chunk_overlap(self) -> int:
        return self.overlap if self.overlap_all else 0
