"""Numbers as the reports write them: values, ranges, units, comparators, signs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dagster_project.core.numbers import find_quantities, flip, signed, to_float
from dagster_project.core.vocabulary import standardize


def one(text):
    qs = find_quantities(text)
    assert len(qs) == 1, (text, qs)
    return qs[0]


@pytest.mark.parametrize(
    "text, value, value_max, unit, comparator",
    [
        ("GDP增长8.5%左右", 8.5, None, "%", "~"),
        ("城镇登记失业率控制在4.5%以内", 4.5, None, "%", "<="),
        ("城镇调查失业率控制在5.5%左右", 5.5, None, "%", "~"),  # 左右 wins over 控制在
        ("新增高新技术企业300家以上", 300, None, "家", ">="),
        ("纺织服装产业集群产值均突破900亿元", 900, None, "亿元", ">"),
        ("营收过百亿企业2-3家", 2, 3, "家", "between"),
        ("增长6%－6.5%", 6, 6.5, "%", "between"),
        ("实施6—10个“揭榜挂帅”项目", 6, 10, "个", "between"),
        ("“一站式”输送10多万人返岗就业", 10, None, "万人", ">"),
        ("建设扶贫长效产业项目2万余亩", 2, None, "万亩", ">"),
        ("研发特色文创产品20余个", 20, None, "个", ">"),
        ("比例不低于65%", 65, None, "%", ">="),
        ("城市人口增加到近200万", 200, None, "万", "~"),
        ("提高10个百分点", 10, None, "个百分点", "="),
        ("总产51亿斤以上", 51, None, "亿斤", ">="),
        ("公共卫生支出1,234万元", 1234, None, "万元", "="),
        ("空气质量优良率保持在95.6%以上", 95.6, None, "%", ">="),
    ],
)
def test_values_units_and_comparators(text, value, value_max, unit, comparator):
    q = one(text)
    assert (q.value, q.value_max, q.unit, q.comparator) == (value, value_max, unit, comparator)
    assert text[q.start:q.end].startswith(text[q.start])  # spans point into the text


def test_qualifier_words_are_kept_as_written():
    q = one("城镇登记失业率控制在4.5%以内")
    assert q.qualifier == "控制在;以内"
    assert q.prefix_start < q.start  # the prefix word is before the number


@pytest.mark.parametrize(
    "text",
    [
        "2021年工作安排",  # a year is not a quantity
        "跃居全国百强城市第66位",  # an ordinal
        "其中“5020”项目【3】",  # a footnote marker
        "建设5G基站",  # a model name
        "PM2.5浓度",
        "瑞兴于“3+2”经济振兴试验区",  # a formula
        "机电产品出口占全省1/4",
        "三次产业结构由12.9：56.2：30.9优化",
        "连续19个月没有新增病例",  # 个 starts 个月
        "推动“乐30条”落地生效",  # a name in quotes
        "赣县撤县设区，2020—2021年松材线虫病除治",
        "后港220KV变电站",
    ],
)
def test_non_quantities_are_skipped(text):
    assert find_quantities(text) == []


def test_bare_ten_thousand_needs_a_noun():
    assert one("114.3万农村贫困人口全部脱贫").unit == "万"
    assert find_quantities("共114.3万。") == []
    assert one("人口达240万。").unit == "万"  # after 达/到/近 the noun is the sentence's subject


def test_decline_makes_value_negative_and_flips_comparator():
    # 能耗下降3%以上: at least 3 down is at most −3
    assert signed(3, None, ">=", True) == (-3, None, "<=")
    assert signed(10.2, None, "=", True) == (-10.2, None, "=")
    assert signed(3, 5, "between", True) == (-5, -3, "between")
    assert signed(3, None, ">=", False) == (3, None, ">=")


def test_standardized_values():
    assert standardize(154.7, "亿元") == (15470000000.0, "CNY")
    assert standardize(5.2, "万人") == (52000.0, "persons")
    assert standardize(31.2, "万亩") == (312000.0, "mu")
    assert standardize(51, "亿斤") == (5100000000.0, "jin")
    assert standardize(5, "%") == (5, "%")
    assert standardize(3, "不是单位") == (None, "")


@given(st.sampled_from(["=", "~", ">=", ">", "<=", "<", "between"]))
def test_flip_is_an_involution(comparator):
    assert flip(flip(comparator)) == comparator


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
       st.sampled_from(["亿元", "万人", "家", "个", "%", "万亩", "公里"]))
def test_any_written_number_parses_back(number, unit):
    written = format(number.normalize(), "f")
    q = one(f"完成{written}{unit}。")
    assert q.value == pytest.approx(float(written))
    assert q.unit == unit


@given(st.integers(0, 999), st.integers(1, 999), st.sampled_from(["-", "－", "～", "—", "至"]))
def test_ranges_keep_low_below_high(low, step, sep):
    q = one(f"新增上市企业{low}{sep}{low + step}家。")
    assert (q.value, q.value_max, q.comparator) == (low, low + step, "between")


@given(st.integers(1, 10**9))
def test_thousands_separators(n):
    assert to_float(f"{n:,}") == n
