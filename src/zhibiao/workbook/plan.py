"""Where every fact goes: the plan the writer walks, sheet by sheet, row by row.

xlsxwriter's constant-memory mode needs each sheet written top to bottom, and a
grid cell's comment needs the 来源 row of its facts.  Deciding every placement
up front held about 450 bytes a fact, so the plan keeps only the facts in 来源
order (one reference a fact), how many there are of each region × indicator,
and small indexes per region and per indicator.  A fact's 来源 row is its
place in that order, and everything else — cells, conflicts, sheet rows —
follows from walking it: the facts of one region × indicator are contiguous,
and each walk (a sheet's rows, 来源, the snapshot) works them out one region ×
indicator at a time and forgets them again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Iterator, Sequence

from .. import catalog
from ..facts import Fact, Key
from . import layout as L

GRIDS = (L.ANNUAL, L.TARGETS)
_SHEET_RANK = {L.ANNUAL: 0, L.TARGETS: 1, L.PARTIAL: 2}
_STATUS_RANK = {"actual": 0, "estimate": 1, "target": 2}


@dataclass(slots=True)
class Entry:
    """One fact and where it is shown (made afresh by each walk, never kept)."""

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

    number: int                     # 0-based row on its sheet
    region_code: str
    region: str
    indicator: catalog.Indicator
    cells: list[Cell] = field(default_factory=list)
    first_of_region: bool = False

    @property
    def first_source_row(self) -> int | None:
        rows = [e.source_row for c in self.cells for e in c.entries]
        return min(rows) if rows else None


@dataclass(slots=True)
class Block:
    """One region × indicator (or × all indicators outside the catalogue), placed.

    Its entries are in 来源 order, its rows those on the walked sheets.
    """

    entries: list[Entry]
    rows: list[Row]


@dataclass
class Plan:
    """The facts in 来源 order, and the small indexes that place them."""

    annual: L.Grid
    targets: L.Grid
    regions: dict[str, str]                    # code → name, by code (the 来源 order)
    codes: list[catalog.Indicator]             # grid row order: the catalogue, then others by code
    facts: list[Fact]                          # every fact, in 来源 order
    counts: dict[str, list[int]]               # region → its facts per group (see _groups)
    present: dict[str, set[str]]               # grid sheet → regions with a value on it
    partial_labels: tuple[set[str], set[str]]  # region and indicator names in 期中数据

    @property
    def count(self) -> int:
        """Facts, i.e. rows of 来源."""
        return len(self.facts)

    def grid(self, sheet: str) -> L.Grid:
        return self.annual if sheet == L.ANNUAL else self.targets

    def grid_regions(self, sheet: str) -> list[str]:
        """Names of the regions with rows on a grid sheet."""
        return [name for code, name in self.regions.items() if code in self.present[sheet]]

    def rows(self, sheet: str) -> Iterator[Row]:
        """The rows of one value sheet, top to bottom (every indicator of a grid's region)."""
        for block in self._blocks((sheet,)):
            yield from block.rows

    def sources(self) -> Iterator[Entry]:
        """Every fact in 来源 order, with the cell that shows it (or its rival)."""
        for block in self._blocks(L.VALUE_SHEETS):
            yield from block.entries

    def snapshot(self) -> Iterator[L.SnapshotRow]:
        """One row per shown value cell, in sheet and row order."""
        for sheet in L.VALUE_SHEETS:
            for row in self.rows(sheet):
                for cell in row.cells:
                    e = cell.primary
                    f = e.fact
                    yield L.SnapshotRow(sheet, e.cell, f.region_code, f.indicator, f.year,
                                        f.months, f.status, f.value, f.qualifier,
                                        f.value_high, e.conflict, e.source_row)

    def _blocks(self, sheets: tuple[str, ...]) -> Iterator[Block]:
        """Each region × indicator in 来源 order, placed on ``sheets`` (facts elsewhere only counted).

        Rows follow from counting: a grid has every indicator for each region
        with a value there, 期中数据 a row per distinct value of a key.
        """
        at = 0                                              # index of the block's first fact
        grid_rows = {s: _GridRows(self.grid(s)) for s in GRIDS if s in sheets}
        partial = _PartialRows()
        groups = self._groups()
        for region, name in self.regions.items():
            grids = [g for s, g in grid_rows.items() if region in self.present[s]]
            for n, indicators in zip(self.counts[region], groups):
                first = L.FIRST_DATA_ROW + 1 + at           # its 来源 row
                entries = [Entry(f, first + j, s) for j, f in enumerate(self.facts[at:at + n])
                           if (s := L.sheet_for(f)) in sheets]
                at += n
                rows = [g.row(i, region, name, ind, entries) for g in grids for i, ind in indicators]
                if L.PARTIAL in sheets:
                    rows += partial.rows(entries)
                if entries or rows:
                    yield Block(entries, rows)
            for g in grids:
                g.next += len(self.codes)

    def _groups(self) -> list[list[tuple[int, catalog.Indicator]]]:
        """The indicators of each group of facts, with their grid positions, in 来源 order.

        A group per catalogue indicator, then one for all others: they share
        one place in 来源 order, after the catalogue's, and sort together.
        """
        known = len(catalog.indicators())
        return [[(i, ind)] for i, ind in enumerate(self.codes[:known])] + [
            list(enumerate(self.codes[known:], known))]


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


def _sort_key(f: Fact) -> tuple:
    # Within one region × indicator (or the others' group, whose indicators share one place).
    # Most confident first so that it is the one shown when facts compete.
    return (_SHEET_RANK[L.sheet_for(f)], f.year, _months_key(f.months),
            _STATUS_RANK.get(f.status, 9), -f.confidence)


def _same_value(a: Fact, b: Fact) -> bool:
    return (a.value, a.qualifier, a.value_high) == (b.value, b.qualifier, b.value_high)


def _settle(entries: list[Entry]) -> None:
    """Mark conflicts among entries competing for one cell (entries[0] wins).

    A conflict is two different values of the same status, or a fact that
    extraction already flagged; an estimate behind an actual is no conflict.
    """
    first = entries[0]
    first.shown = True
    if len(entries) == 1:  # most cells: the same as below, quicker
        first.conflict = first.fact.conflict
        return
    rivals = [e for e in entries if e.fact.status == first.fact.status]
    clash = any(not _same_value(e.fact, first.fact) for e in rivals) or any(
        e.fact.conflict for e in rivals)
    for e in entries:
        e.behind_actual = e.fact.status != first.fact.status
        e.conflict = clash and not e.behind_actual


def plan_workbook(facts: Sequence[Fact]) -> Plan:
    """Put the facts in 来源 order and index where they go.

    A counting sort into one new list of references, each region × indicator
    then sorted on its own: nothing else is kept per fact, and no sort key is
    held for all facts at once.
    """
    census = _Census()
    for f in facts:
        census.add(f)
    regions = {code: census.regions[code] for code in sorted(census.regions)}
    ordered = _in_source_order(facts, regions, census.counts, census.position)
    return Plan(L.Grid(L.ANNUAL, L.grid_years_of(census.years[L.ANNUAL], L.ANNUAL)),
                L.Grid(L.TARGETS, L.grid_years_of(census.years[L.TARGETS], L.TARGETS)),
                regions, _codes(ordered, regions, census.counts), ordered, census.counts,
                census.present, census.partial_labels)


class _Census:
    """What one pass over the facts learns: counts per group and the grids' regions and years."""

    def __init__(self) -> None:
        self.position = {code: i for i, code in enumerate(catalog.indicators())}  # group of a code
        self.regions: dict[str, str] = {}          # code → name (the first given)
        self.counts: dict[str, list[int]] = {}     # region → facts per group
        self.present: dict[str, set[str]] = {s: set() for s in GRIDS}
        self.years: dict[str, set[int]] = {s: set() for s in GRIDS}
        self.partial_labels: tuple[set[str], set[str]] = (set(), set())

    def add(self, f: Fact) -> None:
        counts = self.counts.get(f.region_code)
        if counts is None:
            self.regions[f.region_code] = f.region
            counts = self.counts[f.region_code] = [0] * (len(self.position) + 1)
        counts[self.position.get(f.indicator, len(self.position))] += 1
        sheet = L.sheet_for(f)
        if sheet == L.PARTIAL:
            self.partial_labels[0].add(f.region)
            self.partial_labels[1].add(indicator_of(f.indicator, f).name_zh)
        else:
            self.present[sheet].add(f.region_code)
            self.years[sheet].add(f.year)


def _in_source_order(facts: Sequence[Fact], regions: dict[str, str], counts: dict[str, list[int]],
                     position: dict[str, int]) -> list[Fact]:
    """The facts by region, group and then :func:`_sort_key`; ties keep the caller's order."""
    starts: dict[str, list[int]] = {}  # region → where each group's next fact goes
    at = 0
    for region in regions:
        starts[region] = row = []
        for n in counts[region]:
            row.append(at)
            at += n
    out: list[Fact] = [None] * at  # type: ignore[list-item]  # every slot is filled below
    others = len(position)
    for f in facts:
        row = starts[f.region_code]
        g = position.get(f.indicator, others)
        out[row[g]] = f
        row[g] += 1
    at = 0
    for region in regions:
        for n in counts[region]:
            if n > 1:  # the sort is stable: facts alike keep the caller's order
                out[at:at + n] = sorted(out[at:at + n], key=_sort_key)
            at += n
    return out


def _codes(ordered: list[Fact], regions: dict[str, str],
           counts: dict[str, list[int]]) -> list[catalog.Indicator]:
    """The grid's indicators: the catalogue, then any others by code, named by their last fact."""
    last: dict[str, Fact] = {}
    at = 0
    for region in regions:
        n = counts[region]
        at += sum(n[:-1])
        for f in ordered[at:at + n[-1]]:  # the others' group comes last: a later fact's name wins
            last[f.indicator] = f
        at += n[-1]
    return list(catalog.indicators().values()) + [indicator_of(c, last[c]) for c in sorted(last)]


class _GridRows:
    """A grid's rows: where the current region starts, and each year's column."""

    def __init__(self, grid: L.Grid) -> None:
        self.sheet = grid.sheet
        self.next = L.FIRST_DATA_ROW  # the current region's first row
        # Looked up once a walk rather than once a cell: (column, its letters) by year.
        self.columns = {y: (grid.col(y), L.col_letter(grid.col(y))) for y in grid.years}

    def row(self, i: int, region: str, name: str, ind: catalog.Indicator, entries: list[Entry]) -> Row:
        """The region's row of the ``i``-th indicator, one cell per year of its entries on this grid.

        A year's entries are contiguous in 来源 order.
        """
        r = self.next + i
        row = Row(r, region, name, ind, first_of_region=i == 0)
        mine = [e for e in entries if e.sheet == self.sheet and e.fact.indicator == ind.code]
        for year, same_year in groupby(mine, key=_year):
            group = list(same_year)
            _settle(group)
            col, letters = self.columns[year]
            address = f"{letters}{r + 1}"  # L.cell_address(r, col)
            for e in group:
                e.cell = address
            row.cells.append(Cell(col, group))
        return row


def _year(e: Entry) -> int:
    return e.fact.year


class _PartialRows:
    """期中数据's next row and last region, carried from one region × indicator to the next."""

    def __init__(self) -> None:
        self.next = L.FIRST_DATA_ROW
        self.region: str | None = None

    def rows(self, entries: list[Entry]) -> list[Row]:
        """One row per distinct fact of a key; a repeated identical fact shares its twin's row."""
        groups: dict[Key, list[Entry]] = {}
        for e in entries:
            if e.sheet == L.PARTIAL:
                groups.setdefault(e.fact.key, []).append(e)
        rows: list[Row] = []
        col = L.partial_col("value")
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
                rows.append(self._row(same, col))
        return rows

    def _row(self, same: list[Entry], col: int) -> Row:
        same[0].shown = True
        r, self.next = self.next, self.next + 1
        address = L.cell_address(r, col)
        for e in same:
            e.cell = address
        f = same[0].fact
        row = Row(r, f.region_code, f.region, indicator_of(f.indicator, f), [Cell(col, same)],
                  first_of_region=f.region_code != self.region)
        self.region = f.region_code
        return row
