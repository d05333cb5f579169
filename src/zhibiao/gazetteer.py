"""The region gazetteer: China's administrative divisions and their GB/T 2260 codes.

The data lives in ``templates/``: ``gazetteer.csv`` (every province, prefecture
and county, built by ``tools/make_gazetteer.py`` from a maintained dataset, see
``gazetteer.md``) and ``gazetteer_aliases.csv`` (hand-kept abbreviations such as
锡盟, and, with an empty code, words that look like names but are not names in
running text, such as 青山 in 绿水青山). This module is only the logic.

Names are matched in simplified and in traditional characters (內蒙古自治區
is 150000 too), so spans always point into the text as given; ``issuer``
converts a traditional text to simplified itself before weighing it.

>>> r = region("152500")
>>> r.name, r.level, r.parent_code, r.short_names
('锡林郭勒盟', 'prefecture', '150000', ('锡林郭勒', '锡盟'))
>>> [x.name for x in parent_chain("152501")]
['二连浩特市', '锡林郭勒盟', '内蒙古自治区']
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from . import catalog
from .errors import CatalogError

LEVELS = ("province", "prefecture", "county")
GAZETTEER = "gazetteer.csv"
ALIASES = "gazetteer_aliases.csv"


@dataclass(frozen=True)
class Region:
    """One administrative division; ``parent_code`` is None for a province."""

    code: str
    name: str
    level: str  # province | prefecture | county
    parent_code: str | None
    short_names: tuple[str, ...]

    @property
    def depth(self) -> int:
        """0 for a province, 1 for a prefecture, 2 for a county."""
        return LEVELS.index(self.level)


@dataclass(frozen=True)
class _Data:
    regions: dict[str, Region]
    full: dict[str, tuple[str, ...]]  # full name -> codes
    short: dict[str, tuple[str, ...]]  # short name or alias -> codes
    stop: frozenset[str]  # words never taken for a name in running text


@lru_cache(maxsize=1)
def _data() -> _Data:
    aliases, stop = _read_aliases()
    regions: dict[str, Region] = {}
    for i, row in enumerate(catalog.read_csv(GAZETTEER)):
        try:
            code, level = row["code"].strip(), row["level"].strip()
            shorts = [s for s in (row["short_names"] or "").split("|") if s]
            shorts += [a for a in aliases.get(code, ()) if a not in shorts]
            regions[code] = Region(code, row["name"].strip(), level,
                                   row["parent_code"].strip() or None, tuple(shorts))
        except KeyError as exc:
            raise CatalogError(f"templates/{GAZETTEER} row {i + 2}: missing column {exc}") from None
        if level not in LEVELS:
            raise CatalogError(f"templates/{GAZETTEER} row {i + 2}: bad level {level!r}")
    for alias_code in aliases:
        if alias_code not in regions:
            raise CatalogError(f"templates/{ALIASES}: unknown code {alias_code!r}")
    full: dict[str, list[str]] = defaultdict(list)
    short: dict[str, list[str]] = defaultdict(list)
    for r in regions.values():
        full[r.name].append(r.code)
        for s in r.short_names:
            short[s].append(r.code)
    return _Data(regions, _with_traditional(full), _with_traditional(short),
                 frozenset(_with_traditional({w: [] for w in stop})))


def _with_traditional(index: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The index plus each key's traditional form (錫林郭勒盟), unless that form is
    itself a simplified key. One OpenCC call for all keys: it costs per call."""
    keys = list(index)
    out = {k: tuple(v) for k, v in index.items()}
    for simp, trad in zip(keys, _convert("s2t", "\n".join(keys)).split("\n")):
        if trad != simp and trad not in out:
            out[trad] = out[simp]
    return out


@lru_cache(maxsize=None)
def _opencc(config: str):  # -> opencc.OpenCC
    import opencc  # imported late: only the gazetteer's first use pays for it

    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    return _opencc(config).convert(text) if text else text


_TRADITIONAL_SHARE = 0.02  # simplified text changes under t2s only in rare characters (乾安县)


def _simplified(text: str) -> str:
    """``text`` in simplified characters: converted only when it is mostly
    traditional, since t2s also rewrites a few simplified names (乾安县 → 干安县).

    >>> _simplified("內蒙古自治區人民政府"), _simplified("乾安县" + "人民政府工作报告" * 10)[:3]
    ('内蒙古自治区人民政府', '乾安县')
    """
    converted = _convert("t2s", text)
    if len(converted) != len(text):
        return converted
    changed = sum(a != b for a, b in zip(text, converted))
    return converted if changed > _TRADITIONAL_SHARE * len(text) else text


def _read_aliases() -> tuple[dict[str, list[str]], set[str]]:
    """Aliases by code, and the stop words (rows with no code)."""
    by_code: dict[str, list[str]] = defaultdict(list)
    stop: set[str] = set()
    for row in catalog.read_csv(ALIASES):
        alias, code = row["alias"].strip(), (row.get("code") or "").strip()
        if len(alias) < 2:
            raise CatalogError(f"templates/{ALIASES}: alias {alias!r} is under 2 characters")
        if code:
            by_code[code].append(alias)
        else:
            stop.add(alias)
    return by_code, stop


def regions() -> dict[str, Region]:
    """Every division by code.

    >>> len(regions()) > 3000, sum(r.level == "province" for r in regions().values())
    (True, 34)
    """
    return _data().regions


def region(code: str) -> Region:
    """The division with this six-digit code; CatalogError naming it if unknown.

    >>> region("150624").name
    '鄂托克旗'
    >>> region("159999")
    Traceback (most recent call last):
    ...
    zhibiao.errors.CatalogError: unknown region code '159999' (see templates/gazetteer.csv)
    """
    try:
        return _data().regions[code]
    except KeyError:
        raise CatalogError(f"unknown region code {code!r} (see templates/{GAZETTEER})") from None


def exists(code: str) -> bool:
    """Whether the code is a current division.

    >>> exists("150781"), exists("150000"), exists("150799"), exists("")
    (True, True, False, False)
    """
    return code in _data().regions


def parent_chain(code: str) -> list[Region]:
    """The region, its parent, ... up to its province.

    >>> [r.code for r in parent_chain("150624")]
    ['150624', '150600', '150000']
    >>> [r.code for r in parent_chain("110105")]  # municipal districts hang under the province
    ['110105', '110000']
    """
    chain = [region(code)]
    while chain[-1].parent_code:
        chain.append(region(chain[-1].parent_code))
    return chain


def is_within(code: str, ancestor: str) -> bool:
    """Whether ``code`` is ``ancestor`` or lies inside it.

    >>> is_within("152501", "150000"), is_within("152501", "152500"), is_within("152500", "152500")
    (True, True, True)
    >>> is_within("150000", "152500"), is_within("640100", "150000")
    (False, False)
    """
    return any(r.code == ancestor for r in parent_chain(code))


def province_of(code: str) -> Region:
    """The province a division lies in.

    >>> province_of("152501").name
    '内蒙古自治区'
    """
    return parent_chain(code)[-1]


def find(name: str, within: str | None = None) -> Region | None:
    """The division a name or short name stands for, or None.

    A full name wins over a short name. When several divisions share the name,
    the closest context wins: those inside ``within``, else inside its parent,
    and so on up to its province; among what is left a single one of the highest
    level wins (吉林 is the province before the city). Otherwise None.

    >>> [find(n).code for n in ("锡林郭勒盟", "锡盟", "二连浩特", "二连", "鄂托克旗", "内蒙古", "宁夏")]
    ['152500', '152500', '152501', '152501', '150624', '150000', '640000']
    >>> find("新城区") is None, find("新城区", within="150000").code, find("新城区", "150100").code
    (True, '150102', '150102')
    >>> find("新城区", within="150624").code  # nearest enclosing context: 内蒙古
    '150102'
    >>> find("吉林").code, find("吉林", within="220200").code  # the province; the city in context
    ('220000', '220200')
    >>> find("火星") is None, find("") is None, find("鄂托克前旗").code
    (True, True, '150623')
    >>> find("錫林郭勒盟").code, find("內蒙古").code
    ('152500', '150000')
    """
    d = _data()
    name = name.strip()
    codes = d.full.get(name) or d.short.get(name)  # simplified or traditional
    return _resolve(codes, within) if codes else None


def _resolve(codes: tuple[str, ...], within: str | None) -> Region | None:
    if len(codes) > 1 and within and exists(within):
        for ctx in parent_chain(within):
            inside = tuple(c for c in codes if is_within(c, ctx.code))
            if inside:
                codes = inside
                break
    if len(codes) > 1:
        top = min(region(c).depth for c in codes)
        codes = tuple(c for c in codes if region(c).depth == top)
    return region(codes[0]) if len(codes) == 1 else None


# --- names in running text -------------------------------------------------

# A name whose last character starts the next word (区域, 县级, 市场, 县城) was
# cut from running text: 提高县域 is not 高县, 海南区域 is 海南 not 海南区,
# 包头市场 is 包头, 中南部县城 is not 南部县.
_SUFFIX_CHARS = frozenset("区县市州旗盟區縣")
_WORD_AFTER = {"域": _SUFFIX_CHARS, "级": _SUFFIX_CHARS, "級": _SUFFIX_CHARS,
               "场": frozenset("市"), "場": frozenset("市"), "城": frozenset("县縣")}


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, re.Pattern[str]], frozenset[str]]:
    """Every name, short name, alias and stop word, grouped by first character:
    a regex finding where a name may start (a possible first character before a
    possible second one), the two-character starts themselves, and for each
    first character a trie regex of the rest. One alternation of all names is
    eight times slower: the engine tries its ~1,200 first branches at every
    position."""
    d = _data()
    tails: dict[str, list[str]] = defaultdict(list)
    for w in (*d.full, *d.short, *d.stop):
        if len(w) >= 2:
            tails[w[0]].append(w[1:])
    pairs = frozenset(c + w[0] for c, ws in tails.items() for w in ws)
    firsts = "".join(re.escape(c) for c in sorted(tails))
    seconds = "".join(re.escape(c) for c in sorted({p[1] for p in pairs}))
    starts = re.compile(f"[{firsts}](?=[{seconds}])")
    return starts, {c: re.compile(_trie_pattern(ws)) for c, ws in tails.items()}, pairs


def may_open_with_name(text: str) -> bool:
    """Whether ``text`` may begin with a division's name (a cheap test before :func:`names_in`).

    >>> may_open_with_name("临潼区深化旅游"), may_open_with_name("深化旅游")
    (True, False)
    """
    return text[:2] in _matcher()[2]


def _next_name(text: str, pos: int) -> tuple[int, int] | None:
    """The span of the first name at or after ``pos``, longest at its start."""
    starts, tails, pairs = _matcher()
    for m in starts.finditer(text, pos):
        i = m.start()
        if text[i:i + 2] in pairs:
            tail = tails[text[i]].match(text, i + 1)
            if tail:
                return i, tail.end()
    return None


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, longest first.

    >>> p = re.compile(_trie_pattern(["锡林郭勒", "锡林郭勒盟", "锡林浩特市"]))
    >>> [m.group() for m in p.finditer("锡林郭勒盟和锡林浩特市和锡林郭勒")]
    ['锡林郭勒盟', '锡林浩特市', '锡林郭勒']
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return body + "?" if ends else body

    return build(trie)


def names_in(text: str, within: str | None = None, *,
             spans: dict[int, tuple[int, int] | None] | None = None) -> list[tuple[int, int, Region]]:
    """Every division named in ``text``: (start, end, region), in text order, the
    longest name at a position winning and no two overlapping.

    A name is dropped when it cannot be resolved (ambiguous in the context of
    ``within``, see :func:`find`) or is a stop word (绿水青山); a county's
    two-character name (和县, 东胜) only counts inside ``within``'s province,
    since such names are often plain words.

    >>> [(s, e, r.code) for s, e, r in names_in("锡盟二连浩特市和鄂托克旗")]
    [(0, 2, '152500'), (2, 7, '152501'), (8, 12, '150624')]
    >>> [r.name for *_, r in names_in("坚持绿水青山就是金山银山，锡林郭勒盟新城区")]
    ['锡林郭勒盟']
    >>> [r.code for *_, r in names_in("呼和浩特市新城区", within="150000")]
    ['150100', '150102']
    >>> [r.code for *_, r in names_in("提高县域经济，东胜区和东胜")], [r.code for *_, r in names_in("东胜", "150000")]
    (['150602'], ['150602'])
    >>> [(s, e, r.code) for s, e, r in names_in("海南区域合作和包头市场")]
    [(0, 2, '460000'), (7, 9, '150200')]
    >>> [(s, e, r.code) for s, e, r in names_in("錫林郭勒盟二連浩特市、滿洲里口岸")]  # traditional
    [(0, 5, '152500'), (5, 10, '152501'), (11, 14, '150781')]
    """
    d = _data()
    province = province_of(within).code if within and exists(within) else None
    out: list[tuple[int, int, Region]] = []
    pos = 0
    spans = {} if spans is None else spans  # where names start does not depend on ``within``
    while (span := spans[pos] if pos in spans else spans.setdefault(pos, _next_name(text, pos))) is not None:
        start, end = span
        word = text[start:end]
        if word in d.stop:
            pos = end
            continue
        nxt = text[end:end + 1]
        if word[-1] in _WORD_AFTER.get(nxt, ()):
            # The suffix belongs to the next word: try the name without it.
            hit = _shorter(word, within, province)
            if hit:
                out.append((start, start + len(hit[0]), hit[1]))
                pos = start + len(hit[0])
            else:
                pos = start + 1
            continue
        r = _accept(word, within, province)
        if r is not None:
            out.append((start, end, r))
        pos = end
    return out


def _accept(word: str, within: str | None, province: str | None) -> Region | None:
    """The region ``word`` names in running text, if the context allows it.

    A county's name is a plain word more often than a province's: two-character
    ones (和县, 东胜) need ``within``'s province to hold them, and so do short
    names once a context is known (清水河 is a river in 宁夏, a county in 内蒙古).
    """
    r = find(word, within)
    if r is None or r.level != "county":
        return r
    inside = province is not None and is_within(r.code, province)
    if len(word) == 2 or (province is not None and word not in _data().full):
        return r if inside else None
    return r


def _shorter(word: str, within: str | None, province: str | None) -> tuple[str, Region] | None:
    d = _data()
    for k in range(len(word) - 1, 1, -1):
        head = word[:k]
        if head in d.stop:
            return None
        if head in d.full or head in d.short:
            r = _accept(head, within, province)
            if r is not None:
                return head, r
    return None


# --- who issued a report ---------------------------------------------------

_HEAD = 3000  # title, issuer line and opening address live in the first pages
_TITLE_WEIGHT = 5.0  # one 锡林郭勒盟行政公署 says more than five passing mentions
_INSTITUTION = re.compile(
    r"(?:人民政府|行政公署|行署|人大常委会|人民代表大会|政府工作报告|政府|党委|盟委|旗委|市委|县委|区委|州委"
    r"|委员会|统计局|国民经济和社会发展)"
)
# 全盟/我盟/本盟/全地区: the issuer speaking of itself by its level's last
# character; not 健全县级, 安全区域, 资本市场, 基本县情, 自我.
# (The look-behinds follow the first character so that the engine can skip to 全/本/我.)
_SELF_WORD = re.compile(
    r"(?:全(?<![健安完齐周保成十]全)|本(?<![资根基成样版日范剧课文]本)|我(?<![自忘]我))"
    r"(地?[省区盟旗县州](?![域级])|地?市(?![域级场]))"
)
_MAJORITY = 0.5


def issuer(text: str, *, simplified: bool = False) -> Region | None:
    """The division that issued a report (in either script), or None.

    Evidence: every name in the text (one point), a name followed by an
    institution in the first pages (锡林郭勒盟行政公署, 鄂托克旗人大常委会: five
    points), and each 全X/我X/本X word (全盟, 我旗, 全地区), credited to the
    named division whose name ends in X. A point for a division counts for its
    ancestors too, and the issuer is the deepest division holding a majority of
    all points: a banner's report names its banner more than its league or region.

    >>> issuer("锡林郭勒盟行政公署关于……全盟完成……内蒙古自治区……二连浩特市……").code
    '152500'
    >>> issuer("2026年内蒙古自治区政府工作报告 全区……锡林郭勒盟……呼和浩特市……包头市").code
    '150000'
    >>> issuer("我旗……鄂托克旗……全旗……全市") .code
    '150624'
    >>> _SELF_WORD.findall("健全县级，安全区域，资本市场，全盟上下，我市，全县城乡，全地区")
    ['盟', '市', '县', '地区']
    >>> issuer("没有地名的文字") is None, issuer("內蒙古自治區人民政府 全區……赤峰市……通遼市").code
    (True, '150000')
    """
    if not simplified:  # a normalized Document's text is simplified already
        text = _simplified(text)
    spans: dict[int, tuple[int, int] | None] = {}  # the head is read twice: without, then with context
    within = _context_province(text, spans)
    direct: Counter[str] = Counter()
    for start, end, r in names_in(text, within, spans=spans):
        weight = 1.0
        if start < _HEAD and _INSTITUTION.match(text, end):
            weight += _TITLE_WEIGHT
        direct[r.code] += weight
    if not direct:
        return None
    named = Counter(direct)  # targets are chosen on names alone, in no order
    for suffix, n in Counter(_SELF_WORD.findall(text)).items():
        target = _self_word_target(suffix, named)
        if target:
            direct[target] += n
    return _deepest_majority(direct)


def _context_province(text: str, spans: dict[int, tuple[int, int] | None]) -> str | None:
    """The province most names in the text lie in (first pass, no context)."""
    counts = Counter(province_of(r.code).code for *_, r in names_in(text, spans=spans))
    return counts.most_common(1)[0][0] if counts else None


def _subtree(direct: Counter[str]) -> Counter[str]:
    total: Counter[str] = Counter()
    for code, w in direct.items():
        for r in parent_chain(code):
            total[r.code] += w
    return total


def _self_word_target(suffix: str, direct: Counter[str]) -> str | None:
    """The division a 全X word speaks for: of those named (or holding named
    ones) whose name ends in X, the most named, then the one holding most."""
    sub = _subtree(direct)
    cands = [c for c in sub if region(c).name.endswith(suffix)]
    return max(cands, key=lambda c: (direct[c], sub[c], region(c).depth), default=None)


def _deepest_majority(direct: Counter[str]) -> Region | None:
    sub = _subtree(direct)
    total = sum(direct.values())
    winners = [c for c, w in sub.items() if w >= _MAJORITY * total]
    if not winners:
        return None
    return region(max(winners, key=lambda c: (region(c).depth, sub[c])))
