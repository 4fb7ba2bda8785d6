"""Planned goals: the main-target list, five-year and long-term goals, and tasks."""

import re
from functools import lru_cache

import pytest

from dagster_project.core.context import DocContext
from dagster_project.core.targets import extract_targets
from tests.test_indicators import CONTEXT, seed


@lru_cache(maxsize=None)
def rows(stem: str) -> list[dict]:
    return extract_targets(*seed(stem))


def find(stem, quote_part, value):
    hits = [r for r in rows(stem) if quote_part in r["quote"] and r["value"] == value]
    assert hits, (quote_part, value)
    return hits[0]


def plan(text: str, heading: str = "二、2021年工作安排") -> list[dict]:
    return extract_targets(f"{heading}\n{text}", DocContext("t", review_year=2020, plan_year=2021))


def main_rows(stem):
    return [r for r in rows(stem) if r["target_type"] == "main"]


def test_main_list_of_000_every_item():
    got = [(r["indicator_code"], r["measure"], r["value"], r["comparator"]) for r in main_rows("000")]
    assert got == [
        ("gdp", "growth_rate", 8.5, "~"),
        ("fiscal_revenue_total", "growth_rate", 6.5, "~"),
        ("general_budget_revenue", "growth_rate", 5.5, "~"),  # 同口径增长
        ("industrial_value_added", "growth_rate", 8.8, "~"),
        ("fixed_asset_investment", "growth_rate", 9, "~"),
        ("retail_sales", "growth_rate", 9.5, "~"),
        ("foreign_capital_utilized", "growth_rate", 7, "~"),
        ("urban_income_per_capita", "growth_rate", 8, "~"),  # 分别增长8%、9.8%左右: 左右 covers both
        ("rural_income_per_capita", "growth_rate", 9.8, "~"),
        ("cpi", "growth_rate", 3, "~"),  # 居民消费价格总水平涨幅控制在3%左右
        ("urban_surveyed_unemployment", "ratio", 5.5, "~"),
        (None, "qualitative", None, None),  # 完成节能减排降碳任务
    ]
    assert all(r["target_year"] == 2021 for r in main_rows("000"))
    assert main_rows("000")[-1]["quote"] == "完成节能减排降碳任务"


def test_each_value_after_fenbie_keeps_its_own_about():
    # 001: 城镇、农村居民人均可支配收入分别增长5%左右,7.5%左右 (ASCII comma between the values)
    got = [(r["indicator_code"], r["value"], r["comparator"]) for r in main_rows("001")
           if r["indicator_code"] in ("urban_income_per_capita", "rural_income_per_capita")]
    assert got == [("urban_income_per_capita", 5, "~"), ("rural_income_per_capita", 7.5, "~")]


def test_main_list_of_004_with_ceiling_and_qualitative_items():
    unemployment = find("004", "城镇登记失业率控制在4.5%以内", 4.5)
    assert (unemployment["indicator_code"], unemployment["comparator"], unemployment["measure"]) == (
        "urban_registered_unemployment", "<=", "ratio")
    assert unemployment["qualifier"] == "控制在;以内"
    urban_rural = [r for r in main_rows("004") if r["quote"] == "城乡居民人均可支配收入分别增长8%、8.5%左右"]
    assert [r["indicator_code"] for r in urban_rural] == ["urban_income_per_capita", "rural_income_per_capita"]
    qualitative = [(r["indicator_code"], r["quote"]) for r in main_rows("004") if r["measure"] == "qualitative"]
    assert ("exports", "出口总额量稳质升") in qualitative


def test_qualitative_items_name_each_indicator():
    # 003: 实际使用外商直接投资额、出口总额促稳提质 → two rows
    got = [r["indicator_code"] for r in main_rows("003") if r["measure"] == "qualitative"]
    assert got[:2] == ["foreign_capital_utilized", "exports"]
    assert find("003", "规模以上工业增加值增长7.5%以上", 7.5)["comparator"] == ">="


def test_five_year_goals():
    gdp = find("000", "GDP年均增长7.5%左右", 7.5)
    total = find("000", "总量突破5000亿元", 5000)
    assert (gdp["target_type"], gdp["target_year"]) == ("five_year", 2025)
    assert (total["indicator_code"], total["comparator"], total["target_year"]) == ("gdp", ">", 2025)
    zone = find("002", "赣州经开区营收突破2000亿元", 2000)  # 力争到2025年，赣州经开区营收突破2000亿元
    assert (zone["target_type"], zone["target_year"], zone["scope"] if "scope" in zone else None) == (
        "five_year", 2025, None)


def test_long_term_and_dated_goals():
    got = plan("到2035年，人均地区生产总值达到10万元。力争到2025年高新技术企业突破2000家。")
    assert [(r["target_type"], r["target_year"]) for r in got] == [("long_term", 2035), ("five_year", 2025)]


def test_tasks_with_ranges_floors_and_declines():
    assert find("000", "营收过百亿企业2-3家", 2)["value_max"] == 3
    assert find("000", "营收过百亿企业2-3家", 2)["comparator"] == "between"
    firms = find("000", "新增高新技术企业300家以上", 300)
    assert (firms["target_type"], firms["comparator"], firms["target_year"]) == ("task", ">=", 2021)
    toilets = find("004", "改造农村户厕4000户", 4000)
    assert (toilets["unit"], toilets["target_type"]) == ("户", "task")
    energy = plan("单位地区生产总值能耗下降3%以上。")[0]
    assert (energy["indicator_code"], energy["value"], energy["comparator"]) == ("energy_intensity", -3, "<=")
    assert find("000", "新能源汽车销售突破2万辆", 2)["qualifier"] == "力争;突破"  # 力争新能源汽车销售突破2万辆


def test_main_list_written_as_lines():
    # the national style: one item per line after 主要预期目标是：
    got = plan("主要预期目标是：\n——国内生产总值增长5%左右；\n——城镇新增就业1200万人以上，城镇调查失业率5.5%左右；\n"
               "——单位国内生产总值能耗降低2.5%左右；\n——居民收入增长和经济增长同步；\n"
               "——PM2.5浓度控制在每立方米26微克以下。\n重点抓好以下工作，新建学校3所。",
               heading="二、2024年经济社会发展总体要求和主要任务")
    main = [(r["indicator_code"], r["measure"], r["value"], r["unit"], r["comparator"]) for r in got
            if r["target_type"] == "main"]
    assert main == [
        ("gdp", "growth_rate", 5, "%", "~"),
        ("new_urban_jobs", "level", 1200, "万人", ">="),
        ("urban_surveyed_unemployment", "ratio", 5.5, "%", "~"),
        ("energy_intensity", "growth_rate", -2.5, "%", "~"),  # 降低: a decline
        (None, "qualitative", None, "", None),
        ("pm25_concentration", "level", 26, "微克/立方米", "<="),
    ]
    assert got[4]["quote"] == "居民收入增长和经济增长同步"
    assert [r["target_type"] for r in got][-1] == "task"


def test_counts_of_indicators_are_not_targets():
    # 设置了32个具体指标，包括21个预期性指标、11个约束性指标
    assert not [r for r in rows("000") if r["value"] in (32, 21, 11) and "指标" in r["quote"]]


def test_a_bare_class_of_things_is_not_a_name():
    got = plan("打造数字经济发展新高地，启动建设阿里赣州中心、北斗时空大数据科技园等11个项目。"
               "新续建市儿童医院等56个项目。")
    assert [(r["indicator"], r["value"]) for r in got] == [("启动建设项目", 11), ("新续建项目", 56)]
    assert got[0]["quote"] == "启动建设阿里赣州中心、北斗时空大数据科技园等11个项目"
    got = plan("（1）完成乐港、镇桥、名口等14个乡镇（街道）集镇提升改造。")
    assert [r["indicator"] for r in got] != ["乡镇"]


def test_names_keep_quote_marks_in_pairs():
    got = plan("深入推进“爱心食堂”工作，新增村级“爱心食堂”70个，实现建制村全覆盖的目标。")
    assert [(r["indicator"], r["quote"]) for r in got] == [("新增村级“爱心食堂”", "新增村级“爱心食堂”70个")]


def test_each_item_and_shares_over_a_bar():
    got = plan("新建高品质脐橙栽培示范基地、水肥一体化果园各1万亩。")
    assert [(r["indicator"], r["value"]) for r in got] == [("新建高品质脐橙栽培示范基地", 1), ("水肥一体化果园", 1)]
    got = plan("持续壮大村集体经济，力争90%以上村集体经营性收入过30万元、65%以上过50万元。")
    assert [(r["indicator"], r["value"], r["unit"], r["measure"], r["comparator"]) for r in got] == [
        ("村集体经营性收入过30万元", 90, "%", "ratio", ">=")]
    got = plan("践行以人民为中心的发展思想，安排80%以上财政资金投入民生领域。")
    assert [(r["indicator"], r["value"]) for r in got] == [("财政资金投入民生领域", 80)]


def test_goals_of_a_part_of_the_region_say_which_part():
    got = plan("中心城区生活污水集中收集率提高至75%,瑞金、龙南达到70%,各县达到55%。")
    assert [(r["indicator"], r["value"]) for r in got] == [
        ("中心城区生活污水集中收集率", 75), ("瑞金、龙南生活污水集中收集率", 70), ("各县生活污水集中收集率", 55)]


def test_a_measure_without_a_thing_takes_it_from_its_sentence():
    got = plan("推进生猪复产增养，年出栏630万头、存栏350万头以上。"
               "纺织服装产业带重点建设纺织科技产业园、面辅料交易市场，实现产业集群产值1000亿元。")
    assert [r["indicator"] for r in got] == ["生猪年出栏", "生猪存栏", "纺织服装产业集群产值"]


def test_a_total_is_of_the_project_just_named():
    got = plan("(28)启动实施上罗源、泊阳北片区安置房建设，总建筑面积13.89万平方米。")
    assert [(r["indicator"], r["quote"]) for r in got] == [
        ("上罗源、泊阳北片区安置房总建筑面积", "上罗源、泊阳北片区安置房建设，总建筑面积13.89万平方米")]


@pytest.mark.parametrize("stem", list(CONTEXT))
def test_provenance_invariants(stem):
    text, doc = seed(stem)
    got = rows(stem)
    assert got == sorted(got, key=lambda r: (r["char_start"], r["char_end"]))
    for r in got:
        assert text[r["char_start"]:r["char_end"]] == r["quote"]
        assert r["target_type"] in ("main", "five_year", "long_term", "task")
        assert r["indicator"].count("“") == r["indicator"].count("”"), r  # quote marks in pairs
        if r["value"] is None:
            assert r["measure"] == "qualitative" and r["target_type"] == "main"
        else:
            digits = re.sub(r"\D", "", f"{abs(r['value']):g}").strip("0") or "0"
            assert digits in re.sub(r"\D", "", r["quote"]), r
        if r["target_type"] in ("five_year", "long_term") and doc.plan_year:
            assert r["target_year"] >= doc.plan_year
