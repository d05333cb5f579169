"""分别 lists: 城镇、农村居民收入分别增长4.8%、5.9% maps the values to the names in order."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from .. import gazetteer
from .context import clause_start, segment_start
from .lexicon import ANY, Concept, unnamed, continues, iter_mentions, lexicon, prefixes
from .model import Link, Mention, Quantity


# 分别 maps values in order; 均 gives one value to every item (年均, 人均, 平均 are no list words)
_LIST_WORD = re.compile(r"分别|均(?=[^，。；\d]{0,6}\d)")


def respectively(text: str, quantities: list[Quantity]) -> tuple[list[Link], set[int]]:
    """分别 lists: 城镇、农村居民收入分别增长4.8%、5.9% maps the values in order;
    江夏区、东西湖区均突破1500亿元 gives the one value to each.

    Returns the links and the starts of every value the lists account for
    (一产、二产 values too, which are no indicator's).
    """
    links: list[Link] = []
    taken: set[int] = set()
    q_starts = [q.start for q in quantities]
    for fb in _LIST_WORD.finditer(text):
        if fb.start() and text[fb.start() - 1] in "年人平" and fb.group() == "均":
            continue
        head_from = clause_start(text, fb.start())
        items = _items(text[head_from:fb.start()])
        after = quantities[bisect_left(q_starts, fb.end()):bisect_left(q_starts, fb.end() + 41)]
        chain = _list_values(text, fb.end(), after)
        if fb.group() == "均":
            chain = chain[:1] * len(items) if len(items) > 1 else []
        elif not items and len(chain) > 1:
            if not any(q.start in taken for q in chain):  # else the second run of a list before
                links.extend(_earlier_links(text, head_from, fb.end(), chain, taken))
            continue
        if len(items) < 2 or len(chain) != len(items):
            continue
        taken.update(q.start for q in chain)  # the list's values, even those naming no indicator
        concepts = _list_concepts(items)
        names = [Mention(head_from, fb.start(), c) if c else None for c in concepts] if concepts is not None \
            else _place_items(text, head_from, fb.start())
        if names is None or len(names) != len(chain):
            continue
        runs = [(text[fb.end():chain[0].start], chain)]
        second = _second_run(text, chain, quantities[bisect_left(q_starts, chain[-1].end):])
        if second and fb.group() == "分别":
            runs.append((text[chain[-1].end:second[0].start], second))
            taken.update(q.start for q in second)
        links.extend(Link(q, m, local, "respectively")
                     for local, values in runs for q, m in zip(values, names) if m is not None)
    return links, taken


def _earlier_links(text: str, head_from: int, list_end: int, chain: list[Quantity],
                   taken: set[int]) -> list[Link]:
    """存款余额2.5万亿元，贷款余额2.1万亿元，分别增长7.5%和8.1%: see :func:`_earlier_items`."""
    back = _earlier_items(text, head_from, len(chain))
    if not back:
        return []
    taken.update(q.start for q in chain)
    return [Link(q, m, text[list_end:chain[0].start], "respectively") for q, m in zip(chain, back) if m is not None]


def _items(items_text: str) -> list[str]:
    """The items named before 分别, list words taken off and 城乡居民-like words expanded.

    >>> _items("其中城乡居民人均可支配收入")
    ['城镇居民', '农村居民人均可支配收入']
    """
    for rx, _ in lexicon().cues.get("list_prefix", []):
        items_text = rx.sub("", items_text)
    for rx, expansion in lexicon().cues.get("list_expand", []):
        items_text = rx.sub(expansion, items_text)
    return [s for s in re.split(r"[、和与及]", items_text) if s]


def _second_run(text: str, chain: list[Quantity], rest: list[Quantity]) -> list[Quantity]:
    """分别达6.9万元、3.4万元，增长4.2%、5.3%: a second run of as many values, mapped the same way."""
    if rest and re.match(r"[，,、]", text[chain[-1].end:rest[0].start]) and \
            continues(text[chain[-1].end:rest[0].start]):
        second = _list_values(text, chain[-1].end, rest)
        if len(second) == len(chain):
            return second
    return []


def _place_items(text: str, start: int, end: int) -> list[Mention] | None:
    """呼和浩特、包头、鄂尔多斯地区生产总值 / 海口美兰、三亚凤凰机场旅客吞吐量: items that each
    open with a place, the last closed by the name they share. One mention per item,
    starting right after its place, so that the place is the value's region.

    >>> [(m.start, m.end, m.concept.name) for m in _place_items("海口美兰、三亚凤凰机场旅客吞吐量", 0, 16)]
    [(2, 4, 'AIRPORT_PASSENGERS'), (7, 16, 'AIRPORT_PASSENGERS')]
    >>> _place_items("城镇、农村居民人均可支配收入", 0, 14) is None
    True
    """
    segments = [(m.start(), m.end()) for m in re.finditer(r"[^、和与及]+", text[start:end])]
    if len(segments) < 2:
        return None
    last_from, last_to = segments[-1]
    names = [m for m in lexicon().mention_re.finditer(text[start:end], last_from, last_to) if m.end() == last_to]
    concept = lexicon().group_concepts[names[-1].lastgroup or ""] if names else _concept_before(text, start)
    if concept is None or not concept.indicators:
        return None
    out = []
    for i, (seg_from, seg_to) in enumerate(segments):
        places = gazetteer.names_in(text[start + seg_from:start + seg_to])
        # the first item may open with a verb (推动江夏区、东西湖区…分别达到)
        if not places or places[0][0] > (_lead(text[start + seg_from:start + seg_to]) if i == 0 else 0):
            return None
        out.append(Mention(start + seg_from + places[0][1], start + seg_to, concept))
    return out


def _lead(segment: str) -> int:
    """How many characters of list words open a list's first item (推动, 预计…: ``list_prefix``)."""
    return max((m.end() for rx, _ in lexicon().cues.get("list_prefix", []) if (m := rx.match(segment))), default=0)


def _concept_before(text: str, pos: int) -> Concept | None:
    """The last named concept of the sentence before ``pos``: what an elliptic list of places
    speaks of (武昌区地区生产总值突破2100亿元，江岸区、洪山区分别达到1780亿元和1720亿元)."""
    sentence_from = segment_start(text, pos, "。；;\n")
    found = list(iter_mentions(text[sentence_from:pos]))
    return found[-1][2] if found else None


_PIECE = re.compile(r"[^，,、]+")


def _earlier_items(text: str, clause_from: int, n: int) -> list[Mention | None] | None:
    """存款余额2.5万亿元，贷款余额2.1万亿元，分别增长7.5%和8.1%: a 分别 opening its clause
    refers to the ``n`` items before it in the sentence, one value each; each item's
    name (None for a name of no indicator).
    """
    sentence_from = segment_start(text, clause_from, "。；;\n")
    items = list(_PIECE.finditer(text, sentence_from, clause_from))[-n:]  # the sentence's pieces, placed
    quantity = lexicon().quantity_re
    if len(items) != n or any(len(quantity.findall(p.group())) != 1 or "分别" in p.group() for p in items):
        return None
    out: list[Mention | None] = []
    for piece in items:
        m = lexicon().mention_re.search(piece.group())
        concept = lexicon().group_concepts[m.lastgroup or ""] if m else None
        out.append(Mention(piece.start() + m.start(), piece.start() + m.end(), concept)
                   if m and concept and concept.indicators else None)
    return out if any(out) else None


def _list_values(text: str, pos: int, after: list[Quantity]) -> list[Quantity]:
    """The run of values right after 分别 + verb, separated by 、/和/，."""
    chain: list[Quantity] = []
    for q in after:
        gap = text[pos:q.start]
        if chain and not re.fullmatch(r"(?:左右|以上|以下|以内)?[、和与及，,]", gap):
            break
        if not chain and len(gap) > 6:
            break
        chain.append(q)
        pos = q.end
    return chain


def _list_concepts(items: list[str]) -> list[Concept | None] | None:
    """Each list item completed with the shared head noun, as a concept.

    The last item carries the head (三产增加值); the others take the shortest
    tail of it that makes a known name (一产 + 增加值 is no indicator: None).
    """
    last = items[-1]
    full = _anchored_concept(last)
    for j in range(1, len(last)):
        tail = last[j:]
        found = [_anchored_concept(item + tail) for item in items[:-1]]
        if any(found):  # 原煤、原油、天然气产量: 原煤 + 产量, though 天然气产量 is none
            return found + [full]
    own = [_anchored_concept(item) for item in items[:-1]]
    if full is not None and any(own):  # 城镇调查失业率、居民消费价格涨幅: whole names each
        return own + [full]
    if full is None:  # 规上工业增加值、规上服务业营收分别增长6.5%和7%: items that are whole names
        own = [_anchored_concept(item) for item in items]
        return own if any(own) else None
    return [None] * (len(items) - 1) + [full]  # 一产、二产 name no indicator: only 三产 counts


def _anchored_concept(phrase: str) -> Concept | None:
    m = lexicon().mention_re.match(phrase)
    if m and m.end() == len(phrase):
        concept = lexicon().group_concepts[m.lastgroup or ""]
        return concept if concept.indicators else None
    return None


def borrowed_subjects(text: str, mentions: list[Mention]) -> list[Mention]:
    """规模以上工业企业达7.6万家、增加值增长3%: a bare name (增加值, 产量) opening a list
    item borrows the subject of the item before, when the two make a known name.

    >>> [(m.start, m.end, m.concept.name) for m in borrowed_subjects("实现粮食播种面积3320万亩、产量1285万吨以上", [])]
    [(15, 17, 'GRAIN_OUTPUT')]
    >>> borrowed_subjects("生猪出栏300万头、产量45万吨", [])
    []
    """
    out: list[Mention] = []
    starts = [m.start for m in mentions]
    for rx in _bare_names():
        for bare in rx.finditer(text):
            s = bare.start(1)
            i = bisect_left(starts, s)
            if i > 0 and mentions[i - 1].end > s:
                continue  # part of a longer name
            item_from = segment_start(text, s - 1, "、，,。；;\n")
            subject = re.split(r"\d", text[item_from:s - 1], maxsplit=1)[0][-12:]
            concept = _subject_concept(subject, bare.group(1))
            if concept is not None:
                out.append(Mention(s, bare.end(), concept))
    return out


@lru_cache(maxsize=None)
def _bare_names() -> list[re.Pattern[str]]:
    """The bare-name cues right after a list separator (searched from the separator: fast)."""
    return [re.compile(f"[、，,]({unnamed(rx.pattern)})") for rx, _ in lexicon().cues.get("bare_name", [])]


@lru_cache(maxsize=None)
def _first_chars() -> frozenset[str]:
    """The characters a name can start with (a piece starting otherwise names nothing)."""
    heads = set()
    for _, pattern in lexicon().alternatives:
        found = prefixes(pattern, 1)
        if found is None:
            return frozenset()  # some name may start anywhere: no filter
        heads |= {h[0] for h in found if h and h[0] != ANY}
    return frozenset(heads)


def _subject_concept(subject: str, bare: str) -> Concept | None:
    """The longest piece of ``subject`` that with ``bare`` makes a known name."""
    firsts = _first_chars()
    pieces = sorted({subject[i:j] for i in range(len(subject)) if not firsts or subject[i] in firsts
                     for j in range(i + 2, len(subject) + 1)}, key=len, reverse=True)
    for piece in pieces:
        concept = _anchored_concept(piece + bare)
        if concept is not None:
            return concept
    return None


# a place opening a clause with a verb and a number but no name: 东胜区完成61.3亿元
_ELLIPTIC_VERB = re.compile(r"(?:全年)?(?:完成|实现|达到|突破|增长|下降)(?=\d)")
_ELLIPTIC_CLAUSE = re.compile(r"[；;，,](?=[^，,。；;\d]{2,12}?(?:完成|实现|达到|突破|增长|下降)\d)")  # a cheap first look


def elliptic_subjects(text: str, mentions: list[Mention]) -> list[Mention]:
    """准格尔旗…一般公共预算收入分别完成…；东胜区完成61.3亿元，增长6.2%: a division opening a
    clause with a verb and a number speaks of the sentence's last name. The mention is
    empty, right after the place, so that the place is the value's region.

    >>> from zhibiao.extraction.rules import find_mentions
    >>> t = "准格尔旗一般公共预算收入完成236.5亿元；东胜区完成61.3亿元"
    >>> [(m.start, m.end, m.concept.name) for m in elliptic_subjects(t, find_mentions(t, None))]
    [(25, 25, 'BUDGET_REVENUE')]
    """
    out: list[Mention] = []
    starts = [m.start for m in mentions]
    for sep in _ELLIPTIC_CLAUSE.finditer(text):
        pos = sep.end()
        if not gazetteer.may_open_with_name(text[pos:pos + 2]):
            continue
        places = gazetteer.names_in(text[pos:pos + 12])
        if not places or places[0][0] != 0 or not _ELLIPTIC_VERB.match(text, pos + places[0][1]):
            continue
        i = bisect_left(starts, pos) - 1
        if i < 0 or mentions[i].start < segment_start(text, pos, "。\n") or not mentions[i].concept.indicators:
            continue
        out.append(Mention(pos + places[0][1], pos + places[0][1], mentions[i].concept))
    return out
