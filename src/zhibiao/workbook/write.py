"""Write the standard workbook (layout in :mod:`zhibiao.workbook.layout`).

xlsxwriter in constant-memory mode: every sheet is streamed top to bottom
by walking a :class:`~zhibiao.workbook.plan.Plan`, so neither cell data nor
placements pile up in memory; cell notes, which xlsxwriter would hold until
``close()``, go to a :class:`~zhibiao.workbook.comments.CommentSpool` on disk
and are put into the package after it.  The file is written to a temporary name beside the target
and renamed at the end, so a failure never leaves half a workbook behind.
"""
from __future__ import annotations

import gc
import math
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Sequence

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..errors import WorkbookError
from ..facts import Fact
from . import layout as L
from .comments import CommentSpool
from .plan import Cell, Plan, Row, plan_workbook
from .sheets import (Column, documents_json, finish, fixed_columns, header_row, setup, write_findings,
                     write_link, write_meta, write_number, write_readme, write_sources)
from .styles import Styles, decimals

COMMENT_WIDTH_PX = 380
COMMENT_CHARS_PER_LINE = 50  # display-width units that fit in COMMENT_WIDTH_PX at 10 pt


def write_workbook(facts: Sequence[Fact], path: str | os.PathLike[str], *,
                   findings: list[dict[str, Any]] | None = None,
                   documents: list[dict[str, Any]] | None = None,
                   workbook_id: str | None = None, revision: int = 1) -> Path:
    """Write ``facts`` as the standard workbook at ``path``; return the path.

    ``documents`` are ``{name, pages, sha256}`` dicts for 说明; ``findings``
    are validation findings (severity, sheet, cell, region, indicator, year,
    rule, message) for 校验.  Raises :class:`WorkbookError` naming the file.
    """
    path = Path(path)
    documents = list(documents or [])
    props = {
        "layout_version": L.LAYOUT_VERSION, "workbook_id": workbook_id or uuid.uuid4().hex,
        "revision": revision, "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "zhibiao_version": __version__, "version": __version__, "facts": len(facts),
        "documents": documents_json(documents),
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with CommentSpool() as notes:  # its temporary files go whatever happens
            wb = xlsxwriter.Workbook(str(notes.package), _options())
            try:
                with _collector_paused():
                    # The plan lives only inside this call, so it is freed before close().
                    _write_all(wb, notes, plan_workbook(facts), props, findings or [], documents)
            finally:
                wb.close()
            notes.finish(tmp)
        os.replace(tmp, path)
    except (OSError, XlsxWriterException, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise WorkbookError(f"{path}: cannot write workbook: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the plan is written.

    The walks make and drop small acyclic objects (freed by reference
    counting) a region × indicator at a time; collections would only re-scan
    the caller's facts, hundreds of thousands of them in a large workbook.
    The caller's setting is restored.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _options() -> dict[str, Any]:
    font = L.config()["font"]
    return {
        "constant_memory": True,
        # Text from documents is text: never turn "=…", "+86…" or "http…" into anything else.
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "default_format_properties": {"font_name": font["name"], "font_size": font["size"]},
    }


def _write_all(wb: xlsxwriter.Workbook, notes: CommentSpool, plan: Plan, props: dict[str, Any],
               findings: list[dict[str, Any]], documents: list[dict[str, Any]]) -> None:
    st = Styles(wb)
    wb.set_properties({"title": L.config()["readme"]["title"], "author": "zhibiao",
                       "comments": f"workbook_id={props['workbook_id']} revision={props['revision']}"})
    write_readme(wb, st, props, documents)
    annual = _write_grid(wb, st, notes, plan, L.ANNUAL)
    _write_grid(wb, st, notes, plan, L.TARGETS)
    _write_partial(wb, st, notes, plan)
    write_sources(wb, st, plan)
    write_findings(wb, st, findings)
    write_meta(wb, props, plan)
    annual.activate()


# --- comments ---------------------------------------------------------------

def _num(v: Decimal) -> str:
    """Plain decimal text, no exponent: 1.2E+4 → 12000."""
    return format(v.normalize(), "f") if v == v else str(v)


def _where(f: Fact, source_row: int) -> str:
    page = f"第{f.source.page}页，" if f.source.page else ""
    return f"{f.source.file or f.doc}，{page}来源第{source_row}行"


def comment_text(cell: Cell) -> str:
    """The note on a value cell: quote, file, page, 来源 row; rivals and hidden estimates."""
    first = cell.primary
    f = first.fact
    lines = []
    if f.status == "estimate":
        lines.append("预计值")
    if first.conflict:
        rivals = [e for e in cell.entries if not e.behind_actual]
        lines.append(f"冲突：本格有{len({e.fact.value for e in rivals})}个不同的值，请核对：")
        lines += [f"• {_num(e.fact.value)}{e.fact.unit}：“{e.fact.source.quote}”"
                  f"（{_where(e.fact, e.source_row)}）" for e in rivals]
    else:
        lines.append(f"原文：“{f.source.quote}”")
        lines.append(f"出处：{_where(f, first.source_row)}")
        if f.source.also:
            lines.append(f"另见{len(f.source.also)}处")
    for e in cell.entries:
        if e.behind_actual:
            lines.append(f"另有预计值{_num(e.fact.value)}：“{e.fact.source.quote}”（来源第{e.source_row}行）")
    if f.confidence < float(L.config().get("low_confidence_below", 0.8)):
        lines.append(f"置信度{f.confidence:.2f}，请核对")
    return "\n".join(lines)


_comment_options: dict[int, dict[str, Any]] = {}


def comment_options(text: str) -> dict[str, Any]:
    """Box size that shows the whole note (shared dicts: one per height)."""
    # (UTF-8 bytes + chars) / 2 is the display width of ASCII and CJK text, at C speed.
    lines = sum(max(1, math.ceil((len(t.encode()) + len(t)) / 2 / COMMENT_CHARS_PER_LINE))
                for t in text.split("\n"))
    height = 14 + 17 * lines
    opts = _comment_options.get(height)
    if opts is None:
        font = L.config()["font"]["name"]
        opts = _comment_options[height] = {"width": COMMENT_WIDTH_PX, "height": height,
                                           "font_name": font, "font_size": 10}
    return opts


# --- grids ------------------------------------------------------------------

def _label_width(texts: set[str], lo: int, hi: int) -> int:
    widest = max((L.display_width(t) for t in texts), default=0)
    return max(lo, min(hi, widest + 2))


def _grid_columns(st: Styles, grid: L.Grid, regions: set[str], indicators: set[str]) -> list[Column]:
    w = L.config()["widths"]
    cols: list[Column] = [
        (L.COL_REGION_CODE, w["key"], None, True), (L.COL_INDICATOR, w["key"], None, True),
        (L.COL_REGION, _label_width(regions, w["region_min"], w["region_max"]), None, False),
        (L.COL_INDICATOR_NAME, _label_width(indicators, w["indicator_min"], w["indicator_max"]),
         None, False),
        (L.COL_UNIT, w["unit"], None, False),
    ]
    for year in grid.years:
        cols.append((grid.col(year), w["year"], st.column(L.VALUE), False))
        if grid.sheet == L.TARGETS:
            cols.append((grid.col(year, L.QUALIFIER), w["qualifier"], st.column(L.QUALIFIER), False))
            cols.append((grid.col(year, L.VALUE_HIGH), w["value_high"], st.column(L.VALUE), False))
    if grid.trend_col is not None:
        cols.append((grid.trend_col, w["trend"], None, False))
    cols.append((grid.link_col, w["source_link"], None, False))
    return cols


def _legend(st: Styles, first_col: int) -> list[tuple[int, str, Any]]:
    """Row-1 cells: the label, then one swatch per marking."""
    cfg = L.config()
    cells = [(first_col - 1, cfg["labels"]["legend"], st.named("legend_label"))]
    for i, item in enumerate(cfg["legend"]):
        cells.append((first_col + i, item["text"], st.legend(item["style"])))
    return cells


def _write_grid(wb: xlsxwriter.Workbook, st: Styles, notes: CommentSpool, plan: Plan,
                sheet: str) -> Worksheet:
    grid = plan.grid(sheet)
    ws = wb.add_worksheet(sheet)
    regions = set(plan.grid_regions(sheet))
    indicators = {ind.name_zh for ind in plan.codes} if regions else set()
    setup(ws, _grid_columns(st, grid, regions, indicators), freeze=(L.FIRST_DATA_ROW, L.FIRST_YEAR_COL),
          repeat_cols=(L.COL_REGION, L.COL_UNIT))
    title = L.config()["titles"]["annual" if grid.sheet == L.ANNUAL else "targets"]
    header_row(ws, st, grid.header(), title, L.COL_REGION, _legend(st, L.FIRST_YEAR_COL),
               L.config()["legend_hint"])
    sparks = _Sparklines(quote_sheetname(sheet))
    n = 0
    for row in plan.rows(sheet):
        _grid_row(ws, st, notes, grid, row, sparks)
        n += 1
    _sparklines(ws, st, sparks)
    last = L.FIRST_DATA_ROW + n - 1
    legend_end = L.FIRST_YEAR_COL + len(L.config()["legend"]) - 1
    finish(ws, n, grid.link_col, "A", print_last_col=max(grid.link_col, legend_end))
    if n and grid.years:
        _grid_validation(ws, grid, last)
    return ws


def _labels(ws: Worksheet, st: Styles, r: int, row: Row) -> None:
    key = st.named("key")
    ws.write_string(r, L.COL_REGION_CODE, row.region_code, key)
    ws.write_string(r, L.COL_INDICATOR, row.indicator.code, key)
    first = row.first_of_region
    ws.write_string(r, L.COL_REGION, row.region, st.named("region_first" if first else "label"))
    label = st.named("label_first" if first else "label")
    ws.write_string(r, L.COL_INDICATOR_NAME, row.indicator.name_zh, label)
    ws.write_string(r, L.COL_UNIT, row.indicator.unit, label)


@dataclass(slots=True)
class _Sparklines:
    """A sheet's trend sparklines, gathered row by row for one group.

    xlsxwriter keeps them until the workbook is closed, as two lists of
    strings with each range qualified by its sheet; given in that form, they
    are the very strings it keeps (not copies), and no tuple per row.
    """

    sheet: str                      # quoted as in a formula
    locations: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)


def _grid_row(ws: Worksheet, st: Styles, notes: CommentSpool, grid: L.Grid, row: Row,
              sparks: _Sparklines) -> None:
    r = row.number
    _labels(ws, st, r, row)
    for cell in row.cells:
        _value_cell(ws, st, notes, r, cell, with_qualifier=grid.sheet == L.TARGETS)
    if not row.cells:
        return
    if grid.trend_col is not None:
        first, last = grid.col(grid.years[0]), grid.col(grid.years[-1])
        sparks.locations.append(L.cell_address(r, grid.trend_col))
        sparks.ranges.append(f"{sparks.sheet}!{L.cell_address(r, first)}:{L.cell_address(r, last)}")
    src = row.first_source_row
    write_link(ws, r, grid.link_col, f"{L.SOURCES}!A{src}", f"第{src}行", st.named("link"))


def _sparklines(ws: Worksheet, st: Styles, sparks: _Sparklines) -> None:
    """All trend sparklines of a sheet as one group: one style, one XML element."""
    if not sparks.locations:
        return
    c = st.colors
    ws.add_sparkline(0, 0, {
        "location": sparks.locations, "range": sparks.ranges,
        "markers": True, "high_point": True, "low_point": True, "series_color": c["sparkline"],
        "high_color": c["sparkline_high"], "low_color": c["sparkline_low"]})


def _value_cell(ws: Worksheet, st: Styles, notes: CommentSpool, r: int, cell: Cell,
                with_qualifier: bool) -> None:
    """The value with its comment and markings; for targets also 限定 and 上限."""
    e = cell.primary
    f = e.fact
    hl = st.highlight(f.confidence, e.conflict)
    ws.write_number(r, cell.col, float(f.value), st.value(decimals(f.value), f.status == "estimate", hl))
    text = comment_text(cell)
    notes.write(ws, r, cell.col, text, comment_options(text))
    if with_qualifier:
        ws.write_string(r, cell.col + 1, L.QUALIFIER_LABELS.get(f.qualifier, f.qualifier),
                        st.named("unlocked_text"))
        write_number(ws, r, cell.col + 2, f.value_high, st.value(decimals(f.value_high), False, hl))


def _validate(ws: Worksheet, cols: list[int], first: int, last: int, options: dict[str, Any]) -> None:
    """One data validation over several whole columns of data rows."""
    if not cols:
        return
    ranges = " ".join(f"{L.col_letter(c)}{first + 1}:{L.col_letter(c)}{last + 1}" for c in cols)
    ws.data_validation(first, cols[0], last, cols[0], {**options, "multi_range": ranges})


def _decimal_rule() -> dict[str, Any]:
    return {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
            "error_title": "请填写数字", "input_title": "",
            "error_message": "这里只能填数字（按“单位”列的单位），不要带单位、文字或符号。"}


def _qualifier_rule() -> dict[str, Any]:
    return {"validate": "list", "source": list(L.QUALIFIER_LABELS.values()),
            "error_title": "请从列表选择", "error_message": "限定只能是：" + " ".join(L.QUALIFIER_LABELS.values())}


def _grid_validation(ws: Worksheet, grid: L.Grid, last: int) -> None:
    first = L.FIRST_DATA_ROW
    values = [grid.col(y) for y in grid.years]
    if grid.sheet == L.TARGETS:
        values += [grid.col(y, L.VALUE_HIGH) for y in grid.years]
        _validate(ws, [grid.col(y, L.QUALIFIER) for y in grid.years], first, last, _qualifier_rule())
    _validate(ws, sorted(values), first, last, _decimal_rule())


# --- 期中数据 ---------------------------------------------------------------

def _write_partial(wb: xlsxwriter.Workbook, st: Styles, notes: CommentSpool, plan: Plan) -> None:
    specs = L.config()["partial_columns"]
    ws = wb.add_worksheet(L.PARTIAL)
    cols = fixed_columns(specs)
    w = L.config()["widths"]
    regions, indicators = plan.partial_labels
    for c, texts, lo, hi in (("region", regions, w["region_min"], w["region_max"]),
                             ("indicator_name", indicators, w["indicator_min"], w["indicator_max"])):
        cols[L.partial_col(c)] = (L.partial_col(c), _label_width(texts, lo, hi), None, False)
    for c in ("value", "value_high", "qualifier"):
        i = L.partial_col(c)
        cols[i] = (i, cols[i][1], st.column(L.QUALIFIER if c == "qualifier" else L.VALUE), False)
    setup(ws, cols, freeze=(L.FIRST_DATA_ROW, L.partial_col("year")))
    header_row(ws, st, [c["header"] for c in specs], L.config()["titles"]["partial"],
               L.partial_col("region"), _legend(st, L.partial_col("value")), L.config()["legend_hint"])
    text, link = st.named("text"), st.named("link")
    n = 0
    for row in plan.rows(L.PARTIAL):
        r = row.number
        n += 1
        f = row.cells[0].primary.fact
        key = st.named("key")
        for name, v in (("region_code", f.region_code), ("indicator", f.indicator),
                        ("months_key", f.months or ""), ("status_key", f.status)):
            ws.write_string(r, L.partial_col(name), v, key)
        ws.write_number(r, L.partial_col("year_key"), f.year, key)
        ws.write_string(r, L.partial_col("region"), f.region, st.named("region_first" if row.first_of_region else "label"))
        ws.write_string(r, L.partial_col("indicator_name"), row.indicator.name_zh, text)
        ws.write_string(r, L.partial_col("unit"), row.indicator.unit, text)
        ws.write_number(r, L.partial_col("year"), f.year, text)
        ws.write_string(r, L.partial_col("months"), f"{f.months}月", text)
        ws.write_string(r, L.partial_col("status"), L.STATUS_LABELS.get(f.status, f.status), text)
        _value_cell(ws, st, notes, r, row.cells[0], with_qualifier=True)
        src = row.first_source_row
        write_link(ws, r, L.partial_col("source_link"), f"{L.SOURCES}!A{src}", f"第{src}行", link)
    legend_end = L.partial_col("value") + len(L.config()["legend"]) - 1
    finish(ws, n, len(specs) - 1, "A:D", print_last_col=max(len(specs) - 1, legend_end))
    if n:
        last = L.FIRST_DATA_ROW + n - 1
        _validate(ws, [L.partial_col("value"), L.partial_col("value_high")], L.FIRST_DATA_ROW, last,
                  _decimal_rule())
        _validate(ws, [L.partial_col("qualifier")], L.FIRST_DATA_ROW, last, _qualifier_rule())
