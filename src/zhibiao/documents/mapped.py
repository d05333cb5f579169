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


def _put(parts: list[str], starts: array, ends: array, src: Mapped, new: str, a: int, b: int) -> None:
    """Append ``new``, standing for ``src.text[a:b]``, to the output being built.

    Same length: character i maps to old character i.  Otherwise every new
    character maps to the whole old range (an insertion to an empty range).
    """
    parts.append(new)
    if len(new) == b - a:
        starts.extend(src.starts[a:b])
        ends.extend(src.ends[a:b])
        return
    if a < b:
        rs, re_ = src.starts[a], src.ends[b - 1]
    elif a < len(src.text):
        rs = re_ = src.starts[a]
    else:
        rs = re_ = src.ends[-1] if src.text else 0
    starts.extend([rs] * len(new))
    ends.extend([re_] * len(new))


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
    text = m.text
    edits = []
    if callable(repl):
        for match in pattern.finditer(text):
            new = repl(match)
            if new != match.group():
                edits.append((*match.span(), new))
    else:
        edits = [(*match.span(), repl) for match in pattern.finditer(text) if match.group() != repl]
    return replace_spans(m, edits)


def replace_spans(m: Mapped, edits: list[tuple[int, int, str]]) -> Mapped:
    """Apply ``(start, end, new)`` edits, sorted and not overlapping, keeping the map.

    The loop is written out flat: it runs once for every line break of a long
    document.

    >>> replace_spans(Mapped.identity("abcdef"), [(1, 3, ""), (4, 5, "XY")]).text
    'adXYf'
    """
    if not edits:
        return m
    text, starts, ends = m.text, m.starts, m.ends
    parts: list[str] = []
    out_starts, out_ends = array("I"), array("I")
    pos = 0
    for a, b, new in edits:
        if pos < a:
            parts.append(text[pos:a])
            out_starts.extend(starts[pos:a])
            out_ends.extend(ends[pos:a])
        if new:
            _put(parts, out_starts, out_ends, m, new, a, b)
        pos = b
    if pos < len(text):
        parts.append(text[pos:])
        out_starts.extend(starts[pos:])
        out_ends.extend(ends[pos:])
    return Mapped("".join(parts), out_starts, out_ends)
