"""zhibiao fill: a clerk's template filled from facts, formatting kept, problems by cell."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from zhibiao.errors import WorkbookError
from zhibiao.facts import Source
from zhibiao.workbook.fill import fill_template

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "templates" / "example_template.xlsx"


def seed_value(facts, indicator, region, year, status, months=None) -> Decimal:
    (v,) = {f.value for f in facts if (f.indicator, f.region_code, f.year, f.status, f.months)
            == (indicator, region, year, status, months)}
    return v


def test_example_template_fills_every_marker_from_the_seeds(tmp_path, seed_facts):
    report = fill_template(seed_facts, EXAMPLE, tmp_path / "out.xlsx")
    assert report.ok, report.lines()
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["主要指标"]
    expected = {
        "C3": ("GDP_GROWTH", "152500", 2023, "actual"), "D3": ("GDP_GROWTH", "152500", 2024, "target"),
        "C4": ("FAI_GROWTH", "152500", 2023, "actual"), "D4": ("FAI_GROWTH", "152500", 2024, "target"),
        "C5": ("KEY_PROJECT_COUNT", "152500", 2023, "actual"),
        "D5": ("KEY_PROJECT_COUNT", "152500", 2024, "target"),
        "C6": ("COAL_OUTPUT", "152500", 2023, "actual"), "D6": ("COAL_OUTPUT", "152500", 2024, "target"),
        "C7": ("NEW_ENERGY_CAPACITY", "152500", 2023, "actual"),
        "D7": ("NEW_ENERGY_CAPACITY", "152500", 2024, "target"),
        "C8": ("GRASSLAND_RESTORATION", "152500", 2023, "actual"),
        "D8": ("GRASSLAND_RESTORATION", "152500", 2024, "target"),  # the defined name
    }
    for cell, key in expected.items():
        assert Decimal(str(ws[cell].value)) == seed_value(seed_facts, *key), cell
    assert ws["C9"].value == seed_value(seed_facts, "CHINA_EUROPE_TRAINS", "152501", 2021, "actual", "1-8")
    assert ws["A11"].value == "2023年全盟接待游客1630万人次，实现旅游收入218亿元；外贸进出口总额预计115亿元。"
    assert {a for a, _, _ in report.filled} == {f"主要指标!{c}" for c in [*expected, "C9", "A11"]}


def test_formatting_survives_the_fill(tmp_path, seed_facts):
    fill_template(seed_facts, EXAMPLE, tmp_path / "out.xlsx")
    before = openpyxl.load_workbook(EXAMPLE)["主要指标"]
    after = openpyxl.load_workbook(tmp_path / "out.xlsx")["主要指标"]
    for ref in ("A1", "A2", "C3", "D6", "C7", "A11"):
        b, a = before[ref], after[ref]
        assert (a.number_format, a.font.name, a.font.b, a.border.left.style, a.fill.fgColor.rgb,
                a.alignment.horizontal) == (b.number_format, b.font.name, b.font.b,
                                            b.border.left.style, b.fill.fgColor.rgb, b.alignment.horizontal)
    assert after.merged_cells.ranges == before.merged_cells.ranges
    assert after.column_dimensions["A"].width == before.column_dimensions["A"].width
    assert after["C6"].number_format == "#,##0" and after["C6"].value == 13700


def make_template(path: Path, cells: dict[str, str], names: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    for ref, value in cells.items():
        ws[ref] = value
    for name, ref in (names or {}).items():
        wb.defined_names[name] = DefinedName(name, attr_text=f"'表1'!{ref}")
    wb.save(path)
    return path


def test_unknown_missing_and_conflicting_markers_are_reported_by_cell(tmp_path, seed_facts):
    gdp = next(f for f in seed_facts if f.indicator == "GDP_GROWTH" and f.year == 2023)
    facts = [*seed_facts, gdp.with_(value=Decimal("6.5"), source=Source("x.txt", 1, 0, 4, "6.5%"))]
    template = make_template(tmp_path / "t.xlsx", {
        "A1": "{{NOT_AN_INDICATOR|152500|2023}}",
        "A2": "{{GDP|呼伦贝尔市|2023}}",          # a name no fact has
        "A3": "{{GDP|152500}}",                    # no year
        "A4": "{{PM25|152500|2023}}",              # well-formed, no value
        "A5": "{{GDP_GROWTH|152500|2023}}",        # two values
        "A6": "{{GDP_GROWTH|152500|2023|上半年}}",  # an extra part it cannot read
        "B1": "=CONCAT(\"{{\",\"x}}\")",           # a formula is never touched
    }, names={"zb.PM25.152500.2024.target": "$C$1"})
    report = fill_template(facts, template, tmp_path / "out.xlsx")
    assert sorted(p.cell for p in report.unknown) == ["表1!A1", "表1!A2", "表1!A3", "表1!A6"]
    assert sorted(p.cell for p in report.missing) == ["表1!A4", "表1!C1"]
    assert [p.cell for p in report.conflicts] == ["表1!A5"] and "6.5" in report.conflicts[0].reason
    assert not report.filled and not report.ok
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"]
    assert ws["A4"].value == "{{PM25|152500|2023}}" and ws["B1"].value.startswith("=CONCAT")
    assert any("NOT_AN_INDICATOR" in line for line in report.lines())


def test_blank_missing_clears_unfilled_markers(tmp_path, seed_facts):
    template = make_template(tmp_path / "t.xlsx", {"A1": "{{PM25|152500|2023}}",
                                                   "A2": "产量{{PM25|152500|2023}}吨"})
    fill_template(seed_facts, template, tmp_path / "out.xlsx", blank_missing=True)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"]
    assert ws["A1"].value is None and ws["A2"].value == "产量吨"


def test_estimate_is_used_when_there_is_no_actual(tmp_path, seed_facts):
    template = make_template(tmp_path / "t.xlsx", {"A1": "{{FOREIGN_TRADE|152500|2023}}",
                                                   "A2": "{{FOREIGN_TRADE|152500|2023|actual}}"})
    report = fill_template(seed_facts, template, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"]
    assert ws["A1"].value == 115
    assert [p.cell for p in report.missing] == ["表1!A2"]


def test_missing_template_is_a_workbook_error(tmp_path, seed_facts):
    with pytest.raises(WorkbookError, match="nope.xlsx"):
        fill_template(seed_facts, tmp_path / "nope.xlsx", tmp_path / "out.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(WorkbookError, match="broken.xlsx"):
        fill_template(seed_facts, broken, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_escaped_markers_stay_text_without_the_backslash(tmp_path, seed_facts):
    template = make_template(tmp_path / "t.xlsx", {
        "A1": r"写法：\{{GDP_GROWTH|152500|2023}}", "A2": r"\{{GDP_GROWTH|152500|2023}}",
        "A3": r"\{{例}} 与 {{GDP_GROWTH|152500|2023}}"})
    report = fill_template(seed_facts, template, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表1"]
    assert ws["A1"].value == "写法：{{GDP_GROWTH|152500|2023}}"
    assert ws["A2"].value == "{{GDP_GROWTH|152500|2023}}"
    assert ws["A3"].value == "{{例}} 与 6" and report.ok and len(report.filled) == 1


def test_example_help_sheet_shows_the_syntax_after_filling(tmp_path, seed_facts):
    fill_template(seed_facts, EXAMPLE, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["标记说明"]
    assert ws["B3"].value == "{{指标|地区|年份}}，如 {{GDP_GROWTH|152500|2023}}"
