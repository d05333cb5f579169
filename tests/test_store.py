"""The canonical SQLite store: schema, provenance, audit log, concurrency."""
from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import pytest

from zhibiao.errors import StoreError
from zhibiao.store import (KIND_CORRECTED, MIGRATIONS, Provenance, Record, default_path,
                           open_store)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corrected(record: Record, value: str, reviewer: str = "张三") -> Record:
    prov = Provenance(KIND_CORRECTED, "samples.xlsx", reviewer=reviewer, sha256="ab" * 32)
    return Record(record.region_code, record.region, record.indicator, record.year, record.months,
                  record.status, Decimal(value), record.unit, record.qualifier,
                  record.value_high, prov)


def test_schema_created_and_versioned(tmp_path: Path) -> None:
    with open_store(tmp_path / "z.db") as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.revision() == 0 and store.count() == 0


def test_default_path_follows_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ZHIBIAO_DB", raising=False)
    assert default_path() == Path("zhibiao.db")
    monkeypatch.setenv("ZHIBIAO_DB", str(tmp_path / "x.db"))
    assert default_path() == tmp_path / "x.db"
    with open_store() as store:
        assert store.path == tmp_path / "x.db"
    assert (tmp_path / "x.db").exists()


def test_missing_store_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no canonical store"):
        open_store(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "z.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_reopening_does_not_touch_the_file(tmp_path: Path, seed_facts: list) -> None:
    path = tmp_path / "z.db"
    with open_store(path) as store:
        store.upsert_facts(seed_facts)
    before = sha(path)
    with open_store(path) as store:
        assert store.count() == len(seed_facts)
    assert sha(path) == before


def test_facts_round_trip_with_provenance(tmp_path: Path, seed_facts: list) -> None:
    with open_store(tmp_path / "z.db") as store:
        counts = store.upsert_facts(seed_facts)
        assert counts == {"new": 99, "changed": 0, "unchanged": 0, "kept": 0}
        assert store.revision() == 1
        by_key = {r.key: r for r in store.records()}
    for fact in seed_facts:
        rec = by_key[fact.key]
        assert rec.value == fact.value and rec.qualifier == fact.qualifier
        assert rec.provenance.kind == "extracted"
        assert rec.provenance.file == fact.doc and rec.provenance.quote == fact.source.quote
        assert rec.to_fact().key == fact.key


def test_upsert_again_is_unchanged_and_keeps_corrections(tmp_path: Path, seed_facts: list) -> None:
    with open_store(tmp_path / "z.db") as store:
        store.upsert_facts(seed_facts)
        first = store.records()[0]
        with store.transaction():
            assert store.put(corrected(first, "1.5"), who="张三", source="samples.xlsx") == "changed"
        counts = store.upsert_facts(seed_facts)
        assert counts == {"new": 0, "changed": 0, "unchanged": 98, "kept": 1}
        assert store.record(first.key).value == Decimal("1.5")
        assert store.revision() == 2  # the no-op upsert made no revision


def test_history_is_append_only_and_filterable(tmp_path: Path, seed_facts: list) -> None:
    with open_store(tmp_path / "z.db") as store:
        store.upsert_facts(seed_facts)
        gdp = next(r for r in store.records(region="152500") if r.indicator == "GDP_GROWTH")
        with store.transaction():
            store.put(corrected(gdp, "9.9"), who="张三", source="samples.xlsx",
                      cell="年度数据!F12", forced=True)
        with store.transaction():
            assert store.remove(gdp.key, who="李四", source="b.xlsx")
        hist = store.history(region="152500", indicator="GDP_GROWTH")
        mine = [h for h in hist if h.year == gdp.year and h.status == gdp.status
                and h.months == gdp.months]
        assert [h.action for h in mine] == ["new", "changed", "removed"]
        assert mine[1].who == "张三" and mine[1].old_value == gdp.value
        assert mine[1].new_value == Decimal("9.9") and mine[1].forced
        assert mine[1].cell == "年度数据!F12" and mine[2].new_value is None
        line = str(mine[1])
        assert "张三" in line and "→ 9.9" in line and "年度数据!F12" in line and "[forced]" in line
        assert mine[1].to_dict()["new_value"] == 9.9
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute("DELETE FROM audit")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute("UPDATE audit SET who = 'x'")


def test_dry_run_and_error_roll_back_byte_identical(tmp_path: Path, seed_facts: list) -> None:
    path = tmp_path / "z.db"
    with open_store(path) as store:
        store.upsert_facts(seed_facts)
        before = sha(path)
        rec = store.records()[0]
        with store.transaction(dry_run=True):
            store.put(corrected(rec, "123"), who="x")
            assert store.record(rec.key).value == Decimal("123")  # visible inside
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.remove(rec.key, who="x")
                raise RuntimeError("boom")
        assert store.record(rec.key).value == rec.value and store.revision() == 1
    assert sha(path) == before


def test_writes_outside_a_transaction_are_refused(tmp_path: Path, seed_facts: list) -> None:
    with open_store(tmp_path / "z.db") as store:
        with pytest.raises(StoreError, match="transaction"):
            store.put(Record.from_fact(seed_facts[0]), who="x")


def _increment(path: str, key: tuple, barrier: "multiprocessing.synchronize.Barrier") -> None:
    # Read-modify-write under the store's transaction, slowly, so that without the
    # write lock both processes would read the same old value and one update be lost.
    with open_store(path) as store:
        barrier.wait()
        for _ in range(5):
            with store.transaction():
                rec = store.record(key)
                time.sleep(0.02)
                store.put(corrected(rec, str(rec.value + 1)), who=f"pid{multiprocessing.current_process().pid}")


def test_two_processes_never_lose_an_update(tmp_path: Path, seed_facts: list) -> None:
    path = tmp_path / "z.db"
    with open_store(path) as store:
        store.upsert_facts(seed_facts)
        rec = store.records()[0]
    # fork: the child needs this test module, which spawn could not import
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_increment, args=(str(path), rec.key, barrier)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with open_store(path) as store:
        assert store.record(rec.key).value == rec.value + 10
        assert store.revision() == 11
        assert len(store.history(region=rec.region_code, indicator=rec.indicator)) >= 11
