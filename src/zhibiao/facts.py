"""The fact record shared by extraction, workbooks, validation and the store.

A fact's identity is ``(region_code, indicator, year, months, status)``; its
value is a :class:`~decimal.Decimal` in the indicator's standard unit.  The
JSON form (``to_dict``) is described by ``templates/schemas/fact.schema.json``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Iterable

STATUSES = ("actual", "estimate", "target")
QUALIFIERS = ("eq", "approx", "ge", "gt", "le", "lt", "range")

Key = tuple[str, str, int, "str | None", str]


@dataclass(frozen=True)
class Mention:
    """One place in a report where a fact is stated."""

    page: int | None
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Source:
    """Where a fact came from: the file and the first mention, plus later ones."""

    file: str
    page: int | None
    start: int
    end: int
    quote: str
    also: tuple[Mention, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file, "page": self.page, "start": self.start,
                             "end": self.end, "quote": self.quote}
        if self.also:
            d["also"] = [vars(m).copy() for m in self.also]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Source":
        also = tuple(Mention(m.get("page"), int(m["start"]), int(m["end"]), m["quote"])
                     for m in d.get("also") or ())
        return cls(d.get("file", ""), d.get("page"), int(d.get("start", 0)),
                   int(d.get("end", 0)), d.get("quote", ""), also)


@dataclass(frozen=True)
class Fact:
    """One value of one standard indicator (see FACTS.md)."""

    doc: str
    region_code: str
    region: str
    indicator: str
    indicator_name: str
    year: int
    months: str | None
    status: str
    value: Decimal
    unit: str
    qualifier: str = "eq"
    value_high: Decimal | None = None
    source: Source = field(default_factory=lambda: Source("", None, 0, 0, ""))
    confidence: float = 1.0
    rule: str = ""
    conflict: bool = False

    @property
    def key(self) -> Key:
        return (self.region_code, self.indicator, self.year, self.months, self.status)

    def with_(self, **changes: Any) -> "Fact":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready record; Decimals become numbers.

        >>> f = Fact("a.txt", "152500", "锡林郭勒盟", "GDP", "地区生产总值", 2023, None,
        ...          "actual", Decimal("1200.5"), "亿元")
        >>> f.to_dict()["value"], f.to_dict()["value_high"]
        (1200.5, None)
        >>> Fact.from_dict(f.to_dict()) == f
        True
        """
        d: dict[str, Any] = {
            "doc": self.doc, "region_code": self.region_code, "region": self.region,
            "indicator": self.indicator, "indicator_name": self.indicator_name,
            "year": self.year, "months": self.months, "status": self.status,
            "value": decimal_to_json(self.value),
            "value_high": None if self.value_high is None else decimal_to_json(self.value_high),
            "unit": self.unit, "qualifier": self.qualifier, "source": self.source.to_dict(),
            "confidence": round(self.confidence, 3), "rule": self.rule,
        }
        if self.conflict:
            d["conflict"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Fact":
        high = d.get("value_high")
        return cls(
            doc=d["doc"], region_code=str(d["region_code"]), region=d.get("region", ""),
            indicator=d["indicator"], indicator_name=d.get("indicator_name", ""),
            year=int(d["year"]), months=d.get("months") or None, status=d["status"],
            value=Decimal(str(d["value"])), unit=d.get("unit", ""),
            qualifier=d.get("qualifier") or "eq",
            value_high=None if high is None else Decimal(str(high)),
            source=Source.from_dict(d.get("source") or {}),
            confidence=float(d.get("confidence", 1.0)), rule=d.get("rule", ""),
            conflict=bool(d.get("conflict", False)),
        )


def decimal_to_json(value: Decimal) -> int | float:
    """A Decimal as the plainest JSON number.

    >>> decimal_to_json(Decimal("13700")), decimal_to_json(Decimal("0.90"))
    (13700, 0.9)
    """
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def read_jsonl(lines: Iterable[str]) -> list[Fact]:
    """Facts from JSON Lines text (blank lines ignored)."""
    import json

    return [Fact.from_dict(json.loads(line)) for line in lines if line.strip()]
