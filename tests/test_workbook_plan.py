"""The plan: 来源 order, placements that agree between walks, and memory that stays per row."""
from __future__ import annotations

import tracemalloc
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhibiao import catalog
from zhibiao.facts import Fact, Source
from zhibiao.workbook import layout as L
from zhibiao.workbook.plan import plan_workbook
from zhibiao.workbook.write import write_workbook

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")

REGIONS = {"150000": "内蒙古自治区", "152500": "锡林郭勒盟", "150100": "呼和浩特市"}
CODES = list(catalog.indicators())[:6] + ["NEW_A", "NEW_B"]  # two outside the catalogue


def source_key(pair: tuple[int, Fact]) -> tuple:
    """来源 order as documented, over all facts at once: region, catalogue order (others after
    it, together), sheet, year, months, status, most confident first, then the caller's order."""
    i, f = pair
    known = catalog.indicators()
    order = known[f.indicator].order if f.indicator in known else len(known) + 1
    a, _, b = (f.months or "0").partition("-")
    return (f.region_code, order, (L.ANNUAL, L.TARGETS, L.PARTIAL).index(L.sheet_for(f)), f.year,
            (int(a), int(b or a)), ("actual", "estimate", "target").index(f.status), -f.confidence, i)


@st.composite
def facts(draw: st.DrawFn) -> Fact:
    code = draw(st.sampled_from(CODES))
    ind = catalog.indicators().get(code)
    region = draw(st.sampled_from(sorted(REGIONS)))
    value = Decimal(draw(st.integers(-5, 5)))  # few values, so that twins and rivals are common
    return Fact("r.txt", region, REGIONS[region], code, ind.name_zh if ind else f"新{code}",
                draw(st.integers(2021, 2024)), draw(st.sampled_from([None, None, "1-6", "1-8"])),
                draw(st.sampled_from(["actual", "estimate", "target"])), value,
                ind.unit if ind else "个", source=Source("r.txt", 1, 0, 1, "q"),
                confidence=draw(st.sampled_from([1.0, 0.9, 0.6])), conflict=draw(st.booleans()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts(), max_size=40))
def test_every_walk_places_each_fact_alike(given_facts):
    plan = plan_workbook(given_facts)
    sources = list(plan.sources())
    expected = [f for _, f in sorted(enumerate(given_facts), key=source_key)]
    assert [e.fact for e in sources] == expected and all(
        e.fact is f for e, f in zip(sources, expected))
    assert [e.source_row for e in sources] == list(range(L.FIRST_DATA_ROW + 1, len(given_facts) + 3))
    by_fact = {id(e.fact): e for e in sources}
    snapshot = iter(plan.snapshot())
    for sheet in L.VALUE_SHEETS:
        rows = list(plan.rows(sheet))
        assert [r.number for r in rows] == list(range(L.FIRST_DATA_ROW, L.FIRST_DATA_ROW + len(rows)))
        for row in rows:
            for cell in row.cells:
                assert cell.primary.shown
                for e in cell.entries:
                    assert e.fact.region_code == row.region_code and e.fact.indicator == row.indicator.code
                    placed = by_fact[id(e.fact)]  # as the 来源 walk placed it
                    assert (placed.cell, placed.conflict, placed.behind_actual, placed.source_row) == \
                        (e.cell, e.conflict, e.behind_actual, e.source_row)
                    assert e.cell == L.cell_address(row.number, cell.col)
                s = next(snapshot)
                assert (s.sheet, s.cell, s.source_row) == (sheet, cell.primary.cell, cell.primary.source_row)
    assert next(snapshot, None) is None
    assert all(e.cell for e in sources)


def annual_facts(regions: int) -> list[Fact]:
    """Ten years of every catalogue indicator for ``regions`` regions."""
    out = []
    for r in range(regions):
        code, name = f"{150000 + r * 100}", f"测试地区{r:03d}旗"
        for ind in catalog.indicators().values():
            for y in range(2015, 2025):
                quote = f"{y}年{name}{ind.name_zh}达到{r}{ind.unit}"
                out.append(Fact(f"{code}.txt", code, name, ind.code, ind.name_zh, y, None, "actual",
                                Decimal(r + y), ind.unit, source=Source(f"{code}.txt", 1, 0, 9, quote)))
    return out


def traced_peak(fn, facts: list[Fact]) -> int:
    tracemalloc.start()
    try:
        fn(facts)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def walk_all(facts: list[Fact]) -> None:
    """Plan, then every walk the writer makes."""
    plan = plan_workbook(facts)
    for sheet in L.VALUE_SHEETS:
        for _ in plan.rows(sheet):
            pass
    for _ in plan.sources():
        pass
    for _ in plan.snapshot():
        pass


def test_planning_keeps_nothing_per_fact_but_a_reference():
    small, big = annual_facts(4), annual_facts(36)  # 2,440 and 21,960 facts
    per_fact = (traced_peak(walk_all, big) - traced_peak(walk_all, small)) / (len(big) - len(small))
    # A reference a fact and a count per row: ~13 bytes a fact here.  A placement
    # held per fact, as the plan once did, cost ~450.
    assert per_fact < 40, per_fact


def test_writing_keeps_nothing_per_fact_but_a_reference(tmp_path):
    small, big = annual_facts(3), annual_facts(12)  # 1,830 and 7,320 facts
    write = lambda facts: write_workbook(facts, tmp_path / f"{len(facts)}.xlsx")  # noqa: E731
    per_fact = (traced_peak(write, big) - traced_peak(write, small)) / (len(big) - len(small))
    # The plan, and per row (ten facts here) a sparkline that xlsxwriter keeps: ~20 bytes a fact.
    assert per_fact < 80, per_fact
