"""Where every fact goes: the pure-Python plan the writer streams out row by row.

xlsxwriter's constant-memory mode needs each sheet written top to bottom, and a
grid cell's comment needs the 来源 row of its facts, so all placement is
decided here first (linear in the number of facts) and the writer only walks
the plan.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from .. import catalog
from ..facts import Fact
from . import layout as L

_SHEET_RANK = {L.ANNUAL: 0, L.TARGETS: 1, L.PARTIAL: 2}
_STATUS_RANK = {"actual": 0, "estimate": 1, "target": 2}


@dataclass(slots=True)
class Entry:
    """One fact and where it is shown."""

    fact: Fact
    source_row: int                 # Excel row number in 来源
    sheet: str
    cell: str = ""                  # address (F12) of the value cell showing it (or its rival)
    shown: bool = False             # its value is the one in that cell
    conflict: bool = False
    behind_actual: bool = False     # an estimate hidden by an actual of the same year


@dataclass(slots=True)
class Cell:
    """A value cell: the fact it shows and the others that compete for it."""

    col: int
    entries: list[Entry]            # entries[0] is shown

    @property
    def primary(self) -> Entry:
        return self.entries[0]

    @property
    def conflict(self) -> bool:
        return self.primary.conflict


@dataclass(slots=True)
class Row:
    """One row of a grid sheet (region × indicator) or of 期中数据 (one fact)."""

    region_code: str
    region: str
    indicator: catalog.Indicator
    cells: list[Cell] = field(default_factory=list)
    first_of_region: bool = False

    @property
    def first_source_row(self) -> int | None:
        rows = [e.source_row for c in self.cells for e in c.entries]
        return min(rows) if rows else None


@dataclass
class Plan:
    """Everything the writer needs, in write order."""

    annual: L.Grid
    targets: L.Grid
    annual_rows: list[Row]
    target_rows: list[Row]
    partial_rows: list[Row]
    sources: list[Entry]

    def snapshot(self) -> Iterable[L.SnapshotRow]:
        """One row per shown value cell, in sheet and row order."""
        for sheet, rows in ((L.ANNUAL, self.annual_rows), (L.TARGETS, self.target_rows),
                            (L.PARTIAL, self.partial_rows)):
            for row in rows:
                for cell in row.cells:
                    e = cell.primary
                    f = e.fact
                    yield L.SnapshotRow(sheet, e.cell, f.region_code, f.indicator, f.year,
                                        f.months, f.status, f.value, f.qualifier,
                                        f.value_high, e.conflict, e.source_row)


def indicator_of(code: str, fact: Fact | None = None) -> catalog.Indicator:
    """The catalogue entry, or a stand-in (named as the fact names it) after the catalogue."""
    known = catalog.indicators()
    if code in known:
        return known[code]
    name, unit = (fact.indicator_name or code, fact.unit) if fact else (code, "")
    return catalog.Indicator(code, name, code, unit, "", "", "", len(known) + 1)


def _months_key(months: str | None) -> tuple[int, int]:
    if not months:
        return (0, 0)
    a, _, b = months.partition("-")
    return (int(a), int(b or a))


def _sort_key(pair: tuple[int, Fact]) -> tuple:
    i, f = pair
    # Most confident first so that it is the one shown when facts compete.
    return (f.region_code, indicator_of(f.indicator).order, _SHEET_RANK[L.sheet_for(f)],
            f.year, _months_key(f.months), _STATUS_RANK.get(f.status, 9), -f.confidence, i)


def _same_value(a: Fact, b: Fact) -> bool:
    return (a.value, a.qualifier, a.value_high) == (b.value, b.qualifier, b.value_high)


def _settle(entries: list[Entry]) -> None:
    """Mark conflicts among entries competing for one cell (entries[0] wins).

    A conflict is two different values of the same status, or a fact that
    extraction already flagged; an estimate behind an actual is no conflict.
    """
    first = entries[0]
    rivals = [e for e in entries if e.fact.status == first.fact.status]
    clash = any(not _same_value(e.fact, first.fact) for e in rivals) or any(
        e.fact.conflict for e in rivals)
    for e in entries:
        e.behind_actual = e.fact.status != first.fact.status
        e.conflict = clash and not e.behind_actual
    first.shown = True


def plan_workbook(facts: list[Fact]) -> Plan:
    """Sort facts into 来源 order and place each on its sheet, row and column."""
    ordered = [f for _, f in sorted(enumerate(facts), key=_sort_key)]
    first = L.FIRST_DATA_ROW + 1
    sources = [Entry(f, first + i, L.sheet_for(f)) for i, f in enumerate(ordered)]
    regions = dict(sorted({(f.region_code, f.region) for f in ordered}, key=lambda t: t[0]))
    unknown = {f.indicator: f for f in ordered if f.indicator not in catalog.indicators()}
    codes = [indicator_of(c) for c in catalog.indicators()]
    codes += [indicator_of(c, unknown[c]) for c in sorted(unknown)]
    annual = L.Grid(L.ANNUAL, L.grid_years(ordered, L.ANNUAL))
    targets = L.Grid(L.TARGETS, L.grid_years(ordered, L.TARGETS))
    by_sheet: dict[str, list[Entry]] = defaultdict(list)
    for e in sources:
        by_sheet[e.sheet].append(e)
    return Plan(annual, targets,
                _grid_rows(annual, by_sheet[L.ANNUAL], regions, codes),
                _grid_rows(targets, by_sheet[L.TARGETS], regions, codes),
                _partial_rows(by_sheet[L.PARTIAL]), sources)


def _grid_rows(grid: L.Grid, entries: list[Entry], regions: dict[str, str],
               codes: list[catalog.Indicator]) -> list[Row]:
    """Every indicator for each region with values on this sheet, filled cells in column order.

    A region with no value on the sheet gets no rows there (a city with only
    1-8月 figures would otherwise add 61 empty rows to both grids).
    """
    cells: dict[tuple[str, str], dict[int, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:  # already in 来源 order: actual before estimate, most confident first
        cells[(e.fact.region_code, e.fact.indicator)][e.fact.year].append(e)
    present = {e.fact.region_code for e in entries}
    rows: list[Row] = []
    for code, name in ((c, n) for c, n in regions.items() if c in present):
        for i, ind in enumerate(codes):
            row = Row(code, name, ind, first_of_region=(i == 0))
            r = L.FIRST_DATA_ROW + len(rows)
            for year, group in sorted(cells.get((code, ind.code), {}).items()):
                _settle(group)
                col = grid.col(year)
                for e in group:
                    e.cell = L.cell_address(r, col)
                row.cells.append(Cell(col, group))
            rows.append(row)
    return rows


def _partial_rows(entries: list[Entry]) -> list[Row]:
    """One row per distinct fact; a repeated identical fact shares its twin's row."""
    groups: dict[tuple, list[Entry]] = defaultdict(list)
    for e in entries:
        groups[e.fact.key].append(e)
    rows: list[Row] = []
    col = L.partial_col("value")
    prev_region = None
    for group in groups.values():  # dicts keep 来源 order
        _settle(group)
        distinct: list[list[Entry]] = []
        for e in group:
            twin = next((d for d in distinct if _same_value(d[0].fact, e.fact)), None)
            if twin is None:
                distinct.append([e])
            else:
                twin.append(e)
        for same in distinct:
            same[0].shown = True
            r = L.FIRST_DATA_ROW + len(rows)
            for e in same:
                e.cell = L.cell_address(r, col)
            f = same[0].fact
            rows.append(Row(f.region_code, f.region, indicator_of(f.indicator, f),
                            [Cell(col, same)], first_of_region=f.region_code != prev_region))
            prev_region = f.region_code
    return rows
