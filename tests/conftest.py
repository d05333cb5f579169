"""Shared fixtures: the bundled samples and, when present, ../shared."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is absent")
    return SHARED


def gold_facts(csv_path: Path) -> list:
    """Facts made from a gold CSV (seeds.csv), with the gold quote as the source.

    Used by the workbook, validation and store tests so that they run on real
    report values independently of extraction.
    """
    import csv
    from decimal import Decimal

    from zhibiao import catalog
    from zhibiao.facts import Fact, Source

    out = []
    with open(csv_path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            ind = catalog.indicator(row["indicator"])
            high = (row.get("value_high") or "").strip()
            out.append(Fact(
                doc=row["doc"], region_code=row["region_code"], region=row["region"],
                indicator=ind.code, indicator_name=ind.name_zh, year=int(row["year"]),
                months=row["months"] or None, status=row["status"],
                value=Decimal(row["value"]), unit=ind.unit, qualifier=row["qualifier"],
                value_high=Decimal(high) if high else None,
                source=Source(row["doc"], None, 0, len(row["quote"]), row["quote"]),
                confidence=1.0 if row["required"] == "1" else 0.6, rule="gold",
            ))
    return out


@pytest.fixture(scope="session")
def seed_facts() -> list:
    """The gold facts of the five sample reports (samples/gold/seeds.csv)."""
    return gold_facts(SAMPLES / "gold" / "seeds.csv")
