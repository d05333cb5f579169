"""From a normalized text to candidate facts: mentions, quantities and the links between them.

A quantity (a number with a unit) becomes a fact when it is tied to a mention
of an indicator: the nearest mention before it in its sentence (or a mention
right after a count: 188个盟级重点项目), or a place in a 分别 list. The verb
between them picks the indicator of the concept (增长 → growth, 新增 → added),
the unit must fit, and nothing on the way may say it is not a fact (占比, 全国,
年均…).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal
from functools import lru_cache

from .. import catalog
from .context import Frame, clause_start, months_in, names_one_year, segment_start, year_in
from .lexicon import Concept, continues, first_cue, has_any_cue, has_cue, iter_mentions, last_cue, lexicon
from .lists import borrowed_subjects, elliptic_subjects, respectively
from .model import Candidate, Link, Mention, Quantity
from .numbers import convert, split_unit

MAX_GAP = 40  # characters between an indicator's name and its value
_COUNT_BASES = {"个", "家", "列", "项"}
_BEFORE_NAME = ("count-before-name", "value-before-name")
# words right before a name that make its figure no region's of the standard: 每万人拥有5G基站,
# 其中薛家湾镇改造老旧小区, 兰州新区经济总量, 赤峰高新区规上工业产值…、增加值
_OTHER_SUBJECT = ("per_head", "town_before", "zone_before", "zone_subject")
_HARD_STOP = "；;。\n"
_YEAR_AFTER = re.compile(r"(?:左右|以上)?[（(]((?:19|20)\d\d)年(?:数据|数|值)?[）)]")
_NEGATIVE = re.compile(r"(?:增长|增速|增幅|为)[-−－]$")


def find_mentions(text: str, issuer_level: str | None) -> list[Mention]:
    """Every name of a concept in text, leftmost-longest, blockers included."""
    return [Mention(start, end, concept) for start, end, concept in iter_mentions(text, issuer_level)]


def find_quantities(text: str) -> list[Quantity]:
    """Numbers with units (and 持平, a zero growth in words), in text order."""
    lex = lexicon()
    out = []
    for m in lex.quantity_re.finditer(text):
        unit = m.group("unit2") if m.group("num2") else m.group("unit")
        if not unit:
            continue
        if m.group("num2") and not m.group("unit") and m.group("dash") in ("至", "到"):
            pass  # 4.5至5% shares the unit
        number = Decimal(m.group("num").replace(",", ""))
        start = m.start()
        if _NEGATIVE.search(text, max(0, start - 4), start):
            number, start = -number, start - 1  # 增长-2.1%: a growth printed with its minus sign
        high = Decimal(m.group("num2").replace(",", "")) if m.group("num2") else None
        if high is not None and m.group("unit") and m.group("unit") != m.group("unit2"):
            high = None  # "8月—9月" style pairs of different things are not a range
            unit = m.group("unit")
            end = m.start("dash")
        else:
            end = m.end()
        out.append(Quantity(start, end, number, unit, m.group("inner") or m.group("inner2"), high))
    for rx, _ in lex.cues.get("verb_flat", []):
        out.extend(Quantity(m.start(), m.end(), Decimal(0), "%", None, flat=True) for m in rx.finditer(text))
    return sorted(out, key=lambda q: q.start)


@lru_cache(maxsize=8192)  # pure, and the same few words come back all the time
def _verb(local: str) -> str | None:
    """The kind of the verb nearest to a value: up, down, flat, added, level or None.

    >>> _verb("新增"), _verb("、达到"), _verb("同比增长"), _verb("下降"), _verb("增加到"), _verb("")
    ('added', 'level', 'up', 'down', 'level', None)
    """
    best: tuple[int, int, str] | None = None
    for kind in ("verb_growth", "verb_flat", "verb_added", "verb_level", "verb_started"):
        hit = last_cue(kind, local)
        if hit:
            rank = (hit[0].end(), len(hit[0].group()))
            if best is None or rank > best[:2]:
                best = (rank[0], rank[1], hit[1])
    return best[2] if best else None


def choose_indicator(concept: Concept, unit: str, verb: str | None) -> tuple[str, int] | None:
    """The indicator a value of ``concept`` printed in ``unit`` after ``verb`` is, with its sign.

    >>> from zhibiao.extraction.lexicon import lexicon
    >>> c = lexicon().concepts
    >>> choose_indicator(c["GDP"], "%", "up"), choose_indicator(c["GDP"], "亿元", "level")
    (('GDP_GROWTH', 1), ('GDP', 1))
    >>> choose_indicator(c["NEW_ENERGY_CAPACITY"], "万千瓦", "added")
    ('NEW_ENERGY_CAPACITY_ADDED', 1)
    >>> choose_indicator(c["CATTLE_STOCK"], "万头", "up") is None  # 增加16万头 is a change
    True
    >>> choose_indicator(c["AFFORESTATION"], "万亩", "added"), choose_indicator(c["CATTLE_STOCK"], "万头", "added")
    (('AFFORESTATION', 1), None)
    >>> choose_indicator(c["ENERGY_INTENSITY"], "%", "down"), choose_indicator(c["URBANIZATION"], "%", "level")
    (('ENERGY_INTENSITY_DROP', 1), ('URBANIZATION_RATE', 1))
    """
    parsed = split_unit(unit)
    if parsed is None or parsed[1].base == "百分点" or verb == "started":
        return None  # 开工1600万千瓦: work started is neither the stock nor the addition
    base = parsed[1].base
    sign = -1 if verb == "down" else 1
    if concept.drop_positive:
        sign = -sign
    if base == "%":
        for code in concept.indicators:
            if catalog.indicator(code).unit == "%":
                kind = catalog.indicator(code).kind
                if kind == "growth" or verb in (None, "level"):
                    return code, (sign if kind == "growth" else 1)
        return None
    if verb == "added":  # 新增623万千瓦 is the addition, not the stock; 新增营造林 is the flow itself
        codes: tuple[str, ...] = (concept.added,) if concept.added else tuple(
            c for c in concept.indicators if catalog.indicator(c).flow)
    elif verb in ("up", "down"):
        return None
    else:
        codes = concept.indicators
    for code in codes:
        std = split_unit(catalog.indicator(code).unit)
        if std and std[1].base == base:
            return code, 1
    return None


def _qualifier(text: str, q: Quantity, local: str) -> str:
    """eq / approx / ge / gt / le / lt / range from the words around a quantity.

    Words after the value (左右, 以上) win over words before it (控制在).
    """
    lex = lexicon()
    if q.high is not None:
        return "range"
    after = text[q.end:q.end + 3]
    for word, qual in lex.qualifiers_after.items():
        if after.startswith(word):
            return qual
    if q.inner:
        return lex.qualifiers_inner.get(q.inner, "eq")
    for word in sorted(lex.qualifiers_before, key=len, reverse=True):
        if local.endswith(word) or local[:-1].endswith(word) and local[-1:] in "达到为":
            return lex.qualifiers_before[word]
    return "eq"


def _status(text: str, clause_from: int, sentence_from: int, q: Quantity, section_status: str) -> tuple[str, float]:
    """actual / estimate / target, and how sure the cue makes us."""
    if first_cue("status_after", text[q.end:q.end + 10]):
        return "target", 0.9  # 距年初确定的固定资产投资增长15%以上的目标
    clause = text[clause_from:q.start]
    hits = [h for h in (last_cue("status_estimate", clause), last_cue("status_target", clause)) if h]
    if hits:
        return max(hits, key=lambda h: h[0].end())[1], 0.9
    segment_from = max(sentence_from, segment_start(text, q.start, "；;"))
    if first_cue("status_goal", text[segment_from:q.start]):
        return "target", 0.95  # (…高于年初6%左右的预期目标；固定资产投资增长4%: the target was 6%'s)
    if _estimate_opens_sentence(text[sentence_from:clause_from]):
        return "estimate", 0.85
    return section_status, 0.95


def _estimate_opens_sentence(before: str) -> bool:
    """预计全年接待游客9.6亿人次、增长10.3%，旅游总收入1.24万亿元: a 预计 opening a
    clause speaks for the clauses after it in its sentence, unless a target word
    takes over.

    >>> _estimate_opens_sentence("推出文旅地图，预计全年接待游客9.6亿人次、增长10.3%，")
    True
    >>> _estimate_opens_sentence("全年接待游客预计9.6亿人次，"), _estimate_opens_sentence("预计增长5%，力争突破，")
    (False, False)
    >>> _estimate_opens_sentence("1—11月，增长8.9%，预计全年增长9%左右；")  # a semicolon ends its reach
    False
    """
    hit = last_cue("status_estimate", before)
    if hit is None or (hit[0].start() > 0 and before[hit[0].start() - 1] not in "，," and (
            hit[0].start() > 4 or re.search(r"[，,\d]", before[:hit[0].start()]))):
        return False  # 预计 opening a clause, or after a short subject (行署预计全年…)
    after = before[hit[0].end():]
    return last_cue("status_target", after) is None and not re.search("[；;]", after)


def _nearest_mention(text: str, mentions: list[Mention], starts: list[int], q: Quantity,
                     sentence_from: int) -> Mention | None:
    i = bisect_left(starts, q.start) - 1
    if i < 0:
        return None
    m = mentions[i]
    if m.end > q.start or m.start < sentence_from or q.start - m.end > MAX_GAP:
        return None
    if any(ch in _HARD_STOP for ch in text[m.end:q.start]):
        return None
    return m


def _forward_mention(text: str, mentions: list[Mention], starts: list[int], q: Quantity) -> Mention | None:
    """188个盟级重点项目: a count right before the name it counts; 310公里农村公路: an
    amount of work right before its name (only for names of work done in the year:
    建成100公里高速公路 is no road network length)."""
    i = bisect_left(starts, q.end)
    if i == len(mentions) or mentions[i].start - q.end > 10:
        return None
    m = mentions[i]
    between = text[q.end:m.start]
    if not (len(between) <= 3 and re.fullmatch(r"(?:以上|左右|多)?[市盟旗县区省]?[的级]*", between)
            or re.fullmatch(r"“[^“”，。；]{1,8}”", between)):
        return None
    parsed = split_unit(q.unit or "")
    if parsed is None or parsed[1].base not in _COUNT_BASES and not (
            m.concept.indicators and all(catalog.indicator(c).flow for c in m.concept.indicators)):
        return None
    return m


def candidates(text: str, frame: Frame, issuer_level: str | None = None) -> list[Candidate]:
    """Every value of the text tied to an indicator, with its period and status."""
    mentions = find_mentions(text, issuer_level)
    mentions = sorted(mentions + borrowed_subjects(text, mentions) + elliptic_subjects(text, mentions),
                      key=lambda m: m.start)
    starts = [m.start for m in mentions]
    quantities = find_quantities(text)
    links, taken = respectively(text, quantities)
    out = [c for c in (_candidate(text, frame, link) for link in links) if c]
    prev_end = 0
    for q in quantities:
        if q.start in taken:
            prev_end = q.end
            continue
        link = _link_one(text, frame, mentions, starts, q, prev_end)
        candidate = _candidate(text, frame, link) if link else None
        if candidate:  # a number that is no fact (跨越3个千亿元台阶) does not break a chain
            out.append(candidate)
            prev_end = q.end
            if link.rule == "name-value":
                out.extend(_shared(text, frame, mentions, link))
        elif link and link.rule.startswith("name-value") and _the_names_own(text, link):
            prev_end = q.end  # 货运量1.03亿吨、同比增长5.2%，预计全年突破1.1亿吨: 5.2% is no indicator's, but the name's
    return sorted(_without_milestones(text, out), key=lambda c: c.start)


def _the_names_own(text: str, link: Link) -> bool:
    """A value the name has but no indicator measures (its growth, where only the level is one)."""
    unit = link.quantity.unit or ""
    if not unit.endswith("%") or not continues(link.local):
        return False  # 重大项目开复工率92.8%: the rate's, not the name's
    return choose_indicator(link.mention.concept, unit, _verb(link.local)) is None and not _not_a_fact(text, link)


def _without_milestones(text: str, found: list[Candidate]) -> list[Candidate]:
    """迈上6万亿元台阶，达到62661亿元: the round milestone gives way to the exact value."""
    exact = {(c.indicator, c.year, c.months, c.status, segment_start(text, c.start, "。"))
             for c in found if not first_cue("milestone", text[c.end:c.end + 3])}
    return [c for c in found if not first_cue("milestone", text[c.end:c.end + 3])
            or (c.indicator, c.year, c.months, c.status, segment_start(text, c.start, "。")) not in exact]


def _shared(text: str, frame: Frame, mentions: list[Mention], link: Link) -> list[Candidate]:
    """社会消费品零售总额、固定资产投资增长4%左右: names joined by 、/和 before one value share it."""
    out: list[Candidate] = []
    i = bisect_left(mentions, link.mention.start, key=lambda m: m.start)  # mentions are in text order
    floor = clause_start(text, link.mention.start)
    while i > 0 and mentions[i - 1].start >= floor and \
            text[mentions[i - 1].end:mentions[i].start] in ("、", "和", "及", "与"):
        i -= 1
        c = _candidate(text, frame, Link(link.quantity, mentions[i], link.local, "shared-value"))
        if c:
            out.append(c)
    return out


def _link_one(text: str, frame: Frame, mentions: list[Mention], starts: list[int],
              q: Quantity, prev_end: int) -> Link | None:
    sentence_from, _ = frame.sentence_at(text, q.start)
    forward = _forward_mention(text, mentions, starts, q)
    if forward:
        parsed = split_unit(q.unit or "")
        rule = "count-before-name" if parsed and parsed[1].base in _COUNT_BASES else "value-before-name"
        return Link(q, forward, text[clause_start(text, q.start, sentence_from):q.start], rule)
    m = _nearest_mention(text, mentions, starts, q, sentence_from)
    if m is None:
        return None
    local = text[max(m.end, prev_end):q.start]
    if m.start == m.end:  # an elliptic subject (东胜区完成61.3亿元): the place stands for the name
        return Link(q, m, local, "place-value")
    return Link(q, m, local, "name-value" if max(m.end, prev_end) == m.end else "name-values")


def _not_a_fact(text: str, link: Link) -> bool:
    m, q = link.mention, link.quantity
    gap = _drop_asides(text[m.end:q.start]) if m.end <= q.start else ""
    if has_cue("not_fact", gap) and first_cue("not_fact", _restated(gap)):
        return True
    if q.unit != "%" and re.match(r"(?:以上|以下)?的", text[q.end:q.end + 3]):
        return True  # 超500亿元的县域: a threshold that picks a group, not a value
    if link.rule in _BEFORE_NAME and (text[q.start - 1:q.start] == "等" or
                                      first_cue("part_after", text[m.end:m.end + 6]) or
                                      first_cue("count_scope", text[max(0, q.start - 4):q.start])):
        return True  # 等3个重大项目 are examples; 179个重大项目开工 a part; 涉及120个小区 a scope
    parsed = split_unit(q.unit or "")
    if parsed is not None and _counts_a_noun(text, q.end) and (link.rule == "name-values" or re.search(
            r"[、，,]", gap)) and not first_cue("milestone", text[q.end:q.end + 3]):
        return True  # 完成投资2.8万亿元，3920个新投产项目 / 建成100公里高速公路: the noun's after it
    if link.rule == "name-values" and not continues(_drop_asides(link.local)):
        return True  # 、科技型中小企业入库76家: a new subject took over
    if link.rule == "name-value" and _other_value_between(gap, q):
        return True  # 重大项目开复工率92.8%，…，完成投资2836亿元: 92.8% was another name's
    seps = r"[，,、]" if re.search(r"\d", gap) else r"[，,]"  # after an earlier value, 、 also ends its item
    if link.rule == "name-value" and re.search(seps, gap) and not continues(re.split(seps, gap)[-1]):
        return True  # a later clause with a subject of its own (…行动，共有116个; 60万人以上、省外务工劳动力600万人)
    before = text[clause_start(text, m.start):m.start]
    if "全国" in before[-8:] or "年均" in before[-4:] or has_any_cue(_OTHER_SUBJECT, before):
        return True
    cumulative = all("累计" in catalog.indicator(c).name_zh for c in m.concept.indicators)
    if not cumulative and ("累计" in gap or "累计" in before[-4:]) and \
            not first_cue("within_year", text[segment_start(text, m.start, "。\n"):q.start]):
        return True  # 中欧班列累计开行超1.4万列: a total since the start, not a year's figure
    if not cumulative and first_cue("flow_word", _own_words(before, text[m.start:q.start])) and \
            _in_multi_year_paragraph(text, q.start):
        return True  # 这五年…累计完成防沙治沙6688万亩: a five-year total
    # 由2.57万元增加到3.52万元: a baseline without a year of its own is no fact
    if re.search(r"[由从](?:不足|近|约|超过|超)?$", text[max(0, q.start - 4):q.start]) and \
            not re.search(r"上年|\d{4}年", before + gap):
        return True
    return False


def _other_value_between(gap: str, q: Quantity) -> bool:
    """Whether a value of another unit stands between a name and ``q`` without being
    the name's (a value of the same unit may be a floor restated: 稳定在60亿斤以上，达到62.5亿斤).

    >>> q = Quantity(0, 0, Decimal(2836), "亿元", None)
    >>> _other_value_between("开复工率92.8%，完成投资", q), _other_value_between("1.2万亿元，其中", q)
    (True, False)
    >>> _other_value_between("4539.8亿元、增长", Quantity(0, 0, Decimal("0.6"), "%", None))
    False
    """
    base = split_unit(q.unit or "")
    for m in lexicon().quantity_re.finditer(gap):
        unit = split_unit(m.group("unit") or "")
        if unit is not None and base is not None and unit[1].base != base[1].base and \
                not continues(gap[:m.start()]):  # 固定资产投资4539.8亿元、增长0.6%: the name's own level
            return True
    return False


@lru_cache(maxsize=8192)  # pure, and the same few words come back all the time
def _restated(gap: str) -> str:
    """The words that speak of a value: after an earlier value of the same name, when the
    name is restated as a level (净增300家、达到2100家), only the words after that value.

    >>> _restated("净增300家、达到"), _restated("100亿元、增长")
    ('、达到', '100亿元、增长')
    """
    parts = re.split(r"(?<=\d)[^、，,\d]*(?=[、，,])", gap)
    if len(parts) > 1 and _verb(parts[-1]) == "level":
        return parts[-1]
    return gap


def _counts_a_noun(text: str, pos: int) -> bool:
    """Whether a count is followed by the noun it counts (3920个新投产项目, 120个老旧街区).

    >>> _counts_a_noun("3920个新投产项目", 5), _counts_a_noun("300个以上，", 4), _counts_a_noun("10个、", 3)
    (True, False, False)
    >>> _counts_a_noun("4.6%和6.5%", 4)
    False
    """
    after = text[pos:pos + 2]
    return re.match(r"[\u4e00-\u9fff“]", after) is not None and not re.match(r"[和及与或]\d", after) and \
        not any(after.startswith(w) or text[pos:pos + 3].startswith(w) for w in
                list(lexicon().qualifiers_after) + ["左右", "以上", "以下", "以内"])


@lru_cache(maxsize=8192)  # pure, and the same few words come back all the time
def _drop_asides(s: str) -> str:
    """Without ranking asides (、稳居全国前十强) that stand between two values of one name."""
    for rx, _ in lexicon().cues.get("aside", []):
        s = rx.sub("", s)
    return s


def _own_words(before: str, span: str) -> str:
    """The words that set a value's kind (flow or level): the clause before its name and
    the name up to it, or, after an earlier value of the same name, only what follows that
    (新增发电装机4178万千瓦、总装机达9157万千瓦: 新增 is 4178's).

    >>> _own_words("", "发电装机4178万千瓦、总装机达"), _own_words("累计接待游客17.52亿人次、", "旅游花费")
    ('总装机达', '累计接待游客17.52亿人次、旅游花费')
    """
    parts = re.split(r"\d[^、，,\d]*[、，,]", span)
    return parts[-1] if len(parts) > 1 else before + span


def _in_multi_year_paragraph(text: str, pos: int) -> bool:
    """A paragraph opening with 这五年 or closing with 。五年来 speaks of five years."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return first_cue("multi_year", text[start:end if end >= 0 else len(text)]) is not None


def _verb_before(text: str, m: Mention) -> str | None:
    """新建5G基站5772个: an 'added' verb right before the name counts as the value's verb."""
    verb = _verb(text[max(clause_start(text, m.start), m.start - 3):m.start])
    if verb != "added":  # 新增省级创新平台30个、高新技术企业150家: the list's head verb
        head = text[clause_start(text, m.start):m.start]
        if "、" in head and _verb(head[:6].split("、")[0]) == "added":
            verb = "added"
    return verb if verb == "added" else None


def _five_year_figure(text: str, m: Mention, q: Quantity, code: str) -> bool:
    """In a five-year review, a growth or a flow (累计, 完成, 新增…) covers the five years;
    a cumulative stock (5G基站数(累计)) or a level reached is still the last year's."""
    ind = catalog.indicator(code)
    if "累计" in ind.name_zh:
        return False
    if ind.flow:  # 造林88万亩, 新改建农村公路4.2万公里: work done over the five years
        return True
    return ind.kind == "growth" or first_cue(
        "flow_word", _own_words(text[clause_start(text, m.start):m.start], text[m.start:q.start])) is not None


def _period_text(text: str, link: Link, sentence_from: int) -> str:
    """The words that set a value's year and months: its sentence up to it, or,
    for the B of 从A提升到B, only what follows A (从上半年5.5%降到5.3%)."""
    q, m = link.quantity, link.mention
    if link.rule == "name-values" and re.search(r"[到至]", link.local) and \
            re.search(r"[从由]", text[m.end:q.start - len(link.local)]):
        return link.local
    return text[sentence_from:q.start]


def _candidate(text: str, frame: Frame, link: Link) -> Candidate | None:
    q, m = link.quantity, link.mention
    if not m.concept.indicators or _not_a_fact(text, link):
        return None
    verb = "flat" if q.flat else _verb(link.local) or _verb_before(text, m)
    chosen = choose_indicator(m.concept, q.unit or "", verb)
    if chosen is None:
        return None
    code, sign = chosen
    if verb == "level" and catalog.indicator(code).kind == "growth" and \
            not last_cue("verb_growth", link.local + text[m.start:m.end]):
        return None  # 相当于生产总值的比例达到6.5%: a share reached, not a growth
    unit = catalog.indicator(code).unit
    value = convert(q.number, q.unit or "", unit)
    high = convert(q.high, q.unit or "", unit) if q.high is not None else None
    if value is None:
        return None
    sentence_from, _ = frame.sentence_at(text, q.start)
    start = min(m.start, q.start)
    period_text = _period_text(text, link, sentence_from)
    section = frame.section_at(q.start)
    months = months_in(period_text, section.months)
    if months == "unknown":
        return None
    if section.status == "none":
        return None
    if section.multi_year and _five_year_figure(text, m, q, code) and not names_one_year(period_text, section):
        return None  # 十四五 review: 增长19.8%, 累计接待游客17.52亿人次 are not annual facts
    status, confidence = _status(text, clause_start(text, start, sentence_from), sentence_from, q, section.status)
    stated = _YEAR_AFTER.match(text, q.end)  # 研发经费投入强度达到0.9%（2023年数据）
    year = int(stated.group(1)) if stated else year_in(period_text, section, frame.doc_year) or section.year
    if status == "target":
        months = None
    if status == "actual" and frame.estimated is not None and q.start >= frame.estimated and \
            year == frame.section_at(frame.estimated).year and months is None:
        status = "estimate"  # after 预计数，下同: that year's whole-year figures are estimates
    if link.rule != "name-value":
        confidence -= 0.1
    if q.start - m.end > 15:
        confidence -= 0.1
    return Candidate(code, value * sign, high, _qualifier(text, q, link.local), start,
                     max(q.end, m.end), year, months, status, round(confidence, 2), link.rule, m.end)
