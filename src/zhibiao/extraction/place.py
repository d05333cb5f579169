"""Which region a value belongs to: the issuer, or a sub-region named beside it."""
from __future__ import annotations

import re

from .. import gazetteer
from ..errors import ExtractError
from .context import clause_start

# What may stand between a place name and the indicator it qualifies:
# 满洲里口岸进出境中欧班列, 二连浩特市全年接待游客
# The issuer shows in a report's head (title, 全盟/我区 words); reading only that
# keeps the cost of finding it bounded for a 400-page report.
ISSUER_WINDOW = 8000
_FILLER = re.compile(r"(?:口岸|铁路口岸|公路口岸|站|市|旗|县|区|全年|年度|累计|进出境|出入境|的"
                     r"|[\u4e00-\u9fff]{0,4}?(?:国际)?机场)*")
# 杭州萧山国际机场, 西安咸阳国际机场: an airport is named city + place; it is the city's
_AIRPORT = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:国际)?机场")
# 中欧班列（西安）: the place in brackets right after the name
_BRACKETED = re.compile(r"[（(]([^（）()，。；]{1,8})[）)]")


def resolve_issuer(text: str, override: str | None = None) -> gazetteer.Region:
    """The region of the document: the clerk's ``--region`` or the issuer found in text."""
    if override:
        if not gazetteer.exists(override):
            found = gazetteer.find(override)
            if found is None:
                raise ExtractError(f"--region {override!r} is neither a GB/T 2260 code nor a known name")
            return found
        return gazetteer.region(override)
    found = gazetteer.issuer(text[:ISSUER_WINDOW])
    if found is None:
        raise ExtractError("cannot tell which region issued this report; pass --region CODE")
    return found


def subregion(text: str, mention_start: int, issuer: gazetteer.Region,
              mention_end: int | None = None) -> gazetteer.Region | None:
    """A division under the issuer named right before an indicator in its clause.

    >>> r = gazetteer.region("150000")
    >>> subregion("1—8月，满洲里口岸进出境中欧班列2195列", 13, r).code
    '150781'
    >>> subregion("全区口岸过货量", 2, r) is None
    True
    """
    start = clause_start(text, mention_start)
    clause = text[start:mention_start]
    if mention_end is not None:
        m = _BRACKETED.match(text, mention_end)
        if m:
            names = gazetteer.names_in(m.group(1), within=issuer.code)
            if len(names) == 1 and _FILLER.fullmatch(m.group(1)[names[0][1]:]) and names[0][0] == 0 \
                    and names[0][2].code != issuer.code and gazetteer.is_within(names[0][2].code, issuer.code):
                return names[0][2]
    if not clause:
        return None
    names = gazetteer.names_in(clause, within=issuer.code)
    for i in range(len(names) - 1, -1, -1):
        s, e, region = names[i]
        if _AIRPORT.fullmatch(clause[e:] + ("机场" if text.startswith("机场", mention_start) else "")):
            while i > 0 and names[i - 1][1] == names[i][0]:  # 西安咸阳国际机场: the first name
                i -= 1
            s, e, region = names[i]
        elif not _FILLER.fullmatch(clause[e:]):
            continue
        if region.code != issuer.code and gazetteer.is_within(region.code, issuer.code):
            return region
    return None
