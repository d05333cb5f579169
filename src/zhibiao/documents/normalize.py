"""From raw text to the text extraction reads, one small step at a time.

Each step is ``Mapped -> Mapped`` and keeps, for every character, the range of
the raw text it came from (see :mod:`.mapped`).  The pipeline::

    unify_breaks → to_halfwidth → to_simplified → drop_page_furniture
    → collapse_spaces → join_lines → drop_clutter → join_broken_paragraphs

Line breaks carry meaning.  In PDF text (see :func:`.layout.render`) a single
``\\n`` is a wrapped line and a blank line ends a paragraph; pages are joined
with ``\\f``.  In a text file each line is a paragraph, unless the file is
hard-wrapped at a fixed width.  The result has one paragraph or heading per
line, no ``\\f`` and no blank lines.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from functools import lru_cache

from .clutter import clutter_pattern
from .mapped import Mapped, replace_spans, rewrite

_BREAKS = re.compile("\r\n|[\r\v\x85\u2028\u2029]")
# Zero-width and control characters that carry no text (the PDF soft hyphen
# marker \x02 and \ufffe included).
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\ufffe\u00ad\x00-\x08\x0e-\x1f\x7f]+")


# Some PDF producers (TeX's among them) map the hyphen glyph to the soft
# hyphen: between digits it is the dash of a range, "2014-2020".
_RANGE_HYPHEN = re.compile("(?<=[0-9])\u00ad(?=[0-9])")


def unify_breaks(m: Mapped) -> Mapped:
    """Every line break becomes ``\\n``; invisible characters go.

    >>> unify_breaks(Mapped.identity("a\\r\\nb\\rc\\u200bd")).text
    'a\\nb\\ncd'
    >>> unify_breaks(Mapped.identity("（2014\\xad2020年）hy\\xadphen")).text
    '（2014-2020年）hyphen'
    """
    m = rewrite(m, _RANGE_HYPHEN, "-")
    return rewrite(rewrite(m, _BREAKS, "\n"), _INVISIBLE, "")


def _halfwidth_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)}  # ０-９
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
    # Symbols that belong to numbers, units and Latin text.  Chinese sentence
    # punctuation (，。、；：（）！？“”《》【】) stays: extraction splits on it.
    for full in "％．＋－／＝＜＞＃＆＊＠～＿＾｜＼＄":
        table[ord(full)] = chr(ord(full) - 0xFEE0)
    for space in "\u3000\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f":
        table[ord(space)] = " "
    return table


_HALFWIDTH = _halfwidth_table()
_FULLWIDTH = re.compile("[" + "".join(re.escape(chr(c)) for c in _HALFWIDTH) + "]+")


def to_halfwidth(m: Mapped) -> Mapped:
    """Full-width digits, letters, number symbols and spaces to ASCII; Chinese
    punctuation kept.  One character for one, so the map does not change.

    >>> to_halfwidth(Mapped.identity("增长１２．５％，ＧＤＰ\\u3000（预计）")).text
    '增长12.5%，GDP （预计）'
    >>> to_halfwidth(Mapped.identity("２０２３－２０２４年；第１/２页")).text
    '2023-2024年；第1/2页'
    """
    # Only the runs that need it are translated (one for one, so the map holds).
    return rewrite(m, _FULLWIDTH, lambda match: match.group().translate(_HALFWIDTH))


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(m: Mapped) -> Mapped:
    """Traditional to simplified Chinese with OpenCC's phrase tables.

    OpenCC nearly always converts character for character; a phrase that
    changes length is aligned to its source line by difflib.

    >>> to_simplified(Mapped.identity("經濟總量達到2.67萬億元")).text
    '经济总量达到2.67万亿元'
    >>> to_simplified(Mapped.identity("简体不变")).text
    '简体不变'
    """
    converted = _t2s().convert(m.text)
    if converted == m.text:
        return m
    if len(converted) == len(m.text):
        return Mapped(converted, m.starts, m.ends)
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for line in m.text.splitlines(keepends=True):
        new = _t2s().convert(line)
        if new != line:
            edits.extend((pos + a, pos + b, piece) for a, b, piece in _align(line, new))
        pos += len(line)
    return replace_spans(m, edits)


def _align(old: str, new: str) -> list[tuple[int, int, str]]:
    """Edits turning ``old`` into ``new``, as small as difflib finds them.

    >>> _align("abcd", "aXd")
    [(1, 3, 'X')]
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


# A page number alone on a line: "- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页",
# "3/10", "Page 3", or a bare number.
_PAGE_NUMBER = re.compile(
    r"[-—–－_ ]*(?:第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?|\d{1,4}|[ivxlcdm]{1,6})[-—–－_ ]*"
)
# How many lines at the top and bottom of a page may be headers or footers.
EDGE_LINES = 2
MAX_RUNNING = 40  # characters: longer lines are text, not a running header


def drop_page_furniture(m: Mapped) -> Mapped:
    """Drop page numbers and running headers or footers: lines at the top or
    bottom of a page that are a page number, or that recur (digits aside) on at
    least half the pages (and three).  Each line goes with its own line break,
    so a sentence running over the page break still reads on.

    >>> bodies = [f"{a}说。\\n\\n{b}又说。\\n\\n{c}完。\\n\\n" for a, b, c in ("甲乙丙", "丁戊己", "庚辛壬")]
    >>> pages = "\\f".join(f"政府工作报告\\n\\n{b}- {i} -\\n\\n" for i, b in enumerate(bodies))
    >>> drop_page_furniture(Mapped.identity(pages)).text == "\\f".join(bodies)
    True
    >>> drop_page_furniture(Mapped.identity("第一页末尾全\\n- 1 -\\n\\n\\f区率先")).text
    '第一页末尾全\\n\\x0c区率先'
    """
    edges = _edge_lines(m.text)
    pages = len(edges)
    seen: Counter[str] = Counter()
    for page in edges:
        seen.update({_shape(m.text[a:b]) for a, b, _ in page})
    repeated = {s for s, n in seen.items()
                if pages >= 3 and n >= max(3, pages / 2) and len(s) <= MAX_RUNNING}
    drop: list[tuple[int, int, str]] = []
    for page in edges:
        for a, b, end in page:
            line = m.text[a:b].strip()
            if _PAGE_NUMBER.fullmatch(line) or _shape(line) in repeated:
                drop.append((a, end, ""))
    return replace_spans(m, sorted(set(drop)))


def _shape(line: str) -> str:
    """A line with digits blanked, so "第3页" and "第4页" look the same."""
    return re.sub(r"\d+", "#", line.strip())


_LINE = re.compile(r"([^\n]*\S[^\n]*)\n*")
_EDGE_WINDOW = 400


def _edge_lines(text: str) -> list[list[tuple[int, int, int]]]:
    """For each page, its first and last ``EDGE_LINES`` non-empty lines as
    ``(start, end, end with the line breaks after it)``."""
    out: list[list[tuple[int, int, int]]] = []
    pos = 0
    for page in text.split("\f"):
        # Only a window at each end of the page is looked at (a page is long),
        # each window cut at a line break.
        head = page.find("\n", _EDGE_WINDOW)
        head = len(page) if head < 0 else head
        tail = max(page.rfind("\n", 0, len(page) - _EDGE_WINDOW) + 1, head)
        lines = [(pos + mt.start(), pos + mt.end(1), pos + mt.end())
                 for window in ((0, head), (tail, len(page)))
                 for mt in _LINE.finditer(page, *window)]
        picked = lines[:EDGE_LINES] + lines[-EDGE_LINES:] if len(lines) > 2 * EDGE_LINES else lines
        out.append(sorted(set(picked)))
        pos += len(page) + 1
    return out


def drop_clutter(m: Mapped) -> Mapped:
    """Drop web-page clutter lines (the patterns of ``templates/clutter.txt``),
    each with its line break.  Runs on one paragraph a line: after join_lines.

    >>> drop_clutter(Mapped.identity("下载打印\\n来源：内蒙古日报\\n正文。\\n分享到：\\n")).text
    '正文。\\n'
    >>> drop_clutter(Mapped.identity("资金来源：财政。\\n")).text
    '资金来源：财政。\\n'
    """
    return rewrite(m, clutter_pattern(), "")


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _glue(left: str, right: str) -> str:
    """What stands between two characters once the space or break between them
    goes: a space only between two Latin letters or digits ("2023 2024")."""
    return " " if _ascii_word(left) and _ascii_word(right) else ""


_MARKDOWN_HEADING = re.compile(r"#+\Z")


def collapse_spaces(m: Mapped) -> Mapped:
    r"""Spaces go, except one between two Latin letters or digits; a run with a
    tab (table cells apart) becomes one tab.

    >>> collapse_spaces(Mapped.identity("全 区率先 2150 万千瓦，1.37 亿吨")).text
    '全区率先2150万千瓦，1.37亿吨'
    >>> collapse_spaces(Mapped.identity("2023  2024年，PM 2.5， 95MW 特大型 \n 下行")).text
    '2023 2024年，PM 2.5，95MW特大型\n下行'
    >>> collapse_spaces(Mapped.identity("#### 以绿电利用为龙头 全面带动 #3")).text
    '#### 以绿电利用为龙头全面带动#3'
    >>> collapse_spaces(Mapped.identity("\t1 \t工商银行\t330.5 12.0")).text
    '1\t工商银行\t330.5 12.0'
    """
    text = m.text

    def repl(match: "re.Match[str]") -> str:
        a, b = match.span()
        if a == 0 or b == len(text) or text[a - 1] == "\n" or text[b] == "\n":
            return ""
        if "\t" in match.group():
            return "\t"  # cells of a table row
        if text[a - 1] == "#" and _MARKDOWN_HEADING.match(text, text.rfind("\n", 0, a) + 1, a):
            return " "  # "#### 标题" stays a Markdown heading
        return _glue(text[a - 1], text[b])

    return rewrite(m, re.compile("[ \t]+"), repl)


_FULL_LINE_SHARE = 0.3  # of lines at the usual length, for a file to count as hard-wrapped


def wrap_width(text: str) -> int | None:
    r"""The width a hard-wrapped text file was cut at, or None for one paragraph a line.

    >>> wrap_width("\n".join(["一二三四五六七八九十"] * 8 + ["短。"]))
    10
    >>> wrap_width("一句话。\n另一段长得多的一句话。\n第三段。") is None
    True
    """
    lengths = [len(line) for line in text.split("\n") if len(line.strip()) >= 8]
    if len(lengths) < 8:
        return None
    width, _ = Counter(lengths).most_common(1)[0]
    near = sum(1 for n in lengths if width - 1 <= n <= width + 1)
    # The usual length must also be about the longest: a closing "。" may hang
    # one past it, but a paragraph a line has many lines longer than the usual.
    longer = sum(1 for n in lengths if n > width + 1)
    return width if near >= _FULL_LINE_SHARE * len(lengths) and longer <= len(lengths) // 20 else None


# A line that starts a heading or a list item: never the tail of a sentence.
_HEADING_START = re.compile(r"[#一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]\D|第[一二三四五六七八九十百\d]+[章节部分条]|[#*>-]")
_BREAK_RUN = re.compile("[\n\f]+")
_CLOSERS = "。！？：；!?:;"


def join_lines(m: Mapped, pdf: bool) -> Mapped:
    r"""Wrapped lines join; paragraph ends become a single ``\n``; pages join.

    In PDF text a single ``\n`` (a page break counts for nothing) is a wrap.
    In a text file a break is a wrap only when the file is hard-wrapped and the
    line before it is full.

    >>> join_lines(Mapped.identity("全区\n率先。\n\n下一段\f续完。"), pdf=True).text
    '全区率先。\n下一段续完。'
    >>> join_lines(Mapped.identity("标题\n正文。\n\n\n下一段"), pdf=False).text
    '标题\n正文。\n下一段'
    >>> join_lines(Mapped.identity("满行的一句话。\n（二）下一节"), pdf=True).text
    '满行的一句话。\n（二）下一节'
    """
    text = m.text
    width = None if pdf else wrap_width(text)

    def repl(match: "re.Match[str]") -> str:
        a, b = match.span()
        if a == 0 or b == len(text):
            return ""
        if b - a > 1 and match.group().count("\n") >= 2:
            return "\n"
        if text[a - 1] in _CLOSERS and _HEADING_START.match(text, b):
            return "\n"  # a full line closed its sentence and a heading follows
        if width is None:
            wrapped = pdf
        else:  # a full line, unless it closes a sentence (then most likely a paragraph)
            full = a - (text.rfind("\n", 0, a) + 1) >= width - 1
            wrapped = full and text[a - 1] not in _CLOSERS
        return _glue(text[a - 1], text[b]) if wrapped else "\n"

    return rewrite(m, _BREAK_RUN, repl)


# A sentence cut off ends in a Chinese character (a table row ends in a
# number) and goes on with one or with a number.
_OPEN_END = re.compile("[\u4e00-\u9fff]")
_GOES_ON = re.compile("[\u4e00-\u9fff0-9]")
_ADDRESS = re.compile("[^\n]{1,15}[：:！!]$", re.MULTILINE)
# A paragraph this long that ends without punctuation was cut mid-sentence;
# headings are shorter.
BROKEN_PARAGRAPH = 40


def join_broken_paragraphs(m: Mapped) -> Mapped:
    r"""Join a paragraph cut mid-sentence (a long line ending in a character, not
    punctuation) to the line that goes on with it.

    >>> join_broken_paragraphs(Mapped.identity("会议认为" + "很" * 40 + "全旗\n上下深入贯彻。\n一、下一节")).text[-16:]
    '很全旗上下深入贯彻。\n一、下一节'
    >>> join_broken_paragraphs(Mapped.identity("一、2023年工作回顾\n过去的一年")).text
    '一、2023年工作回顾\n过去的一年'
    >>> title = "鄂托克旗人大常委会关于国务院支持内蒙古工作高质量发展的意见落实情况报告的审议意见"
    >>> page = title + "\n旗人民政府：\n会议认为"
    >>> join_broken_paragraphs(Mapped.identity(page)).text == page
    True
    """
    text = m.text

    def repl(match: "re.Match[str]") -> str:
        a = match.start()
        line_start = text.rfind("\n", 0, a) + 1
        if a - line_start < BROKEN_PARAGRAPH or not _OPEN_END.match(text[a - 1]):
            return "\n"
        following = text[a + 1:a + 12]
        if not following or _HEADING_START.match(following) or not _GOES_ON.match(following[0]):
            return "\n"
        if _ADDRESS.match(text, a + 1):
            return "\n"  # "旗人民政府：" under a title is a salutation, not the title's tail
        return _glue(text[a - 1], following[0])

    return rewrite(m, re.compile("\n"), repl)


def normalize(raw: str, pdf: bool) -> Mapped:
    """The whole pipeline, from raw text to the text extraction reads."""
    m = Mapped.identity(raw)
    for step in (unify_breaks, to_halfwidth, to_simplified, drop_page_furniture, collapse_spaces):
        m = step(m)
    m = join_broken_paragraphs(drop_clutter(join_lines(m, pdf=pdf)))
    return rewrite(m, _ENDS, "")


_ENDS = re.compile(r"\A\s+|\s+\Z")
