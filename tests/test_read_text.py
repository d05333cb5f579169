"""Reading text files: encodings detected unaided, errors that name the file,
clutter of scraped web pages, and the offset map back to the raw text."""
from __future__ import annotations

import codecs
import random
import re
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings, strategies as st

from zhibiao.documents import Document, read_document
from zhibiao.documents.normalize import to_halfwidth
from zhibiao.documents.mapped import Mapped
from zhibiao.errors import ReadError

T2S = opencc.OpenCC("t2s")


def sample_texts(samples_dir: Path) -> list[Path]:
    paths = sorted(samples_dir.glob("*.txt"))
    assert len(paths) == 5
    return paths


@pytest.fixture(scope="module")
def samples(samples_dir: Path) -> list[Path]:
    return sample_texts(samples_dir)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


ENCODINGS = [
    ("gbk", b""),
    ("gb18030", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", b""),
]


@pytest.mark.parametrize("encoding,bom", ENCODINGS, ids=[e + ("-bom" if b else "") for e, b in ENCODINGS])
def test_every_encoding_gives_the_same_text(samples, tmp_path, encoding, bom):
    for path in samples:
        original = read_document(path)
        copy = tmp_path / path.name
        copy.write_bytes(bom + path.read_text(encoding="utf-8").encode(encoding))
        doc = read_document(copy)
        assert doc.text == original.text, (path.name, encoding)
        assert doc.encoding == {"gbk": "gb18030", "utf-8": "utf-8-sig"}.get(encoding, encoding)


def test_gbk_is_reported_as_gb18030_not_an_exotic_codec(samples, tmp_path):
    copy = tmp_path / "gbk.txt"
    copy.write_bytes(samples[1].read_text(encoding="utf-8").encode("gbk"))
    assert read_document(copy).encoding == "gb18030"
    short = tmp_path / "short.txt"
    short.write_bytes("地区生产总值增长6%。".encode("gbk"))
    assert read_document(short).text == "地区生产总值增长6%。"


def test_big5_traditional_report_comes_out_simplified(samples, tmp_path):
    traditional = samples[4]
    copy = tmp_path / "big5.txt"
    copy.write_bytes(traditional.read_text(encoding="utf-8").encode("big5"))
    doc = read_document(copy)
    assert doc.encoding == "big5"
    assert doc.text == read_document(traditional).text
    assert "经过集中攻坚和持续整改" in doc.text


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"  \r\n\n ", "empty file"),
    (bytes(range(256)) * 40, "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(4000), ""),
])
def test_empty_and_binary_files_are_refused_by_name(tmp_path, content, reason):
    path = tmp_path / "报告.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert "报告.txt" in str(err.value)
    assert reason in str(err.value)


def test_missing_file_and_directory_are_refused_by_name(tmp_path):
    with pytest.raises(ReadError, match="nope.txt: file not found"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(ReadError, match="is a directory"):
        read_document(tmp_path)


def test_text_document_shape(samples):
    doc = read_document(str(samples[0]))
    assert isinstance(doc, Document)
    assert doc.kind == "text" and doc.name == samples[0].name and doc.encoding == "utf-8"
    assert len(doc.pages) == 1 and (doc.pages[0].raw_start, doc.pages[0].raw_end) == (0, len(doc.raw))
    assert doc.page_at(0) is None
    assert doc.raw == samples[0].read_text(encoding="utf-8")
    # the offset map is compact: 4 bytes a character, not a Python int each
    assert doc._starts.itemsize == 4 and doc._starts.typecode == "I"


def test_spaces_inside_chinese_sentences_go(samples):
    text = read_document(samples[0]).text
    for phrase in ("全区率先", "2150万千瓦", "预计达到2150万千瓦", "236.73万头"):
        assert phrase in text
    assert "全 区" not in text and "  " not in text
    assert "1.37亿吨" in read_document(samples[1]).text


def test_headings_keep_their_own_line(samples):
    lines = read_document(samples[1]).text.split("\n")
    assert "一、2023年工作回顾" in lines
    assert "二、2024年主要目标和重点任务" in lines
    assert "三、切实加强行署自身建设" in lines
    assert "#### 以绿电利用为龙头全面带动非煤产业发展" in read_document(samples[0]).text.split("\n")


def test_traditional_sample_is_simplified(samples):
    doc = read_document(samples[4])
    assert "經過" in doc.raw and "经过" in doc.text
    assert T2S.convert(doc.text) == doc.text


def quote_as_normalized(doc: Document, start: int, end: int) -> str:
    """The raw quote pushed through the character-level steps, spaces dropped."""
    quote = to_halfwidth(Mapped.identity(doc.quote(start, end))).text
    return squash(T2S.convert(quote))


def random_spans(doc: Document, rng: random.Random, count: int) -> list[tuple[int, int]]:
    """Spans inside one line of the normalized text, across the whole document."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]{12,}", doc.text)]
    out = []
    for _ in range(count):
        a, b = rng.choice(lines)
        start = rng.randrange(a, b - 1)
        out.append((start, rng.randrange(start + 1, min(b, start + 80) + 1)))
    return out


def test_quotes_of_random_spans_match_the_normalized_text(samples):
    rng = random.Random(7)
    for path in samples:
        doc = read_document(path)
        for start, end in random_spans(doc, rng, 200):
            assert quote_as_normalized(doc, start, end) == squash(doc.text[start:end]), (path.name, start)


def test_raw_span_edges(samples):
    doc = read_document(samples[1])
    start = doc.text.index("地区生产总值增长6%")
    rs, re_ = doc.raw_span(start, start + len("地区生产总值增长6%"))
    assert doc.raw[rs:re_] == "地区生产总值增长6%"
    assert doc.raw_span(start, start) == (rs, rs)
    assert doc.raw_span(len(doc.text), len(doc.text)) == (len(doc.raw), len(doc.raw))
    with pytest.raises(IndexError):
        doc.raw_span(5, 4)
    with pytest.raises(IndexError):
        doc.raw_span(0, len(doc.text) + 1)


CLUTTER_LINES = ["下载", "打印", "全屏", "【字号：", "加大", "还原", "减小", "来源：内蒙古日报",
                 "时间：2026-02-12", "发表时间：", "阅读量：", "宁夏日报客户端", "扫一扫在手机打开当前页",
                 "打印本页", "关闭窗口", "相关报道：", "首页", "宁夏要闻"]


@pytest.mark.parametrize("name", ["2026_内蒙古自治区_政府工作报告.txt", "2026_宁夏回族自治区_政府工作报告.txt"])
def test_web_clutter_is_dropped_and_the_report_kept(shared_dir, name):
    doc = read_document(shared_dir / "corpus" / name)
    lines = doc.text.split("\n")
    for clutter in CLUTTER_LINES:
        assert clutter not in lines, clutter
    assert not any(line.endswith("摄") for line in lines)  # photo captions
    assert lines[0].startswith("2026年") and lines[0].endswith("政府工作报告")
    assert "各位代表：" in lines
    # every report paragraph with a number survives, spaces and full-width forms aside
    raw_lines = [ln.strip() for ln in doc.raw.split("\n")
                 if re.search(r"\d", ln) and len(ln) > 40 and not ln.endswith("摄")]
    text = squash(doc.text)
    assert len(raw_lines) > 30
    assert all(squash(to_halfwidth(Mapped.identity(ln)).text) in text for ln in raw_lines)


def test_clutter_in_a_typical_page(tmp_path):
    page = ("当前位置：首页 > 政务公开 > 政府工作报告\n2024年政府工作报告\n发布时间：2024-01-20 10:00\n"
            "来源：市政府办公室 浏览次数：\n浏览次数：1234\n【字号：大 中 小】 \n"
            "全市地区生产总值增长5.2%。\n分享到：微信 微博\n版权所有：某某市人民政府 "
            "京ICP备12345678号\n京ICP备12345678号-1\n网站地图 | 联系我们\n")
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    assert read_document(path).text == "2024年政府工作报告\n全市地区生产总值增长5.2%。"


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=1, max_size=300))
def test_any_bytes_read_or_are_refused_with_the_file_name(data):
    """Whatever the bytes, the reader returns a Document or a ReadError that
    names the file; never another exception."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "随机.txt"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except ReadError as err:
            assert "随机.txt" in str(err)
        else:
            assert len(doc._starts) == len(doc.text) and doc.encoding


@pytest.mark.parametrize("text,encoding,expected", [
    ("經濟總量達到2.67萬億元。", "big5", "经济总量达到2.67万亿元。"),
    ("臺灣", "big5", "台湾"),
    ("经济总量达到2.67万亿元。", "gbk", "经济总量达到2.67万亿元。"),
    ("經濟總量達到2.67萬億元。", "gbk", "经济总量达到2.67万亿元。"),
])
def test_short_big5_and_gbk_files_are_told_apart(tmp_path, text, encoding, expected):
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode(encoding))
    doc = read_document(path)
    assert doc.text == expected
    assert doc.encoding == ("big5" if encoding == "big5" else "gb18030")
