"""Batch builds: many reports over processes, broken files listed, the rest go on."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from zhibiao import build as B
from zhibiao.workbook import layout as L

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")


@pytest.fixture()
def folder(tmp_path, samples_dir) -> Path:
    """The five sample reports, a corrupt PDF and a binary .txt, plus a file that is no report."""
    d = tmp_path / "reports"
    (d / "sub").mkdir(parents=True)
    for i, src in enumerate(sorted(samples_dir.glob("*.txt"))):
        shutil.copy(src, d / ("sub" if i % 2 else ".") / src.name)
    (d / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (d / "notes.docx").write_bytes(b"not a report type")
    return d


def meta(path: Path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return L.parse_meta(wb[L.META].iter_rows(values_only=True))


def test_batch_lists_broken_files_and_builds_the_rest(folder, tmp_path, samples_dir):
    report = B.build_workbooks([folder], tmp_path / "all.xlsx", jobs=2)
    assert report.files == 7  # .docx is not a report
    assert [p.name for p, _ in report.failures] == ["binary.txt", "broken.pdf"]
    assert not any(str(p) in msg for p, msg in report.failures)  # the path is not said twice
    assert "binary" in report.failures[0][1] and "PDF" in report.failures[1][1]
    assert report.failed and report.outputs == [tmp_path / "all.xlsx"]
    props, snapshot = meta(report.outputs[0])
    good = [r for r in B.run_files(sorted(folder.rglob("*.txt")), jobs=1) if not r.error]
    assert int(props["facts"]) == report.facts == sum(len(r.facts) for r in good) > 50
    docs = {d["name"]: d for d in report.documents}
    assert sorted(docs) == sorted(p.name for p in samples_dir.glob("*.txt"))
    for src in samples_dir.glob("*.txt"):
        assert docs[src.name]["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
        assert docs[src.name]["pages"] >= 1
        assert docs[src.name]["sha256"] in props["documents"]


def test_processes_give_the_same_facts_as_one_process(folder, tmp_path):
    one = list(B.run_files(sorted(folder.rglob("*.txt")), jobs=1))
    two = list(B.run_files(sorted(folder.rglob("*.txt")), jobs=2))
    key = lambda r: r.path  # noqa: E731 - pool results arrive in finishing order
    assert [(r.path, r.error, r.facts) for r in sorted(one, key=key)] == \
        [(r.path, r.error, r.facts) for r in sorted(two, key=key)]


def test_one_workbook_per_region(folder, tmp_path):
    report = B.build_workbooks([folder], tmp_path / "by", by="region", jobs=2)
    names = sorted(p.name for p in report.outputs)
    assert "152500_锡林郭勒盟.xlsx" in names and "150000_内蒙古自治区.xlsx" in names
    total = 0
    for path in report.outputs:
        code = path.name.split("_")[0]
        props, snapshot = meta(path)
        assert snapshot and {s.region_code for s in snapshot} == {code}
        total += int(props["facts"])
    assert total == report.facts


def test_unknown_grouping_is_refused(tmp_path):
    with pytest.raises(B.WorkbookError, match="county"):
        B.build_workbooks([], tmp_path / "x.xlsx", by="county")


def test_progress_log_lines_when_not_a_terminal(folder, tmp_path):
    out = io.StringIO()
    B.build_workbooks([folder], tmp_path / "p.xlsx", jobs=1, progress=B.console_progress(out))
    lines = out.getvalue().splitlines()
    assert len(lines) == 7 and lines[-1].startswith("[7/7]")
    assert sum("failed: " in line for line in lines) == 2 and "2 errors" in lines[-1]


def test_progress_bar_redraws_in_place_on_a_terminal(folder, tmp_path):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    B.build_workbooks([folder], tmp_path / "p.xlsx", jobs=1, progress=B.console_progress(out, every=0))
    text = out.getvalue()
    assert text.count("\r") == 7 and text.endswith("\n") and "\n" not in text[:-1]
    assert "7/7 files" in text and "2 errors" in text


def test_a_crashing_worker_costs_only_its_file(folder, tmp_path, monkeypatch):
    import zhibiao.extraction as extraction

    real = extraction.extract_file

    def crash_on_one(path, **kw):
        if Path(path).name.startswith("001_"):
            os._exit(3)  # what a segfault in a PDF library looks like to the pool
        return real(path, **kw)

    monkeypatch.setattr(extraction, "extract_file", crash_on_one)  # forked workers inherit it
    files = sorted(folder.rglob("*.txt"))
    results = {r.path.name: r for r in B.run_files(files, jobs=2)}
    assert sorted(results) == sorted(p.name for p in files)
    crashed = [n for n, r in results.items() if r.error and "crashed" in r.error]
    assert [n[:4] for n in crashed] == ["001_"]
    assert all(r.facts for n, r in results.items() if n.startswith("00") and n not in crashed)
