"""Rules of FACTS.md on short real-style passages (one test per rule or bug)."""
from __future__ import annotations

from decimal import Decimal

from zhibiao.extraction.context import frame
from zhibiao.extraction.rules import candidates


def _run(text: str, year: int = 2024, level: str = "prefecture"):
    return [(c.indicator, c.year, c.months, c.status, c.value, c.qualifier)
            for c in candidates(text, frame(text, year=year), level)]


def test_level_and_growth_in_one_phrase_are_two_facts():
    assert _run("一、2023年工作回顾\n全年实现地区生产总值5696亿元，增长5.3%。") == [
        ("GDP", 2023, None, "actual", Decimal(5696), "eq"),
        ("GDP_GROWTH", 2023, None, "actual", Decimal("5.3"), "eq")]


def test_percentage_points_are_not_growth():
    assert _run("全盟非能源工业增加值占比提升3个百分点，城镇化率提高2个百分点。") == []


def test_shares_rankings_and_nation_are_not_facts():
    assert _run("新能源装机达到1968万千瓦，占到电力总装机的56%。全国粮食产量13000亿斤。") == [
        ("NEW_ENERGY_CAPACITY", 2024, None, "actual", Decimal(1968), "eq")]


def test_respectively_maps_in_order():
    assert _run("城乡居民人均可支配收入分别增长5.1%和6.9%。") == [
        ("URBAN_INCOME_GROWTH", 2024, None, "actual", Decimal("5.1"), "eq"),
        ("RURAL_INCOME_GROWTH", 2024, None, "actual", Decimal("6.9"), "eq")]


def test_respectively_with_unknown_items_keeps_order():
    assert _run("一产、二产、三产增加值分别增长6%、5.2%、5.3%。") == [
        ("VA_TERTIARY_GROWTH", 2024, None, "actual", Decimal("5.3"), "eq")]


def test_targets_with_qualifiers_and_units():
    text = "二、2024年主要目标\n2024年主要预期目标是：地区生产总值增长6%左右，原煤产量1.4亿吨以上，城镇登记失业率控制在5%以内。"
    assert _run(text) == [
        ("GDP_GROWTH", 2024, None, "target", Decimal(6), "approx"),
        ("COAL_OUTPUT", 2024, None, "target", Decimal(14000), "ge"),
        ("URBAN_UNEMPLOYMENT_RATE", 2024, None, "target", Decimal(5), "le")]


def test_months_and_drop():
    assert _run("1—8月，全区原煤产量6.49亿吨，同比持平；单位地区生产总值能耗下降3%。", year=2021) == [
        ("COAL_OUTPUT", 2021, "1-8", "actual", Decimal(64900), "eq"),
        ("COAL_OUTPUT_GROWTH", 2021, "1-8", "actual", Decimal(0), "eq"),
        ("ENERGY_INTENSITY_DROP", 2021, "1-8", "actual", Decimal(3), "eq")]


def test_added_versus_total():
    assert _run("全盟新能源装机新增623万千瓦、达到1968万千瓦；新建5G基站5772个，全区累计建成15802个。") == [
        ("NEW_ENERGY_CAPACITY_ADDED", 2024, None, "actual", Decimal(623), "eq"),
        ("NEW_ENERGY_CAPACITY", 2024, None, "actual", Decimal(1968), "eq"),
        ("BASE_STATIONS_5G", 2024, None, "actual", Decimal(15802), "eq")]


def test_parts_of_an_indicator_are_not_the_indicator():
    assert _run("各项贷款余额1278亿元，其中投放小微企业贷款262亿元。外送电812亿度，“放牧+补饲”肉牛存栏195万头。") == [
        ("LOAN_BALANCE", 2024, None, "actual", Decimal(1278), "eq")]


def test_estimate_and_range():
    assert _run("预计全年外贸进出口总额115亿元，增长62%。力争粮食产量达到4.5%—5%。") == [
        ("FOREIGN_TRADE", 2024, None, "estimate", Decimal(115), "eq"),
        ("FOREIGN_TRADE_GROWTH", 2024, None, "estimate", Decimal(62), "eq")]


def test_multi_year_totals_are_not_annual_facts():
    text = "“十四五”时期发展成就和2025年工作回顾\n——这五年综合经济实力大幅提升。经济总量达到2.67万亿元，固定资产投资年均增长12.8%，累计完成防沙治沙6688万亩。"
    assert _run(text, year=2026, level="province") == [("GDP", 2025, None, "actual", Decimal(26700), "eq")]


def test_baseline_of_from_to_needs_its_own_year():
    assert _run("一、2025年工作回顾\n常住人口由上年729万人增加到732万人，居民人均可支配收入由2.57万元增加到3.52万元。",
                year=2026, level="province") == [
        ("POPULATION", 2024, None, "actual", Decimal(729), "eq"),
        ("POPULATION", 2025, None, "actual", Decimal(732), "eq"),
        ("INCOME_PER_CAPITA", 2025, None, "actual", Decimal(35200), "eq")]


def test_from_a_to_b_takes_the_period_after_a():
    text = "一、2025年工作回顾\n年末城镇调查失业率从上半年5.5%降到5.3%。常住人口城镇化率从2020年的53.2%提升到2025年的57.7%。"
    assert _run(text, year=2026, level="province") == [
        ("SURVEYED_UNEMPLOYMENT_RATE", 2025, "1-6", "actual", Decimal("5.5"), "eq"),
        ("SURVEYED_UNEMPLOYMENT_RATE", 2025, None, "actual", Decimal("5.3"), "eq"),
        ("URBANIZATION_RATE", 2020, None, "actual", Decimal("53.2"), "eq"),
        ("URBANIZATION_RATE", 2025, None, "actual", Decimal("57.7"), "eq")]


def test_examples_parts_and_thresholds_are_not_the_list():
    text = "实施重大项目800个，其中投资超10亿元重大项目14个，建成大桥等3个重大项目，179个重大项目开工，经济总量超500亿元的县域增至12个。"
    assert _run(text, level="province") == [("KEY_PROJECT_COUNT", 2024, None, "actual", Decimal(800), "eq")]


def test_three_sectors_listed_together():
    assert _run("一二三产增加值分别增长3.5%左右、6%左右、5%左右。")[-1][:5] == (
        "VA_TERTIARY_GROWTH", 2024, None, "actual", Decimal(5))
    assert [r[0] for r in _run("一、二、三产业增加值分别增长4%、5.1%、5.4%。")] == ["VA_TERTIARY_GROWTH"]


def test_names_joined_before_one_value_share_it():
    assert sorted(_run("二、2026年主要预期目标\n社会消费品零售总额、固定资产投资增长4%左右。", year=2026, level="province")) == [
        ("FAI_GROWTH", 2026, None, "target", Decimal(4), "approx"),
        ("RETAIL_SALES_GROWTH", 2026, None, "target", Decimal(4), "approx")]


def test_a_combined_review_heading_is_the_last_year_not_five():
    text = "一、2025年主要工作和“十四五”发展成就\n全省生产总值增长5.5%，城镇新增就业107万人。"
    assert _run(text, year=2026, level="province") == [
        ("GDP_GROWTH", 2025, None, "actual", Decimal("5.5"), "eq"),
        ("NEW_URBAN_JOBS", 2025, None, "actual", Decimal(107), "eq")]


def test_statements_over_several_years_and_flows_of_people_are_not_levels():
    text = "一、2025年工作回顾\n粮食总产量连续9年稳定在1300亿斤以上，常住人口省际净流入4.5万人，地区生产总值迈上6万亿元台阶。"
    assert _run(text, year=2026, level="province") == [("GDP", 2025, None, "actual", Decimal(60000), "ge")]


def test_five_year_plans_and_reviews_hold_no_annual_flows():
    text = ("一、“十四五”时期和2025年工作回顾\n过去的五年极不寻常。植树造林659万亩，城镇化率达到60%。\n"
            "刚刚过去的2025年很不平凡。城镇新增就业120万人。\n"
            "二、“十五五”时期主要目标任务\n城镇新增就业500万人以上，常住人口城镇化率达到66%。")
    assert _run(text, year=2026, level="province") == [
        ("URBANIZATION_RATE", 2025, None, "actual", Decimal(60), "eq"),
        ("NEW_URBAN_JOBS", 2025, None, "actual", Decimal(120), "eq"),
        ("URBANIZATION_RATE", 2030, None, "target", Decimal(66), "eq")]


def test_milestone_gives_way_to_the_exact_value_and_counts_before_names():
    text = "一、2025年工作回顾\n地区生产总值迈上6万亿元台阶，达到62661亿元。\n三、2026年重点工作\n实施1000个以上省重点项目，年度完成投资1万亿元。"
    assert _run(text, year=2026, level="province") == [
        ("GDP", 2025, None, "actual", Decimal(62661), "eq"),
        ("KEY_PROJECT_COUNT", 2026, None, "target", Decimal(1000), "ge"),
        ("KEY_PROJECT_INVESTMENT", 2026, None, "target", Decimal(10000), "eq")]


def test_headings_without_cues_still_frame_a_work_report():
    text = ("2026年政府工作报告\n2025年全省生产总值增长5.5%。城镇新增就业54.58万人。\n"
            "一、一年接着一年干\n五年来，我们累计新增就业300万人。\n"
            "二、一鼓作气勇争先\n今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。\n"
            "名词解释\n实施100个左右重大项目。")
    assert _run(text, year=2026, level="province") == [
        ("GDP_GROWTH", 2025, None, "actual", Decimal("5.5"), "eq"),
        ("NEW_URBAN_JOBS", 2025, None, "actual", Decimal("54.58"), "eq"),
        ("GDP_GROWTH", 2026, None, "target", Decimal(5), "approx")]


def test_statistical_bulletin_phrasing():
    text = ("2023年某省国民经济和社会发展统计公报\n初步核算，全年全省地区生产总值12345.6亿元，按不变价格计算，比上年增长5.2%。"
            "全年全省居民人均可支配收入30000元，扣除价格因素，实际增长5.0%。")
    assert _run(text, year=2023, level="province") == [
        ("GDP", 2023, None, "actual", Decimal("12345.6"), "eq"),
        ("GDP_GROWTH", 2023, None, "actual", Decimal("5.2"), "eq"),
        ("INCOME_PER_CAPITA", 2023, None, "actual", Decimal(30000), "eq"),
        ("INCOME_PER_CAPITA_GROWTH", 2023, None, "actual", Decimal(5), "eq")]


def test_estimate_opening_a_clause_covers_the_rest_of_its_sentence():
    # 广东 2026: 预计 opens the list; 旅游总收入 two clauses later is an estimate too.
    text = "一、2025年工作回顾\n推出文旅地图，预计全年接待游客9.6亿人次、增长10.3%，旅游总收入1.24万亿元、增长12.5%。"
    got = _run(text, 2026, "province")
    assert ("TOURISM_REVENUE", 2025, None, "estimate", Decimal(12400), "eq") in got
    assert {status for _, _, _, status, *_ in got} == {"estimate"}


def test_estimate_inside_a_clause_stays_there():
    text = "一、2025年工作回顾\n旅游总收入预计1.24万亿元，地区生产总值增长5%。"
    assert _run(text, 2026, "province") == [
        ("TOURISM_REVENUE", 2025, None, "estimate", Decimal(12400), "eq"),
        ("GDP_GROWTH", 2025, None, "actual", Decimal(5), "eq")]


def test_bay_area_figure_is_not_the_regions():
    assert _run("一、2025年工作回顾\n预计大湾区经济总量突破15万亿元。", 2026, "province") == []


def test_bare_name_in_a_list_borrows_the_subject_before():
    assert _run("一、2025年工作回顾\n规模以上工业企业达7.6万家、增加值增长3%。", 2026, "province") == [
        ("IND_VA_GROWTH", 2025, None, "actual", Decimal(3), "eq")]
    assert _run("二、2026年重点工作\n实现粮食播种面积3320万亩、产量1285万吨以上。", 2026, "province") == [
        ("GRAIN_SOWN_AREA", 2026, None, "target", Decimal(3320), "eq"),
        ("GRAIN_OUTPUT", 2026, None, "target", Decimal(1285), "ge")]
    assert _run("一、2025年工作回顾\n生猪出栏300万头、产量45万吨。", 2026, "province") == []


REVIEW = "一、2025年工作回顾\n"


def test_pm25_annual_mean_forms():
    for text in ("全市细颗粒物年均浓度降至28微克/立方米。", "细颗粒物（PM2.5）年均浓度下降到28微克/立方米。",
                 "PM2.5年平均浓度为28微克/立方米。"):
        assert _run(REVIEW + text, 2026, "province") == [("PM25", 2025, None, "actual", Decimal(28), "eq")], text


def test_rd_intensity_phrased_as_a_ratio_to_gdp():
    assert _run(REVIEW + "全社会研发经费支出相当于地区生产总值的比例达到6.5%左右，全社会研发投入占比达到6.4%。",
                2026, "province") == [("RD_INTENSITY", 2025, None, "actual", Decimal("6.5"), "approx"),
                                      ("RD_INTENSITY", 2025, None, "actual", Decimal("6.4"), "eq")]


def test_a_share_of_gdp_reached_is_no_gdp_growth():
    assert _run(REVIEW + "数字经济增加值相当于地区生产总值的比例达到45%，经济增速为5.2%。", 2026, "province") == [
        ("GDP_GROWTH", 2025, None, "actual", Decimal("5.2"), "eq")]


def test_a_service_branch_is_not_the_tertiary_sector():
    assert _run(REVIEW + "信息服务业增加值增长10.2%，商务服务业增加值增长5.1%，服务业增加值增长5.5%。",
                2026, "province") == [("VA_TERTIARY_GROWTH", 2025, None, "actual", Decimal("5.5"), "eq")]


def test_old_communities_renovated_and_not_merely_concerned():
    assert _run(REVIEW + "改造城镇老旧小区1200个。", 2026, "province") == [
        ("OLD_COMMUNITY_RENOVATION", 2025, None, "actual", Decimal(1200), "eq")]
    assert _run(REVIEW + "完成500个城镇老旧小区综合整治。", 2026, "province") == [
        ("OLD_COMMUNITY_RENOVATION", 2025, None, "actual", Decimal(500), "eq")]
    assert _run(REVIEW + "加装电梯3000部，涉及120个老旧小区。", 2026, "province") == []


def test_work_done_before_its_name_but_not_a_network_length():
    assert _run(REVIEW + "新建改造310公里农村公路，建成100公里高速公路。", 2026, "province") == [
        ("RURAL_ROADS", 2025, None, "actual", Decimal(310), "eq")]


def test_projects_counted_in_xiang_and_major_works_investment():
    assert _run(REVIEW + "安排市重大工程项目350项，重大工程完成投资2000亿元。", 2026, "province") == [
        ("KEY_PROJECT_COUNT", 2025, None, "actual", Decimal(350), "eq"),
        ("KEY_PROJECT_INVESTMENT", 2025, None, "actual", Decimal(2000), "eq")]


def test_respectively_with_a_shared_head_noun_of_which_one_item_is_no_indicator():
    assert _run(REVIEW + "航空旅客和货邮吞吐量分别达到6000万人次和120万吨。", 2026, "province") == [
        ("AIRPORT_PASSENGERS", 2025, None, "actual", Decimal(6000), "eq")]


def test_new_jobs_without_urban_but_not_jobs_a_project_brings():
    assert _run(REVIEW + "新增就业28.5万人，项目带动新增就业2万人。", 2026, "province") == [
        ("NEW_URBAN_JOBS", 2025, None, "actual", Decimal("28.5"), "eq")]


def test_five_year_targets_in_a_paragraph_of_a_review_chapter():
    text = ("二、“十四五”时期的成就和“十五五”时期的主要目标\n五年来，常住人口城镇化率达到78%。\n"
            "“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%左右，研发经费投入强度达到6.8%。\n"
            "今后五年的主要目标是：常住人口城镇化率达到80%。\n三、2026年主要目标\n地区生产总值增长5%左右。")
    assert _run(text, 2026, "province") == [
        ("URBANIZATION_RATE", 2025, None, "actual", Decimal(78), "eq"),
        ("RD_INTENSITY", 2030, None, "target", Decimal("6.8"), "eq"),
        ("URBANIZATION_RATE", 2030, None, "target", Decimal(80), "eq"),
        ("GDP_GROWTH", 2026, None, "target", Decimal(5), "approx")]


def test_second_run_of_a_respectively_list_joined_by_he_or_a_second_fenbie():
    for text in ("城镇和农村居民人均可支配收入分别达到4.5万元和2.1万元，分别增长4.6%和6.5%。",
                 "城镇和农村居民人均可支配收入分别达到4.5万元和2.1万元，增长4.6%和6.5%。"):
        assert _run(REVIEW + text, 2026, "province") == [
            ("URBAN_INCOME", 2025, None, "actual", Decimal(45000), "eq"),
            ("RURAL_INCOME", 2025, None, "actual", Decimal(21000), "eq"),
            ("URBAN_INCOME_GROWTH", 2025, None, "actual", Decimal("4.6"), "eq"),
            ("RURAL_INCOME_GROWTH", 2025, None, "actual", Decimal("6.5"), "eq")], text


def test_fenbie_opening_its_clause_maps_to_the_items_before_it():
    assert sorted(_run(REVIEW + "各项存款余额2.5万亿元，各项贷款余额2.1万亿元，分别增长7.5%和8.1%。", 2026, "province")) == [
        ("LOAN_BALANCE", 2025, None, "actual", Decimal(21000), "eq"),
        ("LOAN_BALANCE_GROWTH", 2025, None, "actual", Decimal("8.1"), "eq")]


def test_whole_year_estimate_after_a_part_of_the_year():
    assert _run(REVIEW + "前三季度，全市地区生产总值增长5.6%，预计全年增长5.5%左右。", 2026) == [
        ("GDP_GROWTH", 2025, "1-9", "actual", Decimal("5.6"), "eq"),
        ("GDP_GROWTH", 2025, None, "estimate", Decimal("5.5"), "approx")]


def test_a_floor_held_for_years_in_words_is_no_fact():
    assert _run(REVIEW + "粮食产量连续三年稳定在60亿斤以上，达到62.5亿斤。", 2026) == [
        ("GRAIN_OUTPUT", 2025, None, "actual", Decimal("312.5"), "eq")]


def test_per_head_counts_are_no_facts():
    assert _run(REVIEW + "5G基站总数达到3.2万个，每万人拥有5G基站25个。", 2026) == [
        ("BASE_STATIONS_5G", 2025, None, "actual", Decimal(32000), "eq")]


def test_a_level_restated_after_a_net_change():
    assert _run(REVIEW + "高新技术企业净增300家、达到2100家。", 2026) == [
        ("HIGH_TECH_ENTERPRISES", 2025, None, "actual", Decimal(2100), "eq")]


def test_a_growth_printed_with_a_minus_sign():
    assert _run(REVIEW + "固定资产投资增长-2.1%，1-11月原煤产量增长3%。", 2026) == [
        ("FAI_GROWTH", 2025, None, "actual", Decimal("-2.1"), "eq"),
        ("COAL_OUTPUT_GROWTH", 2025, "1-11", "actual", Decimal(3), "eq")]


def test_balance_growth_since_the_start_of_the_year():
    assert _run(REVIEW + "年末金融机构本外币各项贷款余额5200.3亿元，比年初增长7.2%。", 2026) == [
        ("LOAN_BALANCE", 2025, None, "actual", Decimal("5200.3"), "eq"),
        ("LOAN_BALANCE_GROWTH", 2025, None, "actual", Decimal("7.2"), "eq")]


def test_a_five_year_review_sentence_naming_its_year():
    text = "一、“十四五”时期的发展成就\n五年来，地区生产总值年均增长5.5%，城镇新增就业250万人。2025年，全省地区生产总值增长5.3%。"
    assert _run(text, 2026, "province") == [("GDP_GROWTH", 2025, None, "actual", Decimal("5.3"), "eq")]


def test_a_news_item_dated_but_naming_no_year_speaks_of_its_titles_period():
    text = ("鄂尔多斯前三季度经济运行稳中向好\n2025-10-28 08:30  来源：鄂尔多斯日报\n"
            "记者从市统计局获悉，今年前三季度，我市地区生产总值同比增长6.1%。\n"
            "规模以上工业增加值同比增长7.8%。\n预计全年地区生产总值增长6%左右。")
    got = [(c.indicator, c.year, c.months, c.status, c.value, c.qualifier)
           for c in candidates(text, frame(text), "prefecture")]
    assert got == [("GDP_GROWTH", 2025, "1-9", "actual", Decimal("6.1"), "eq"),
                   ("IND_VA_GROWTH", 2025, "1-9", "actual", Decimal("7.8"), "eq"),
                   ("GDP_GROWTH", 2025, None, "estimate", Decimal(6), "approx")]


def test_the_last_year_after_a_five_year_review():
    text = ("一、“十四五”时期和2025年工作回顾\n这五年，地区生产总值年均增长8%，城镇新增就业累计21万人。\n"
            "2025年是“十四五”收官之年。一年来，地区生产总值由上年的4575亿元增加到4786亿元、增长6.1%，"
            "规上工业增加值增长9.5%。\n2025年，面对困难挑战，全市城镇新增就业3.6万人。")
    assert _run(text, 2026, "prefecture") == [
        ("GDP", 2024, None, "actual", Decimal(4575), "eq"),
        ("GDP", 2025, None, "actual", Decimal(4786), "eq"),
        ("GDP_GROWTH", 2025, None, "actual", Decimal("6.1"), "eq"),
        ("IND_VA_GROWTH", 2025, None, "actual", Decimal("9.5"), "eq"),
        ("NEW_URBAN_JOBS", 2025, None, "actual", Decimal("3.6"), "eq")]


def test_signed_and_size_class_projects_are_not_the_key_project_list():
    assert _run(REVIEW + "签约引进重大项目418个、总投资5326亿元，竣工投产百亿元以上重大项目8个，"
                "实施市级重点项目520个。", 2026) == [
        ("KEY_PROJECT_COUNT", 2025, None, "actual", Decimal(520), "eq")]


def test_project_funds_are_a_part_of_investment_attracted():
    assert _run(REVIEW + "招商引资到位资金1090亿元、增长12%，其中产业项目到位资金880亿元。", 2026) == [
        ("INVESTMENT_ATTRACTED", 2025, None, "actual", Decimal(1090), "eq")]


def test_more_names_of_the_same_indicators():
    text = ("全社会研发投入占地区生产总值比重达到4.15%。治理历史遗留废弃矿山12.6平方公里。"
            "完成国土绿化1.5万亩。稳定开行中欧班列，全年开行500列以上。")
    assert _run(REVIEW + text, 2026) == [
        ("RD_INTENSITY", 2025, None, "actual", Decimal("4.15"), "eq"),
        ("MINE_RESTORATION", 2025, None, "actual", Decimal("12.6"), "eq"),
        ("AFFORESTATION", 2025, None, "actual", Decimal("1.5"), "eq"),
        ("CHINA_EUROPE_TRAINS", 2025, None, "actual", Decimal(500), "ge")]


def test_new_work_of_a_flow_indicator_is_the_flow():
    assert _run(REVIEW + "新增营造林148万亩，修复治理退化草原517万亩。", 2026, "province") == [
        ("AFFORESTATION", 2025, None, "actual", Decimal(148), "eq"),
        ("GRASSLAND_RESTORATION", 2025, None, "actual", Decimal(517), "eq")]


def test_respectively_over_whole_names_and_a_second_run():
    text = ("城乡居民人均可支配收入分别达到58630元、23560元，分别增长6.2%、9.1%；"
            "城镇调查失业率、居民消费价格涨幅分别控制在5%和3%以内。")
    assert _run(REVIEW + text, 2026, "province") == [
        ("URBAN_INCOME", 2025, None, "actual", Decimal(58630), "eq"),
        ("RURAL_INCOME", 2025, None, "actual", Decimal(23560), "eq"),
        ("URBAN_INCOME_GROWTH", 2025, None, "actual", Decimal("6.2"), "eq"),
        ("RURAL_INCOME_GROWTH", 2025, None, "actual", Decimal("9.1"), "eq"),
        ("SURVEYED_UNEMPLOYMENT_RATE", 2025, None, "actual", Decimal(5), "le"),
        ("CPI_GROWTH", 2025, None, "actual", Decimal(3), "le")]


def test_a_reserve_of_projects_is_no_project_list():
    assert _run("二、2026年主要任务\n滚动谋划储备省重点项目400个以上，全年实施省重点项目220个以上。", 2026, "province") == [
        ("KEY_PROJECT_COUNT", 2026, None, "target", Decimal(220), "ge")]


def test_a_communique_titled_with_its_year_reports_that_year():
    text = ("鄂尔多斯市2025年国民经济和社会发展统计公报\n2025年是“十四五”规划收官之年。\n一年来，全市经济平稳。\n"
            "一、综合\n全年一般公共预算收入876.4亿元，同口径比上年下降1.6%。全年完成林业生态建设86.4万亩，"
            "其中人工造林18.2万亩。鄂尔多斯综合保税区全年进出口额38.5亿元。中心城区空气质量优良天数比例为92.1%。")
    got = [(c.indicator, c.year, c.months, c.status, c.value, c.qualifier)
           for c in candidates(text, frame(text), "prefecture")]  # the year from the text alone
    assert got == [
        ("BUDGET_REVENUE", 2025, None, "actual", Decimal("876.4"), "eq"),
        ("BUDGET_REVENUE_GROWTH", 2025, None, "actual", Decimal("-1.6"), "eq"),
        ("AFFORESTATION", 2025, None, "actual", Decimal("86.4"), "eq")]


def test_one_month_and_holidays_have_no_standard_period():
    text = ("前三季度全区经济运行总体平稳\n2025-10-23 08:42\n前三季度，全区规模以上工业增加值同比增长6.3%。"
            "其中，9月份规模以上工业增加值同比增长7.0%。国庆中秋8天假期，全区接待游客2186.5万人次。"
            "今年全区粮食播种面积1.06亿亩。")
    got = [(c.indicator, c.year, c.months, c.value) for c in candidates(text, frame(text), "province")]
    assert got == [("IND_VA_GROWTH", 2025, "1-9", Decimal("6.3")), ("GRAIN_SOWN_AREA", 2025, None, Decimal(10600))]


def test_a_banners_report_on_higher_lists_towns_and_old_baselines():
    text = ("一、2025年工作回顾\n全年实施旗级重点项目238个，其中列入自治区重大项目45个、市级重点项目96个。"
            "其中薛家湾镇改造老旧小区28个。准格尔召镇油松王景区接待游客46万人次。\n"
            "全旗地区生产总值由“十三五”末的1021.6亿元增加到1582.6亿元；新能源装机由不足50万千瓦增长到620万千瓦；"
            "城乡常住居民人均可支配收入预计分别达到6.53万元和3.12万元。高新技术企业比“十三五”末增加200家、突破400家。")
    assert _run(text, 2026, "county") == [
        ("KEY_PROJECT_COUNT", 2025, None, "actual", Decimal(238), "eq"),
        ("GDP", 2020, None, "actual", Decimal("1021.6"), "eq"),
        ("GDP", 2025, None, "actual", Decimal("1582.6"), "eq"),
        ("NEW_ENERGY_CAPACITY", 2025, None, "actual", Decimal(620), "eq"),
        ("URBAN_INCOME", 2025, None, "estimate", Decimal(65300), "eq"),
        ("RURAL_INCOME", 2025, None, "estimate", Decimal(31200), "eq"),
        ("HIGH_TECH_ENTERPRISES", 2025, None, "actual", Decimal(400), "gt")]


def test_estimates_noted_once_for_the_rest_of_the_report():
    text = ("一、2025年工作回顾\n全市地区生产总值增长5%左右（预计数，下同），一般公共预算收入增长3%。"
            "1—11月，规模以上工业增加值增长6%。\n二、2026年主要目标\n地区生产总值增长5%。")
    assert _run(text, 2026) == [
        ("GDP_GROWTH", 2025, None, "estimate", Decimal(5), "approx"),
        ("BUDGET_REVENUE_GROWTH", 2025, None, "estimate", Decimal(3), "eq"),
        ("IND_VA_GROWTH", 2025, "1-11", "actual", Decimal(6), "eq"),
        ("GDP_GROWTH", 2026, None, "target", Decimal(5), "eq")]


def test_zones_as_subjects_and_parts_of_the_economy_are_not_the_regions():
    text = ("赤峰高新区规上工业产值突破1100亿元、规上工业增加值增长12.3%。赤峰保税物流中心进出口额增长31%。"
            "数字经济总量突破5000亿元。扩大对蒙古国经贸合作，外贸进出口总额增长10%。新认定高新技术企业48家、总数达到305家。"
            "扎实推进美丽长沙建设，空气质量优良天数比例84.7%。")
    assert _run(REVIEW + text, 2026) == [
        ("FOREIGN_TRADE_GROWTH", 2025, None, "actual", Decimal(10), "eq"),
        ("HIGH_TECH_ENTERPRISES_NEW", 2025, None, "actual", Decimal(48), "eq"),
        ("HIGH_TECH_ENTERPRISES", 2025, None, "actual", Decimal(305), "eq"),
        ("GOOD_AIR_DAYS_RATIO", 2025, None, "actual", Decimal("84.7"), "eq")]


def test_a_budget_report():
    text = ("一、2025年预算执行情况\n2025年，全市一般公共预算收入完成938.2亿元，为年初预算925亿元的101.4%，"
            "比上年增长2.4%。市本级一般公共预算收入完成168.4亿元。全市一般公共预算收入总计1486.9亿元。"
            "安排重大项目前期经费46.8亿元。\n二、2026年预算草案\n2026年全市一般公共预算收入预期增长3%，达到966.3亿元。")
    assert _run(text, 2026) == [
        ("BUDGET_REVENUE", 2025, None, "actual", Decimal("938.2"), "eq"),
        ("BUDGET_REVENUE_GROWTH", 2025, None, "actual", Decimal("2.4"), "eq"),
        ("BUDGET_REVENUE_GROWTH", 2026, None, "target", Decimal(3), "eq"),
        ("BUDGET_REVENUE", 2026, None, "target", Decimal("966.3"), "eq")]


def test_a_review_opinion_on_estimates_and_the_years_target():
    text = ("关于盟行政公署2025年经济工作情况报告的审议意见\n行署预计全年地区生产总值增长5.5%左右，一般公共预算收入突破140亿元。"
            "距年初确定的固定资产投资增长15%以上的目标仍有差距。今年实施的196个盟级重点项目，1—10月完成投资418亿元。"
            "1—11月，口岸进出口货运量1.03亿吨、同比增长5.2%，预计全年突破1.1亿吨。")
    assert _run(text, 2025) == [  # written in the year it reviews: 今年 is 2025
        ("GDP_GROWTH", 2025, None, "estimate", Decimal("5.5"), "approx"),
        ("BUDGET_REVENUE", 2025, None, "estimate", Decimal(140), "gt"),
        ("FAI_GROWTH", 2025, None, "target", Decimal(15), "ge"),
        ("KEY_PROJECT_COUNT", 2025, None, "actual", Decimal(196), "eq"),
        ("KEY_PROJECT_INVESTMENT", 2025, "1-10", "actual", Decimal(418), "eq"),
        ("PORT_FREIGHT", 2025, "1-11", "actual", Decimal(10300), "eq"),
        ("PORT_FREIGHT", 2025, None, "estimate", Decimal(11000), "gt")]


def test_a_running_total_a_year_given_after_the_value_and_a_base_last_year():
    text = ("城乡居民收入年均分别增长5.6%和8.1%，累计新增城镇就业6.3万人。研发经费投入强度达到0.9%（2023年数据）。"
            "年末常住人口由上年末的894.08万人增加到897.62万人，常住人口城镇化率达到71.3%。居民消费价格与上年持平。"
            "今年新增风电、光伏等新能源装机80万千瓦。")
    assert _run("一、2024年工作回顾\n" + text, 2025) == [
        ("RD_INTENSITY", 2023, None, "actual", Decimal("0.9"), "eq"),
        ("POPULATION", 2023, None, "actual", Decimal("894.08"), "eq"),
        ("POPULATION", 2024, None, "actual", Decimal("897.62"), "eq"),
        ("URBANIZATION_RATE", 2024, None, "actual", Decimal("71.3"), "eq"),
        ("CPI_GROWTH", 2024, None, "actual", Decimal(0), "eq"),
        ("NEW_ENERGY_CAPACITY_ADDED", 2025, None, "actual", Decimal(80), "eq")]


def test_a_base_years_year_is_only_the_bases():
    text = ("五年来，地区生产总值从2020年的887.2亿元增加到1268亿元；一般公共预算收入突破90亿元大关。"
            "常住人口从2020年的435.9万人增加到444.7万人，城镇化率由83.1%提高到84.6%。航空港区地区生产总值增长8.6%。")
    assert _run("一、“十四五”时期的发展成就\n" + text, 2026) == [
        ("GDP", 2020, None, "actual", Decimal("887.2"), "eq"),
        ("GDP", 2025, None, "actual", Decimal(1268), "eq"),
        ("BUDGET_REVENUE", 2025, None, "actual", Decimal(90), "gt"),
        ("POPULATION", 2020, None, "actual", Decimal("435.9"), "eq"),
        ("POPULATION", 2025, None, "actual", Decimal("444.7"), "eq"),
        ("URBANIZATION_RATE", 2025, None, "actual", Decimal("84.6"), "eq")]
