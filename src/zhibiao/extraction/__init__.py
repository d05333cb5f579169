"""Extraction of standard indicators from a read document.

``read_document → frame (sections, years) → candidates (mentions ↔ values)
→ facts (regions, sources, dedupe)``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from ..facts import Fact, Mention, Source
from .context import frame
from .place import resolve_issuer, subregions
from .rules import Candidate, candidates

if TYPE_CHECKING:
    from ..documents import Document

__all__ = ["extract", "extract_file", "dedupe"]


def extract(document: "Document", *, region: str | None = None, year: int | None = None) -> list[Fact]:
    """The facts of one document. ``region``/``year`` override what the text says."""
    text = document.text
    issuer = resolve_issuer(text, region)
    hint = re.search(r"(?:19|20)\d\d", document.name)
    fr = frame(text, year_hint=int(hint.group()) if hint else None, year=year)
    facts = [f for c in candidates(text, fr, issuer.level) for f in _facts(document, c, issuer, region is None)]
    return dedupe(facts)


def extract_file(path: str | Path, *, region: str | None = None,
                 year: int | None = None) -> "tuple[Document, list[Fact]]":
    """Read a report and extract its facts (the unit of work of a batch)."""
    from ..documents import read_document

    document = read_document(path)
    return document, extract(document, region=region, year=year)


def _facts(document: "Document", c: Candidate, issuer, allow_subregion: bool) -> list[Fact]:
    """The facts of one candidate: one per place it belongs to (a list of places shares it)."""
    places = subregions(document.text, c.start, issuer, c.mention_end, c.indicator) if allow_subregion else []
    if c.rule == "respectively":
        places = places[-1:]  # 海口美兰、三亚凤凰机场…分别: each value has its own item's place
    if c.rule == "place-value" and not places:
        return []  # an elliptic subject outside the issuer (北京增长6%): no fact of this report
    return [_fact(document, c, issuer, where) for where in places] if places else [_fact(document, c, issuer, None)]


def _fact(document: "Document", c: Candidate, issuer, where) -> Fact:
    place = where or issuer
    ind = catalog.indicator(c.indicator)
    raw_start, raw_end = document.raw_span(c.start, c.end)
    source = Source(document.name, document.page_at(c.start), raw_start, raw_end,
                    document.quote(c.start, c.end))
    return Fact(doc=document.name, region_code=place.code, region=place.name, indicator=ind.code,
                indicator_name=ind.name_zh, year=c.year, months=c.months, status=c.status,
                value=c.value, unit=ind.unit, qualifier=c.qualifier, value_high=c.value_high,
                source=source, confidence=c.confidence if where is None else c.confidence - 0.05,
                rule=c.rule)


def dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per (key, value), later mentions kept in its source; keys with
    two different values are all marked as a conflict.

    >>> from decimal import Decimal
    >>> f = Fact("a", "150000", "内蒙古自治区", "GDP", "地区生产总值", 2023, None, "actual",
    ...          Decimal(5), "亿元", source=Source("a", None, 0, 3, "GDP5"))
    >>> g = f.with_(source=Source("a", None, 9, 12, "GDP5"))
    >>> [len(x.source.also) for x in dedupe([f, g])]
    [1]
    >>> [x.conflict for x in dedupe([f, f.with_(value=Decimal(6))])]
    [True, True]
    """
    merged: dict[tuple, Fact] = {}
    for f in facts:
        k = (f.key, f.value, f.value_high)
        if k in merged:
            first = merged[k]
            also = first.source.also + (Mention(f.source.page, f.source.start, f.source.end, f.source.quote),)
            merged[k] = first.with_(source=Source(**{**vars(first.source), "also": also}),
                                    confidence=max(first.confidence, f.confidence))
        else:
            merged[k] = f
    values_per_key: dict[tuple, int] = {}
    for f in merged.values():
        values_per_key[f.key] = values_per_key.get(f.key, 0) + 1
    return [f.with_(conflict=True) if values_per_key[f.key] > 1 else f for f in merged.values()]
