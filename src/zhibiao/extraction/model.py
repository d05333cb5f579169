"""The records extraction passes between its steps: names, values, links, candidates."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .lexicon import Concept


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    concept: Concept


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    number: Decimal
    unit: str | None
    inner: str | None
    high: Decimal | None = None
    flat: bool = False  # 持平: a growth of zero written in words


@dataclass(frozen=True)
class Candidate:
    """A value tied to an indicator, before region and dedupe."""

    indicator: str
    value: Decimal
    value_high: Decimal | None
    qualifier: str
    start: int
    end: int
    year: int
    months: str | None
    status: str
    confidence: float
    rule: str
    mention_end: int | None = None


@dataclass
class Link:
    quantity: Quantity
    mention: Mention
    local: str  # text between the last thing before the value and the value
    rule: str
