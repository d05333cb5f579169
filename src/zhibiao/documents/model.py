"""The Document a reader returns: raw text, normalized text and the map between them."""
from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Page:
    """One page of a document, as a range of ``Document.raw``."""

    number: int  # 1-based
    raw_start: int
    raw_end: int


@dataclass(eq=False)
class Document:
    """A report as read: what was printed (``raw``) and what extraction reads (``text``).

    Every character of ``text`` comes from a range of ``raw``; the two arrays
    ``_starts`` and ``_ends`` hold that range for each normalized character
    (4 bytes each per character rather than a Python int object).
    """

    path: Path
    kind: str  # "text" | "pdf"
    raw: str
    text: str
    pages: list[Page]
    encoding: str | None = None
    _starts: array = field(default_factory=lambda: array("I"), repr=False)
    _ends: array = field(default_factory=lambda: array("I"), repr=False)

    def __post_init__(self) -> None:
        if len(self._starts) != len(self.text) or len(self._ends) != len(self.text):
            raise ValueError("offset map length differs from the normalized text")
        self._page_starts = [p.raw_start for p in self.pages]

    @property
    def name(self) -> str:
        return self.path.name

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw range ``[rs, re)`` that normalized ``text[start:end]`` came from.

        An empty span maps to an empty raw range at the position of ``start``.
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}:{end} outside 0:{len(self.text)} of {self.name}")
        if start == end:
            pos = self._starts[start] if start < len(self.text) else len(self.raw)
            return pos, pos
        # Steps never reorder text, so the raw ends grow with the offset.
        return self._starts[start], self._ends[end - 1]

    def quote(self, start: int, end: int) -> str:
        """The raw text, as printed, behind normalized ``text[start:end]``.

        Whatever lies between in the raw text comes along: line breaks, and
        a page number or header dropped where the span crosses a page.
        """
        rs, re_ = self.raw_span(start, end)
        return self.raw[rs:re_]

    def page_at(self, start: int) -> int | None:
        """The page number of normalized offset ``start``; ``None`` for text files."""
        if self.kind != "pdf" or not self.pages:
            return None
        if not 0 <= start < len(self.text):
            raise IndexError(f"offset {start} outside 0:{len(self.text)} of {self.name}")
        index = bisect_right(self._page_starts, self._starts[start]) - 1
        return self.pages[max(index, 0)].number

    def __repr__(self) -> str:
        return (f"Document({self.name!r}, kind={self.kind!r}, pages={len(self.pages)}, "
                f"chars={len(self.text)}, encoding={self.encoding!r})")
