"""Which region a value belongs to: sub-regions named beside it, in lists, at ports."""
from __future__ import annotations

from decimal import Decimal

from zhibiao.extraction import extract_file


def facts_of(folder, name: str, text: str) -> list:
    """The facts extracted from ``text`` saved as a report called ``name``."""
    doc = folder / name
    doc.write_text(text, encoding="utf-8")
    return extract_file(doc)[1]


def test_a_border_port_named_for_no_division_is_its_banners(tmp_path):
    facts = facts_of(tmp_path, "2026_包头市_政府工作报告.txt", "包头市政府工作报告\n一、2025年工作回顾\n满都拉口岸过货量达到1180万吨、增长8.2%。\n")
    assert [(f.region_code, f.indicator, f.value) for f in facts] == [("150223", "PORT_FREIGHT", 1180)]


def test_respectively_over_places_gives_each_value_its_place(tmp_path):
    facts = facts_of(tmp_path, "2026_海南省_政府工作报告.txt", "海南省政府工作报告\n一、2025年工作回顾\n全省机场旅客吞吐量5180万人次，海口美兰、三亚凤凰机场"
                   "旅客吞吐量分别达到2680万人次、2260万人次。海口、三亚地区生产总值分别增长5.1%和5.6%。\n")
    assert [(f.region_code, f.indicator, f.value) for f in facts] == [
        ("460000", "AIRPORT_PASSENGERS", 5180), ("460100", "AIRPORT_PASSENGERS", 2680),
        ("460200", "AIRPORT_PASSENGERS", 2260), ("460100", "GDP_GROWTH", Decimal("5.1")),
        ("460200", "GDP_GROWTH", Decimal("5.6"))]


def test_the_whole_city_in_a_banners_report_is_the_city(tmp_path):
    facts = facts_of(tmp_path, "2026_准格尔旗_政府工作报告.txt", "准格尔旗人民政府\n政府工作报告\n一、2025年工作回顾\n全旗地区生产总值增长5.6%，在全市地区生产总值"
                   "增长5.4%的大局中贡献突出。\n")
    assert [(f.region_code, f.indicator, f.value) for f in facts] == [
        ("150622", "GDP_GROWTH", Decimal("5.6")), ("150600", "GDP_GROWTH", Decimal("5.4"))]


def test_lists_of_places_with_jun_fenbie_and_no_name_of_their_own(tmp_path):
    facts = facts_of(tmp_path, "2026_武汉市_政府工作报告.txt", "武汉市政府工作报告\n一、2025年工作回顾\n武昌区地区生产总值突破2100亿元，江岸区、洪山区分别达到"
                   "1780亿元和1720亿元，江夏区、东西湖区均突破1500亿元。\n二、2026年重点工作\n"
                   "推动江夏区、东西湖区地区生产总值分别达到1650亿元和1600亿元。\n")
    assert [(f.region_code, f.year, f.value) for f in facts] == [
        ("420106", 2025, 2100), ("420102", 2025, 1780), ("420111", 2025, 1720),
        ("420115", 2025, 1500), ("420112", 2025, 1500), ("420115", 2026, 1650), ("420112", 2026, 1600)]
    assert {f.indicator for f in facts} == {"GDP"}


def test_a_place_opening_a_clause_without_a_name_speaks_of_the_sentences_name(tmp_path):
    facts = facts_of(tmp_path, "关于鄂尔多斯市2025年预算执行情况的报告.txt", "鄂尔多斯市财政局\n一、2025年预算执行情况\n分旗区看，准格尔旗一般公共预算收入完成236.5亿元；"
                   "东胜区完成61.3亿元，增长6.2%；北京市增长6%。\n")
    assert [(f.region_code, f.indicator, f.value) for f in facts] == [
        ("150622", "BUDGET_REVENUE", Decimal("236.5")), ("150602", "BUDGET_REVENUE", Decimal("61.3")),
        ("150602", "BUDGET_REVENUE_GROWTH", Decimal("6.2"))]


def test_a_citys_own_airport_and_a_sandy_land_named_like_a_district(tmp_path):
    facts = facts_of(tmp_path, "2025_通辽市_政府工作报告.txt", "通辽市政府工作报告\n一、2024年工作回顾\n"
                     "通辽机场旅客吞吐量41.2万人次。完成科尔沁沙地综合治理400万亩以上。\n")
    assert [(f.region_code, f.indicator, f.value) for f in facts] == [
        ("150500", "AIRPORT_PASSENGERS", Decimal("41.2")), ("150500", "DESERTIFICATION_CONTROL", 400)]


def test_a_port_opening_a_sentence_is_no_subject_of_its_clauses(tmp_path):
    facts = facts_of(tmp_path, "2026_巴彦淖尔市_政府工作报告.txt", "巴彦淖尔市政府工作报告\n二、2026年主要预期目标\n"
                     "甘其毛都口岸过货量突破3800万吨，外贸进出口总额增长8%以上。\n")
    assert [(f.region_code, f.indicator, f.value) for f in facts] == [
        ("150824", "PORT_FREIGHT", 3800), ("150800", "FOREIGN_TRADE_GROWTH", 8)]
