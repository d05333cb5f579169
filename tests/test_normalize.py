"""Normalization: what extraction reads, and the map back to the raw text."""
from __future__ import annotations

import opencc
import pytest
from hypothesis import given, settings, strategies as st

from zhibiao.documents import normalize as norm
from zhibiao.documents.mapped import Mapped
from zhibiao.documents.normalize import normalize

T2S = opencc.OpenCC("t2s")


def pdf_text(*pages: str) -> str:
    return "\f".join(pages)


@pytest.mark.parametrize("raw,expected", [
    ("锡林郭勒盟在全 区率先推开", "锡林郭勒盟在全区率先推开"),
    ("新能源装机规模预计 达到 2150 万千瓦 , 稳居", "新能源装机规模预计达到2150万千瓦,稳居"),
    ("粮食产量 1.37 亿吨。", "粮食产量1.37亿吨。"),
    ("2023 2024年", "2023 2024年"),
    ("PM 2.5 浓度", "PM 2.5浓度"),
    ("增长 6.9 % ，", "增长6.9%，"),
    ("ＧＤＰ增长１２．５％", "GDP增长12.5%"),
    ("经济总量达到２．６７万亿元（预计）", "经济总量达到2.67万亿元（预计）"),
    ("經濟總量達到2.67萬億元", "经济总量达到2.67万亿元"),
    ("全区\u3000率先\u00a0推开", "全区率先推开"),
])
def test_spaces_width_and_script(raw, expected):
    assert normalize(raw, pdf=False).text == expected
    assert normalize(raw, pdf=True).text == expected


def test_pdf_lines_join_and_paragraphs_and_headings_stay():
    raw = pdf_text(
        "一、2023年工作回顾\n\n过去的一年，地区生产总值增长\n6%，固定资产投资增长15.2%。\n\n"
        "#### 以绿电利用为龙头 全面带动非煤产\n业发展\n\n2024年主要预期目标是：\n\n地区生产总值增长6%左\n",
        "右，粮食产量1.37\n亿吨。\n\n- 2 -\n\n",
    )
    assert normalize(raw, pdf=True).text.split("\n") == [
        "一、2023年工作回顾",
        "过去的一年，地区生产总值增长6%，固定资产投资增长15.2%。",
        "#### 以绿电利用为龙头全面带动非煤产业发展",
        "2024年主要预期目标是：",
        "地区生产总值增长6%左右，粮食产量1.37亿吨。",
    ]


def test_latin_words_over_a_wrap_keep_a_space():
    assert normalize("the EBox\npackaging line 2023\n2024 start", pdf=True).text == "the EBox packaging line 2023 2024 start"


def test_text_file_lines_are_paragraphs():
    raw = "各位代表：\n现在，我代表政府报告工作。\n一、2025年工作回顾\n过去一年，增长5.3%。\n"
    assert normalize(raw, pdf=False).text == raw.strip()


def test_hard_wrapped_text_file_is_joined():
    paragraph = "过去一年全区上下全面贯彻新发展理念地区生产总值增长百分之五点三规模以上工业增加值增长百分之六点九"
    width = 16
    wrapped = "\n".join(paragraph[i:i + width] for i in range(0, len(paragraph), width))
    raw = f"一、工作回顾\n{wrapped}。\n{wrapped}。\n{wrapped}。\n"
    assert normalize(raw, pdf=False).text == f"一、工作回顾\n{paragraph}。\n{paragraph}。\n{paragraph}。"


def test_paragraph_cut_mid_sentence_is_rejoined():
    cut = "会议认为，《意见》出台以来，全旗坚决落实党中央和自治区党委、市委各项决策部署，全旗"
    raw = f"{cut}\n\n上下深入贯彻落实。\n\n（一）下一节\n"
    assert normalize(raw, pdf=False).text == f"{cut}上下深入贯彻落实。\n（一）下一节"


def test_page_numbers_and_running_headers_go():
    body = ["第{}页的正文说了很多话，增长{}%。\n\n".format("一二三四"[i], i + 1) for i in range(4)]
    pages = [f"某某市人民政府工作报告\n\n{b}第 {i + 1} 页 共 4 页\n\n" for i, b in enumerate(body)]
    text = normalize(pdf_text(*pages), pdf=True).text
    assert text.split("\n") == [b.strip() for b in body]
    for number in ("- 3 -", "— 3 —", "3", "第3页", "3/10", "Page 3"):
        assert normalize(pdf_text("正文。\n\n" + number + "\n\n", "下一页。"), pdf=True).text == "正文。\n下一页。"


def test_a_sentence_over_a_page_break_reads_on():
    raw = pdf_text("全盟新能源装机规模预计达到\n- 1 -\n\n", "2150万千瓦，稳居全区首位。\n\n")
    doc_text = normalize(raw, pdf=True).text
    assert doc_text == "全盟新能源装机规模预计达到2150万千瓦，稳居全区首位。"


def test_clutter_words_are_data_not_code():
    from zhibiao.catalog import templates_dir

    patterns = (templates_dir() / "clutter.txt").read_text(encoding="utf-8")
    for word in ("下载", "打印", "字[号体]", "来源", "浏览", "分享", "版权所有", "ICP备", "网站地图", "联系我们"):
        assert word in patterns
    assert "版权所有" not in (norm.__file__ and open(norm.__file__, encoding="utf-8").read())


class FakeT2S:
    """A converter whose phrase changes length, as OpenCC's tables may."""

    def convert(self, text: str) -> str:
        return text.replace("乾隆年間", "乾隆年间代").replace("間", "间")


def test_length_changing_conversion_keeps_the_map(monkeypatch):
    monkeypatch.setattr(norm, "_t2s", lambda: FakeT2S())
    raw = "第一行不变\n乾隆年間修建，時間久。\n"
    m = norm.to_simplified(Mapped.identity(raw))
    assert m.text == "第一行不变\n乾隆年间代修建，時间久。\n"
    for i, ch in enumerate(m.text):
        s, e = m.starts[i], m.ends[i]
        assert s <= e and (raw[s:e] == ch or ch in "间代")
    j = m.text.index("修建")
    assert raw[m.starts[j]:m.ends[j + 1]] == "修建"


ALPHABET = st.sampled_from(list("全区率先增长亿吨經濟總量２０１％．ＡＢab12 .\n\n\f\u3000，。、：") + ["\r\n", "- 3 -"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=60), st.booleans())
def test_offset_map_is_ordered_and_each_character_comes_from_its_range(parts, pdf):
    raw = "".join(parts)
    m = normalize(raw, pdf=pdf)
    assert len(m.starts) == len(m.ends) == len(m.text)
    assert list(m.starts) == sorted(m.starts) and list(m.ends) == sorted(m.ends)
    for i, ch in enumerate(m.text):
        s, e = m.starts[i], m.ends[i]
        assert 0 <= s <= e <= len(raw)
        if not ch.isspace():
            source = T2S.convert(norm.to_halfwidth(Mapped.identity(raw[s:e])).text)
            assert ch in source
