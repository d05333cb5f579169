"""Canonical data out of the store: CSV, JSON Lines, Parquet, a fresh workbook, a DataFrame.

* CSV: one row per value, exact decimal text, columns :data:`COLUMNS`.
* JSON Lines: one canonical record per line (``canonical.schema.json``).
* Parquet: the CSV's columns; ``value``/``value_high`` as decimal128, so exact.
* xlsx: the standard workbook, registered in the store with the revision it
  reflects so that a later import can tell which cells went stale.
* :func:`load`: a pandas DataFrame, ``value``/``value_high`` as float64 for analysis.
"""
from __future__ import annotations

import csv
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from . import catalog
from .errors import ZhibiaoError
from .store import Record, Store, canon, open_store

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
COLUMNS = ("region_code", "region", "indicator", "indicator_name", "year", "months", "status",
           "value", "unit", "qualifier", "value_high", "provenance", "source_file", "source_page",
           "source_start", "source_end", "quote", "reviewer", "workbook_sha256", "changed_at",
           "revision")


def _name(code: str) -> str:
    known = catalog.indicators()
    return known[code].name_zh if code in known else code


def row_of(rec: Record) -> dict[str, Any]:
    """A record as a flat row; value fields stay Decimal (None when empty)."""
    p = rec.provenance
    return {"region_code": rec.region_code, "region": rec.region, "indicator": rec.indicator,
            "indicator_name": _name(rec.indicator), "year": rec.year, "months": rec.months,
            "status": rec.status, "value": rec.value, "unit": rec.unit,
            "qualifier": rec.qualifier, "value_high": rec.value_high, "provenance": p.kind,
            "source_file": p.file, "source_page": p.page, "source_start": p.start,
            "source_end": p.end, "quote": p.quote, "reviewer": p.reviewer,
            "workbook_sha256": p.sha256, "changed_at": p.at, "revision": rec.revision}


def write_csv(records: list[Record], out: Path) -> None:
    # utf-8-sig: Excel on Chinese Windows opens it without mojibake.
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        for rec in records:
            row = row_of(rec)
            row["value"] = canon(rec.value)
            row["value_high"] = "" if rec.value_high is None else canon(rec.value_high)
            w.writerow({k: "" if v is None else v for k, v in row.items()})


def write_jsonl(records: list[Record], out: Path) -> None:
    with open(out, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")


def _decimal_type(values: list[Decimal | None]) -> Any:
    import pyarrow as pa

    scale = max([-int(v.normalize().as_tuple().exponent) for v in values if v is not None] + [0])
    return pa.decimal128(38, min(max(scale, 0), 18))


def write_parquet(records: list[Record], out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [row_of(r) for r in records]
    columns: dict[str, Any] = {}
    for name in COLUMNS:
        values = [r[name] for r in rows]
        if name in ("value", "value_high"):
            dtype = _decimal_type(values)
            values = [None if v is None else v.quantize(Decimal(1).scaleb(-dtype.scale))
                      for v in values]
            columns[name] = pa.array(values, type=dtype)
        elif name in ("year", "source_page", "source_start", "source_end", "revision"):
            columns[name] = pa.array(values, type=pa.int64())
        else:
            columns[name] = pa.array(values, type=pa.string())
    pq.write_table(pa.table(columns), out)


def write_xlsx(store: Store, out: Path) -> None:
    """A fresh standard workbook of the canonical data, registered in the store."""
    try:
        from .workbook.write import write_workbook
    except ImportError as exc:  # the writer is developed alongside
        raise ZhibiaoError(f"xlsx export needs zhibiao.workbook.write: {exc}") from exc
    # Read the records and the revision in one transaction so they agree.
    with store.transaction():
        records = store.records()
        revision = store.revision()
    import uuid

    workbook_id = uuid.uuid4().hex
    write_workbook([r.to_fact() for r in records], out, workbook_id=workbook_id,
                   revision=revision)
    store.register_workbook(workbook_id, str(out), revision)


WRITERS: dict[str, Callable[[list[Record], Path], None]] = {
    "csv": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}


def export(store: Store, fmt: str, out: str | os.PathLike[str]) -> int:
    """Write the canonical data in *fmt* to *out*; returns the number of values."""
    path = Path(out)
    if fmt not in FORMATS:
        raise ZhibiaoError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not path.parent.exists():
        raise ZhibiaoError(f"{path}: folder {path.parent} does not exist")
    if fmt == "xlsx":
        write_xlsx(store, path)
        return store.count()
    records = store.records()
    try:
        WRITERS[fmt](records, path)
    except OSError as exc:
        raise ZhibiaoError(f"{path}: {exc.strerror or exc}") from exc
    return len(records)


def load(db: str | os.PathLike[str] | Store | None = None) -> Any:
    """The canonical data as a pandas DataFrame, one row per value.

    ``value`` and ``value_high`` are float64 (exact text is in the CSV and
    JSON Lines exports); ``months`` is None for a whole year.
    """
    import pandas as pd

    store = db if isinstance(db, Store) else open_store(db)
    try:
        rows = [row_of(r) for r in store.records()]
    finally:
        if store is not db:
            store.close()
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for name in ("value", "value_high"):
        frame[name] = pd.to_numeric(frame[name].map(lambda v: None if v is None else float(v)))
    return frame
