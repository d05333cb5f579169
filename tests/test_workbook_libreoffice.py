"""LibreOffice re-saves every generated workbook and every value reads back identical."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from zhibiao.facts import Source
from zhibiao.workbook import layout as L
from zhibiao.workbook.write import write_workbook

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice (LibreOffice) is absent"),
    pytest.mark.filterwarnings("ignore:Sparkline Group extension"),
]


def soffice(src: Path, fmt: str, out: Path) -> Path:
    """Convert with a private profile so parallel runs do not share a lock."""
    profile = out / "profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
           "--convert-to", fmt, "--outdir", str(out), str(src)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    result = out / f"{src.stem}.{fmt}"
    assert done.returncode == 0 and result.exists(), done.stdout + done.stderr
    return result


@pytest.fixture(scope="module")
def books(tmp_path_factory, seed_facts) -> list[Path]:
    d = tmp_path_factory.mktemp("lo")
    base = seed_facts[0]
    tricky = [base.with_(source=Source("x.txt", 3, 0, 9, "=1+1 不是公式"), confidence=0.95 - 0.05),
              base.with_(value=base.value + 1, source=Source("y.txt", 4, 0, 9, "@冲突值")),
              next(f for f in seed_facts if f.status == "target").with_(
                  qualifier="range", value=Decimal("4.5"), value_high=Decimal("5"))]
    findings = [{"severity": "error", "sheet": L.ANNUAL, "cell": "F3", "region": "内蒙古自治区",
                 "indicator": "GDP", "year": 2021, "rule": "r", "message": "-测试"}]
    return [write_workbook(seed_facts, d / "seeds.xlsx",
                           documents=[{"name": "a.txt", "pages": 3, "sha256": "f" * 64}]),
            write_workbook(tricky, d / "tricky.xlsx", findings=findings)]


def cells(path: Path, data_only: bool) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows()
            for c in row if c.value is not None}


@pytest.mark.parametrize("data_only", [False, True], ids=["formulas", "cached-values"])
def test_resaved_workbook_reads_back_identical(books, tmp_path, data_only):
    for book in books:
        again = soffice(book, "xlsx", tmp_path / book.stem)
        assert cells(again, data_only) == cells(book, data_only), book.name


def test_resave_keeps_keys_hidden_comments_validation_and_sparklines(books, tmp_path):
    book = books[0]
    again = soffice(book, "xlsx", tmp_path)
    before, after = openpyxl.load_workbook(book), openpyxl.load_workbook(again)
    assert after[L.META].sheet_state in ("hidden", "veryHidden")  # LibreOffice has no "very"
    for name in (L.ANNUAL, L.TARGETS, L.PARTIAL):
        ws0, ws1 = before[name], after[name]
        comments = lambda ws: {c.coordinate: c.comment.text for r in ws.iter_rows()  # noqa: E731
                               for c in r if c.comment}
        assert comments(ws1) == comments(ws0) and comments(ws0)
        assert ws1.protection.sheet
        assert ws1.data_validations.dataValidation
        a_hidden = [d for d in ws1.column_dimensions.values() if d.min == 1 and d.hidden]
        assert a_hidden, name
    with zipfile.ZipFile(again) as z:
        assert b"sparkline" in z.read("xl/worksheets/sheet2.xml")


def _has_chinese_font() -> bool:
    fc = shutil.which("fc-list")
    return bool(fc and subprocess.run([fc, ":lang=zh"], capture_output=True, text=True).stdout.strip())


# Without a Chinese font LibreOffice sets each character as its own line: not what a clerk sees.
@pytest.mark.skipif(not _has_chinese_font(), reason="no Chinese font (fc-list :lang=zh) to render with")
def test_pdf_render_has_no_cut_off_numbers(books, tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(soffice(books[0], "pdf", tmp_path)))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    assert "###" not in text  # a number too wide for its column prints as ###
    for label in ("年度数据", "目标", "期中数据", "来源", "图例", "地区生产总值", "13,700", "2,150(预计)"):
        assert label in text
