"""Validation: schemas and plausibility rules on real sample facts."""
from __future__ import annotations

from decimal import Decimal

import pytest

from zhibiao.store import KIND_CORRECTED, Provenance, Record
from zhibiao.validation import (ERROR, WARNING, has_errors, validate_facts, validate_records)


def pick(facts: list, indicator: str, status: str = "actual"):
    return next(f for f in facts if f.indicator == indicator and f.status == status)


def rules_of(findings, severity=None) -> list[str]:
    return [f.rule for f in findings if severity is None or f.severity == severity]


def test_seed_facts_are_clean(seed_facts: list) -> None:
    assert validate_facts(seed_facts) == []
    assert validate_records([Record.from_fact(f) for f in seed_facts]) == []


@pytest.mark.parametrize("value,severity", [("600", ERROR), ("40", WARNING), ("-120", ERROR),
                                            ("12", None)])
def test_growth_ranges(seed_facts: list, value: str, severity: str | None) -> None:
    fact = pick(seed_facts, "FAI_GROWTH").with_(value=Decimal(value))
    found = validate_facts([fact])
    assert [(f.severity, f.rule) for f in found] == ([(severity, "range")] if severity else [])


def test_finding_is_located_and_in_chinese(seed_facts: list) -> None:
    fact = pick(seed_facts, "FAI_GROWTH").with_(value=Decimal("600"))
    [finding] = validate_facts([fact], cells={fact.key: "年度数据!F12"})
    assert (finding.sheet, finding.cell, finding.address) == ("年度数据", "F12", "年度数据!F12")
    assert finding.region_code == fact.region_code and finding.year == fact.year
    assert "固定资产投资增速" in finding.message and "600%" in finding.message
    d = finding.to_dict()
    assert set(d) == {"severity", "sheet", "cell", "region_code", "region", "indicator", "year",
                      "rule", "message"}
    assert str(finding).startswith("错误 年度数据!F12")


def test_schema_errors_are_all_collected(seed_facts: list) -> None:
    bad = seed_facts[0].with_(region_code="15250", months="13-2", unit="")
    found = validate_facts([bad])
    schema_msgs = [f.message for f in found if f.rule == "schema"]
    assert len(schema_msgs) == 3
    assert any("地区代码" in m for m in schema_msgs) and any("月份" in m for m in schema_msgs)
    assert "region" in rules_of(found) and "unit" in rules_of(found)


def test_unit_year_region_months_qualifier(seed_facts: list) -> None:
    gdp = pick(seed_facts, "GDP_GROWTH")
    cases = {
        "unit": gdp.with_(unit="亿元"),
        "year": gdp.with_(year=1960),
        "region": gdp.with_(region_code="992500"),
        "months": gdp.with_(months="3-6"),
        "qualifier": gdp.with_(qualifier="range", value_high=Decimal("5")),
    }
    for rule, fact in cases.items():
        assert rule in rules_of(validate_facts([fact])), rule
    assert rules_of(validate_facts([gdp.with_(months="3-6")])) == ["months"]
    assert validate_facts([gdp.with_(months="3-6")])[0].severity == WARNING
    assert "qualifier" in rules_of(validate_facts([gdp.with_(value_high=Decimal("9"))]))
    assert validate_facts([gdp.with_(qualifier="range", value_high=Decimal("12"))]) == []


def test_count_must_be_whole(seed_facts: list) -> None:
    fact = next(f for f in seed_facts if f.indicator == "KEY_PROJECT_COUNT")
    assert rules_of(validate_facts([fact.with_(value=Decimal("12.5"))])) == ["integer"]


def test_duplicate_keys_with_different_values(seed_facts: list) -> None:
    fact = seed_facts[0]
    found = validate_facts([fact, fact.with_(value=fact.value + 1)])
    assert rules_of(found) == ["duplicate"]
    assert validate_facts([fact, fact]) == []  # the same fact twice is one fact


def test_capacity_added_at_most_total(seed_facts: list) -> None:
    total = pick(seed_facts, "NEW_ENERGY_CAPACITY", "estimate")
    added = total.with_(indicator="NEW_ENERGY_CAPACITY_ADDED", indicator_name="新增新能源装机",
                        value=total.value + 1)
    found = validate_facts([total, added])
    assert [(f.rule, f.severity, f.indicator) for f in found] == [
        ("at_most", ERROR, "NEW_ENERGY_CAPACITY_ADDED")]
    assert validate_facts([total, added.with_(value=Decimal(100))]) == []


def test_level_and_growth_against_last_year(seed_facts: list) -> None:
    gdp = pick(seed_facts, "GDP_GROWTH")
    level = gdp.with_(indicator="GDP", unit="亿元", value=Decimal("1100"), qualifier="eq")
    last_year = level.with_(year=level.year - 1, value=Decimal("1000"))
    ok = gdp.with_(value=Decimal("10"))
    assert validate_facts([level, ok], history=[Record.from_fact(last_year)]) == []
    found = validate_facts([level, ok.with_(value=Decimal("30"))], history=[last_year])
    assert [(f.rule, f.severity) for f in found] == [("range", WARNING), ("level_growth", WARNING)]
    assert "算得 10%" in found[1].message


def test_jump_against_history(seed_facts: list) -> None:
    fact = next(f for f in seed_facts if f.indicator == "DESERTIFICATION_CONTROL")
    past = Record.from_fact(fact.with_(year=fact.year - 1, value=fact.value / 10000))
    found = validate_facts([fact], history=[past])
    assert [(f.rule, f.severity) for f in found] == [("jump", WARNING)]
    assert validate_facts([fact], history=[Record.from_fact(fact.with_(year=fact.year - 1))]) == []


def test_canonical_schema_requires_reviewer_for_corrections(seed_facts: list) -> None:
    rec = Record.from_fact(seed_facts[0])
    bad = Record(**{**rec.__dict__, "provenance": Provenance(KIND_CORRECTED, "a.xlsx")})
    found = validate_records([bad])
    assert has_errors(found) and {f.rule for f in found} == {"schema"}
    good = Record(**{**rec.__dict__, "provenance": Provenance(
        KIND_CORRECTED, "a.xlsx", reviewer="张三", sha256="0" * 64, at="2026-01-01T00:00:00+00:00")})
    assert validate_records([good]) == []


def test_validate_workbook_fills_the_findings_sheet(tmp_path, seed_facts: list) -> None:
    import openpyxl
    from python_calamine import CalamineWorkbook

    from zhibiao.reimport import import_workbook, validate_workbook
    from zhibiao.store import open_store
    from zhibiao.workbook import layout as L
    from zhibiao.workbook.write import write_workbook

    book = write_workbook(seed_facts, tmp_path / "s.xlsx")
    assert validate_workbook(book) == []
    wb = openpyxl.load_workbook(book)
    ws = wb[L.ANNUAL]
    cells = {}
    for row in ws.iter_rows(min_row=L.FIRST_DATA_ROW + 1):
        if row[0].value == "152500" and row[1].value in ("GDP_GROWTH", "FAI_GROWTH"):
            cells[row[1].value] = row[8]  # column I: 2023
    cells["GDP_GROWTH"].value, cells["FAI_GROWTH"].value = 40, "abc"
    wb.save(book)

    found = validate_workbook(book)
    assert [(f.severity, f.address, f.rule) for f in found] == [
        (ERROR, f"{L.ANNUAL}!{cells['FAI_GROWTH'].coordinate}", "cell"),
        (WARNING, f"{L.ANNUAL}!{cells['GDP_GROWTH'].coordinate}", "range")]
    with CalamineWorkbook.from_path(str(book)) as wb2:
        rows = wb2.get_sheet_by_name(L.FINDINGS).to_python()
    assert rows[1][0] == "级别" and [r[:3] for r in rows[2:]] == [
        ["错误", L.ANNUAL, cells["FAI_GROWTH"].coordinate],
        ["警告", L.ANNUAL, cells["GDP_GROWTH"].coordinate]]
    assert "abc" in rows[2][7] and rows[3][4] == "地区生产总值增速"
    validate_workbook(book)  # run again: the rows are replaced, not appended
    with CalamineWorkbook.from_path(str(book)) as wb2:
        assert len(wb2.get_sheet_by_name(L.FINDINGS).to_python()) == 4
    with open_store(tmp_path / "z.db") as store:  # still a workbook the importer reads
        with pytest.raises(Exception, match="abc"):
            import_workbook(book, store, reviewer="张三")


POOLS = {  # values near each field's constraints, valid and not
    "qualifier": ["range", "eq", "approx", "bad"], "value_high": [None, 5, 5.5, "5", True],
    "kind": ["corrected", "extracted", "x"], "reviewer": ["", "张三", 3],
    "sha256": ["", "0" * 64, "zz"], "at": ["", "2026-01-01"], "file": ["", "a.txt", None],
    "months": [None, "1-6", "13-2", ""], "year": [2024, 1900, 2024.0, True, "2024"],
    "region_code": ["152500", "15250", 152500], "status": ["actual", "target", "plan"],
    "value": [1, 1.5, "1", None, True], "page": [None, 0, 1, 1.0, False], "revision": [0, -1, 1.0],
    "confidence": [0, 1, 1.5, True], "unit": ["", "%"], "quote": ["", 5],
}


def _json_values():
    from hypothesis import strategies as st

    scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 2200), st.floats(allow_nan=False),
                        st.sampled_from(["", "152500", "1-6", "GDP", "gdp", "x", "%"]))
    return st.one_of(scalars, st.dictionaries(st.sampled_from(["file", "page", "kind", "x"]),
                                              scalars, max_size=3))


def test_fast_check_agrees_with_jsonschema(seed_facts: list) -> None:
    """FastCheck is an optimisation only: on any instance it answers as jsonschema does."""
    import jsonschema
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from zhibiao import catalog
    from zhibiao.validation import FastCheck

    bases = {"fact": [f.to_dict() for f in seed_facts[:20]],
             "canonical": [Record.from_fact(f).to_dict() for f in seed_facts[:20]]}
    checks = {name: (FastCheck(catalog.schema(name)), jsonschema.Draft202012Validator(catalog.schema(name)))
              for name in bases}
    assert all(fast.simple for fast, _ in checks.values())
    nested = {"fact": "source", "canonical": "provenance"}

    @settings(max_examples=1500, deadline=None)
    @given(st.sampled_from(sorted(bases)), st.integers(0, 19),
           st.lists(st.tuples(st.booleans(), st.booleans()), max_size=4), st.data())
    def agree(name, i, edits, data) -> None:
        record = json_copy(bases[name][i])
        for inner, delete in edits:
            target = record[nested[name]] if inner and isinstance(record.get(nested[name]), dict) else record
            key = data.draw(st.sampled_from(sorted(target) + ["extra"]))
            if delete:
                target.pop(key, None)
            else:
                target[key] = data.draw(st.sampled_from(POOLS[key]) if key in POOLS else _json_values())
        fast, full = checks[name]
        assert fast.valid(record) == full.is_valid(record)

    agree()


def json_copy(d):
    import json

    return json.loads(json.dumps(d))


def test_fast_check_memo_tells_true_from_one(seed_facts: list) -> None:
    from zhibiao import catalog
    from zhibiao.validation import FastCheck

    fast = FastCheck(catalog.schema("canonical"))
    record = Record.from_fact(seed_facts[0]).to_dict()
    assert fast.valid({**record, "value": 1})
    assert not fast.valid({**record, "value": True})  # JSON Schema: a boolean is not a number
    assert not fast.valid({**record, "qualifier": "range"})  # range needs value_high
    assert fast.valid({**record, "qualifier": "range", "value_high": record["value"] + 1})
