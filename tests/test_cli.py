"""The command line end to end: read, extract (formats, overrides, failures), build."""
from __future__ import annotations

import csv
import io
import json
import shutil

import jsonschema
from click.testing import CliRunner

from zhibiao import catalog
from zhibiao.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_read_prints_pages_of_a_two_column_pdf(samples_dir):
    result = run("read", str(samples_dir / "pdf-2col" / "001_9f860a2bdebb59a8.pdf"))
    assert result.exit_code == 0
    assert "=== 第1页 ===" in result.output and "=== 第2页 ===" in result.output
    assert "全年原煤产量1.37亿吨、增长0.9%" in result.output


def test_extract_jsonl_records_follow_the_schema(samples_dir, tmp_path):
    out = tmp_path / "facts.jsonl"
    result = run("extract", str(samples_dir / "001_9f860a2bdebb59a8.txt"), "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) > 40
    for r in records:
        jsonschema.validate(r, catalog.schema("fact"))
    coal = [r for r in records if r["indicator"] == "COAL_OUTPUT" and r["year"] == 2023]
    assert coal[0]["value"] == 13700 and coal[0]["source"]["quote"] == "原煤产量1.37亿吨"


def test_extract_csv_has_the_columns_clerks_need(samples_dir):
    result = run("extract", str(samples_dir / "003_6ba92f5af78f20b4.txt"), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {"region_code", "indicator", "year", "months", "status", "value", "unit", "qualifier", "quote"} <= set(rows[0])
    assert ("150624", "RETAIL_SALES", "1-11", "34") in {(r["region_code"], r["indicator"], r["months"], r["value"])
                                                       for r in rows}


def test_region_and_year_overrides(samples_dir):
    result = run("extract", str(samples_dir / "000_7bf0e0e06157e1e4.txt"), "--format", "jsonl",
                 "--region", "152502", "--year", "2025")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records and {r["region_code"] for r in records} == {"152502"}
    assert {r["region"] for r in records} == {"锡林浩特市"}
    assert 2025 in {r["year"] for r in records}


def test_a_broken_file_is_listed_and_the_others_go_on(samples_dir, tmp_path):
    shutil.copy(samples_dir / "001_9f860a2bdebb59a8.txt", tmp_path / "good.txt")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    result = CliRunner().invoke(cli, ["extract", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "broken.pdf" in result.output and "binary.txt" in result.output
    facts = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert facts and {f["doc"] for f in facts} == {"good.txt"}


def test_unknown_region_override_is_a_clear_error(samples_dir):
    result = CliRunner().invoke(cli, ["extract", str(samples_dir / "000_7bf0e0e06157e1e4.txt"),
                                      "--region", "不存在的地方"])
    assert result.exit_code == 1
    assert "--region" in result.output


def test_build_writes_a_workbook_and_lists_failures(samples_dir, tmp_path):
    shutil.copy(samples_dir / "003_6ba92f5af78f20b4.txt", tmp_path / "a.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1 and "empty.txt" in result.output
    assert out.exists() and out.stat().st_size > 5000


def test_a_text_with_no_report_in_it_is_a_clear_error(tmp_path):
    note = tmp_path / "notes.txt"
    note.write_text("F1 0.979 P 0.986 R 0.972\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(note)])
    assert result.exit_code == 1
    assert "notes.txt" in result.output and ("--year" in result.output or "--region" in result.output)


def test_fill_from_the_reviewed_store(samples_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("build", str(samples_dir / "001_9f860a2bdebb59a8.txt"), "-o", "wb.xlsx").exit_code == 0
    assert run("import", "wb.xlsx", "--reviewer", "张三").exit_code == 0
    template = samples_dir.parent / "templates" / "example_template.xlsx"
    result = CliRunner().invoke(cli, ["fill", "--db", "zhibiao.db", "--template", str(template), "-o", "out.xlsx"])
    assert (tmp_path / "out.xlsx").exists()
    assert "cells filled" in result.output
    history = run("history", "--region", "152500", "--indicator", "COAL_OUTPUT", "--format", "json")
    entries = json.loads(history.output)
    assert {e["year"] for e in entries} >= {2023, 2024}
