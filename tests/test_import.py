"""Re-import of reviewed workbooks: the whole loop, bad edits, stale workbooks, concurrency."""
from __future__ import annotations

import hashlib
import multiprocessing
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pytest

from zhibiao.export import export
from zhibiao.reimport import Rejected, import_workbook
from zhibiao.store import open_store
from zhibiao.workbook import layout as L
from zhibiao.workbook.write import write_workbook

REVIEWER = "张三"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(report) -> dict[str, int]:
    return {k: getattr(report, k) for k in ("unchanged", "changed", "new", "removed", "rejected")}


@pytest.fixture()
def built(tmp_path: Path, seed_facts: list) -> Path:
    return write_workbook(seed_facts, tmp_path / "samples.xlsx", revision=0)


@pytest.fixture()
def imported(built: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The sample workbook, imported once into a fresh store."""
    db = tmp_path / "zhibiao.db"
    with open_store(db) as store:
        report = import_workbook(built, store, reviewer=REVIEWER)
    assert counts(report) == {"unchanged": 0, "changed": 0, "new": 99, "removed": 0, "rejected": 0}
    return built, db


def edit(src: Path, dst: Path, change: Callable[[openpyxl.Workbook], Any]) -> Path:
    """What a reviewer does: open in a spreadsheet program, change, save under a name."""
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def locate(ws, region_code: str, indicator: str, year: int, part: str = L.VALUE) -> str:
    """The address of a grid value by its keys, as a reviewer finds it by eye."""
    header = [c.value for c in ws[L.HEADER_ROW + 1]]
    col = next(c for c, (y, p) in L.parse_grid_header(header).items() if (y, p) == (year, part))
    for row in ws.iter_rows(min_row=L.FIRST_DATA_ROW + 1):
        if row[0].value == region_code and row[1].value == indicator:
            return row[col].coordinate
    raise KeyError((region_code, indicator, year))


def partial_row(ws, indicator: str, months: str) -> int:
    for row in ws.iter_rows(min_row=L.FIRST_DATA_ROW + 1):
        if row[1].value == indicator and row[3].value == months:
            return row[0].row
    raise KeyError(indicator)


def reverse_rows(ws) -> None:
    """Sort the data rows the other way round (values and all)."""
    first = L.FIRST_DATA_ROW + 1
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=first)]
    for i, values in enumerate(reversed(rows)):
        for j, v in enumerate(values):
            ws.cell(first + i, j + 1).value = v


# --- the whole loop -----------------------------------------------------------

def reviewer_edits(wb: openpyxl.Workbook) -> None:
    annual, targets, partial = wb[L.ANNUAL], wb[L.TARGETS], wb[L.PARTIAL]
    annual[locate(annual, "152500", "GDP_GROWTH", 2023)] = 6.5          # change a number
    targets[locate(targets, "152500", "GDP_GROWTH", 2024, L.QUALIFIER)] = "≥"  # a qualifier
    partial.cell(partial_row(partial, "RETAIL_SALES_GROWTH", "1-11"),
                 L.partial_col("value") + 1).value = None              # clear a cell
    reverse_rows(annual)                                                # sort the rows


def test_whole_loop(imported: tuple[Path, Path], tmp_path: Path, seed_facts: list) -> None:
    built, db = imported
    edited = edit(built, tmp_path / "审核后.xlsx", reviewer_edits)
    target = next(f for f in seed_facts if f.region_code == "152500" and
                  f.indicator == "GDP_GROWTH" and f.status == "target" and f.year == 2024)
    cleared = next(f for f in seed_facts if f.indicator == "RETAIL_SALES_GROWTH"
                   and f.months == "1-11")
    before = sha(db)
    with open_store(db) as store:
        dry = import_workbook(edited, store, reviewer=REVIEWER, dry_run=True, allow_delete=True)
    assert sha(db) == before
    assert counts(dry) == {"unchanged": 96, "changed": 2, "new": 0, "removed": 1, "rejected": 0}
    got = {(c.action, c.indicator, c.year, c.status, c.old, c.new, c.old_qualifier, c.new_qualifier)
           for c in dry.changes}
    assert got == {
        ("changed", "GDP_GROWTH", 2023, "actual", Decimal("6"), Decimal("6.5"), "eq", "eq"),
        ("changed", "GDP_GROWTH", 2024, "target", target.value, target.value, "approx", "ge"),
        ("removed", "RETAIL_SALES_GROWTH", 2024, "actual", cleared.value, None, "eq", None),
    }
    moved = next(c for c in dry.changes if c.year == 2023)
    assert moved.sheet == L.ANNUAL and moved.cell == locate(
        openpyxl.load_workbook(edited)[L.ANNUAL], "152500", "GDP_GROWTH", 2023)

    with open_store(db) as store:
        real = import_workbook(edited, store, reviewer=REVIEWER, allow_delete=True)
        assert counts(real) == counts(dry) and real.revision == 2
        export(store, "csv", tmp_path / "out.csv")
        history = store.history(region="152500", indicator="GDP_GROWTH")
        removed = store.history(indicator="RETAIL_SALES_GROWTH")
    csv_text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert ",GDP_GROWTH,地区生产总值增速,2023,,actual,6.5,%,eq," in csv_text
    assert ",GDP_GROWTH,地区生产总值增速,2024,,target,6,%,ge," in csv_text
    assert ",RETAIL_SALES_GROWTH,社会消费品零售总额增速,2024,1-11," not in csv_text
    latest = [h for h in history if h.revision == 2]
    assert {(h.year, h.old_value, h.new_value, h.old_qualifier, h.new_qualifier) for h in latest} == {
        (2023, Decimal("6"), Decimal("6.5"), "eq", "eq"),
        (2024, target.value, target.value, "approx", "ge")}
    assert all(h.who == REVIEWER and h.source == "审核后.xlsx" and h.sha256 == sha(edited)
               for h in latest)
    assert [h.action for h in removed if h.months == "1-11"][-1] == "removed"


def test_first_import_keeps_extracted_provenance(imported: tuple[Path, Path], seed_facts: list) -> None:
    _, db = imported
    with open_store(db) as store:
        records = {r.key: r for r in store.records()}
    assert set(records) == {f.key for f in seed_facts}
    for fact in seed_facts:
        prov = records[fact.key].provenance
        assert (prov.kind, prov.file, prov.quote) == ("extracted", fact.doc, fact.source.quote)


def test_importing_again_changes_nothing(imported: tuple[Path, Path]) -> None:
    built, db = imported
    before = sha(db)
    with open_store(db) as store:
        report = import_workbook(built, store, reviewer=REVIEWER)
    assert counts(report) == {"unchanged": 99, "changed": 0, "new": 0, "removed": 0, "rejected": 0}
    assert report.revision is None and sha(db) == before


def test_cleared_cell_without_allow_delete_stays(imported: tuple[Path, Path], tmp_path: Path) -> None:
    built, db = imported

    def clear(wb: openpyxl.Workbook) -> None:
        wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = None

    edited = edit(built, tmp_path / "e.xlsx", clear)
    with open_store(db) as store:
        report = import_workbook(edited, store, reviewer=REVIEWER)
        assert counts(report)["removed"] == 0 and counts(report)["unchanged"] == 99
        assert [w.rule for w in report.warnings] == ["cleared"]
        assert "--allow-delete" in report.warnings[0].message
        kept = [r for r in store.records(region="152500", indicator="GDP_GROWTH") if r.year == 2023]
        assert [r.value for r in kept] == [Decimal("6")]


def test_hidden_inserted_and_deleted_rows_import_right(imported, tmp_path: Path) -> None:
    built, db = imported

    def rearrange(wb: openpyxl.Workbook) -> None:
        ws = wb[L.ANNUAL]
        for r in range(5, 40):
            ws.row_dimensions[r].hidden = True      # hidden (as a filter does)
        ws.insert_rows(12, amount=3)                # blank rows inserted
        empty = [r[0].row for r in ws.iter_rows(min_row=L.FIRST_DATA_ROW + 1)
                 if all(c.value is None for c in r[L.FIRST_YEAR_COL:L.FIRST_YEAR_COL + 5])]
        ws.delete_rows(empty[-1])                   # a row without values deleted
        ws.auto_filter.ref = f"A2:{L.col_letter(ws.max_column - 1)}{ws.max_row}"

    edited = edit(built, tmp_path / "e.xlsx", rearrange)
    with open_store(db) as store:
        report = import_workbook(edited, store, reviewer=REVIEWER)
    assert counts(report) == {"unchanged": 99, "changed": 0, "new": 0, "removed": 0, "rejected": 0}
    assert report.warnings == []


def test_json_report_shape(imported: tuple[Path, Path], tmp_path: Path) -> None:
    import json

    built, db = imported
    edited = edit(built, tmp_path / "e.xlsx", reviewer_edits)
    with open_store(db) as store:
        d = json.loads(json.dumps(import_workbook(edited, store, dry_run=True).to_dict()))
    assert all(isinstance(d[k], int) for k in ("unchanged", "changed", "new", "removed", "rejected"))
    assert d["changed"] == 2 and len(d["changes"]) == 2
    assert {c["sheet"] for c in d["changes"]} == {L.ANNUAL, L.TARGETS}
    assert {(c["old"], c["new"]) for c in d["changes"]} >= {("6", "6.5")}


# --- what reviewers really type ------------------------------------------------

@pytest.mark.parametrize("typed,value,qualifier", [
    ("6.5%", "6.5", "eq"), ("约6.5", "6.5", "approx"), ("６．５", "6.5", "eq"), ("6.5左右", "6.5", "approx")])
def test_typed_text_is_read_when_unambiguous(imported, tmp_path: Path, typed: str, value: str,
                                             qualifier: str) -> None:
    built, db = imported

    def type_text(wb: openpyxl.Workbook) -> None:
        wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = typed

    edited = edit(built, tmp_path / "e.xlsx", type_text)
    with open_store(db) as store:
        report = import_workbook(edited, store, reviewer=REVIEWER)
        [change] = report.changes
        assert (change.new, change.new_qualifier) == (Decimal(value), qualifier)
        assert [w.rule for w in report.warnings] == ["typed_text"]


def test_thousands_separator_in_a_level(imported, tmp_path: Path, seed_facts: list) -> None:
    built, db = imported
    fact = next(f for f in seed_facts if f.unit == "亿元" and not f.months and f.status == "actual")

    def type_text(wb: openpyxl.Workbook) -> None:
        wb[L.ANNUAL][locate(wb[L.ANNUAL], fact.region_code, fact.indicator, fact.year)] = "1,234.5"

    with open_store(db) as store:
        [change] = import_workbook(edit(built, tmp_path / "e.xlsx", type_text), store,
                                   reviewer=REVIEWER, dry_run=True).changes
    assert change.new == Decimal("1234.5")


# --- bad edits are rejected, the store untouched ---------------------------------

def put_text(wb: openpyxl.Workbook) -> None:
    wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = "六点五"


def delete_key_column(wb: openpyxl.Workbook) -> None:
    wb[L.ANNUAL].delete_cols(1)


def duplicate_row(wb: openpyxl.Workbook) -> None:
    ws = wb[L.TARGETS]
    src = int(locate(ws, "152500", "GDP_GROWTH", 2024)[1:].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    last = ws.max_row + 1
    for c, cell in enumerate(ws[src], start=1):
        ws.cell(last, c).value = cell.value


def put_formula(wb: openpyxl.Workbook) -> None:
    wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = "=6+0.5"


def merge_values(wb: openpyxl.Workbook) -> None:
    ws = wb[L.ANNUAL]
    cell = locate(ws, "152500", "GDP_GROWTH", 2023)
    col, row = cell.rstrip("0123456789"), cell[len(cell.rstrip("0123456789")):]
    ws.merge_cells(f"{chr(ord(col) - 1)}{row}:{cell}")


def alter_key(wb: openpyxl.Workbook) -> None:
    ws = wb[L.ANNUAL]
    cell = locate(ws, "152500", "GDP_GROWTH", 2023)
    ws[f"B{cell.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"] = "GDP"


def alter_region_code(wb: openpyxl.Workbook) -> None:
    ws = wb[L.ANNUAL]
    cell = locate(ws, "152500", "GDP_GROWTH", 2023)
    ws[f"A{cell.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"] = "150000"


def value_in_inserted_row(wb: openpyxl.Workbook) -> None:
    ws = wb[L.ANNUAL]
    ws.insert_rows(10)
    ws["F10"] = 5


def range_as_text(wb: openpyxl.Workbook) -> None:
    wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = "6-7"


@pytest.mark.parametrize("bad,rule,sheet,with_cell", [
    (put_text, "cell", L.ANNUAL, True),
    (delete_key_column, "key_columns", L.ANNUAL, False),
    (duplicate_row, "duplicate_row", L.TARGETS, True),
    (put_formula, "cell", L.ANNUAL, True),
    (merge_values, "merged", L.ANNUAL, True),
    (alter_key, "key_columns", L.ANNUAL, True),
    (alter_region_code, "key_columns", L.ANNUAL, True),
    (value_in_inserted_row, "key_columns", L.ANNUAL, True),
    (range_as_text, "cell", L.ANNUAL, True),
])
def test_bad_edits_are_rejected(imported, tmp_path: Path, bad, rule: str, sheet: str,
                                with_cell: bool) -> None:
    built, db = imported

    def bad_and_good(wb: openpyxl.Workbook) -> None:
        wb[L.TARGETS][locate(wb[L.TARGETS], "152500", "GDP_GROWTH", 2024)] = 9  # a good edit
        bad(wb)

    edited = edit(built, tmp_path / "bad.xlsx", bad_and_good)
    before = sha(db)
    with open_store(db) as store:
        with pytest.raises(Rejected) as info:
            import_workbook(edited, store, reviewer=REVIEWER)
    assert sha(db) == before
    report = info.value.report
    assert report.rejected >= 1 and report.revision is None
    errors = [e for e in report.errors if e.rule == rule]
    assert errors and all(e.sheet == sheet for e in errors)
    assert all(e.cell for e in errors) if with_cell else True
    assert f"{sheet}" in str(info.value)  # the message names the sheet (and cell)


def test_rejection_names_sheet_and_cell(imported, tmp_path: Path) -> None:
    built, db = imported
    edited = edit(built, tmp_path / "bad.xlsx", put_text)
    cell = locate(openpyxl.load_workbook(edited)[L.ANNUAL], "152500", "GDP_GROWTH", 2023)
    with open_store(db) as store:
        with pytest.raises(Rejected) as info:
            import_workbook(edited, store, reviewer=REVIEWER)
    [error] = info.value.report.errors
    assert error.address == f"{L.ANNUAL}!{cell}" and "六点五" in error.message
    assert f"{L.ANNUAL}!{cell}" in str(info.value)


def test_implausible_value_is_rejected(imported, tmp_path: Path) -> None:
    built, db = imported

    def growth_600(wb: openpyxl.Workbook) -> None:
        wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = 600

    before = sha(db)
    with open_store(db) as store:
        with pytest.raises(Rejected) as info:
            import_workbook(edit(built, tmp_path / "e.xlsx", growth_600), store, reviewer=REVIEWER)
    assert [e.rule for e in info.value.report.errors] == ["range"] and sha(db) == before


# --- stale workbooks ----------------------------------------------------------------

def set_gdp_growth(value: float) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = value
    return change


def test_stale_workbook_is_a_conflict_unless_forced(imported, tmp_path: Path) -> None:
    built, db = imported
    first = edit(built, tmp_path / "a.xlsx", set_gdp_growth(6.1))
    second = edit(built, tmp_path / "b.xlsx", set_gdp_growth(6.2))
    with open_store(db) as store:
        import_workbook(first, store, reviewer="李四")
    before = sha(db)
    with open_store(db) as store:
        with pytest.raises(Rejected) as info:
            import_workbook(second, store, reviewer=REVIEWER)
        assert sha(db) == before
        [conflict] = info.value.report.errors
        assert conflict.rule == "stale" and conflict.sheet == L.ANNUAL and "李四" in conflict.message
        forced = import_workbook(second, store, reviewer=REVIEWER, force=True)
        assert [(c.new, c.forced) for c in forced.changes] == [(Decimal("6.2"), True)]
        last = store.history(region="152500", indicator="GDP_GROWTH")[-1]
        assert (last.new_value, last.forced, last.who) == (Decimal("6.2"), True, REVIEWER)


def test_untouched_cells_of_a_stale_workbook_keep_the_newer_value(imported, tmp_path: Path) -> None:
    built, db = imported
    with open_store(db) as store:
        import_workbook(edit(built, tmp_path / "a.xlsx", set_gdp_growth(6.1)), store, reviewer="李四")
        report = import_workbook(built, store, reviewer=REVIEWER)  # the old file, untouched
        assert counts(report)["changed"] == 0
        [gdp] = [r for r in store.records(region="152500", indicator="GDP_GROWTH") if r.year == 2023]
        assert gdp.value == Decimal("6.1")


def test_a_removal_is_not_undone_by_an_older_workbook(imported, tmp_path: Path) -> None:
    built, db = imported

    def clear(wb: openpyxl.Workbook) -> None:
        wb[L.ANNUAL][locate(wb[L.ANNUAL], "152500", "GDP_GROWTH", 2023)] = None

    with open_store(db) as store:
        import_workbook(edit(built, tmp_path / "a.xlsx", clear), store, reviewer="李四",
                        allow_delete=True)
        again = import_workbook(built, store, reviewer=REVIEWER)  # the older file, untouched
        assert counts(again)["new"] == 0 and again.revision is None
        with pytest.raises(Rejected) as info:  # the older file, with that cell edited
            import_workbook(edit(built, tmp_path / "b.xlsx", set_gdp_growth(7)), store,
                            reviewer=REVIEWER)
        [conflict] = info.value.report.errors
        assert conflict.rule == "stale" and "已删除" in conflict.message and "李四" in conflict.message
        assert not [r for r in store.records(region="152500", indicator="GDP_GROWTH") if r.year == 2023]


# --- LibreOffice -------------------------------------------------------------------

def soffice_convert(src: Path, outdir: Path) -> Path:
    outdir.mkdir(exist_ok=True)
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation=file://{outdir}/profile",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return outdir / src.name


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_resave_imports_with_no_change(imported, tmp_path: Path) -> None:
    built, db = imported
    resaved = soffice_convert(built, tmp_path / "lo")
    assert sha(resaved) != sha(built)
    with open_store(db) as store:
        report = import_workbook(resaved, store, reviewer=REVIEWER)
    assert counts(report) == {"unchanged": 99, "changed": 0, "new": 0, "removed": 0, "rejected": 0}


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_formula_with_cached_value_is_read_with_a_warning(imported, tmp_path: Path) -> None:
    built, db = imported
    with_formula = edit(built, tmp_path / "f.xlsx", put_formula)
    resaved = soffice_convert(with_formula, tmp_path / "lo")  # LibreOffice caches =6+0.5
    with open_store(db) as store:
        report = import_workbook(resaved, store, reviewer=REVIEWER)
    assert [(c.new, c.indicator) for c in report.changes] == [(Decimal("6.5"), "GDP_GROWTH")]
    assert "formula" in [w.rule for w in report.warnings]


# --- two imports at once -----------------------------------------------------------------

def _import_in_process(path: str, db: str, reviewer: str, barrier, results) -> None:
    with open_store(db) as store:
        barrier.wait()
        try:
            report = import_workbook(path, store, reviewer=reviewer)
            results.put((reviewer, "ok", report.changed))
        except Rejected as exc:
            results.put((reviewer, "rejected", [e.rule for e in exc.report.errors]))


def run_concurrently(db: Path, jobs: list[tuple[Path, str]]) -> list[tuple]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=_import_in_process, args=(str(p), str(db), who, barrier, results))
             for p, who in jobs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    return sorted(results.get(timeout=5) for _ in jobs)


def test_two_concurrent_imports_lose_no_update(imported, tmp_path: Path) -> None:
    built, db = imported

    def other_cell(wb: openpyxl.Workbook) -> None:
        wb[L.TARGETS][locate(wb[L.TARGETS], "152500", "GDP_GROWTH", 2024)] = 7

    a = edit(built, tmp_path / "a.xlsx", set_gdp_growth(6.1))
    b = edit(built, tmp_path / "b.xlsx", other_cell)
    assert run_concurrently(db, [(a, "甲"), (b, "乙")]) == [("乙", "ok", 1), ("甲", "ok", 1)]
    with open_store(db) as store:
        values = {(r.year, r.status): r.value for r in store.records(region="152500",
                                                                     indicator="GDP_GROWTH")}
        assert values[(2023, "actual")] == Decimal("6.1") and values[(2024, "target")] == Decimal("7")
        assert store.revision() == 3


def test_two_concurrent_imports_of_one_cell_conflict(imported, tmp_path: Path) -> None:
    built, db = imported
    a = edit(built, tmp_path / "a.xlsx", set_gdp_growth(6.1))
    b = edit(built, tmp_path / "b.xlsx", set_gdp_growth(6.2))
    results = run_concurrently(db, [(a, "甲"), (b, "乙")])
    assert sorted(r[1] for r in results) == ["ok", "rejected"]
    assert [r[2] for r in results if r[1] == "rejected"] == [["stale"]]
