"""Text that remembers, for each character, the range of the raw text it came from.

Every normalization step is a function ``Mapped -> Mapped``.  Steps are built
from :func:`rewrite`, which copies untouched stretches of the offset arrays as
slices (C speed) and only spends Python time on the matches it replaces.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Callable, Union

Replacement = Union[str, Callable[["re.Match[str]"], str]]


@dataclass(frozen=True)
class Mapped:
    """``text[i]`` came from ``raw[starts[i]:ends[i]]``."""

    text: str
    starts: array
    ends: array

    @classmethod
    def identity(cls, raw: str) -> "Mapped":
        """The raw text mapped onto itself.

        >>> m = Mapped.identity("ab")
        >>> list(m.starts), list(m.ends)
        ([0, 1], [1, 2])
        """
        offsets = array("I", range(len(raw) + 1))
        return cls(raw, offsets[:-1], offsets[1:])

    def spans(self) -> list[tuple[int, int]]:
        """The raw range of each character (for tests and debugging)."""
        return list(zip(self.starts, self.ends))


class _Builder:
    """Accumulates the output text and offsets of one rewrite."""

    def __init__(self, source: Mapped) -> None:
        self.src = source
        self.parts: list[str] = []
        self.starts = array("I")
        self.ends = array("I")

    def copy(self, a: int, b: int) -> None:
        """Keep ``source.text[a:b]`` with its offsets."""
        if a < b:
            self.parts.append(self.src.text[a:b])
            self.starts.extend(self.src.starts[a:b])
            self.ends.extend(self.src.ends[a:b])

    def put(self, new: str, a: int, b: int) -> None:
        """Put ``new`` in place of ``source.text[a:b]``.

        Same length: character i maps to old character i.  Otherwise every new
        character maps to the whole old range (an insertion to an empty range).
        """
        if not new:
            return
        if len(new) == b - a:
            self.copy(a, b)
            self.parts[-1] = new
            return
        if a < b:
            rs, re_ = self.src.starts[a], self.src.ends[b - 1]
        else:
            rs = re_ = self._position(a)
        self.parts.append(new)
        self.starts.extend([rs] * len(new))
        self.ends.extend([re_] * len(new))

    def _position(self, a: int) -> int:
        """The raw position just before source character ``a``."""
        if a < len(self.src.text):
            return self.src.starts[a]
        return self.src.ends[-1] if self.src.text else 0

    def build(self) -> Mapped:
        return Mapped("".join(self.parts), self.starts, self.ends)


def rewrite(m: Mapped, pattern: "re.Pattern[str]", repl: Replacement) -> Mapped:
    """Replace every match of ``pattern`` with ``repl`` (a literal or a function), keeping the map.

    >>> m = rewrite(Mapped.identity("a\\r\\nb"), re.compile("\\r\\n"), "\\n")
    >>> m.text, m.spans()
    ('a\\nb', [(0, 1), (1, 3), (3, 4)])
    >>> m = rewrite(Mapped.identity("x  y"), re.compile(" +"), "")
    >>> m.text, m.spans()
    ('xy', [(0, 1), (3, 4)])
    >>> rewrite(Mapped.identity("abc"), re.compile("z"), "").text
    'abc'
    """
    out: _Builder | None = None
    pos = 0
    for match in pattern.finditer(m.text):
        new = repl(match) if callable(repl) else repl
        if new == match.group():
            continue
        if out is None:
            out = _Builder(m)
        a, b = match.span()
        out.copy(pos, a)
        out.put(new, a, b)
        pos = b
    if out is None:
        return m
    out.copy(pos, len(m.text))
    return out.build()


def replace_spans(m: Mapped, edits: list[tuple[int, int, str]]) -> Mapped:
    """Apply ``(start, end, new)`` edits, sorted and not overlapping, keeping the map.

    >>> replace_spans(Mapped.identity("abcdef"), [(1, 3, ""), (4, 5, "XY")]).text
    'adXYf'
    """
    if not edits:
        return m
    out = _Builder(m)
    pos = 0
    for a, b, new in edits:
        out.copy(pos, a)
        out.put(new, a, b)
        pos = b
    out.copy(pos, len(m.text))
    return out.build()
