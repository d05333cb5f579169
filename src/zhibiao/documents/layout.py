"""Reading order of a PDF page from word boxes: columns (two, or more by splitting
a column again), bands between lines over the columns, headers and footers.

Pure geometry, no PDF library: the reader hands in words (runs of non-space
characters with their boxes, in PDF units with y growing upwards) and gets
back lines in reading order, each flagged ``soft`` when the paragraph goes on
in the next line.  Keeping this pure lets tests build pages from numbers.
"""
from __future__ import annotations

from statistics import median

from .boxes import Block, Line, Word, group_lines
from .paragraphs import mark_paragraphs

__all__ = ["Block", "Line", "Word", "group_lines", "read_order", "render", "find_gutter"]

# Share of the page height kept for running headers and footers: words there
# are read apart from the body so a footer never lands between two columns.
EDGE_ZONE = 0.05
# A gutter must be this wide (points) and lie in this band of the page width.
MIN_GUTTER = 6.0
GUTTER_BAND = (0.25, 0.75)


def find_gutter(words: list[Word], width: float, left: float = 0.0) -> tuple[float, float] | None:
    """The widest empty vertical strip in the middle of ``[left, left + width]``
    (the page, or a column that may hold columns of its own), if text lies on
    both sides.

    A few words may cross it (a heading over both columns); each side must
    hold a real column (see :func:`_both_sides_full`).

    >>> left = [Word("l", 50, y, 280, y + 10) for y in range(0, 400, 15)]
    >>> right = [Word("r", 314, y, 540, y + 10) for y in range(0, 400, 15)]
    >>> find_gutter(left + right, 595)
    (281, 314)
    >>> find_gutter([Word("x", 50, y, 540, y + 10) for y in range(0, 400, 15)], 595) is None
    True
    >>> find_gutter(left, 595) is None
    True
    """
    if len(words) < 6:
        return None
    lo, hi = int(left + width * GUTTER_BAND[0]), int(left + width * GUTTER_BAND[1])
    allowed = max(1, len(words) // 20)
    if sum(1 for w in words if w.x0 < lo and w.x1 > hi) > allowed:
        return None  # lines run over the whole middle band: one column, found cheaply
    delta = [0] * (hi - lo + 2)
    for w in words:
        first, last = max(lo, int(w.x0) + 1), min(hi, int(w.x1))
        if first <= last:
            delta[first - lo] += 1
            delta[last - lo + 1] -= 1
    cover, running = [], 0
    for d in delta[:-1]:
        running += d
        cover.append(running)
    run = _widest_run(cover, allowed)
    if run is None:
        return None
    # Inside that strip, keep the part the fewest words cross (ragged line
    # ends must not count as gutter) that is still wide enough: a heading
    # of Latin words over both columns has narrow gaps between its words.
    inside = cover[run[0]:run[1]]
    for limit in range(min(inside), max(inside) + 1):
        core = _widest_run(inside, limit)
        if core is not None and core[1] - core[0] >= MIN_GUTTER:
            gutter = (run[0] + core[0] + lo, run[0] + core[1] - 1 + lo)
            return gutter if _both_sides_full(words, gutter) else None
    return None


def _widest_run(values: list[int], limit: int) -> tuple[int, int] | None:
    """The widest ``[start, end)`` whose values are all at most ``limit``.

    >>> _widest_run([3, 0, 0, 1, 0, 3, 0], 0)
    (1, 3)
    >>> _widest_run([3, 3], 1) is None
    True
    """
    best: tuple[int, int] | None = None
    start = None
    for i, value in enumerate(values + [limit + 1]):
        if value <= limit and start is None:
            start = i
        elif value > limit and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def side_of(word: Word, gutter: tuple[float, float]) -> int:
    """0 left of the gutter, 1 right of it, -1 across it (by the word's middle
    unless it crosses the whole gutter).

    >>> [side_of(Word("", x0, 0, x1, 1), (280, 314)) for x0, x1 in ((50, 285), (300, 500), (50, 500))]
    [0, 1, -1]
    """
    if word.x0 < gutter[0] and word.x1 > gutter[1]:
        return -1
    return 0 if (word.x0 + word.x1) / 2 < (gutter[0] + gutter[1]) / 2 else 1


def _both_sides_full(words: list[Word], gutter: tuple[float, float]) -> bool:
    """Whether each side of the gutter holds a real column, not a stray label.

    Each side needs three lines and a tenth of the words over a fifth of the text's height
    (a last page's right column may be short), and the left side's lines
    must run up to the gutter, as a justified column does; short list items
    that happen to end before the middle of the page do not.
    """
    top = max(w.y1 for w in words)
    bottom = min(w.y0 for w in words)
    height = max(top - bottom, 1.0)
    size = median(w.y1 - w.y0 for w in words)
    sides: list[list[Word]] = [[], [], []]  # left, right, across
    for w in words:
        sides[side_of(w, gutter)].append(w)
    for index in (0, 1):
        side = sides[index]
        if len(side) < max(3, len(words) / 10) or len(_line_ends(side)) < 3:
            return False
        if max(w.y1 for w in side) - min(w.y0 for w in side) < 0.2 * height:
            return False
        if index == 0:
            ends = sorted(_line_ends(side))
            if ends[(len(ends) * 3) // 4] < gutter[0] - 3 * size:
                return False
    return True


def _line_ends(words: list[Word]) -> list[float]:
    """Where each line of ``words`` ends, lines told apart by their baselines
    rounded to a point (enough for a margin test, and cheap).

    >>> _line_ends([Word("a", 0, 10, 5, 20), Word("b", 6, 10.2, 50, 20), Word("c", 0, 0, 9, 9)])
    [50, 9]
    """
    ends: dict[int, float] = {}
    for w in words:
        key = round(w.y0)
        if w.x1 > ends.get(key, float("-inf")):
            ends[key] = w.x1
    return list(ends.values())


def split_bands(words: list[Word], gutter: tuple[float, float]) -> list[Block]:
    """Blocks in reading order: lines over both columns cut the page into bands,
    each band read left column first.

    A line is over both columns when a word crosses the whole gutter, or when
    its left and right parts meet with less than half the gutter between them
    (a heading whose words happen to leave the gutter free).

    >>> ws = [Word("T", 50, 500, 540, 510), Word("L", 50, 400, 280, 410),
    ...       Word("R", 314, 400, 540, 410), Word("F1", 50, 300, 290, 310),
    ...       Word("F2", 294, 300, 540, 310)]
    >>> [[w.text for ln in b.lines for w in ln.words] for b in split_bands(ws, (280, 314))]
    [['T'], ['L'], ['R'], ['F1', 'F2']]
    """
    sides: list[list[Word]] = [[], []]
    wide: list[Word] = []
    for w in words:
        side = side_of(w, gutter)
        (wide if side < 0 else sides[side]).append(w)
    left, right = group_lines(sides[0]), group_lines(sides[1])
    strips = group_lines(wide) + _bridged(left, right, 0.5 * (gutter[1] - gutter[0]))
    for col in (left, right):
        for line in list(col):
            strip = next((st for st in strips if st.holds(line)), None)
            if strip is not None:
                for w in line.words:
                    strip.add(w)
                col.remove(line)
    strips.sort(key=lambda st: -st.y1)
    blocks: list[Block] = []
    upper = float("inf")
    for strip in strips + [None]:
        lower = strip.y1 if strip else float("-inf")
        for index, col in enumerate((left, right)):
            inside = [ln for ln in col if lower < (ln.y0 + ln.y1) / 2 <= upper]
            if inside:
                blocks.extend(_split_again(inside, index))
        if strip:
            strip.words.sort(key=lambda w: w.x0)
            if blocks and blocks[-1].column < 0:
                blocks[-1].lines.append(strip)  # a paragraph over both columns goes on
            else:
                blocks.append(Block([strip], column=-1))
            upper = strip.y0
    return blocks


def _split_again(lines: list[Line], column: int) -> list[Block]:
    """A column that holds columns of its own (three or four on a newspaper
    page) split the same way; its inner columns get ids of their own."""
    if len(lines) < 6:
        return [Block(lines, column=column)]
    words = [w for line in lines for w in line.words]
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    gutter = find_gutter(words, x1 - x0, x0)
    if gutter is None:
        return [Block(lines, column=column)]
    inner = split_bands(words, gutter)
    for block in inner:
        block.column = column if block.column < 0 else (column + 1) * 10 + block.column
    return inner


def _bridged(left: list[Line], right: list[Line], max_gap: float) -> list[Line]:
    """Pairs of a left and a right line on one baseline that nearly touch, taken
    out of ``left`` and ``right`` and returned joined: headings over the gutter.

    Both lists run top to bottom, so one pass over each finds the pairs.
    """
    out: list[Line] = []
    pairs: list[tuple[Line, Line]] = []
    j = 0
    for lline in left:
        while j < len(right) and right[j].y0 > lline.y1:
            j += 1  # wholly above this left line, so above every later one too
        for rline in right[j:j + 3]:
            if rline.holds(lline) and rline.x0 - lline.x1 < max_gap:
                pairs.append((lline, rline))
                break
    for lline, rline in pairs:
        out.append(Line.of(lline.words + rline.words))
        left.remove(lline)
        right.remove(rline)
    return out


def read_order(words: list[Word], width: float, height: float) -> list[Line]:
    """Lines of a page in reading order, ``soft`` where the paragraph goes on.

    Running headers and footers (in the top and bottom ``EDGE_ZONE``) come
    first and last, each a paragraph of its own.  The last body line is soft
    when it is full: the sentence goes on on the next page.
    """
    head: list[Word] = []
    foot: list[Word] = []
    body: list[Word] = []
    top, bottom = 2 * height * (1 - EDGE_ZONE), 2 * height * EDGE_ZONE  # as y0 + y1
    for w in words:
        twice_middle = w.y0 + w.y1
        (head if twice_middle > top else foot if twice_middle < bottom else body).append(w)
    head, body, foot = _detached(head, body, foot)
    gutter = find_gutter(body, width)
    if gutter is None:
        blocks = [Block(group_lines(body))] if body else []
    else:
        blocks = split_bands(body, gutter)
    mark_paragraphs(blocks, width)
    return group_lines(head) + [ln for b in blocks for ln in b.lines] + group_lines(foot)


def _detached(head: list[Word], body: list[Word], foot: list[Word]
              ) -> tuple[list[Word], list[Word], list[Word]]:
    """Keep words in the header or footer zone apart only when a gap wider than
    a line parts them from the body: on a page with narrow margins they are
    body text, and a sentence from the page before goes on in them.

    >>> body = [Word("b", 0, y, 10, y + 10) for y in range(100, 700, 12)]
    >>> near, far = [Word("h", 0, 702, 10, 712)], [Word("f", 0, 40, 10, 50)]
    >>> [len(part) for part in _detached(near, body, far)]
    [0, 51, 1]
    """
    if not body:
        return [], head + foot, []  # nothing else on the page: it is all body
    size = median(w.y1 - w.y0 for w in body)
    top, bottom = max(w.y1 for w in body), min(w.y0 for w in body)
    if head and min(w.y0 for w in head) - top < size:
        body, head = body + head, []
    if foot and bottom - max(w.y1 for w in foot) < size:
        body, foot = body + foot, []
    return head, body, foot


def render(lines: list[Line], page_text: str) -> str:
    r"""The page as text: words of a line joined by the spaces the PDF had between
    them; each line ends with ``\n`` when its paragraph goes on, else ``\n\n``.

    So a single line break is a wrap and a blank line a paragraph end, and a
    page that ends mid-sentence ends with a single ``\n``.

    >>> t = "ab cd\r\nef"
    >>> ws = [Word("ab", 0, 10, 20, 20, 0, 2), Word("cd", 25, 10, 45, 20, 3, 5),
    ...       Word("ef", 0, 0, 20, 10, 7, 9)]
    >>> first, second = Line.of(ws[:2]), Line.of(ws[2:])
    >>> first.soft = True
    >>> render([first, second], t)
    'ab cd\nef\n\n'
    """
    out: list[str] = []
    for line in lines:
        prev: Word | None = None
        for w in line.words:
            if prev is not None:
                out.append(_space_between(prev, w, page_text, max(line.height, 1.0)))
            out.append(w.text)
            prev = w
        out.append("\n" if line.soft else "\n\n")
    return "".join(out)


def _space_between(a: Word, b: Word, page_text: str, size: float) -> str:
    r"""The PDF's own spacing when the words follow each other in its text, else
    by the gap; a gap wider than one and a half line heights (table cells) is a tab.

    >>> _space_between(Word("增长", 0, 0, 20, 10, 0, 2), Word("6%", 22, 0, 30, 8, 3, 5), "增长 6%", 10)
    ' '
    >>> _space_between(Word("1", 0, 0, 5, 8, 0, 1), Word("工商银行", 30, 0, 70, 10, 2, 6), "1 工商银行", 10)
    '\t'
    """
    gap = b.x0 - a.x1
    if a.end <= b.start and gap < 1.5 * size:
        between = page_text[a.end:b.start]
        if between.isspace() and "\n" not in between and "\r" not in between:
            return between
        if not between:
            return ""
    return "\t" if gap > 1.5 * size else " " if gap > 0.3 * size else ""
