"""Reported figures: one row per value of the review sections, tied to its quote."""

import re
from functools import lru_cache
from pathlib import Path

import pytest

from dagster_project.core.context import DocContext
from dagster_project.core.indicators import extract_indicators
from dagster_project.core.mentions import mentions
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
        ("省大中型项目", 582, "个"), ("超额完成年度投资计划的“八大行动”项目", 1736, "个")]  # quote marks in pairs


def names(got):
    return [(r["indicator"], r["value"], r["unit"]) for r in got]


def test_a_count_is_named_by_what_is_counted():
    # the count is of enterprises that reached L4, not a level of digitisation
    got = review("“上云用数赋智”成效显著,77家规上工业企业产业数字化水平达L4以上级别,驴充充二轮车充电桩细分领域市场占有率全国第一。")
    assert names(got) == [("产业数字化水平达L4以上级别的规上工业企业", 77, "家")]
    assert got[0]["quote"] == "77家规上工业企业产业数字化水平达L4以上级别"
    # a bare class of things (企业, 开发区) is named by what the sentence says of them
    got = review("1986家企业启动数字化改造,6家企业被认定为省智能制造标杆,信丰、定南、南康、上犹4个开发区获批扩区调区。")
    assert names(got) == [("启动数字化改造的企业", 1986, "家"), ("被认定为省智能制造标杆的企业", 6, "家"),
                          ("获批扩区调区的开发区", 4, "个")]
    # counts of nested places name nothing on their own
    assert review("提升12个乡镇26个村5000余户群众供电保障能力。") == []


def test_distributive_items_share_the_head():
    got = review("自觉接受各方面监督，建议和提案的办复率、满意和基本满意率均为100%。")
    assert [r["indicator"] for r in got] == ["建议和提案的办复率", "满意率", "基本满意率"]
    got = review("办理人大代表建议274件、政协提案397件，代表、委员满意率均达100%。")
    assert [r["indicator"] for r in got if r["unit"] == "%"] == ["代表满意率", "委员满意率"]
    got = review("断面水质优良率、饮用水水源地水质达标率稳定在100%。")
    assert [r["indicator"] for r in got] == ["断面水质优良率", "饮用水水源地水质达标率"]


def test_names_keep_quote_marks_in_pairs():
    got = review("一年来，共引进项目44个，其中亿元以上项目9个、“5020”项目6个，认定总进资135.27亿元。")
    five = next(r for r in got if r["value"] == 6)
    assert (five["indicator"], five["quote"]) == ("“5020”项目", "“5020”项目6个")
    got = review("推动“八大标志性战役、30个专项行动”协同增效，打造区域性中心敬老院25个、“老一小幸福院”112个。")
    for r in got:
        assert r["indicator"].count("“") == r["indicator"].count("”"), r


def test_times_held_are_not_statistics_and_names_do_not_leak():
    text = ("先后举办3次重点项目集中开（竣）工仪式，全市30个重点项目竣工投产，85个重点项目稳步推进，"
            "累计完成投资97.1亿元。")
    got = review(text)
    assert not [r for r in got if r["unit"] == "次"]
    invest = next(r for r in got if r["value"] == 97.1)
    assert "举办" not in invest["indicator"] and "举办" not in invest["quote"]
    assert invest["indicator"].endswith("完成投资") and invest["quote"].endswith("累计完成投资97.1亿元")
    assert ("竣工投产的重点项目", 30, "个") in names(got)


def test_weak_names_take_their_object_or_go():
    assert names(review("启动了规划用地“多审合一”改革，为企业降低30%经济成本。")) == [("企业经济成本", -30, "%")]
    assert names(review("向县(市、区)调整下放105项、赋予国家级开发区95项市级管理权限。")) == [("市级管理权限", 95, "项")]
    # …已完成整改25个，1个正在实施之中: the 1 is not another count of the same thing
    got = review("中央环保督察及“回头看”反馈的问题已完成整改25个，1个正在实施之中，其中园区卫生防护距离内的2540户已全部搬迁。")
    assert [r["value"] for r in got] == [25]
    assert names(review("农村公路实现组组通，建制村100%通客车。")) == [("建制村通客车", 100, "%")]


def test_names_next_to_corrupted_text_are_not_guessed():
    got = review("127项深圳市高频事项在区实现“就近办”?!坝H清赣商”平台累计上线政策108项,全年兑付资金超3亿元。")
    assert [r["value"] for r in got] == [127, 3]


def test_this_year_in_a_review_is_the_year_of_the_report():
    got = extract_indicators("一、过去五年的工作回顾\n地区生产总值跃升至全国百强城市第66位，今年有望突破4000亿元。",
                             DocContext("t", "party_congress_report", "", 2020, 2021))
    assert [(r["value"], r["period"], r["is_estimate"]) for r in got] == [(4000, "2021", True)]


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
        assert r["indicator"].count("“") == r["indicator"].count("”"), r  # quote marks in pairs
        assert r["unit"] != "次", r


def test_statements_of_a_text_are_made_once_and_cannot_be_changed():
    # both extractors read the statements of the same text: they are shared, so immutable
    text = "一、2020年工作回顾\n地区生产总值增长5.2%，城镇化率提高1.2个百分点。"
    first = mentions(text)
    assert mentions(text) is first
    assert isinstance(first, tuple) and len(first) == 2
    with pytest.raises(AttributeError):
        first[0].name = "x"
    with pytest.raises(AttributeError):
        first[0].qty.value = 0
    part = mentions(text, 0, text.index("，"))  # a part of the text is not the whole text
    assert [(m.name, m.value) for m in part] == [("地区生产总值", 5.2)]


def test_clause_separators_next_to_numbers():
    # the comma before 1,234 cuts a clause, the one inside it does not; （1） cuts one too
    got = review("全年财政收入增长5%,1,234万元用于民生；（1）城镇化率提高1.2个百分点，增长3.6%。")
    assert [(r["value"], r["quote"]) for r in got] == [
        (5, "财政收入增长5%"), (1234, "1,234万元用于民生"), (1.2, "城镇化率提高1.2个百分点"),
        (3.6, "城镇化率提高1.2个百分点，增长3.6%")]
