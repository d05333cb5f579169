"""Where paragraphs end on a PDF page, from the shape of its lines."""
from __future__ import annotations

import re
from statistics import median

from .boxes import Block, Line, Word  # noqa: F401  (Word: the doctests build lines)


def mark_paragraphs(blocks: list[Block], width: float = 0.0) -> None:
    """Set ``soft`` on each body line whose paragraph goes on in the next line.

    A line ends its paragraph when it stops short of its column's right edge
    (see :func:`_reaches_edge`), when the next line is indented, or when a
    wider gap than usual follows.  Lines over both columns of a two-column
    page make paragraphs of their own.

    >>> body = [Line.of([Word("x" * 9, 0, y, 90, y + 10)]) for y in (60, 45, 30)]
    >>> body.append(Line.of([Word("end", 0, 15, 30, 25)]))
    >>> body.append(Line.of([Word("new", 10, 0, 90, 10)]))
    >>> mark_paragraphs([Block(body)])
    >>> [ln.soft for ln in body]
    [True, True, True, False, True]
    """
    flat = [(block, line) for block in blocks for line in block.lines]
    if not flat:
        return
    size = median(line.height for _, line in flat) or 10.0
    edges = _column_edges(blocks, width)
    gap = _usual_gap(blocks)
    nexts = flat[1:] + [(None, None)]
    table = [_tabular(line, size) for _, line in flat] + [False]
    for index, ((block, line), (nblock, nline)) in enumerate(zip(flat, nexts)):
        if block.column < 0 and nblock is not block:
            line.soft = False  # a heading or paragraph over both columns ends with its strip
            continue
        line.soft = _reaches_edge(line, edges[block.column][1], size, nline)
        if nline is None or nblock is None:
            continue
        if nline.words[0].text[0] in _CLOSERS:
            line.soft = True  # no paragraph starts with a comma
            continue
        if table[index] or table[index + 1]:
            line.soft = False  # a table row is a line of its own
        if nline.x0 > edges[nblock.column][0] + 0.8 * size:
            line.soft = False  # the next line is indented: a new paragraph
        if nblock is block and (line.y0 - nline.y1) > gap + 0.6 * size:
            line.soft = False


def _tabular(line: Line, size: float) -> bool:
    """Whether wide gaps part the words of ``line``: a row of table cells.

    >>> _tabular(Line.of([Word("1", 0, 0, 5, 10), Word("工商银行", 35, 0, 75, 10)]), 10)
    True
    >>> _tabular(Line.of([Word("支行", 0, 0, 20, 10), Word("330.3", 33, 0, 60, 10),
    ...                   Word("256.3", 73, 0, 100, 10)]), 10)
    True
    >>> _tabular(Line.of([Word("PM", 0, 0, 12, 10), Word("2.5", 15, 0, 30, 10)]), 10)
    False
    """
    if len(line.words) < 2:
        return False
    gaps = [b.x0 - a.x1 for a, b in zip(line.words, line.words[1:])]
    # A justified line stretches its spaces a little; cells stand further apart.
    return any(g > 2.5 * size for g in gaps) or sum(g > 1.2 * size for g in gaps) >= 2


_OPENERS = "“‘《（(【「『〈"
_CLOSERS = "”’》）)】」』〉，。、；：！？,.;:!?%"
# What a line break may not split: opening marks, a Latin word or number (or
# else one character), closing marks.
_CHUNK = re.compile(f"[{_OPENERS}]*(?:[A-Za-z0-9.%/+_:~—–-]+|.)[{_CLOSERS}]*")


def _reaches_edge(line: Line, right: float, size: float, nline: Line | None) -> bool:
    """Whether ``line`` is full: the next line's first unbreakable piece (a
    number, a quoted character) would not have fitted in the room left.

    >>> ln = Line.of([Word("一二三", 0, 0, 80, 10)])
    >>> nxt = Line.of([Word("“2023年", 0, -15, 60, -5)])
    >>> _reaches_edge(ln, 100, 10, None), _reaches_edge(ln, 100, 10, nxt)
    (False, True)
    """
    room = right - line.x1
    if line.words[-1].text[-1] in _CLOSERS:
        room -= 0.7 * size  # a tight box of "，" or "。" ends well before its advance
    if room < 1.15 * size:
        return True  # not even one Latin letter would have fitted
    need = size
    if nline is not None:
        word = nline.words[0]
        match = _CHUNK.match(word.text)
        chunk = match.group() if match else word.text[:1]
        need = (word.x1 - word.x0 if chunk == word.text
                else sum(0.55 * size if ch.isascii() else size for ch in chunk))
    return room < need + 0.6 * size


def _column_edges(blocks: list[Block], width: float) -> dict[int, tuple[float, float]]:
    """Left and right margins of each column: the usual line starts and ends,
    so that short last lines and indented first lines do not move them.

    Strips over both columns (column -1) get margins of their own.  A
    one-column page of a line or two shows no right margin of its own; the
    left one, mirrored, stands in for it.

    >>> short = Block([Line.of([Word("短", 50, 700, 200, 710)])])
    >>> _column_edges([short], 595)
    {0: (50, 545)}
    """
    out: dict[int, tuple[float, float]] = {}
    columns = {b.column for b in blocks}
    for column in columns:
        lines = [ln for b in blocks if b.column == column for ln in b.lines]
        xs0 = sorted(ln.x0 for ln in lines)
        xs1 = sorted(ln.x1 for ln in lines)
        left, right = xs0[len(xs0) // 10], xs1[(len(xs1) * 9) // 10]
        if len(lines) < 3 and columns == {0}:
            right = max(right, width - left)
        out[column] = (left, right)
    return out


def _usual_gap(blocks: list[Block]) -> float:
    gaps = [a.y0 - b.y1 for blk in blocks for a, b in zip(blk.lines, blk.lines[1:])]
    return median(gaps) if gaps else 0.0
