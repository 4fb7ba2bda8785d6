"""Named projects: lists governed by a verb, distributed heads, stages, keys (SPEC §4.5)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from dagster_project.core.context import DocContext
from dagster_project.core.normalize import normalize_text
from dagster_project.core.project_names import display_name
from dagster_project.core.projects import extract_projects, project_key
from dagster_project.core.sections import build_sections

REPO = Path(__file__).resolve().parents[1]
SEEDS = {p.name[:3]: p for p in (REPO / "seeds").glob("*.txt")}
YEARS = {"000": (2020, 2021), "001": (2024, 2025), "002": (2021, 2022), "003": (2023, 2024), "004": (2020, 2021)}
SCHEMA = json.loads((REPO / "schemas" / "projects.json").read_text(encoding="utf-8"))
ENUMS = {f["name"]: f.get("constraints", {}).get("enum") for f in SCHEMA["fields"]}


def plan(body: str) -> str:
    """A minimal report whose body sits in the 2021 plan section."""
    return f"一、2020年工作回顾\n各项工作取得新成效。\n二、2021年工作安排\n{body}\n"


def run(body: str) -> list[dict]:
    return extract_projects(plan(body), DocContext("t", review_year=2020, plan_year=2021))


def names(rows: list[dict]) -> list[str]:
    return [r["name"] for r in rows]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {k: normalize_text(p.read_text(encoding="utf-8")).text for k, p in SEEDS.items()}


@pytest.fixture(scope="module")
def rows(texts) -> dict[str, list[dict]]:
    out = {}
    for k, text in texts.items():
        review, plan_year = YEARS[k]
        out[k] = extract_projects(text, DocContext(SEEDS[k].stem, review_year=review, plan_year=plan_year))
    return out


def test_distributed_head_gives_one_row_each():
    got = run("（16）启动后港220KV、杨范110KV变电站建设工程和沈家岭110KV变电站升级改造工程。")
    assert names(got)[:2] == ["后港220KV变电站", "杨范110KV变电站"]
    assert names(got)[2].startswith("沈家岭110KV变电站")
    assert {r["stage"] for r in got} == {"start"} and {r["category"] for r in got} == {"power"}


def test_distributed_head_after_place_names():
    assert names(run("续建寻龙、信雄高速。")) == ["寻龙高速", "信雄高速"]
    assert names(run("开工石城和龙南通用机场。")) == ["石城通用机场", "龙南通用机场"]
    assert names(run("建好兴国、于都、宁都垃圾焚烧发电厂。")) == [f"{p}垃圾焚烧发电厂" for p in ("兴国", "于都", "宁都")]


def test_a_shared_verb_governs_the_whole_list():
    got = run("续建瑞梅铁路、济广与厦蓉高速会昌联络线、定南通用机场。")
    assert names(got) == ["瑞梅铁路", "济广与厦蓉高速会昌联络线", "定南通用机场"]  # 与 joins one road
    assert [r["stage"] for r in got] == ["ongoing"] * 3
    assert [r["category"] for r in got] == ["railway", "highway", "airport"]


@pytest.mark.parametrize("body, stage", [
    ("推动格力智能制造基地一期等项目投产。", "complete"),  # the target after the list wins
    ("抓紧黄金机场三期改扩建、寻全高速西延等项目前期工作。", "planned"),
    ("启动宁定高速定南联络线西延等项目规划研究。", "planned"),
    ("力争开工长赣铁路、遂大高速等项目。", "start"),
    ("加快推进大广高速吉安至南康段改扩建。", "ongoing"),
    ("建成兴泉铁路、瑞金电厂二期。", "complete"),
    ("加快建成信丰电厂二期。", "complete"),
    ("完成G206桃林至大田段改建、塔前至荷塘公路改建并通车。", "complete"),
])
def test_stage_from_the_governing_verb(body, stage):
    got = run(body)
    assert got and {r["stage"] for r in got} == {stage}


def test_name_first_clauses():
    got = run("信雄高速、赣州港综合枢纽码头启动建设，瑞金机场全面动工，青峰百亿生产基地投产。")
    assert [(r["name"], r["stage"]) for r in got] == [
        ("信雄高速", "start"), ("赣州港综合枢纽码头", "start"), ("瑞金机场", "start"), ("青峰百亿生产基地", "complete")]


def test_a_list_the_report_calls_projects_needs_no_keyword():
    got = run("启动建设阿里赣州中心、北斗时空大数据科技园等11个项目。")
    assert names(got) == ["阿里赣州中心", "北斗时空大数据科技园"]


def test_counted_kinds_name_their_examples():
    assert names(run("启动翡翠城、大连路等2所幼儿园建设。")) == ["翡翠城幼儿园", "大连路幼儿园"]


@pytest.mark.parametrize("body", [
    "新续建8条快速路、10座跨江大桥、16条跨区主干路。",  # quotas
    "改造老旧小区196个，建成投用城乡学校60所。",
    "县县建成应急备用水源。",  # generic kinds
    "加快推进人民医院、中医医院、疾控中心核酸检测能力建设。",  # the shared head is a capacity
    "洪岩镇入选江西省首批特色小镇建设典范。",  # a title
    "推进国家知识产权强县、全国青年发展型城市等“国字号”试点建设。",
])
def test_not_projects(body):
    assert run(body) == []


def test_quote_and_name_provenance(texts, rows):
    for doc, doc_rows in rows.items():
        text = texts[doc]
        for r in doc_rows:
            assert text[r["char_start"]:r["char_end"]] == r["quote"]
            quote = display_name(r["quote"])
            # the name is in the quote, or is an item of it completed with a head written later in it
            assert r["name"] in quote or any(
                r["name"][:k] in quote and r["name"][k:] in quote for k in range(1, len(r["name"])))


def test_fields_and_vocabularies(rows):
    for doc_rows in rows.values():
        for r in doc_rows:
            assert r["category"] in ENUMS["category"] and r["stage"] in ENUMS["stage"]
            assert set(r) == {"doc_id", "name", "project_key", "category", "stage", "period", "section",
                              "quote", "char_start", "char_end"}
    with open(REPO / "schemas" / "vocab" / "project_categories.csv", encoding="utf-8") as fh:
        assert {row["category"] for row in csv.DictReader(fh)} <= set(ENUMS["category"])
    with open(REPO / "schemas" / "vocab" / "project_stages.csv", encoding="utf-8") as fh:
        assert {row["stage"] for row in csv.DictReader(fh)} == set(ENUMS["stage"])
    assert [f["name"] for f in SCHEMA["fields"]] == [
        "id", "doc_id", "name", "project_key", "category", "stage", "period", "section", "quote",
        "char_start", "char_end", "raw_start", "raw_end"]


def test_period_and_section_follow_the_heading(texts, rows):
    got = {(r["name"], r["period"], r["stage"]) for r in rows["000"]}
    assert ("瑞金机场", 2020, "start") in got  # review: 瑞金机场全面动工
    assert ("瑞金机场", 2021, "ongoing") in got  # plan: 续建瑞金机场
    for r in rows["000"]:
        assert r["section"].startswith("一、2020年") if r["period"] == 2020 else r["section"].startswith("三、2021")


def test_glossary_annex_is_skipped(texts, rows):
    for doc in ("000", "003", "004"):
        annex = next(s for s in build_sections(texts[doc]) if s.kind == "glossary")
        assert all(r["char_end"] <= annex.start for r in rows[doc])


def test_keys_follow_a_project_across_documents(rows):
    keys = {doc: {r["project_key"] for r in doc_rows} for doc, doc_rows in rows.items()}
    assert {"000", "001", "002"} <= {d for d, k in keys.items() if project_key("瑞梅铁路") in k}
    assert {"000", "002"} <= {d for d, k in keys.items() if project_key("瑞金机场") in k}
    # 信丰电厂 (000) and 信丰电厂一期 (002) are one plant; its 二期 is another project
    assert project_key("信丰电厂") in keys["000"] and project_key("信丰电厂") in keys["002"]
    assert project_key("信丰电厂二期") in keys["001"] and project_key("信丰电厂二期") != project_key("信丰电厂")
    # the party congress report calls it 华能瑞金电厂二期
    assert project_key("华能瑞金电厂二期") in keys["002"] and project_key("瑞金电厂二期") in keys["000"]


def test_stages_of_one_project_over_time(rows):
    ruijin = sorted((r["period"], r["stage"]) for r in rows["000"] + rows["002"]
                    if r["project_key"] == project_key("瑞金机场"))
    assert ("2020", "start") in {(str(p), s) for p, s in ruijin}
    assert "complete" in {s for _, s in ruijin}  # 002: 建成瑞金机场


@pytest.mark.parametrize("a, b", [
    ("遂川至大余高速", "遂大高速"),  # a route in full and as reports shorten it
    ("寻乌至全南高速西延", "寻全高速西延"),
    ("华能瑞金电厂二期", "瑞金电厂二期"),
    ("G206桃林至大田段改建", "G206桃林至大田段改造"),  # work done on one road
    ("后港220kV变电站", "后港220KV变电站"),
    ("长赣高铁", "长赣铁路"),
    ("“五馆一书城”", "五馆一书城"),
    ("格力智能制造基地一期", "格力智能制造基地"),
])
def test_project_key_links(a, b):
    assert project_key(a) == project_key(b)


@pytest.mark.parametrize("a, b", [
    ("瑞金电厂", "瑞金电厂二期"),
    ("寻全高速", "寻全高速西延"),
    ("黄金机场三期改扩建", "黄金机场T1航站楼二期改造"),
])
def test_project_key_keeps_projects_apart(a, b):
    assert project_key(a) != project_key(b)


def test_gold_style_names_are_exact(rows):
    got = {doc: set(names(r)) for doc, r in rows.items()}
    for name in ("大广高速吉安至南康段改扩建", "黄金机场T1航站楼二期改造", "瑞金干部学院二期", "市儿童医院"):
        assert name in got["000"]
    for name in ("赛复乐年产1.9万吨高端精细化工", "市中医医院改扩建", "凯光新天地旅游度假区", "昌景黄铁路乐平北站"):
        assert name in got["004"]
    assert not any(re.search(r"[“”【】]", n) for doc_names in got.values() for n in doc_names)


# --- the shortcuts taken for speed change no row --------------------------------------------

def test_verbs_never_cross_or_start_a_clause_opener():
    """`_verb_clauses` finds the verbs in one scan of the text: no verb (or word that looks
    like one) may hold a clause separator or start with a character of a clause opener."""
    from dagster_project.core import projects as P

    for word in [*P.verbs(), *P._FALSE_VERBS]:
        assert not P._SEPARATOR.search(word), word
        assert not re.match(r"[\s（(\d①-⑳一二三四五六七八九十是)）]", word), word  # what an opener holds


def test_verb_clauses_are_the_clauses_holding_a_verb(texts):
    from dagster_project.core import projects as P

    for text in texts.values():
        expected = []
        for m in P._CLAUSE.finditer(text):
            opener = P._OPENER.match(text, m.start(), m.end())
            start = opener.end() if opener else m.start()
            if any(v.group() in P.verbs() for v in P._verb_regex().finditer(text, start, m.end())):
                expected.append((m.start(), m.end()))
        assert list(P._verb_clauses(text)) == expected


def test_keyword_hint_finds_every_keyword():
    from dagster_project.core import project_names as pn

    hint = pn.keyword_hint()
    assert hint is not None
    for k in pn.keywords():
        if k.pattern is None:
            assert hint.search(f"推进{k.text}建设"), k.text
    assert pn._first_chars(r"(?<![思铁公线])路(?:改造)?$") == "路"
    assert pn._first_chars(r"^[GS]\d{2,4}") == "GS"
    assert pn._first_chars(r"(?i)g") is None and pn._first_chars(r"[a-z]站") is None
    for name, matched in [("信雄高速", True), ("G206桃林至大田段", True), ("环城北路", True), ("新发展理念", False)]:
        assert (hint.search(name) is not None) == matched, name
        assert bool(pn.keyword_spans(name)) == matched, name


def test_prefix_tree_matches_the_longest_word_like_an_alternation():
    from dagster_project.core.project_names import prefix_tree

    words = ["建成", "建成投产", "建设", "投产", "开工建设", "开工"]
    tree = re.compile(prefix_tree(words))
    plain = re.compile("|".join(sorted(words, key=len, reverse=True)))
    for text in ["建成投产并开工建设", "建成投", "开工开工建设建设", "投产建成"]:
        assert [m.span() for m in tree.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_prefilters_drop_no_row(texts, rows, monkeypatch):
    """Clauses and lists without a keyword (or 等) are skipped; doing the work finds nothing more."""
    from dagster_project.core import project_names as pn
    from dagster_project.core import projects as P

    monkeypatch.setattr(P, "_may_name_a_project", lambda text, start, end: True)
    monkeypatch.setattr(P, "_post_tail_in", lambda items: P._post_tail().search(items))
    for k, text in texts.items():
        review, plan_year = YEARS[k]
        got = extract_projects(text, DocContext(SEEDS[k].stem, review_year=review, plan_year=plan_year))
        assert got == rows[k]
    # keyword_spans tries only the keywords starting with a character of the name: the same
    # spans, in the same order, as trying them all
    uncached = pn.keyword_spans.__wrapped__
    for name in {r["name"] for doc_rows in rows.values() for r in doc_rows} | {"东站", "北站", "湖港", "物联网"}:
        tried_all = []
        for k in pn.keywords():
            if k.pattern is not None:
                tried_all.extend((m.start(), m.end(), k.category) for m in k.pattern.finditer(name))
                continue
            at = name.find(k.text)
            while at >= 0:
                tried_all.append((at, at + len(k.text), k.category))
                at = name.find(k.text, at + 1)
        assert uncached(name) == tuple(tried_all), name
