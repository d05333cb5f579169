"""Read a workbook file back to cells: every value by its keys, and every problem found.

Values are found by their keys (the hidden 地区代码/指标代码 columns and the
year headers), never by row number.  :func:`parse_cell` (in :mod:`.cells`) reads
what a reviewer typed; :func:`read_workbook` returns a :class:`Reading` that
:mod:`zhibiao.reimport` compares with the store.

python-calamine reads the cells (fast); formulas are found in the sheet XML,
since calamine returns only their cached values.
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from .. import catalog
from ..errors import WorkbookError
from ..facts import Key
from ..validation import ERROR, WARNING, Finding, describe
from . import layout as L
from .cells import CellError, Parsed, parse_cell  # noqa: F401  (re-exported)

# --- reading the workbook ----------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One value as the reviewer left it."""

    sheet: str
    cell: str
    key: Key
    region: str
    value: Decimal
    qualifier: str
    value_high: Decimal | None


@dataclass
class Reading:
    """Everything read from a workbook, and what was wrong with it."""

    path: Path
    sha256: str
    props: dict[str, str] = field(default_factory=dict)
    snapshot: dict[Key, L.SnapshotRow] = field(default_factory=dict)
    entries: dict[Key, Entry] = field(default_factory=dict)
    engine: str = "calamine"
    _sources: tuple[list[list[Any]], dict[str, int]] | None = None  # 来源 rows, field → column
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    cells: int = 0
    unreadable: set[Any] = field(default_factory=set)  # keys and sheets that could not be read

    def source(self, row: int) -> dict[str, Any]:
        """A row of 来源 (read on first use: only values imported unedited need it)."""
        if self._sources is None:
            rows, _ = read_rows(self.path, self.engine, [L.SOURCES])
            self._sources = _source_columns(rows.get(L.SOURCES, []))
        rows, cols = self._sources
        if not cols or not L.HEADER_ROW < row <= len(rows):
            return {}
        return {f: _get(rows[row - 1], c) for f, c in cols.items()}

    def problem(self, severity: str, sheet: str, cell: str, rule: str, message: str,
                key: Key | None = None, region: str = "") -> None:
        rc, ind, year = (key[0], key[1], key[2]) if key else ("", "", None)
        (self.errors if severity == ERROR else self.warnings).append(
            Finding(severity, sheet, cell, rc, region, ind, year, rule, message))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_rows(path: Path, engine: str = "calamine", names: Iterable[str] | None = None
              ) -> tuple[dict[str, list[list[Any]]], dict[str, list]]:
    """Cell values of the named sheets (default all; merged ranges with calamine only)."""
    wanted = None if names is None else set(names)
    try:
        if engine == "openpyxl":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                        for ws in wb.worksheets if wanted is None or ws.title in wanted}, {}
            finally:
                wb.close()
        from python_calamine import CalamineWorkbook

        with CalamineWorkbook.from_path(str(path)) as wb:
            sheets = {n: wb.get_sheet_by_name(n) for n in wb.sheet_names
                      if wanted is None or n in wanted}
            return ({n: s.to_python(skip_empty_area=False) for n, s in sheets.items()},
                    {n: s.merged_cell_ranges or [] for n, s in sheets.items()})
    except Exception as exc:  # every reader has its own error types; all mean "unreadable"
        raise WorkbookError(f"{path}: cannot read the workbook: {exc}") from exc


_FORMULA_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*(?<!/)>\s*<f\b')


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def sheet_members(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part in the package (from workbook.xml and its rels)."""
    import xml.etree.ElementTree as ET

    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "").lstrip("/")
        out[sheet.get("name", "")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


def formula_cells(path: Path, names: Iterable[str]) -> dict[str, set[str]]:
    """Addresses of the cells holding a formula, for the named sheets.

    calamine returns a formula's cached value only; OOXML puts ``<f>`` first
    in a ``<c>`` element, which is what the pattern looks for.
    """
    with zipfile.ZipFile(path) as z:
        members = sheet_members(z)
        return {name: {m.group(1).decode() for m in _FORMULA_CELL.finditer(z.read(members[name]))}
                for name in names if name in members}


def read_workbook(path: str | os.PathLike[str], engine: str = "calamine") -> Reading:
    """Read a reviewed workbook: every value by its keys, and every problem found."""
    p = Path(path)
    if not p.exists():
        raise WorkbookError(f"{p}: no such file")
    reading = Reading(p, file_sha256(p), engine=engine)
    rows, merged = read_rows(p, engine, [*L.VALUE_SHEETS, L.META])
    if L.META not in rows:
        raise WorkbookError(f"{p}: no {L.META} sheet; only workbooks made by zhibiao can be imported")
    reading.props, snapshot = L.parse_meta(rows[L.META])
    reading.snapshot = {(s.region_code, s.indicator, s.year, s.months, s.status): s for s in snapshot}
    try:
        formulas = formula_cells(p, L.VALUE_SHEETS) if engine == "calamine" else {}
    except (KeyError, zipfile.BadZipFile) as exc:
        raise WorkbookError(f"{p}: not an .xlsx workbook: {exc}") from exc
    ctx = _Context(reading, formulas, _region_names(rows))
    for sheet in (L.ANNUAL, L.TARGETS):
        if sheet in rows:
            _read_grid(ctx, sheet, rows[sheet], merged.get(sheet, []))
    if L.PARTIAL in rows:
        _read_partial(ctx, rows[L.PARTIAL], merged.get(L.PARTIAL, []))
    for sheet in {s.sheet for s in snapshot} - set(rows):
        reading.problem(ERROR, sheet, "", "structure", f"工作表“{sheet}”被删除或改名；请用原工作簿重新修改。")
    return reading


def _source_columns(rows: list[list[Any]]) -> tuple[list[list[Any]], dict[str, int]]:
    """来源's rows and each field's column, found by its header."""
    field_of = {c["header"]: c["field"] for c in L.config()["source_columns"]}
    found = _header(rows, [next(h for h, f in field_of.items() if f == "region_code")])
    if found is None:
        return rows, {}
    cols = {field_of[str(h).strip()]: c for c, h in enumerate(rows[found[0]])
            if str(h).strip() in field_of}
    return rows, cols


def _region_names(rows: dict[str, list[list[Any]]]) -> dict[str, str]:
    """Each region code's name as most rows show it: a row whose code was altered is outvoted."""
    from collections import Counter, defaultdict

    lab = L.config()["labels"]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for sheet in L.VALUE_SHEETS:
        found = _header(rows.get(sheet, []), [lab["region_code"], lab["region"]])
        if found is None:
            continue
        hr, cols = found
        for row in rows[sheet][hr + 1:]:
            code = _code(_get(row, cols[lab["region_code"]]))
            if code:
                votes[code][str(_get(row, cols[lab["region"]]) or "").strip()] += 1
    return {code: c.most_common(1)[0][0] for code, c in votes.items()}


def _code(v: Any) -> str:
    """A key cell as text: 152500.0 → '152500'."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


@dataclass
class _Context:
    reading: Reading
    formulas: dict[str, set[str]]
    regions: dict[str, str]

    def raw(self, sheet: str, row: list[Any], r: int, c: int) -> Any:
        """A cell's value; a formula's cached value with a warning, or an error without one."""
        v = row[c] if c < len(row) else None
        address = L.cell_address(r, c)
        if address in self.formulas.get(sheet, ()):
            if v is None or v == "":
                raise CellError("是公式且没有计算结果；请删除公式，直接填数字")
            self.reading.problem(WARNING, sheet, address, "formula",
                                 f"{sheet}!{address} 是公式，已取其计算结果 {v}；请改为直接填数字。")
        return v


def _header(rows: list[list[Any]], needed: Iterable[str]) -> tuple[int, dict[str, int]] | None:
    """The header row (searched, not assumed) and each needed label's column."""
    needed = list(needed)
    for r, row in enumerate(rows[:10]):
        cells = [str(v).strip() if v is not None else "" for v in row]
        if all(label in cells for label in needed):
            return r, {label: cells.index(label) for label in needed}
    return None


def _missing_header(reading: Reading, sheet: str, rows: list[list[Any]], needed: list[str]) -> None:
    reading.unreadable.add(sheet)
    top = {str(v).strip() for row in rows[:10] for v in row if v is not None}
    lost = "、".join(f"“{x}”" for x in needed if x not in top) or "表头"
    reading.problem(ERROR, sheet, "", "key_columns",
                    f"工作表“{sheet}”缺少{lost}列（含隐藏的代码列）：键列被删除或改动，无法按地区和指标识别数值。"
                    "请用原工作簿重新修改，不要删除或改动隐藏列。")


def _get(row: list[Any], c: int) -> Any:
    return row[c] if c < len(row) else None


def _any_value(row: list[Any], cols: Iterable[int]) -> bool:
    return any(_get(row, c) not in (None, "") for c in cols)


def _check_merged(ctx: _Context, sheet: str, merged: list, header_row: int,
                  value_cols: set[int]) -> None:
    for (r0, c0), (r1, c1) in merged:
        if r1 > header_row and any(c in value_cols for c in range(c0, c1 + 1)):
            rng = f"{L.cell_address(r0, c0)}:{L.cell_address(r1, c1)}"
            ctx.reading.problem(ERROR, sheet, L.cell_address(r0, c0), "merged",
                                f"{sheet}!{rng} 是合并单元格，盖住了数值单元格（合并后只保留左上角的值）；"
                                "请取消合并，核对每个单元格的数值后再导入。")


def _keys_ok(ctx: _Context, sheet: str, r: int, rc: str, ind: str, labels: dict[str, Any],
             seen: dict[tuple, int], full_key: tuple) -> bool:
    """The hidden keys are well-formed, agree with the visible labels and are not repeated."""
    rd = ctx.reading
    where = L.cell_address(r, 0)
    known = catalog.indicators()
    name = known[ind].name_zh if ind in known else None
    region = ctx.regions.get(rc, "")
    if not re.fullmatch(r"[1-9]\d{5}", rc) or name is None:
        rd.problem(ERROR, sheet, where, "key_columns", f"{sheet} 第{r + 1}行的隐藏代码（{rc} / {ind}）"
                   "不是有效的地区代码和指标代码：键列被改动；请用原工作簿重新修改。")
        return False
    shown = {k: str(v).strip() if v is not None else "" for k, v in labels.items()}
    if shown.get("indicator") != name or (region and shown.get("region") != region):
        rd.problem(ERROR, sheet, where, "key_columns",
                   f"{sheet} 第{r + 1}行的隐藏代码 {rc}/{ind} 对应“{region or rc} {name}”，"
                   f"而该行显示“{shown.get('region')} {shown.get('indicator')}”：键列或名称被改动；"
                   "请用原工作簿重新修改。")
        return False
    if full_key in seen:
        rd.problem(ERROR, sheet, where, "duplicate_row",
                   f"{sheet} 第{r + 1}行与第{seen[full_key]}行是同一地区、同一指标（重复的行）；"
                   "请删除多余的一行，只保留正确的值。", key=None, region=shown.get("region", ""))
        return False
    seen[full_key] = r + 1
    return True


def _no_keys(ctx: _Context, sheet: str, r: int, row: list[Any], value_cols: set[int]) -> None:
    if _any_value(row, value_cols):
        ctx.reading.problem(ERROR, sheet, L.cell_address(r, min(value_cols)), "key_columns",
                            f"{sheet} 第{r + 1}行没有隐藏的地区代码和指标代码（可能是新插入的行），"
                            "其中的数值无法识别；请把数值填到已有的行中。")


def _read_grid(ctx: _Context, sheet: str, rows: list[list[Any]], merged: list) -> None:
    lab = L.config()["labels"]
    needed = [lab[k] for k in ("region_code", "indicator_code", "region", "indicator", "unit")]
    found = _header(rows, needed)
    if found is None:
        return _missing_header(ctx.reading, sheet, rows, needed)
    hr, cols = found
    parts: dict[int, dict[str, int]] = {}
    for c, (year, part) in L.parse_grid_header(rows[hr]).items():
        parts.setdefault(year, {})[part] = c
    snaps = {(s.region_code, s.indicator, s.year): s for s in ctx.reading.snapshot.values()
             if s.sheet == sheet}
    for year in sorted({y for (_, _, y) in snaps} - set(parts)):
        ctx.reading.unreadable.add(sheet)
        ctx.reading.problem(ERROR, sheet, "", "key_columns", f"工作表“{sheet}”找不到{year}年的列："
                            "年份表头被删除或改动；请用原工作簿重新修改。")
    value_cols = {c for p in parts.values() for c in p.values()}
    _check_merged(ctx, sheet, merged, hr, value_cols)
    seen: dict[tuple, int] = {}
    for r in range(hr + 1, len(rows)):
        row = rows[r]
        rc, ind = _code(_get(row, cols[needed[0]])), _code(_get(row, cols[needed[1]]))
        ctx.reading.cells += len(value_cols)
        if not rc and not ind:
            _no_keys(ctx, sheet, r, row, value_cols)
            continue
        labels = {"region": _get(row, cols[needed[2]]), "indicator": _get(row, cols[needed[3]])}
        if not _keys_ok(ctx, sheet, r, rc, ind, labels, seen, (rc, ind)):
            continue
        for year, p in parts.items():
            snap = snaps.get((rc, ind, year))
            status = snap.status if snap else L.DEFAULT_STATUS[sheet]
            _value_cell(ctx, sheet, r, row, (rc, ind, year, None, status), str(labels["region"]), p, snap)


def _read_partial(ctx: _Context, rows: list[list[Any]], merged: list) -> None:
    header_of = {c["field"]: c["header"] for c in L.config()["partial_columns"]}
    fields = ("region_code", "indicator", "year_key", "months_key", "status_key", "region",
              "indicator_name", "year", "months", "status", "value", "qualifier", "value_high")
    found = _header(rows, [header_of[f] for f in fields])
    if found is None:
        return _missing_header(ctx.reading, L.PARTIAL, rows, [header_of[f] for f in fields])
    hr, by_label = found
    cols = {f: by_label[header_of[f]] for f in fields}
    parts = {L.VALUE: cols["value"], L.QUALIFIER: cols["qualifier"], L.VALUE_HIGH: cols["value_high"]}
    value_cols = set(parts.values())
    _check_merged(ctx, L.PARTIAL, merged, hr, value_cols)
    seen: dict[tuple, int] = {}
    for r in range(hr + 1, len(rows)):
        row = rows[r]
        v = {f: _get(row, c) for f, c in cols.items()}
        rc, ind = _code(v["region_code"]), _code(v["indicator"])
        ctx.reading.cells += len(value_cols)
        if not rc and not ind:
            _no_keys(ctx, L.PARTIAL, r, row, value_cols)
            continue
        key = _partial_key(ctx, r, rc, ind, v)
        labels = {"region": v["region"], "indicator": v["indicator_name"]}
        if key is None or not _keys_ok(ctx, L.PARTIAL, r, rc, ind, labels, seen, key):
            continue
        snap = ctx.reading.snapshot.get(key)
        _value_cell(ctx, L.PARTIAL, r, row, key, str(v["region"]), parts,
                    snap if snap is not None and snap.sheet == L.PARTIAL else None)


def _partial_key(ctx: _Context, r: int, rc: str, ind: str, v: dict[str, Any]) -> Key | None:
    """(region, indicator, year, months, status) of a 期中数据 row, checked against its labels."""
    try:
        year = int(float(v["year_key"]))
        months = str(v["months_key"]).strip()
        status = L.parse_status(v["status_key"])
        if not re.fullmatch(r"\d{1,2}-\d{1,2}", months):
            raise ValueError(months)
        labels_agree = (_code(v["year"]) == str(year) and str(v["months"]).strip() == f"{months}月"
                        and str(v["status"]).strip() == L.STATUS_LABELS[status])
    except (TypeError, ValueError, WorkbookError):
        labels_agree = False
    if not labels_agree:
        ctx.reading.problem(ERROR, L.PARTIAL, L.cell_address(r, 0), "key_columns",
                            f"{L.PARTIAL} 第{r + 1}行的隐藏代码（年份、月份、状态）与显示的年份、月份、状态不符"
                            "或无法识别：键列被改动；请用原工作簿重新修改。")
        return None
    return (rc, ind, year, months, status)


def _value_cell(ctx: _Context, sheet: str, r: int, row: list[Any], key: Key, region: str,
                parts: dict[str, int], snap: L.SnapshotRow | None) -> None:
    """Read one value (with its 限定/上限 where the sheet has them) into the reading."""
    unit = catalog.indicators()[key[1]].unit
    address = L.cell_address(r, parts[L.VALUE])
    item = _Named(key, region)
    try:
        parsed = parse_cell(ctx.raw(sheet, row, r, parts[L.VALUE]), unit)
        if parsed.value is None:
            return
        qualifier, high = _qualifier_and_high(ctx, sheet, row, r, parts, parsed, snap, unit)
    except CellError as exc:
        ctx.reading.unreadable.add(key)
        ctx.reading.problem(ERROR, sheet, address, "cell", f"{sheet}!{address}（{describe(item)}）：{exc}。",
                            key, region)
        return
    if parsed.note:
        ctx.reading.problem(WARNING, sheet, address, "typed_text",
                            f"{sheet}!{address}（{describe(item)}）：{parsed.note}"
                            f"{'，限定为“' + L.QUALIFIER_LABELS[qualifier] + '”' if parsed.qualifier else ''}；请核对。",
                            key, region)
    ctx.reading.entries[key] = Entry(sheet, address, key, region, parsed.value, qualifier, high)


@dataclass(frozen=True)
class _Named:
    """Just enough of a value for :func:`describe` in messages."""

    key: Key
    region: str

    def __getattr__(self, name: str) -> Any:
        fields = ("region_code", "indicator", "year", "months", "status")
        if name in fields:
            return self.key[fields.index(name)]
        raise AttributeError(name)


def _qualifier_and_high(ctx: _Context, sheet: str, row: list[Any], r: int, parts: dict[str, int],
                        parsed: Parsed, snap: L.SnapshotRow | None, unit: str
                        ) -> tuple[str, Decimal | None]:
    if L.QUALIFIER not in parts:  # 年度数据: qualifier and upper end as generated
        qualifier = parsed.qualifier or (snap.qualifier if snap else "eq")
        return qualifier, (snap.value_high if snap and qualifier == "range" else None)
    qcell = L.cell_address(r, parts[L.QUALIFIER])
    text = ctx.raw(sheet, row, r, parts[L.QUALIFIER])
    try:
        column = L.parse_qualifier(text)
    except WorkbookError:
        raise CellError(f"{qcell} 的限定“{text}”无效，请从下拉列表选择") from None
    if parsed.qualifier and column not in ("eq", parsed.qualifier):
        raise CellError(f"数值里写了“{L.QUALIFIER_LABELS[parsed.qualifier]}”，"
                        f"限定列 {qcell} 却是“{L.QUALIFIER_LABELS[column]}”；请只在限定列选择")
    high = parse_cell(ctx.raw(sheet, row, r, parts[L.VALUE_HIGH]), unit).value
    return parsed.qualifier or column, high
