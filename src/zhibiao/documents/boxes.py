"""Words, lines and blocks of a PDF page: boxes in PDF units, y growing upwards."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Word(NamedTuple):
    """A run of non-space characters: its text, its box and its place in the page text."""

    text: str
    x0: float
    y0: float  # bottom
    x1: float
    y1: float  # top
    start: int = 0
    end: int = 0


@dataclass
class Line:
    """Words sharing a baseline, left to right; the box is kept up to date by :meth:`add`."""

    words: list[Word]
    soft: bool = False  # the paragraph continues in the next line
    y0: float = 0.0
    y1: float = 0.0

    @classmethod
    def of(cls, words: list[Word]) -> "Line":
        return cls(list(words), False, min(w.y0 for w in words), max(w.y1 for w in words))

    def add(self, word: Word) -> None:
        self.words.append(word)
        if word.y0 < self.y0:
            self.y0 = word.y0
        if word.y1 > self.y1:
            self.y1 = word.y1

    def holds(self, word: "Word | Line") -> bool:
        """Whether ``word`` (or a line) sits on this line: most of its height overlaps the line's."""
        # min() and max() spelled out: this runs for every word of every page
        top = self.y1 if self.y1 < word.y1 else word.y1
        bottom = self.y0 if self.y0 > word.y0 else word.y0
        own, its = self.y1 - self.y0, word.y1 - word.y0
        return top - bottom >= 0.5 * (own if own < its else its)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Block:
    """Lines read top to bottom: one column of one band, or a full-width strip.

    ``column`` is 0 or 1 in a two-column band, 0 on a one-column page and -1
    for a strip that crosses the gutter (a heading over both columns).
    """

    lines: list[Line] = field(default_factory=list)
    column: int = 0


def group_lines(words: list[Word]) -> list[Line]:
    """Words into lines, top to bottom: a word joins the line above when most of
    its height overlaps it (so a low comma stays on its line).

    >>> ws = [Word("b", 20, 0, 30, 10), Word("c", 0, -20, 10, -10), Word("a", 0, 1, 10, 11),
    ...       Word(",", 12, 0, 14, 3)]
    >>> [[w.text for w in line.words] for line in group_lines(ws)]
    [['a', ',', 'b'], ['c']]
    >>> group_lines([])
    []
    """
    lines: list[Line] = []
    line: Line | None = None
    for word in sorted(words, key=_top_first):
        if line is not None and line.holds(word):
            line.add(word)
        else:
            line = Line([word], False, word.y0, word.y1)
            lines.append(line)
    for line in lines:
        if len(line.words) > 1:
            line.words.sort(key=_left_first)
    return lines


def _top_first(w: Word) -> float:
    return -w.y1


def _left_first(w: Word) -> float:
    return w.x0
