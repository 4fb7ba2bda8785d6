"""Reported figures: one row per value of the review sections, tied to its quote."""

import re
from functools import lru_cache
from pathlib import Path

import pytest

from dagster_project.core.context import DocContext
from dagster_project.core.indicators import extract_indicators
from dagster_project.core.normalize import normalize_text

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CONTEXT = {  # doc_type, review_year, plan_year as the reports state them
    "000": ("government_work_report", 2020, 2021),
    "001": ("government_work_report", 2024, 2025),
    "002": ("party_congress_report", 2021, 2022),
    "003": ("government_work_report", 2023, 2024),
    "004": ("government_work_report", 2020, 2021),
}


@lru_cache(maxsize=None)
def seed(stem: str) -> tuple[str, DocContext]:
    path = next(SEEDS.glob(f"{stem}_*.txt"))
    doc_type, review, plan = CONTEXT[stem]
    return normalize_text(path.read_text(encoding="utf-8")).text, DocContext(path.stem, doc_type, "", review, plan)


@lru_cache(maxsize=None)
def rows(stem: str) -> list[dict]:
    return extract_indicators(*seed(stem))


def find(stem, quote_part, value):
    hits = [r for r in rows(stem) if quote_part in r["quote"] and r["value"] == value]
    assert hits, (quote_part, value)
    return hits[0]


def review(text: str) -> list[dict]:
    """Indicators of a one-paragraph review section of 2020."""
    return extract_indicators("一、2020年工作回顾\n" + text, DocContext("t", review_year=2020, plan_year=2021))


def test_headline_sentence_of_000():
    got = {(r["indicator_code"], r["measure"], r["value"]) for r in rows("000")[:10]}
    assert {("gdp", "growth_rate", 4.2), ("exports", "growth_rate", 24.3),
            ("industrial_value_added", "growth_rate", 4.6)} <= got  # 规上工业增加值 is an alias
    gdp = find("000", "GDP增长4.2%", 4.2)
    assert (gdp["indicator"], gdp["period"], gdp["comparator"], gdp["unit"]) == ("地区生产总值", "2020", "=", "%")


def test_distributive_rates_give_one_row_each():
    # 城镇、农村居民人均可支配收入分别增长6.3%、9.2% → urban 6.3, rural 9.2, one shared quote
    urban = find("000", "分别增长6.3%、9.2%", 6.3)
    rural = find("000", "分别增长6.3%、9.2%", 9.2)
    assert (urban["indicator_code"], rural["indicator_code"]) == ("urban_income_per_capita", "rural_income_per_capita")
    assert urban["quote"] == rural["quote"] == "城镇、农村居民人均可支配收入分别增长6.3%、9.2%"


def test_one_value_shared_by_several_names():
    got = [r for r in rows("000") if r["quote"] == "纺织服装、电子信息产业集群产值均突破900亿元"]
    assert [(r["indicator"], r["value"], r["comparator"]) for r in got] == [
        ("纺织服装产业集群产值", 900, ">"), ("电子信息产业集群产值", 900, ">")]
    assert got[0]["value_std"] == 9e10 and got[0]["unit_std"] == "CNY"


def test_cut_spending_is_a_negative_growth_rate():
    r = find("000", "一般性支出压减10.2%", -10.2)
    assert (r["measure"], r["comparator"], r["indicator"]) == ("growth_rate", "=", "一般性支出")


def test_nameless_clause_belongs_to_the_last_name():
    # 全年地区生产总值完成353.26亿元，增长3.6%: the 3.6% is GDP's, its quote starts at the name
    r = find("004", "增长3.6%", 3.6)
    assert r["indicator_code"] == "gdp" and r["quote"].startswith("地区生产总值")
    share = find("000", "占一般公共预算支出的83.4%", 83.4)
    assert share["measure"] == "ratio" and share["indicator"].startswith("民生支出占")


def test_five_year_figures_and_from_to():
    # 生产总值…从266.1亿元增加到353.3亿元，较2015年增长43.4%
    growth = find("004", "较2015年增长43.4%", 43.4)
    assert (growth["indicator_code"], growth["measure"], growth["period"]) == ("gdp", "growth_rate", "2016-2020")
    start = find("000", "总量从1974亿元", 1974)
    end = find("000", "总量从1974亿元增至3645亿元", 3645)
    assert (start["indicator_code"], start["period"], end["period"]) == ("gdp", "2015", "2020")
    assert find("004", "空气优良率达95.4%", 95.4)["period"] == "2020"  # a state at the end of the period
    assert find("004", "固定资产投资增长70.5%", 70.5)["period"] == "2016-2020"


def test_party_congress_review_is_five_years():
    r = find("002", "民生支出3603亿元", 3603)  # 五年民生支出3603亿元
    assert r["period"] == "2017-2021" and r["indicator_code"] == "livelihood_spending"


def test_points_and_shares():
    pp = find("000", "提高10个百分点", 10)
    assert (pp["measure"], pp["unit"]) == ("pp_change", "个百分点")
    assert find("000", "在园幼儿占比达53%", 53)["measure"] == "ratio"


def test_estimates_and_scope():
    r = find("003", "GDP增长5.5%", 5.5)
    assert r["is_estimate"] is True  # 预计全年GDP增长5.5%
    assert find("000", "GDP增长4.2%", 4.2)["is_estimate"] is False
    scoped = review("赣州经开区营收增长12.5%。")
    assert scoped[0]["scope"] == "赣州经开区"


def test_ranks_honours_dates_are_not_indicators():
    got = review("增幅全省第一，跃居全国百强城市第66位，全市全年共获得市（厅）级以上荣誉40项（次），"
                 "2021年2月19日召开大会，用21天实现无新增确诊病例。")
    assert got == []


def test_comparisons_with_higher_levels_are_not_changes():
    got = review("全年地区生产总值增长5.2%，高于全省平均水平0.6个百分点；出口增长-5.3%；城镇化率提高1.2个百分点。")
    assert [(r["indicator_code"], r["measure"], r["value"]) for r in got] == [
        ("gdp", "growth_rate", 5.2), ("exports", "growth_rate", -5.3), ("urbanization_rate", "pp_change", 1.2)]


def test_value_first_counts():
    got = review("582个省大中型项目、1736个“八大行动”项目超额完成年度投资计划。")
    assert [(r["indicator"], r["value"], r["unit"]) for r in got] == [
        ("省大中型项目", 582, "个"), ("八大行动”项目", 1736, "个")]


@pytest.mark.parametrize("stem", list(CONTEXT))
def test_provenance_invariants(stem):
    text, _ = seed(stem)
    got = rows(stem)
    assert got, stem
    assert got == sorted(got, key=lambda r: (r["char_start"], r["char_end"]))
    for r in got:
        assert text[r["char_start"]:r["char_end"]] == r["quote"]
        digits = re.sub(r"\D", "", f"{abs(r['value']):g}").strip("0") or "0"
        assert digits in re.sub(r"\D", "", r["quote"]), r
        assert "id" not in r and "raw_start" not in r
        assert r["measure"] in ("level", "growth_rate", "ratio", "pp_change")
        assert r["comparator"] in ("=", "~", ">=", ">", "<=", "<", "between")
