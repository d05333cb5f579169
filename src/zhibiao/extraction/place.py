"""Which region a value belongs to: the issuer, or a sub-region named beside it."""
from __future__ import annotations

import re

from .. import gazetteer
from ..errors import ExtractError
from .context import clause_start, segment_start
from .lexicon import first_cue

# What may stand between a place name and the indicator it qualifies:
# 满洲里口岸进出境中欧班列, 二连浩特市全年接待游客
# The issuer shows in a report's head (title, 全盟/我区 words); reading only that
# keeps the cost of finding it bounded for a 400-page report.
ISSUER_WINDOW = 3000
_FILLER = re.compile(r"(?:口岸|铁路口岸|公路口岸|站|市|旗|县|区|全年|年度|累计|进出境|出入境|的)*")
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
    found = gazetteer.issuer(text[:ISSUER_WINDOW], simplified=True)  # normalized text is simplified
    if found is None:
        raise ExtractError("cannot tell which region issued this report; pass --region CODE")
    return found


def subregions(text: str, mention_start: int, issuer: gazetteer.Region,
               mention_end: int | None = None, indicator: str | None = None) -> list[gazetteer.Region]:
    """Every division a value belongs to: one named before the indicator, all the places of a
    list before it (内江、眉山、自贡、遂宁经济总量突破2000亿元), or, for an airport figure, the
    city whose airport or air hub the sentence names (支持成都打造…航空枢纽，…旅客吞吐量…).

    >>> r = gazetteer.region("510000")
    >>> [x.code for x in subregions("内江、眉山、自贡、遂宁经济总量突破2000亿元", 11, r)]
    ['511000', '511400', '510300', '510900']
    >>> [x.code for x in subregions("支持成都打造国际航空枢纽，旅客吞吐量突破9000万人次", 13, r, None, "AIRPORT_PASSENGERS")]
    ['510100']
    """
    higher = higher_level(text[clause_start(text, mention_start):mention_start], issuer)
    if higher is not None:
        return [higher]
    if indicator in _AIRPORT_INDICATORS:
        city = _airport_city(text, mention_start, issuer)
        if city is not None:
            return [] if city.code == issuer.code else [city]  # 乌兰察布集宁机场 in 乌兰察布's report
    one = subregion(text, mention_start, issuer, mention_end)
    if one is None:
        subject = segment_subject(text, mention_start, issuer)
        return [subject] if subject else []
    start = clause_start(text, mention_start)
    clause = text[start:mention_start]
    names = [n for n in gazetteer.names_in(clause, within=issuer.code)]
    idx = next((i for i in range(len(names) - 1, -1, -1) if names[i][2].code == one.code), None)
    if idx is None:
        return [one]
    out = [one]
    while idx > 0 and _LIST_JOIN.fullmatch(clause[names[idx - 1][1]:names[idx][0]]):
        idx -= 1
        region = names[idx][2]
        if region.code == issuer.code or not gazetteer.is_within(region.code, issuer.code):
            break
        out.insert(0, region)
    return out


# 全市/全盟 in a banner's report, 全区/全省 in a city's: the level above the issuer
_WHOLE = re.compile(r"[全我本](省|区|市|盟|州)(?=[^，,；;。]*$)")
_WORD_LEVEL = {"省": "province", "区": "province", "市": "prefecture", "盟": "prefecture", "州": "prefecture"}


def higher_level(clause: str, issuer: gazetteer.Region) -> gazetteer.Region | None:
    """The issuer's ancestor that a 全市/全区 word before a figure names, if not the issuer.

    >>> zhungeer = gazetteer.region("150622")
    >>> higher_level("在全市地区生产总值", zhungeer).code, higher_level("全区", gazetteer.region("150600")).code
    ('150600', '150000')
    >>> higher_level("全旗", zhungeer), higher_level("全区", gazetteer.region("150602"))  # 东胜区's own
    (None, None)
    """
    m = None
    for m in _WHOLE.finditer(clause):
        pass
    if m is None:
        return None
    word = m.group(1)
    if word == "区" and (issuer.level == "province" or issuer.name.endswith("区")):
        return None  # 自治区's own 全区; a district's own 全区
    level = _WORD_LEVEL[word]
    chain = gazetteer.parent_chain(issuer.code)
    if chain[0].level == level or gazetteer.LEVELS.index(level) >= gazetteer.LEVELS.index(issuer.level):
        return None
    return next((r for r in chain if r.level == level), None)


def segment_subject(text: str, mention_start: int, issuer: gazetteer.Region) -> gazetteer.Region | None:
    """A division opening the sentence (or its part after ；) is the subject of its clauses:
    阎良区依托航空产业链，规上工业增加值增长15.3%. Not a list of places (包头、鄂尔多斯…),
    nor a clause that names the issuer's own 全市/我市.

    >>> xian = gazetteer.region("610100")
    >>> segment_subject("临潼区深化全域旅游示范区建设，接待游客4200万人次", 16, xian).code
    '610115'
    >>> segment_subject("临潼区深化旅游，全市接待游客", 10, xian), segment_subject("临潼、阎良深化旅游，接待游客", 10, xian)
    (None, None)
    """
    seg_from = segment_start(text, mention_start)
    seg = text[seg_from:mention_start]
    if not gazetteer.may_open_with_name(seg) or _ISSUER_WORD.search(seg):
        return None
    names = gazetteer.names_in(seg[:12], within=issuer.code)
    if not names or names[0][0] != 0 or _LIST_JOIN.match(seg, names[0][1]) or \
            first_cue("named_for_place", seg[names[0][1]:names[0][1] + 8]):
        return None  # 甘其毛都口岸过货量…，外贸进出口总额: the port is no subject of the sentence
    region = names[0][2]
    if region.code == issuer.code or not gazetteer.is_within(region.code, issuer.code):
        return None
    return region


# 、/和/及/与 between the places of a list that share one value
_LIST_JOIN = re.compile(r"(?:市|州|县|区|旗|盟)?[、和及与]")
_AIRPORT_INDICATORS = {"AIRPORT_PASSENGERS"}
_ISSUER_WORD = re.compile(r"[全我本](?:区|省|市|盟|旗|县|州)")  # 全盟机场旅客吞吐量: the issuer's own figure
# an airport or air hub after a city's name (杭州萧山国际机场, 成都…国际航空枢纽)
_AIR_HUB = re.compile(r"[^，。；、]{0,16}?(?:机场|航空枢纽|航空港|空港)")


def _airport_city(text: str, mention_start: int, issuer: gazetteer.Region) -> gazetteer.Region | None:
    """An airport figure is a city's: the last city of the sentence whose airport or
    air hub is named before the figure; of adjacent names (西安咸阳国际机场) the first
    is the city. 全省机场旅客吞吐量 is the issuer's own figure.

    >>> r = gazetteer.region("610000")
    >>> _airport_city("西安咸阳国际机场旅客吞吐量5000万人次", 8, r).name
    '西安市'
    >>> _airport_city("全省机场旅客吞吐量5000万人次", 4, r) is None
    True
    """
    if _ISSUER_WORD.search(text[clause_start(text, mention_start):mention_start]):
        return None
    sentence_from = segment_start(text, mention_start, "。！？\n")
    sentence = text[sentence_from:mention_start] + ("机场" if text.startswith("机场", mention_start) else "")
    names = gazetteer.names_in(sentence, within=issuer.code)
    found = None
    for i, (s, e, region) in enumerate(names):
        if i > 0 and names[i - 1][1] == s:
            continue  # 咸阳 in 西安咸阳国际机场 names the airport, not its city
        j = i
        while j + 1 < len(names) and names[j + 1][0] == names[j][1]:
            j += 1
        if region.level == "county" and region.parent_code:  # 萧山国际机场 serves 杭州
            region = gazetteer.region(region.parent_code)
        if _AIR_HUB.match(sentence, names[j][1]) and gazetteer.is_within(region.code, issuer.code):
            found = region
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
    # read a little past the clause: 科尔沁沙地 is a sandy land, not 科尔沁区 before 沙地综合治理
    names = [n for n in gazetteer.names_in(text[start:mention_start + 4], within=issuer.code) if n[1] <= len(clause)]
    for i in range(len(names) - 1, -1, -1):
        s, e, region = names[i]
        if not _FILLER.fullmatch(clause[e:]):
            continue
        if region.code != issuer.code and gazetteer.is_within(region.code, issuer.code):
            return region
    return None
