"""The context of a value: its sentence, section, year, months and status.

A work report reviews the year before it and sets targets for the year it is
given in (FACTS.md); headings and sentence words move that context around.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from ..errors import ExtractError
from .lexicon import first_cue, has_any_cue, has_cue, last_cue, lexicon

_SENTENCE_END = re.compile(r"[。！？!?\n]+")
_CLAUSE_SEP = "，,；;：:。\n"
_YEAR = re.compile(r"(?<![\d—\-–~至])((?:19|20)\d\d)\s*年(?!代|以来|以前|以后|起|前后|[—\-–~至])")
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?!\d)")
_COMPARED = re.compile(r"(?:较|比|同比|相比|与)[“\"]?$")
_ADDRESS = re.compile(r"^(?:各位代表|同志们)[！!，,：:]\s*")
# a five-year review may open after a first sentence (2025年是“十四五”收官之年。五年来，…)
MULTI_YEAR_PROBE = 40
_ONE_YEAR_OPENER = re.compile(r"((?:19|20)\d\d)年(?:[，,]|是)")
_TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
_HEADING = re.compile(r"^\s*(?:#+\s*|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+部分)")


@dataclass(frozen=True)
class Section:
    """Where a stretch of text sits: the year it speaks of and its default status."""

    start: int
    year: int
    status: str  # actual | target | none (a glossary: no facts)
    multi_year: bool = False  # a 十四五 review: only end-of-period levels are facts
    months: str | None = None  # the period of a news item titled 前三季度…, for sentences naming none


@dataclass(frozen=True)
class Frame:
    """The document-level context: issuer year and sections, in text order."""

    doc_year: int
    sections: tuple[Section, ...]
    sentence_starts: tuple[int, ...]
    estimated: int | None = None  # where 预计数，下同 stands: its section's whole-year figures after it are estimates

    def section_at(self, pos: int) -> Section:
        i = bisect_right(self.sections, pos, key=lambda s: s.start) - 1
        return self.sections[max(i, 0)]

    def sentence_at(self, text: str, pos: int) -> tuple[int, int]:
        """[start, end) of the sentence holding ``pos``."""
        i = bisect_right(self.sentence_starts, pos) - 1
        start = self.sentence_starts[max(i, 0)]
        m = _SENTENCE_END.search(text, pos)
        return start, (m.end() if m else len(text))


def sentence_starts(text: str) -> tuple[int, ...]:
    """Offsets where sentences begin.

    >>> sentence_starts("甲。乙！\\n丙")
    (0, 2, 5)
    """
    return (0,) + tuple(m.end() for m in _SENTENCE_END.finditer(text) if m.end() < len(text))


def segment_start(text: str, pos: int, stops: str = "。；;！？!?\n", window: int = 600) -> int:
    """Start of the sentence-like segment holding ``pos``: after the last of ``stops``,
    looked for in the ``window`` characters before it only (a long report would
    otherwise be scanned back to its start for a stop that never comes).

    >>> segment_start("甲。乙；丙丁", 5), segment_start("甲乙丙", 2)
    (4, 0)
    """
    lo = max(0, pos - window)
    return max(max(text.rfind(ch, lo, pos) for ch in stops) + 1, lo)


def clause_start(text: str, pos: int, floor: int = 0) -> int:
    """Start of the clause (after the last ，；：。 or line break) holding ``pos``.

    >>> clause_start("甲，乙丙", 3)
    2
    """
    i = pos
    while i > floor and text[i - 1] not in _CLAUSE_SEP:
        i -= 1
    return i


def document_year(text: str, hint: int | None = None) -> int:
    """The year a report was given in.

    A review heading (2023年工作回顾) means the year after; a target heading
    (2024年主要预期目标) that year; otherwise the latest year the text names
    most often (the latest of equals), or ``hint`` (e.g. from the file name).

    >>> document_year("一、2023年工作回顾\\n……二、2024年主要目标")
    2024
    >>> document_year("2021年……2022年……2022年……2025年", None)
    2022
    >>> document_year("2025-10-28 08:30 来源：日报\\n今年前三季度，")
    2025
    """
    head = text[:20000]
    lines = [line for line in head.splitlines() if len(line) <= 80 and "年" in line]  # a heading with a year
    for line in lines:
        review = first_cue("section_review", line)
        if review and review[1] == "actual" and _year_of(review[0]):
            return _year_of(review[0]) + 1  # type: ignore[operator]
    for line in lines:
        target = first_cue("section_target", line)
        if target and target[1] == "target" and _year_of(target[0]):
            return _year_of(target[0])  # type: ignore[return-value]
    if hint:
        return hint
    counts = Counter(int(m.group(1)) for m in _YEAR.finditer(text))
    if not counts:  # a news item dated 2025-10-28 that says only 今年
        counts = Counter(int(m.group(1)) for m in _DATE.finditer(head))
    if not counts:
        raise ExtractError("the text names no year; pass --year YYYY")
    return max(counts, key=lambda y: (counts[y], y))


def _year_of(m: re.Match[str]) -> int | None:
    for name in ("year", "year2"):
        if name in m.re.groupindex and m.group(name):
            return int(m.group(name))
    return None


def _heading_section(line: str, doc_year: int, start: int, heading: bool = True) -> Section | None:
    """The section a heading (or a paragraph opener like 过去一年) starts, if any.

    Only headings open target sections: a paragraph opening 2025年目标任务顺利完成
    looks back, not forward.
    """
    kinds = (("section_review", "actual"), ("section_target", "target")) if heading else \
        (("section_review", "actual"),)
    if not any(has_cue(kind, line) for kind, _ in kinds):
        return None
    hits = [((m, value), status)
            for kind, status in kinds
            for rx, value in lexicon().cues.get(kind, []) for m in [rx.search(line)] if m]
    if not hits:
        return None
    # a heading naming both (十四五成就和2025年工作回顾) takes the one with a year
    (m, value), status = min(hits, key=lambda h: (_year_of(h[0][0]) is None, h[0][0].start()))
    year = _year_of(m)
    if value == "plan":
        plan = first_cue("year_plan", line)
        year = int(plan[1]) if plan else None
    elif value == "actual-1":
        year = doc_year - 1
    return Section(start, year or (doc_year - 1 if status == "actual" else doc_year), status,
                   multi_year=value == "plan")  # 十四五 review or 十五五 plan: five-year figures


def _plan_targets(line: str, doc_year: int, start: int) -> Section:
    """Five-year targets: for the year the plan ends (十五五 → 2030; 今后五年 → four years on).

    >>> _plan_targets("今后五年的主要目标是：", 2026, 0).year, _plan_targets("“十五五”时期的目标是：", 2021, 0).year
    (2030, 2030)
    """
    plan = first_cue("year_plan", line)
    return Section(start, int(plan[1]) if plan else doc_year + 4, "target", multi_year=True)


def frame(text: str, year_hint: int | None = None, year: int | None = None) -> Frame:
    """Sections and sentences of a normalized text.

    ``year`` (a clerk's override) fixes the document year; ``year_hint`` is used
    only when the text itself names no section.
    """
    doc_year = year or document_year(text, year_hint)
    sections = [Section(0, doc_year, "actual")]
    estimated: int | None = None
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            is_heading = len(stripped) <= 60 and (not stripped.endswith("。") or _HEADING.match(stripped))
            sec = (_heading_line if is_heading else _paragraph)(stripped, pos, doc_year, sections[-1])
            if sec is None and sections[-1].multi_year and _TOP_HEADING.match(stripped):
                sec = Section(pos, sections[-1].year, sections[-1].status)  # 二、…: the five years end here
            if estimated is None and sections[-1].status == "actual" and has_cue("estimate_from_here", stripped):
                estimated = pos  # 增长5%左右（预计数，下同）
            if sec:
                sections.append(sec)
        pos += len(line) + 1
    if len(sections) > 1 and sections[0].status == "actual" and \
            any(s.status == "target" and s.year == doc_year for s in sections):
        # a work report: what stands before its first heading reviews the year before
        sections[0] = Section(0, doc_year - 1, "actual")
    elif len(sections) == 1:
        sections[0] = Section(0, doc_year, "actual", months=title_months(text))
    return Frame(doc_year, tuple(sections), sentence_starts(text), estimated)


def _heading_line(line: str, pos: int, doc_year: int, current: Section) -> Section | None:
    """The section a heading starts: a review, targets, a five-year review, a glossary."""
    sec = _heading_section(line, doc_year, pos, heading=True)
    if sec is None and current.status == "actual" and first_cue("multi_year", line):
        sec = Section(pos, doc_year - 1, "actual", multi_year=True)
    if sec is None and first_cue("glossary", line):
        sec = Section(pos, doc_year, "none")  # 名词解释: explanations of terms, no facts of the year
    return sec


# what may open a paragraph that starts a section: one search decides most paragraphs
_OPENERS = ("section_review", "multi_year", "target_opener", "plan_opener")


def _paragraph(line: str, pos: int, doc_year: int, current: Section) -> Section | None:
    """The section a paragraph's opening words start (一年来, 这五年, 主要预期目标是, 今后五年…)."""
    head = _ADDRESS.sub("", line)[:MULTI_YEAR_PROBE]
    one = _ONE_YEAR_OPENER.match(line) if current.multi_year and current.status == "actual" else None
    if one and int(one.group(1)) == current.year:
        return Section(pos, current.year, "actual")  # 2025年，面对…: the five years give way to the last one
    if not has_any_cue(_OPENERS, head):
        return None
    sec = _heading_section(head[:8], doc_year, pos, heading=False)
    second = head.split("。", 1)
    if sec is None and len(second) == 2 and second[1]:
        # 2025年是“十四五”收官之年。一年来，…: the opener after a first short sentence
        sec = _heading_section(second[1][:8], doc_year, pos, heading=False)
    if sec is None and current.status == "actual" and first_cue("multi_year", head):
        sec = Section(pos, doc_year - 1, "actual", multi_year=True)  # 这五年，…: only end-of-period levels
    if sec is None and first_cue("target_opener", line[:MULTI_YEAR_PROBE]):
        sec = Section(pos, doc_year, "target")  # 今年经济社会发展的主要预期目标是：…
    if sec is None and first_cue("plan_opener", line[:MULTI_YEAR_PROBE]):
        sec = _plan_targets(line, doc_year, pos)  # “十五五”时期的主要目标是：…
    return sec


def title_months(text: str) -> str | None:
    """The period a short text's title names (鄂尔多斯前三季度经济运行稳中向好): a news item
    on a part of the year speaks of it throughout.

    >>> title_months("前三季度经济运行稳中向好\\n……"), title_months("2025年政府工作报告\\n……")
    ('1-9', None)
    """
    for line in text.split("\n", 5)[:5]:  # the title may follow a site's name or a dateline
        line = line.strip()
        months = months_in(line) if 0 < len(line) <= 40 else None
        if months and months != "unknown":
            return months
    return None


def months_in(text: str, default: str | None = None) -> str | None:
    """The months a sentence speaks of, from the last period words in ``text``;
    ``default`` when it has none (全年 is the whole year: None).

    "unknown" when the text says only 截至目前 / 今年以来.

    >>> months_in("1—8月，全区"), months_in("上半年，"), months_in("截至8月底，"), months_in("全年")
    ('1-8', '1-6', '1-8', None)
    >>> months_in("1-11月份全旗"), months_in("前三季度"), months_in("截至目前，口岸")
    ('1-11', '1-9', 'unknown')
    >>> months_in("前三季度，全市地区生产总值增长5.6%，预计全年", "1-9") is None
    True
    >>> months_in("规上工业增加值增长7%", "1-9"), months_in("1—11月，增长8.9%，预计全年增长9%；投资")
    ('1-9', '1-11')

    """
    hit = last_cue("months", text)
    if hit and hit[1] == "year" and re.search("[；;]", text[hit[0].end():]):
        return months_in(text[:hit[0].start()], default)  # 1—11月…，预计全年…；固定资产投资: 1—11月 again
    if not hit:
        return default
    m, value = hit
    if value == "range":
        a, b = int(m.group("a")), int(m.group("b"))
        return f"{a}-{b}" if 1 <= a < b <= 12 else None
    if value == "to":
        b = int(m.group("b") or m.group("b2"))
        return f"1-{b}" if 1 < b < 12 else None
    return None if value == "year" else value  # 前三季度…，预计全年: the whole year again


def _stated_year(text: str) -> tuple[int, int] | None:
    """(end offset, year) of the last year written out in ``text`` that is not a base (较2020年)."""
    best = None
    for m in _YEAR.finditer(text):
        if _COMPARED.search(text, 0, m.start()):
            continue
        if text[m.start() - 1:m.start()] in ("从", "由") and len(text) - m.end() > 2:
            continue  # 从2020年的887.2亿元增加到…: 2020 is the base's year only
        best = (m.end(), int(m.group(1)))
    return best


def names_one_year(text: str, section: Section) -> bool:
    """Whether a sentence of a five-year review names the one year it speaks of
    (2025年，全省地区生产总值增长5.3%), so that its figures are that year's.

    >>> s = Section(0, 2025, "actual", multi_year=True)
    >>> names_one_year("2025年，全省", s), names_one_year("较2020年", s), names_one_year("五年来", s)
    (True, False, False)
    """
    stated = _stated_year(text)
    return stated is not None and stated[1] == section.year


def year_in(text: str, section: Section, doc_year: int) -> int | None:
    """A year a sentence names before a value (explicit, relative or a plan period).

    >>> s = Section(0, 2023, "actual")
    >>> year_in("2024年投入资金", s, 2024), year_in("常住人口由上年", s, 2024), year_in("今年年底，", s, 2024)
    (2024, 2022, 2024)
    >>> year_in("到“十五五”末", s, 2026), year_in("（2021—2023年）", s, 2024), year_in("全年", s, 2024)
    (2030, None, None)
    >>> year_in("常住人口由上年729万人增加到", s, 2024), year_in("“十四五”批复的基地", s, 2026)
    (None, None)
    >>> year_in("2023年初列入项目，较去年增长55%；预计拉动", s, 2023)
    2023
    >>> year_in("地区生产总值由上年的4575亿元增加到4786亿元、", s, 2024) is None
    True
    """
    best = _stated_year(text)  # (end offset, year)
    for kind in ("year_relative", "year_plan"):
        hit = last_cue(kind, text)
        if hit and (kind == "year_relative" and re.match(r"末?的?\d", text[hit[0].end():hit[0].end() + 3])
                    or _COMPARED.search(text, 0, hit[0].start())):
            continue  # 由上年(的)729万人: 上年 is 729's; 较去年增长, 比“十三五”末提高: a base, not the period
        if hit and (best is None or hit[0].end() > best[0]):
            m, value = hit
            if kind == "year_plan":
                best = (m.end(), int(value))
            else:
                base = section.year if m.group() in ("上年", "上一年") else doc_year
                best = (m.end(), base + int(value))
    return best[1] if best else None
