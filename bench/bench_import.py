"""Speed of re-importing a reviewed workbook.

Builds a synthetic standard workbook of REGIONS (real county codes from the
gazetteer) × 61 indicators × YEARS annual values, then measures

* reading: every sheet's cells with python-calamine (what the importer uses)
  against openpyxl in read-only mode on the same file, as value cells per second;
* the whole import into a fresh SQLite store (every value ``new``: reading,
  comparing, validating, writing) and the re-import of the same file (every
  value ``unchanged``).

    .venv/bin/python bench/bench_import.py [--regions 300] [--years 10] [--keep DIR]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from zhibiao import catalog, gazetteer
from zhibiao.facts import Fact, Source
from zhibiao.reimport import import_workbook, read_rows, read_workbook
from zhibiao.store import open_store
from zhibiao.workbook.write import write_workbook

FIRST_YEAR = 2015


def value_of(kind: str, r: int, year: int) -> Decimal:
    """Plausible values: levels grow 5% a year, so levels and growths agree."""
    if kind == "concentration":
        return Decimal(20 + r % 40)
    if kind == "growth":
        return Decimal("5")
    if kind == "ratio":
        return Decimal(40 + r % 50) + Decimal("0.5")
    if kind == "count":
        return Decimal(100 + r)
    return (Decimal(1000 + r) * Decimal("1.05") ** (year - FIRST_YEAR)).quantize(Decimal("0.01"))


def synthetic_facts(regions: int, years: int) -> list[Fact]:
    counties = [g for g in gazetteer.regions().values() if g.level == "county"][:regions]
    out = []
    for r, region in enumerate(counties):
        for ind in catalog.indicators().values():
            for y in range(FIRST_YEAR, FIRST_YEAR + years):
                v = value_of("concentration" if ind.code == "PM25" else ind.kind, r, y)
                quote = f"{y}年{region.name}{ind.name_zh}{v}{ind.unit}"
                out.append(Fact(f"{region.code}.txt", region.code, region.name, ind.code,
                                ind.name_zh, y, None, "actual", v, ind.unit,
                                source=Source(f"{region.code}.txt", 1, 0, len(quote), quote),
                                rule="bench"))
    return out


def timed(label: str, fn, cells: int) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:44} {seconds:7.2f} s  {cells / seconds:>10,.0f} value cells/s")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=300)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--keep", type=Path, help="folder to keep the workbook and store in")
    ap.add_argument("--reuse", action="store_true", help="reuse the workbook already in --keep")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="zhibiao-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    book, db = folder / "bench.xlsx", folder / "bench.db"
    db.unlink(missing_ok=True)

    cells = args.regions * len(catalog.indicators()) * args.years
    start = time.perf_counter()
    if not (args.reuse and book.exists()):
        write_workbook(synthetic_facts(args.regions, args.years), book, revision=0)
    print(f"workbook: {args.regions} regions × {len(catalog.indicators())} indicators × "
          f"{args.years} years = {cells:,} value cells, {book.stat().st_size / 1e6:.1f} MB, "
          f"written (or reused) in {time.perf_counter() - start:.1f} s")

    cal = timed("read all sheets, python-calamine", lambda: read_rows(book, "calamine"), cells)
    opx = timed("read all sheets, openpyxl read-only", lambda: read_rows(book, "openpyxl"), cells)
    print(f"{'calamine speed-up':44} {opx / cal:7.1f} ×")
    timed("read_workbook (value sheets + _meta), calamine", lambda: read_workbook(book), cells)
    timed("read_workbook (value sheets + _meta), openpyxl", lambda: read_workbook(book, "openpyxl"),
          cells)
    with open_store(db) as store:
        report = None

        def first() -> None:
            nonlocal report
            report = import_workbook(book, store, reviewer="bench")
        timed("import into a fresh store (all new)", first, cells)
        assert report is not None and report.new == cells, report.to_dict()
        timed("import again (all unchanged)", lambda: import_workbook(book, store, reviewer="bench"),
              cells)
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
