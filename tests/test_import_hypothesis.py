"""Round trip: canonical data → fresh workbook → import changes nothing."""
from __future__ import annotations

import hashlib
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhibiao import catalog
from zhibiao.export import export
from zhibiao.facts import QUALIFIERS
from zhibiao.reimport import import_workbook
from zhibiao.store import KIND_CORRECTED, Provenance, Record, open_store

REGIONS = {"150000": "内蒙古自治区", "152500": "锡林郭勒盟", "150624": "鄂托克旗"}
INDICATORS = list(catalog.indicators())


@st.composite
def records(draw: st.DrawFn) -> Record:
    code = draw(st.sampled_from(INDICATORS))
    ind = catalog.indicator(code)
    places = 0 if ind.kind == "count" else draw(st.integers(0, 4))
    value = draw(st.decimals(min_value=-500, max_value=10**9, places=places,
                             allow_nan=False, allow_infinity=False))
    qualifier = draw(st.sampled_from(QUALIFIERS))
    high = value + draw(st.decimals(min_value=1, max_value=100, places=places)) \
        if qualifier == "range" else None
    region = draw(st.sampled_from(sorted(REGIONS)))
    prov = Provenance(KIND_CORRECTED, "seed.xlsx", reviewer="测试", sha256="0" * 64, at="2026-01-01")
    return Record(region, REGIONS[region], code, draw(st.integers(2018, 2026)),
                  draw(st.sampled_from([None, None, "1-6", "1-8", "1-11"])),
                  draw(st.sampled_from(["actual", "estimate", "target"])), value, ind.unit,
                  qualifier, high, prov)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=40, unique_by=lambda r: r.key))
def test_canonical_to_workbook_to_import_changes_nothing(recs: list[Record]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db, book = Path(tmp) / "z.db", Path(tmp) / "canonical.xlsx"
        with open_store(db) as store:
            with store.transaction():
                for rec in recs:
                    store.put(rec, who="seed")
            export(store, "xlsx", book)
            before = hashlib.sha256(db.read_bytes()).hexdigest()
            report = import_workbook(book, store, reviewer="张三")
            assert (report.changed, report.new, report.removed, report.rejected) == (0, 0, 0, 0)
            # every value shown in the workbook was compared (an estimate hidden
            # behind an actual of the same year is not shown, by design)
            hidden = {(r.region_code, r.indicator, r.year) for r in recs
                      if r.status == "actual" and r.months is None}
            shown = [r for r in recs if not (r.status == "estimate" and r.months is None
                                             and (r.region_code, r.indicator, r.year) in hidden)]
            assert report.unchanged == len(shown)
            assert {r.key: (r.value, r.qualifier, r.value_high) for r in store.records()} == {
                r.key: (r.value, r.qualifier, r.value_high) for r in recs}
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_exact_decimals_survive_the_workbook(tmp_path: Path, seed_facts: list) -> None:
    tricky = [f.with_(value=v) for f, v in zip(seed_facts, (Decimal("0.1"), Decimal("1234567.891"),
                                                           Decimal("29.34"), Decimal("-3.5")))]
    with open_store(tmp_path / "z.db") as store:
        store.upsert_facts(tricky)
        export(store, "xlsx", tmp_path / "b.xlsx")
        report = import_workbook(tmp_path / "b.xlsx", store, reviewer="张三")
    assert (report.unchanged, report.changed) == (4, 0)


decimals_15 = st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False,
                          allow_infinity=False)


@given(decimals_15)
def test_parse_cell_reads_numbers_and_typed_text_exactly(value: Decimal) -> None:
    from zhibiao.reimport import parse_cell

    assert parse_cell(float(value)).value == value            # a number cell
    plain = format(value, "f")
    assert parse_cell(plain).value == value                   # typed as text
    width = plain.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.-"})
    assert parse_cell(width).value == value                   # full-width digits
    grouped = f"{value:,f}"
    assert parse_cell(grouped).value == value                 # thousands separators
    assert parse_cell(f"约{plain}%", "%").value == value and parse_cell(f"约{plain}", "%").qualifier == "approx"
