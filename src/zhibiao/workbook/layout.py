"""The standard workbook's layout: the single source of truth for writer and importer.

Texts, widths and colours live in ``templates/workbook.json`` (see :func:`config`);
positions and keys live here.  Rows and columns below are 0-based in code and
given as Excel letters/numbers in prose.

Sheets (in this order)
----------------------
``说明``      what the workbook is, source documents (name, pages, SHA-256),
              generation time, version, workbook id/revision, how to re-import.
``年度数据``  whole-year ``actual`` and ``estimate`` values (``months is None``).
``目标``      whole-year ``target`` values.
``期中数据``  every fact with ``months`` (part of a year), one row per fact.
``来源``      every fact in long form, every field of the record (read-only).
``校验``      validation findings (header only until validation fills it).
``_meta``     very hidden: properties and a snapshot of every value cell.

Grid sheets ``年度数据`` and ``目标``
-------------------------------------
* Row 1 (``LEGEND_ROW``): sheet title and the colour legend.
* Row 2 (``HEADER_ROW``): column headers.  Rows 1-2 and columns A-E are frozen.
* Row 3 on (``FIRST_DATA_ROW``): one row per region × indicator, all catalogue
  indicators for every region with a value on that sheet, regions by code,
  indicators in ``indicators.csv`` order (which groups them by category).
* ``A`` region_code, ``B`` indicator code: hidden, locked, sheet protected
  (no password; autofilter allowed).  Rows are identified **by these keys,
  not by row number** — reviewers may filter or (after unprotecting) sort.
* ``C`` 地区, ``D`` 指标 (``name_zh``), ``E`` 单位: locked labels.
* ``年度数据``: ``F`` … one column per year, min..max year without gaps;
  the header cell holds the year as a number.  Then ``趋势`` (sparkline)
  and ``来源`` (link to the row's first line in 来源).
* ``目标``: the years that have targets (gaps allowed), three columns per
  year: value (header = year as a number),
  ``限定`` (qualifier, list validation over :data:`QUALIFIER_LABELS`) and
  ``上限`` (``value_high``, only for 范围).  Then ``来源``.  No sparkline:
  sparklines need one contiguous range.  Use :func:`parse_grid_header` to map
  header cells back to (year, part); a ``限定``/``上限`` header belongs to
  the nearest year column on its left.
* Values are numbers in the indicator's standard unit; an empty qualifier
  cell means ``eq``; parse qualifier text with :func:`parse_qualifier`.

Estimate vs actual in ``年度数据``: a cell shows the ``actual`` value when
one exists, else the ``estimate`` (marked blue italic with the suffix
``（预计）`` in its number format, so it stays a number).  An estimate hidden
behind an actual is not lost: it keeps its row in ``来源`` (表格位置 names the
cell, marked ``（表中为实际值）``) and is named in the cell's comment, but it
has no snapshot entry and so is never changed by a re-import.  The status of
a shown value is in the snapshot; a value typed into an empty cell has the
sheet's default status (:data:`DEFAULT_STATUS`).

Conflicts: two different values for one key (or one grid cell) — the cell
shows the most confident one, highlighted; the comment lists all values; all
are in ``来源``.  In ``期中数据`` each fact has its own row, both highlighted.

``期中数据`` columns: see :data:`PARTIAL_FIELDS` (A-E hidden machine keys
region_code, indicator, year, months ``"1-8"``, status code).

``_meta`` (very hidden, protected)
----------------------------------
Row 1 ``property | value``; then one row per :data:`META_PROPERTIES` key;
one empty row; then a header row equal to :data:`SNAPSHOT_FIELDS` followed by
one row per value cell as generated.  Snapshot values are exact decimal text
(``"29.34"``), ``months``/``value_high`` empty when null, ``conflict`` 0/1,
``source_row`` the Excel row in 来源.  Read it with :func:`parse_meta`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Collection, Iterable, Sequence

from .. import catalog
from ..errors import WorkbookError
from ..facts import Fact

LAYOUT_VERSION = 1

LEGEND_ROW = 0
HEADER_ROW = 1
FIRST_DATA_ROW = 2

# Grid sheets (年度数据, 目标): fixed columns.
COL_REGION_CODE = 0   # A, hidden key
COL_INDICATOR = 1     # B, hidden key
COL_REGION = 2        # C 地区
COL_INDICATOR_NAME = 3  # D 指标
COL_UNIT = 4          # E 单位
FIRST_YEAR_COL = 5    # F
KEY_COLS = (COL_REGION_CODE, COL_INDICATOR)
LABEL_COLS = (COL_REGION, COL_INDICATOR_NAME, COL_UNIT)

# Parts of a year in a grid; 年度数据 has only VALUE.
VALUE, QUALIFIER, VALUE_HIGH = "value", "qualifier", "value_high"
TARGET_PARTS = (VALUE, QUALIFIER, VALUE_HIGH)

META_PROPERTIES = ("layout_version", "workbook_id", "revision", "generated_at",
                   "zhibiao_version", "facts", "documents")
SNAPSHOT_FIELDS = ("sheet", "cell", "region_code", "indicator", "year", "months",
                   "status", "value", "qualifier", "value_high", "conflict", "source_row")


@lru_cache(maxsize=None)
def config() -> dict[str, Any]:
    """The data part of the layout: ``templates/workbook.json``."""
    path = catalog.templates_dir() / "workbook.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WorkbookError(f"{path}: {exc}") from exc


def _sheets() -> dict[str, str]:
    return config()["sheets"]


README = _sheets()["readme"]
ANNUAL = _sheets()["annual"]
TARGETS = _sheets()["targets"]
PARTIAL = _sheets()["partial"]
SOURCES = _sheets()["sources"]
FINDINGS = _sheets()["findings"]
META = _sheets()["meta"]
SHEET_ORDER = (README, ANNUAL, TARGETS, PARTIAL, SOURCES, FINDINGS, META)
VALUE_SHEETS = (ANNUAL, TARGETS, PARTIAL)
DEFAULT_STATUS = {ANNUAL: "actual", TARGETS: "target", PARTIAL: "actual"}

QUALIFIER_LABELS: dict[str, str] = dict(config()["qualifiers"])
STATUS_LABELS: dict[str, str] = dict(config()["statuses"])
PARTIAL_FIELDS: tuple[str, ...] = tuple(c["field"] for c in config()["partial_columns"])
SOURCE_FIELDS: tuple[str, ...] = tuple(c["field"] for c in config()["source_columns"])
FINDING_FIELDS: tuple[str, ...] = tuple(c["field"] for c in config()["findings_columns"])


def partial_col(field: str) -> int:
    """Column index of a 期中数据 field, e.g. ``partial_col("value") == 11`` (L).

    >>> col_letter(partial_col("value")), col_letter(partial_col("region_code"))
    ('L', 'A')
    """
    return PARTIAL_FIELDS.index(field)


def sheet_for(fact: Fact) -> str:
    """The sheet a fact's value cell is on."""
    if fact.months:
        return PARTIAL
    return TARGETS if fact.status == "target" else ANNUAL


@dataclass(frozen=True)
class Grid:
    """Column positions of one grid sheet (年度数据 or 目标) for a set of years."""

    sheet: str
    years: tuple[int, ...]

    @property
    def parts(self) -> tuple[str, ...]:
        return TARGET_PARTS if self.sheet == TARGETS else (VALUE,)

    def col(self, year: int, part: str = VALUE) -> int:
        """Column of ``year``'s ``part``; WorkbookError for a year not in the grid.

        >>> g = Grid(TARGETS, (2023, 2024))
        >>> [col_letter(g.col(2024, p)) for p in TARGET_PARTS]
        ['I', 'J', 'K']
        """
        try:
            i = self.years.index(year)
        except ValueError:
            raise WorkbookError(f"{self.sheet}: no column for year {year}") from None
        return FIRST_YEAR_COL + i * len(self.parts) + self.parts.index(part)

    @property
    def end_of_years(self) -> int:
        """First column after the year columns."""
        return FIRST_YEAR_COL + len(self.years) * len(self.parts)

    @property
    def trend_col(self) -> int | None:
        return self.end_of_years if self.sheet == ANNUAL and self.years else None

    @property
    def link_col(self) -> int:
        return self.end_of_years + (1 if self.trend_col is not None else 0)

    def header(self) -> list[str | int]:
        """The header row, e.g. ``['地区代码', '指标代码', '地区', '指标', '单位', 2023, …]``."""
        labels = config()["labels"]
        out: list[str | int] = [labels["region_code"], labels["indicator_code"],
                                labels["region"], labels["indicator"], labels["unit"]]
        for year in self.years:
            out.extend(year if p == VALUE else labels[p] for p in self.parts)
        if self.trend_col is not None:
            out.append(labels["trend"])
        out.append(labels["source_link"])
        return out


def grid_years(facts: Iterable[Fact], sheet: str) -> tuple[int, ...]:
    """The year columns of a grid sheet.

    年度数据: min..max without gaps, so sparklines are evenly spaced.
    目标: only the years that have targets (a 2026 report's 2030 goals would
    otherwise add empty triples of columns for 2027-2029).
    """
    return grid_years_of({f.year for f in facts if sheet_for(f) == sheet}, sheet)


def grid_years_of(years: Collection[int], sheet: str) -> tuple[int, ...]:
    """The year columns of a grid sheet from the years of its facts (see :func:`grid_years`).

    >>> grid_years_of({2024, 2021}, ANNUAL), grid_years_of({2030, 2025}, TARGETS)
    ((2021, 2022, 2023, 2024), (2025, 2030))
    """
    if not years:
        return ()
    return tuple(range(min(years), max(years) + 1)) if sheet == ANNUAL else tuple(sorted(years))


def parse_grid_header(values: Sequence[Any]) -> dict[int, tuple[int, str]]:
    """Map a grid header row (as read back) to ``{col: (year, part)}``.

    Numbers (also ``2023.0`` or ``"2023"`` as some readers return them) are
    year value columns; ``限定``/``上限`` belong to the year on their left.

    >>> parse_grid_header(["地区代码", "指标代码", "地区", "指标", "单位", 2023.0, "限定", "上限"])
    {5: (2023, 'value'), 6: (2023, 'qualifier'), 7: (2023, 'value_high')}
    """
    labels = config()["labels"]
    parts = {labels[QUALIFIER]: QUALIFIER, labels[VALUE_HIGH]: VALUE_HIGH}
    out: dict[int, tuple[int, str]] = {}
    year: int | None = None
    for col, v in enumerate(values):
        if col < FIRST_YEAR_COL or v is None:
            continue
        text = str(v).strip()
        if re.fullmatch(r"(19|20|21)\d\d(\.0+)?", text):
            year = int(float(text))
            out[col] = (year, VALUE)
        elif text in parts and year is not None:
            out[col] = (year, parts[text])
        else:
            year = None  # trend/link columns end the year block
    return out


def parse_qualifier(text: Any) -> str:
    """A qualifier code from what a reviewer left in a 限定 cell.

    >>> [parse_qualifier(t) for t in ("≥", " 约 ", None, ">=", "范围", "ge")]
    ['ge', 'approx', 'eq', 'ge', 'range', 'ge']
    """
    t = "" if text is None else str(text).strip()
    if t in QUALIFIER_LABELS:
        return t
    for code, label in QUALIFIER_LABELS.items():
        if t == label:
            return code
    aliases = config()["qualifier_aliases"]
    if t in aliases:
        return aliases[t]
    raise WorkbookError(f"unknown qualifier {t!r}; use one of {' '.join(QUALIFIER_LABELS.values())}")


def parse_status(text: Any) -> str:
    """A status code from its code or label (实际/预计/目标)."""
    t = "" if text is None else str(text).strip()
    for code, label in STATUS_LABELS.items():
        if t in (code, label):
            return code
    raise WorkbookError(f"unknown status {t!r}")


def col_letter(col: int) -> str:
    """Excel column letters of a 0-based column.

    >>> col_letter(0), col_letter(5), col_letter(26), col_letter(701)
    ('A', 'F', 'AA', 'ZZ')
    """
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_address(row: int, col: int, sheet: str | None = None) -> str:
    """``F12`` (or ``年度数据!F12``) for 0-based row/col."""
    a = f"{col_letter(col)}{row + 1}"
    return f"{sheet}!{a}" if sheet else a


def parse_address(address: str) -> tuple[str | None, int, int]:
    """``'年度数据!F12'`` → ``('年度数据', 11, 5)`` (0-based row, col).

    >>> parse_address("年度数据!F12"), parse_address("'目标'!AA3")
    (('年度数据', 11, 5), ('目标', 2, 26))
    """
    sheet, _, ref = address.rpartition("!")
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    if not m:
        raise WorkbookError(f"not a cell address: {address!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (sheet.strip("'") or None), int(m.group(2)) - 1, col - 1


@dataclass(frozen=True)
class SnapshotRow:
    """One value cell as generated (a row of ``_meta``'s snapshot)."""

    sheet: str
    cell: str
    region_code: str
    indicator: str
    year: int
    months: str | None
    status: str
    value: Decimal
    qualifier: str
    value_high: Decimal | None
    conflict: bool
    source_row: int

    def cells(self) -> list[str | int]:
        """The row as written to ``_meta`` (text for exact decimals)."""
        return [self.sheet, self.cell, self.region_code, self.indicator, self.year,
                self.months or "", self.status, str(self.value), self.qualifier,
                "" if self.value_high is None else str(self.value_high),
                int(self.conflict), self.source_row]

    @classmethod
    def from_cells(cls, row: Sequence[Any]) -> "SnapshotRow":
        r = [("" if v is None else v) for v in list(row) + [""] * len(SNAPSHOT_FIELDS)]
        try:
            return cls(str(r[0]), str(r[1]), _code(r[2]), str(r[3]), int(float(r[4])),
                       str(r[5]) or None, str(r[6]), Decimal(str(r[7])), str(r[8]) or "eq",
                       Decimal(str(r[9])) if str(r[9]) else None, bool(int(float(r[10] or 0))),
                       int(float(r[11] or 0)))
        except (ValueError, InvalidOperation) as exc:
            raise WorkbookError(f"{META}: bad snapshot row {list(row)!r}: {exc}") from exc


def _code(v: Any) -> str:
    """A region code as text even if a reader turned it into 152500.0."""
    return str(int(v)) if isinstance(v, float) else str(v)


def parse_meta(rows: Iterable[Sequence[Any]]) -> tuple[dict[str, str], list[SnapshotRow]]:
    """Properties and snapshot from the rows of ``_meta`` (any reader's cell values)."""
    props: dict[str, str] = {}
    snapshot: list[SnapshotRow] = []
    in_snapshot = False
    for row in rows:
        cells = list(row)
        if not cells or all(v in (None, "") for v in cells):
            continue
        if tuple(str(v) for v in cells[:len(SNAPSHOT_FIELDS)]) == SNAPSHOT_FIELDS:
            in_snapshot = True
        elif in_snapshot:
            snapshot.append(SnapshotRow.from_cells(cells))
        elif cells[0] != "property":
            props[str(cells[0])] = "" if len(cells) < 2 or cells[1] is None else _code(cells[1])
    return props, snapshot


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count 2.

    >>> display_width("GDP增速"), display_width("地区生产总值")
    (7, 12)
    """
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
