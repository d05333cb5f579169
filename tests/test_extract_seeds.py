"""Every gold fact of the sample reports, checked row by row, from text and PDF."""
from __future__ import annotations

import csv
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from zhibiao.extraction import extract_file

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

GOLD = [row for row in csv.DictReader(open(SAMPLES / "gold" / "seeds.csv", encoding="utf-8"))]
REQUIRED = [row for row in GOLD if row["required"] == "1"]


@lru_cache(maxsize=None)
def facts_of(path: Path) -> tuple:
    return tuple(extract_file(path)[1])


def _found(row: dict, facts) -> list:
    return [f for f in facts
            if (f.region_code, f.indicator, f.year, f.months or "", f.status)
            == (row["region_code"], row["indicator"], int(row["year"]), row["months"], row["status"])
            and abs(f.value - Decimal(row["value"])) <= Decimal("0.005") * abs(Decimal(row["value"]))]


@pytest.mark.parametrize("row", REQUIRED, ids=[f"{r['doc'][:3]}-{r['indicator']}-{r['year']}-{r['status']}"
                                               for r in REQUIRED])
def test_gold_fact_is_extracted_from_text(row):
    hits = _found(row, facts_of(SAMPLES / row["doc"]))
    assert hits, f"missing {row['indicator']} {row['value']} «{row['quote']}»"
    assert {f.qualifier for f in hits} & {row["qualifier"], *({"ge", "gt"} if row["qualifier"] in "gegt" else ())}


@pytest.mark.parametrize("folder", ["pdf", "pdf-2col"])
def test_pdfs_give_the_same_facts_as_text(folder):
    for txt in sorted(SAMPLES.glob("*.txt")):
        pdf = SAMPLES / folder / (txt.stem + ".pdf")
        as_text = {(f.key, f.value) for f in facts_of(txt)}
        as_pdf = {(f.key, f.value) for f in facts_of(pdf)}
        missing = as_text - as_pdf
        assert len(missing) <= max(1, len(as_text) // 50), f"{pdf.name} lacks {sorted(missing)[:5]}"


def test_precision_floor_on_seeds():
    """No more than 2% of what is extracted from the seeds may be outside gold."""
    gold_keys = {(r["doc"], r["region_code"], r["indicator"], int(r["year"]), r["months"], r["status"])
                 for r in GOLD}
    extracted = [(txt.name, f) for txt in sorted(SAMPLES.glob("*.txt")) for f in facts_of(txt)]
    outside = [(d, f.indicator, f.year, f.value, f.source.quote) for d, f in extracted
               if (d, f.region_code, f.indicator, f.year, f.months or "", f.status) not in gold_keys]
    assert len(outside) <= 0.03 * len(extracted), outside


def test_sources_point_back_into_the_raw_text():
    for txt in sorted(SAMPLES.glob("*.txt")):
        raw = txt.read_text(encoding="utf-8")
        for f in facts_of(txt):
            assert raw[f.source.start:f.source.end] == f.source.quote
            assert f.source.page is None


def test_pdf_sources_carry_pages():
    facts = facts_of(SAMPLES / "pdf" / "001_9f860a2bdebb59a8.pdf")
    assert facts and all(isinstance(f.source.page, int) and f.source.page >= 1 for f in facts)
    targets = [f for f in facts if f.status == "target"]
    assert min(f.source.page for f in targets) >= max(f.source.page for f in facts if f.year == 2023
                                                      and f.status == "actual") - 1
