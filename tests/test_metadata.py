"""Document metadata of every seed, as read from its text, and the rules behind it."""

from functools import lru_cache
from pathlib import Path

import pytest

from dagster_project.core.metadata import detect_metadata
from dagster_project.core.normalize import normalize_text

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

GANZHOU = {"region": "赣州市", "province": "江西省", "region_code": "360700",
           "admin_level": "prefecture"}
EXPECTED = {
    # Header: 政府工作报告 / ——2021年2月19日在赣州市第五届人民代表大会第六次会议上 / 代市长 许南吉;
    # headings 一、2020年工作和“十三五”发展回顾 … 三、2021 年工作安排.
    "000": {"title": "政府工作报告", "doc_type": "government_work_report", **GANZHOU,
            "meeting": "赣州市第五届人民代表大会第六次会议", "delivered_on": "2021-02-19",
            "speaker": "许南吉", "speaker_title": "代市长", "review_year": 2020, "plan_year": 2021},
    # A newspaper page starting at (上接1版): no dateline, meeting or speaker. It speaks of
    # 我市 and names 赣州 throughout (赣州市科技创新促进条例 …); 二、2025年工作安排 plans 2025
    # and 一年来 / 回首过去一年 reviews the year before.
    "001": {"title": "政府工作报告", "doc_type": "government_work_report", **GANZHOU,
            "meeting": "", "delivered_on": "", "speaker": "", "speaker_title": "",
            "review_year": 2024, "plan_year": 2025},
    # Title on two lines, ——在中国共产党赣州市第六次代表大会上的报告, （2021年9月27日）,
    # byline 吴 忠 琼 without an office. “十三五”圆满收官 closes the five years reviewed
    # (2016–2020; 今年 figures are only 有望), 今后五年 runs with 到2025年 goals.
    "002": {"title": "解放思想牢记嘱托 奋力建设革命老区高质量发展示范区",
            "doc_type": "party_congress_report", **GANZHOU,
            "meeting": "中国共产党赣州市第六次代表大会", "delivered_on": "2021-09-27",
            "speaker": "吴忠琼", "speaker_title": "", "review_year": 2020, "plan_year": 2021},
    # Traditional text: (江西省)2024年贛州市章貢區人民政府工作報告 / --2024年1月12日在
    # 贛州市章貢區第六屆人民代表大會第四次會議上 / 區人民政府區長 劉志懷.
    "003": {"title": "2024年赣州市章贡区人民政府工作报告", "doc_type": "government_work_report",
            "region": "章贡区", "province": "江西省", "region_code": "360702",
            "admin_level": "county", "meeting": "赣州市章贡区第六届人民代表大会第四次会议",
            "delivered_on": "2024-01-12", "speaker": "刘志怀", "speaker_title": "区长",
            "review_year": 2023, "plan_year": 2024},
    # （2021年4月13日在乐平市第六届人民代表大会第六次会议上）/ 市人民政府市长 高翔.
    "004": {"title": "政府工作报告", "doc_type": "government_work_report",
            "region": "乐平市", "province": "江西省", "region_code": "360281",
            "admin_level": "county", "meeting": "乐平市第六届人民代表大会第六次会议",
            "delivered_on": "2021-04-13", "speaker": "高翔", "speaker_title": "市长",
            "review_year": 2020, "plan_year": 2021},
}


@lru_cache(maxsize=None)
def seed_metadata(doc: str) -> dict:
    (path,) = SEEDS.glob(f"{doc}_*.txt")
    return detect_metadata(normalize_text(path.read_text(encoding="utf-8")).text)


@pytest.mark.parametrize("doc", sorted(EXPECTED))
def test_seed_metadata_has_exactly_the_documented_fields(doc):
    assert set(seed_metadata(doc)) == set(EXPECTED[doc])


@pytest.mark.parametrize(("doc", "field"), [(d, f) for d in sorted(EXPECTED) for f in EXPECTED[d]])
def test_seed_field(doc, field):
    assert seed_metadata(doc)[field] == EXPECTED[doc][field]


def test_national_report():
    md = detect_metadata("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n"
                         "国务院总理 李强\n各位代表：\n一、2023年工作回顾\n二、2024年政府工作任务")
    assert (md["region"], md["region_code"], md["admin_level"], md["province"]) == (
        "全国", "100000", "national", "")
    assert (md["speaker"], md["speaker_title"]) == ("李强", "国务院总理")
    assert (md["review_year"], md["plan_year"]) == (2023, 2024)


def test_chinese_numeral_date_and_spaced_name():
    md = detect_metadata("——在中国共产党赣州市第六次代表大会上的报告\n（二〇二一年九月二十七日）\n"
                         "吴 忠 琼\n同志们：")
    assert (md["delivered_on"], md["speaker"], md["speaker_title"]) == ("2021-09-27", "吴忠琼", "")


def test_ambiguous_region_keeps_name_but_no_code():
    head = "政府工作报告\n——2021年2月19日在{}第十八届人民代表大会第六次会议上\n代区长 张三\n各位代表："
    md = detect_metadata(head.format("城关区"))
    assert (md["region"], md["region_code"], md["province"], md["admin_level"]) == (
        "城关区", "", "", "")
    md = detect_metadata(head.format("兰州市城关区"))
    assert (md["region"], md["region_code"], md["province"]) == ("城关区", "620102", "甘肃省")


def test_region_code_follows_the_report_year():
    md = detect_metadata("政府工作报告\n（2019年2月19日在龙南县第十七届人民代表大会第四次会议上）\n"
                         "县长 张三\n各位代表：")
    assert (md["region"], md["region_code"]) == ("龙南县", "360727")


def test_text_without_header_or_years_stays_empty():
    md = detect_metadata("各位代表：\n现在，我代表市人民政府向大会报告工作。")
    assert md["doc_type"] == "government_work_report"
    assert all(md[f] in ("", None) for f in md if f != "doc_type")


def test_names_in_a_text_are_found_as_by_searching_each_name():
    from dagster_project.core import areacodes
    from dagster_project.core.metadata import _names_in

    names = areacodes.names_in_year(2021)
    text = "我市赣州市章贡区南康区，合作市与赣州发展；市场、城市，龙南市瑞金市。北京市东城区" + "".join(names[::97])
    for level in "市区县州盟旗省":
        expected = [n for n in names if n.endswith(level) and n in text]
        assert _names_in(text, 2021, level) == expected
    assert _names_in("", 2021, "市") == []
