"""The layout contract the importer relies on: positions, header and _meta parsing."""
from __future__ import annotations

from decimal import Decimal

import pytest

from zhibiao.errors import WorkbookError
from zhibiao.workbook import layout as L


def test_grid_columns_follow_the_documented_letters():
    annual = L.Grid(L.ANNUAL, (2021, 2022, 2023))
    assert [L.col_letter(annual.col(y)) for y in annual.years] == ["F", "G", "H"]
    assert L.col_letter(annual.trend_col) == "I" and L.col_letter(annual.link_col) == "J"
    targets = L.Grid(L.TARGETS, (2024, 2025))
    assert [L.col_letter(targets.col(2025, p)) for p in L.TARGET_PARTS] == ["I", "J", "K"]
    assert targets.trend_col is None and L.col_letter(targets.link_col) == "L"
    with pytest.raises(WorkbookError, match="2030"):
        targets.col(2030)


def test_header_round_trips_through_parse_grid_header_even_as_floats():
    g = L.Grid(L.TARGETS, (2023, 2024))
    header = [float(v) if isinstance(v, int) else v for v in g.header()]
    parsed = L.parse_grid_header(header)
    assert parsed == {g.col(y, p): (y, p) for y in g.years for p in L.TARGET_PARTS}


def test_header_parse_survives_an_inserted_column():
    header = L.Grid(L.ANNUAL, (2022, 2023)).header()
    header.insert(6, "备注")  # a reviewer inserted a column between the years
    assert L.parse_grid_header(header) == {5: (2022, "value"), 7: (2023, "value")}


@pytest.mark.parametrize("text,code", [("=", "eq"), ("", "eq"), ("约", "approx"), ("≥", "ge"),
                                       (">", "gt"), ("≤", "le"), ("<", "lt"), ("范围", "range"),
                                       (">=", "ge"), ("以内", "le"), ("approx", "approx")])
def test_qualifier_labels_and_aliases(text, code):
    assert L.parse_qualifier(text) == code


def test_unknown_qualifier_is_an_error():
    with pytest.raises(WorkbookError, match="大约"):
        L.parse_qualifier("大约")


def test_snapshot_row_round_trips_through_cells():
    row = L.SnapshotRow(L.TARGETS, "I7", "152500", "GDP_GROWTH", 2024, None, "target",
                        Decimal("4.5"), "range", Decimal("5"), False, 12)
    meta = [["property", "value"], ["workbook_id", "abc"], ["revision", 2.0], [],
            list(L.SNAPSHOT_FIELDS), row.cells()]
    props, snapshot = L.parse_meta(meta)
    assert props == {"workbook_id": "abc", "revision": "2"}
    assert snapshot == [row]


def test_snapshot_tolerates_reader_types():
    # calamine returns floats for numbers; openpyxl None for empty cells
    cells = [L.PARTIAL, "L5", 150000.0, "COAL_OUTPUT", 2021.0, "1-8", "actual", "64900",
             "eq", None, 0.0, 18.0]
    s = L.SnapshotRow.from_cells(cells)
    assert (s.region_code, s.year, s.months, s.value_high, s.source_row) == ("150000", 2021, "1-8", None, 18)


def test_address_helpers():
    assert L.cell_address(11, 5, L.ANNUAL) == "年度数据!F12"
    assert L.parse_address("年度数据!F12") == (L.ANNUAL, 11, 5)
    with pytest.raises(WorkbookError):
        L.parse_address("年度数据!12F")
