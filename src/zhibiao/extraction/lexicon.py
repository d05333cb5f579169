"""The extraction vocabulary, compiled once from ``templates/extraction/``.

Concepts (what reports call each indicator), qualifier words and context cues
are data; this module only turns them into regular expressions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as _sre_c, _parser as _sre  # type: ignore[attr-defined]  # regex parse trees
from typing import Any, Iterable, Iterator

from .. import catalog
from . import numbers


@dataclass(frozen=True)
class Concept:
    """A thing reports name, and the indicators a value of it can be."""

    name: str
    indicators: tuple[str, ...]  # empty: a blocker (names something that is not an indicator)
    added: str | None
    issuer_levels: frozenset[str]
    drop_positive: bool = False


@dataclass(frozen=True)
class Lexicon:
    """Everything extraction reads from data, compiled."""

    concepts: dict[str, Concept]
    mention_re: re.Pattern[str]  # group name = concept index "c<i>"
    group_concepts: dict[str, Concept]
    alternatives: tuple[tuple[str, str], ...]  # (group name, pattern), longest first
    quantity_re: re.Pattern[str]
    qualifiers_before: dict[str, str]
    qualifiers_after: dict[str, str]
    qualifiers_inner: dict[str, str]
    cues: dict[str, list[tuple[re.Pattern[str], str]]]
    any_cue: dict[str, re.Pattern[str]]  # per kind of several patterns, all in one: a cheap "none here"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _concepts() -> tuple[dict[str, Concept], list[tuple[str, str]], dict[str, Concept]]:
    concepts: dict[str, Concept] = {}
    parts: list[tuple[int, str, str]] = []
    groups: dict[str, Concept] = {}
    for i, row in enumerate(catalog.read_csv("extraction/concepts.csv")):
        c = Concept(row["concept"], tuple(row["indicators"].split()), row["added"].strip() or None,
                    frozenset((row.get("issuer_levels") or "").split()),
                    (row.get("drop_positive") or "").strip() == "1")
        for code in c.indicators + ((c.added,) if c.added else ()):
            catalog.indicator(code)  # a typo in the data file is an error at load time
        concepts[c.name] = c
        for j, pattern in enumerate(row["patterns"].split("|")):
            # split on top-level '|' only: patterns use (?:…|…) groups inside
            parts.append((i, f"c{i}_{j}", pattern))
    merged = _merge_top_level(parts)
    alternatives = []
    for i, name, pattern in sorted(merged, key=lambda p: -_literal_length(p[2])):
        groups[name] = list(concepts.values())[i]
        alternatives.append((name, pattern))
    return concepts, alternatives, groups


def _by_first_char(alternatives: list[tuple[str, str]]) -> dict[str, re.Pattern[str]]:
    """One small alternation per first character, longest names first.

    Trying only the names that can start at a position, instead of all of them
    everywhere, is what makes scanning a report fast.
    """
    by_char: dict[str, list[str]] = {}
    for name, pattern in alternatives:
        heads = prefixes(pattern)
        if not heads:
            raise ValueError(f"templates/extraction/concepts.csv: {pattern!r} can start with any character")
        for ch in {h[0] for h in heads}:
            by_char.setdefault(ch, []).append(f"(?P<{name}>{pattern})")
    return {ch: re.compile("|".join(alts)) for ch, alts in by_char.items()}


def _two_char_heads(alternatives: list[tuple[str, str]]) -> tuple[frozenset[str], frozenset[str]]:
    """Two-character starts of names, and first characters after which anything may follow."""
    pairs: set[str] = set()
    singles: set[str] = set()
    for _, pattern in alternatives:
        for h in prefixes(pattern) or ():
            if h.endswith(ANY) or len(h) < 2:
                singles.add(h[0])
            else:
                pairs.add(h)
    return frozenset(pairs), frozenset(singles)


def _merge_top_level(parts: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Rejoin pieces of a pattern that a naive split on '|' cut inside a group."""
    out: list[tuple[int, str, str]] = []
    buf = ""
    for i, name, piece in parts:
        buf = f"{buf}|{piece}" if buf else piece
        if buf.count("(") == buf.count(")"):
            out.append((i, name, buf))
            buf = ""
    return out


def _literal_length(pattern: str) -> int:
    """The longest text a pattern can match (capped): longer phrases are tried first.

    >>> _literal_length("(?:盟级|市级|旗级)?重点(?:工程)?项目"), _literal_length("重大项目前期工作经费")
    (804, 1010)
    """
    low, high = _sre.parse(pattern).getwidth()
    return min(high, 60) * 100 + min(low, 60)  # of two as long, the one that must match more first


ANY = "\x00"  # stands for "any character" in a prefix


def prefixes(pattern: str, k: int = 2) -> set[str] | None:
    """The strings of length k (or shorter, ending in ANY) a match of ``pattern`` can start with.

    Scanning a report for these, a cheap set lookup per position, lets the
    name regexes run only where a name can start. None if the first
    character is unconstrained.

    >>> sorted(prefixes("(?:盟级|市级)?重点项目"))
    ['市级', '盟级', '重点']
    >>> sorted(prefixes("人次[^。]{0,6}总花费")), prefixes("[^，]{0,4}贷款") is None
    (['人次'], True)
    >>> sorted(prefixes("造林(?=[0-9])|林业"))
    ['林业', '造林']
    """
    result = {h if len(h) >= k or h.endswith(ANY) else h + ANY for h in _seq(_sre.parse(pattern), {""}, k)}
    if any(h.startswith(ANY) for h in result):
        return None
    return {h[:k] for h in result}


def _seq(items: Any, heads: set[str], k: int) -> set[str]:
    """The heads (up to k characters) after a sequence of parsed regex items."""
    for op, av in items:
        if all(len(h) >= k or h.endswith(ANY) for h in heads):
            break
        heads = {h + t for h in heads for t in _one(op, av, k - len(h), k)} if heads else heads
    return heads


def _one(op: Any, av: Any, room: int, k: int) -> set[str]:
    """What one parsed regex item can start with, up to ``room`` characters."""
    c = _sre_c
    if room <= 0:
        return {""}
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.IN:
        if any(o is c.NEGATE or o is c.CATEGORY for o, _ in av):
            return {ANY}
        chars = {chr(a) for o, a in av if o is c.LITERAL}
        for o, a in av:
            if o is c.RANGE:
                chars |= {chr(x) for x in range(a[0], a[1] + 1)}
        return chars
    if op is c.SUBPATTERN:
        return {h[:room] for h in _seq(av[-1], {""}, k)}
    if op is c.BRANCH:
        return {h[:room] for b in av[1] for h in _seq(b, {""}, k)}
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        out = {""} if av[0] == 0 else set()
        heads = {""}
        for _ in range(min(av[1], room)):
            heads = {h[:room] for h in _seq(av[2], heads, k)}
            out |= heads
        return out if out else {""}
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return {""}
    return {ANY}


def _quantity_pattern() -> str:
    units = _alternation(list(numbers.units()))
    mult = _alternation(list(numbers.multipliers()))
    inner = _alternation([r["word"] for r in catalog.read_csv("extraction/qualifiers.csv")
                          if r["position"] == "inner"])
    num = numbers.ARABIC
    unit = rf"(?:{mult})?(?:{units})"
    return (rf"(?P<num>{num})(?P<inner>{inner})?(?P<unit>{unit})?"
            rf"(?:\s*(?P<dash>[—–~\-]{{1,2}}|至|到)\s*(?P<num2>{num})(?P<inner2>{inner})?(?P<unit2>{unit}))?")


@lru_cache(maxsize=None)
def lexicon() -> Lexicon:
    """The compiled vocabulary (cached)."""
    concepts, alternatives, groups = _concepts()
    mention = "|".join(f"(?P<{name}>{pattern})" for name, pattern in alternatives)

    quals = catalog.read_csv("extraction/qualifiers.csv")
    by_pos = {pos: {r["word"]: r["qualifier"] for r in quals if r["position"] == pos}
              for pos in ("before", "after", "inner")}
    cues: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for row in catalog.read_csv("extraction/cues.csv"):
        cues.setdefault(row["kind"], []).append((re.compile(row["pattern"]), row.get("value") or ""))
    return Lexicon(concepts, re.compile(mention), groups, tuple(alternatives), re.compile(_quantity_pattern()),
                   by_pos["before"], by_pos["after"], by_pos["inner"], cues,
                   {kind: re.compile("|".join(f"(?:{unnamed(rx.pattern)})" for rx, _ in rows))
                    for kind, rows in cues.items() if len(rows) > 1})


def unnamed(pattern: str) -> str:
    """A pattern with its named groups made plain, to be joined with others."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@lru_cache(maxsize=None)
def _mention_index(issuer_level: str | None) -> tuple[re.Pattern[str], dict[str, re.Pattern[str]]]:
    """The names valid in a report of ``issuer_level``: a regex finding where
    one may start (its first two characters), and per first character the names.

    A blocker meant for other levels (省重大项目 in a county's report) is left
    out before matching, so that it cannot swallow a name of this report; one
    meant for this level is tried first, being the more specific (市级重点项目
    in a banner's report is the city's list).
    """
    lex = lexicon()
    alternatives = [(name, pattern) for name, pattern in lex.alternatives
                    if not lex.group_concepts[name].issuer_levels
                    or issuer_level in lex.group_concepts[name].issuer_levels]
    alternatives.sort(key=lambda a: not lex.group_concepts[a[0]].issuer_levels)  # stable: level-specific first
    pairs, singles = _two_char_heads(alternatives)
    return heads_regex(pairs, singles), _by_first_char(alternatives)


def heads_regex(pairs: Iterable[str], singles: Iterable[str] = ()) -> re.Pattern[str]:
    """A regex matching any of the two-character ``pairs`` or one of ``singles``.

    Grouped by first character, so the engine skips the positions no head can
    start at in C; searching it from each failed start finds the next one
    without a Python step per character.

    >>> [m.group() for m in heads_regex({"重点", "重大", "项目"}, {"亿"}).finditer("重大项目和亿元")]
    ['重大', '项目', '亿']
    """
    by_first: dict[str, set[str]] = {}
    for p in pairs:
        by_first.setdefault(p[0], set()).add(p[1])
    alts = [re.escape(a) + "[" + "".join(re.escape(b) for b in sorted(bs)) + "]"
            for a, bs in sorted(by_first.items())]
    return re.compile("|".join(alts + [re.escape(s) for s in sorted(singles)]))


def iter_mentions(text: str, issuer_level: str | None = None) -> Iterator[tuple[int, int, Concept]]:
    """Every name of a concept in text: leftmost, then longest, never overlapping.

    >>> [(s, e, c.name) for s, e, c in iter_mentions("全年原煤产量1.37亿吨，外送煤7560万吨")]
    [(2, 6, 'COAL'), (13, 16, 'COAL_PART')]
    >>> [c.name for *_, c in iter_mentions("推进省重大项目800个", "province")]
    ['KEY_PROJECT_PROVINCE']
    >>> [c.name for *_, c in iter_mentions("推进省重大项目800个", "county")]
    ['KEY_PROJECT_HIGHER']
    >>> [c.name for *_, c in iter_mentions("市级重点项目96个", "county")], [c.name for *_, c in iter_mentions("市级重点项目96个", "prefecture")]
    (['KEY_PROJECT_PREFECTURE'], ['KEY_PROJECT'])
    """
    concepts = lexicon().group_concepts
    heads, by_char = _mention_index(issuer_level)
    search = heads.search
    pos = 0
    while (hit := search(text, pos)) is not None:
        start = hit.start()
        m = by_char[text[start]].match(text, start)
        if m:
            yield start, m.end(), concepts[m.lastgroup or ""]
            pos = m.end()
        else:
            pos = start + 1


def has_cue(kind: str, text: str) -> bool:
    """Whether any cue of ``kind`` occurs in text (one search for all of them)."""
    lex = lexicon()
    combined = lex.any_cue.get(kind)
    if combined is not None:
        return combined.search(text) is not None
    return any(rx.search(text) for rx, _ in lex.cues.get(kind, ()))


@lru_cache(maxsize=None)
def _any_of(kinds: tuple[str, ...]) -> re.Pattern[str]:
    rows = [rx for kind in kinds for rx, _ in lexicon().cues.get(kind, [])]
    return re.compile("|".join(f"(?:{unnamed(rx.pattern)})" for rx in rows))


def has_any_cue(kinds: tuple[str, ...], text: str) -> bool:
    """Whether a cue of any of ``kinds`` occurs in text (one search for all of them)."""
    return _any_of(kinds).search(text) is not None


def first_cue(kind: str, text: str) -> tuple[re.Match[str], str] | None:
    """The earliest match of any cue of ``kind`` in text, with its value."""
    lex = lexicon()
    if not has_cue(kind, text):
        return None
    best: tuple[re.Match[str], str] | None = None
    for rx, value in lex.cues[kind]:
        m = rx.search(text)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, value)
    return best


def last_cue(kind: str, text: str) -> tuple[re.Match[str], str] | None:
    """The match of a cue of ``kind`` that ends last in text, with its value."""
    if not has_cue(kind, text):
        return None
    best: tuple[re.Match[str], str] | None = None
    for rx, value in lexicon().cues.get(kind, []):
        for m in rx.finditer(text):
            if best is None or m.end() > best[0].end() or (
                    m.end() == best[0].end() and len(m.group()) > len(best[0].group())):
                best = (m, value)
    return best


@lru_cache(maxsize=8192)  # pure, and the same few words come back all the time
def continues(local: str) -> bool:
    """Whether the words between two values leave the first value's name in force.

    >>> continues("、增长"), continues("，完成投资"), continues("、舍饲肉牛达到")
    (True, True, False)
    """
    return _continuation().fullmatch(local) is not None


@lru_cache(maxsize=None)
def _continuation() -> re.Pattern[str]:
    """Verbs, chain words, period words and qualifiers, any number of them (增加到 before 增加)."""
    kinds = ("verb_level", "verb_added", "verb_flat", "verb_growth", "chain_word", "months")
    words = [f"(?:{unnamed(rx.pattern)})" for kind in kinds for rx, _ in lexicon().cues.get(kind, [])]
    words += [re.escape(w) for w in sorted(lexicon().qualifiers_before, key=len, reverse=True)]
    return re.compile(f"(?:{'|'.join(words)}|[\\s，、,和及以上左右（(])*")
