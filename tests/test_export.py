"""Export of the canonical store: CSV, JSON Lines, Parquet, DataFrame."""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from zhibiao import catalog
from zhibiao.errors import ZhibiaoError
from zhibiao.export import export, load
from zhibiao.store import open_store


@pytest.fixture()
def db(tmp_path: Path, seed_facts: list) -> Path:
    path = tmp_path / "z.db"
    with open_store(path) as store:
        store.upsert_facts(seed_facts)
    return path


def by_key(facts: list) -> dict:
    return {(f.region_code, f.indicator, f.year, f.months or "", f.status): f for f in facts}


def test_csv_has_the_columns_and_exact_values(db: Path, tmp_path: Path, seed_facts: list) -> None:
    out = tmp_path / "out.csv"
    with open_store(db) as store:
        assert export(store, "csv", out) == 99
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    required = {"region_code", "region", "indicator", "year", "months", "status", "value",
                "unit", "qualifier"}
    assert required <= set(rows[0])
    facts = by_key(seed_facts)
    assert len(rows) == 99
    for row in rows:
        fact = facts[(row["region_code"], row["indicator"], int(row["year"]), row["months"],
                      row["status"])]
        assert Decimal(row["value"]) == fact.value and row["unit"] == fact.unit
        assert row["qualifier"] == fact.qualifier and row["provenance"] == "extracted"
        assert row["quote"] == fact.source.quote


def test_jsonl_records_follow_the_canonical_schema(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with open_store(db) as store:
        export(store, "jsonl", out)
    validator = jsonschema.Draft202012Validator(catalog.schema("canonical"))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 99
    for line in lines:
        assert list(validator.iter_errors(json.loads(line))) == []


def test_parquet_keeps_values_exact(db: Path, tmp_path: Path, seed_facts: list) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "out.parquet"
    with open_store(db) as store:
        export(store, "parquet", out)
    table = pq.read_table(out).to_pylist()
    facts = by_key(seed_facts)
    assert len(table) == 99
    for row in table:
        fact = facts[(row["region_code"], row["indicator"], row["year"], row["months"] or "",
                      row["status"])]
        assert row["value"] == fact.value


def test_load_is_one_row_per_value(db: Path, seed_facts: list) -> None:
    frame = load(db)
    assert len(frame) == 99 and frame["value"].dtype == "float64"
    gdp = frame[(frame.region_code == "152500") & (frame.indicator == "GDP_GROWTH")]
    facts = [f for f in seed_facts if f.region_code == "152500" and f.indicator == "GDP_GROWTH"]
    assert sorted(gdp["value"]) == sorted(float(f.value) for f in facts)


def test_unknown_format_and_missing_folder(db: Path, tmp_path: Path) -> None:
    with open_store(db) as store:
        with pytest.raises(ZhibiaoError, match="format"):
            export(store, "xml", tmp_path / "o.xml")
        with pytest.raises(ZhibiaoError, match="does not exist"):
            export(store, "csv", tmp_path / "no" / "o.csv")


def test_xlsx_is_a_fresh_registered_workbook(db: Path, tmp_path: Path) -> None:
    from zhibiao.reimport import read_workbook

    out = tmp_path / "canonical.xlsx"
    with open_store(db) as store:
        export(store, "xlsx", out)
        reading = read_workbook(out)
        assert store.workbook_revision(reading.props["workbook_id"]) == store.revision() == 1
    assert reading.props["revision"] == "1" and reading.errors == []
    with open_store(db) as store:
        assert {k: (e.value, e.qualifier) for k, e in reading.entries.items()} == {
            r.key: (r.value, r.qualifier) for r in store.records()}
