"""Glossary annex: entries, join keys, members and body references (SPEC §4.5)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dagster_project.core.context import DocContext
from dagster_project.core.glossary import check_glossary_markers, extract_glossary, members, term_key
from dagster_project.core.normalize import normalize_text

REPO = Path(__file__).resolve().parents[1]
SEEDS = {p.name[:3]: p for p in (REPO / "seeds").glob("*.txt")}


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {k: normalize_text(p.read_text(encoding="utf-8")).text for k, p in SEEDS.items()}


@pytest.fixture(scope="module")
def rows(texts) -> dict[str, list[dict]]:
    return {k: extract_glossary(t, DocContext(SEEDS[k].stem)) for k, t in texts.items()}


def by_no(rows: list[dict]) -> dict[int, dict]:
    return {r["note_no"]: r for r in rows}


def annex_start(text: str) -> int:
    return re.search(r"^.{0,20}名词(?:解释|注释).{0,4}$", text, re.M).start()


@pytest.mark.parametrize("doc, n", [("000", 27), ("003", 21), ("004", 14)])
def test_every_entry_once_in_order(rows, doc, n):
    assert [r["note_no"] for r in rows[doc]] == list(range(1, n + 1))


def test_documents_without_annex_have_no_rows(rows):
    assert rows["001"] == [] and rows["002"] == []


def test_definition_is_the_exact_span(texts, rows):
    for doc, doc_rows in rows.items():
        for r in doc_rows:
            assert texts[doc][r["char_start"]:r["char_end"]] == r["definition"]
            assert r["definition"] == r["definition"].strip()
            assert r["char_start"] > annex_start(texts[doc])


def test_terms_as_written_with_quotes_and_brackets(rows):
    g = by_no(rows["000"])
    assert g[3]["term"] == "“5020”项目"
    assert g[6]["term"] == "《若干意见》"
    assert g[5]["term"] == "5项工作"  # written `5.5 项工作`: entry 5, term 5项工作
    assert g[5]["definition"].startswith("赣州质量工作")
    assert by_no(rows["004"])[12]["term"] == "“四化”建设"  # `**“四化”建设：**` in the raw text


def test_definition_across_a_page_break(rows, texts):
    # 004 note 11 is split over two pages in the raw text ("从 10\n\n个县的…")
    note = by_no(rows["004"])[11]
    assert note["definition"].startswith("即中国扶贫基金会")
    assert "从10个县的100个村" in note["definition"]
    assert note["definition"].endswith("弥补留守儿童的亲情缺失。")


def test_unjoined_page_break_stays_in_the_definition():
    text = ("一、2020年工作回顾\n童伴妈妈项目继续深化。\n名词解释\n"
            "1.童伴妈妈：即共青团启动的关爱项目，从10\n个县的100个村选聘。\n2.两违：即违法用地、违法建设。\n")
    got = extract_glossary(text, DocContext("t"))
    assert [r["term"] for r in got] == ["童伴妈妈", "两违"]
    assert got[0]["definition"] == "即共青团启动的关爱项目，从10\n个县的100个村选聘。"
    assert text[got[0]["char_start"]:got[0]["char_end"]] == got[0]["definition"]


def test_markup_variants_through_the_normalizer():
    raw = ("一、2020年工作回顾\n\n实现了“双清零”【**1**】，落实“乐30条”【2】。\n\n【名词解释】\n\n"
           "1. **双清零**：即在院患者清零、疑似病例清零。\n\n2．**乐 30 条**：即30条政策措施。\n")
    text = normalize_text(raw).text
    got = extract_glossary(text, DocContext("t"))
    assert [(r["note_no"], r["term"]) for r in got] == [(1, "双清零"), (2, "乐30条")]
    assert [r["ref_count"] for r in got] == [1, 1]
    assert text[got[0]["first_ref_start"]:].startswith("【1】")
    assert got[0]["members"] == "在院患者清零;疑似病例清零"


def test_term_key_joins_across_documents(rows):
    g000, g003, g004 = by_no(rows["000"]), by_no(rows["003"]), by_no(rows["004"])
    # “5020”项目 (000) and 5020 (004) are the same slogan
    assert g000[3]["term_key"] == g004[9]["term_key"] == "5020"
    # 三大战略 is defined alone in 000 and inside a compound entry in 003
    assert g000[7]["term_key"] == "三大战略"
    assert "三大战略" in g003[1]["term_key"].split(";")
    assert g003[2]["term_key"].split(";") == ["一区四中心", "五个章贡"]
    # quotes and brackets go, the words stay
    assert g000[6]["term_key"] == "若干意见"
    assert g003[13]["term_key"] == "市县同权"
    assert g004[13]["term_key"] == "天网工程"  # no quoted label: the head is part of the name


def test_term_key_rules():
    assert term_key("“4+1”工程") == "4+1"
    assert term_key("碳达峰“十大行动”") == "碳达峰十大行动"  # the head is inside the quotes
    assert term_key("作示范、勇争先", "在加快…上作示范、在推动…上勇争先。") == "作示范、勇争先"  # not defined part by part


def test_members_of_an_enumeration(rows):
    g = by_no(rows["000"])
    assert g[1]["members"].split(";") == ["新能源汽车科技城", "现代家居城", "中国稀金谷", "青峰药谷",
                                          "赣州电子信息产业带", "赣州纺织服装产业带"]
    assert len(g[2]["members"].split(";")) == 10  # 十个清零: ten clauses separated by ，
    assert g[7]["members"].split(";") == ["推进新时代赣南苏区振兴发展", "打造对接融入粤港澳大湾区桥头堡", "建设省域副中心城市"]
    assert g[4]["members"].split(";")[0] == "忠诚型政府"  # head 政府 written once, on the last item
    assert g[17]["members"].split(";")[0] == "市美术馆"  # 五馆一书城: items keep their own heads
    assert g[18]["members"] == ""  # 城市大脑: a sentence, not a list
    assert by_no(rows["004"])[6]["members"] == "政策最优;成本最低;服务最好;办事最快"  # the quoted list


def test_members_of_two_level_entries(rows):
    g = by_no(rows["003"])
    two = g[2]["members"].split(";")
    assert two[0] == "建设全省高质量发展示范区"  # 一区: one item
    assert two[-5:] == ["实力章贡", "数智章贡", "人文章贡", "美丽章贡", "幸福章贡"]
    assert len(g[1]["members"].split(";")) == 3 + 8
    assert g[18]["members"].split(";")[:4] == ["建筑工地扬尘", "道路扬尘", "运输扬尘", "堆场扬尘"]
    assert g[4]["members"] == "上云;用数;赋智"  # parts defined by sentences: the labels


def test_members_function_counts_guide_the_split():
    assert members("三线一单", "生态保护红线、环境质量底线、资源利用上线和生态环境准入清单。") == [
        "生态保护红线", "环境质量底线", "资源利用上线", "生态环境准入清单"]
    assert members("多网合一", "将党的建设、社会保障、城市管理现有网格整合为统一的社会治理网格，实现资源共享。") == []


def test_refs_by_markers(texts, rows):
    text = texts["000"]
    for r in rows["000"]:
        marker = f"【{r['note_no']}】"
        assert r["ref_count"] == text[:annex_start(text)].count(marker)
        assert text[r["first_ref_start"]:].startswith(marker)


def test_marker_markup_is_gone_but_the_reference_counts(texts, rows):
    # the raw text has 【**3**】 after “5020”项目
    note = by_no(rows["000"])[3]
    assert note["ref_count"] == 1
    assert texts["000"][:note["first_ref_start"]].endswith("“5020”项目")


def test_refs_by_term_without_markers(texts, rows):
    text = texts["004"]
    body = text[:annex_start(text)]
    assert "【1】" not in body
    g = by_no(rows["004"])
    assert g[7]["ref_count"] == body.count("赣服通") == 3
    assert g[7]["first_ref_start"] == body.find("赣服通")
    assert g[9]["ref_count"] == len(re.findall(r"(?<!\d)5020(?!\d)", body))
    assert g[6]["ref_count"] == body.count("“四最”营商环境")


def test_marker_check(texts, rows):
    for doc in ("000", "003", "004"):
        assert check_glossary_markers(texts[doc], rows[doc]) == []
    text = "一、2020年工作回顾\n见“甲”【1】与“乙”【3】。\n名词解释\n1.甲：即一。\n2.乙：即二。\n"
    got = extract_glossary(text, DocContext("t"))
    problems = check_glossary_markers(text, got + got[:1])
    assert any("【3】" in p for p in problems)
    assert any("entry 1 appears 2 times" in p for p in problems)


def test_schema_field_order():
    schema = json.loads((REPO / "schemas" / "glossary.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in schema["fields"]] == [
        "id", "doc_id", "note_no", "term", "term_key", "definition", "members", "ref_count",
        "first_ref_start", "char_start", "char_end", "raw_start", "raw_end"]
    assert schema["primaryKey"] == ["id"]
    assert schema["foreignKeys"][0]["reference"]["resource"] == "documents"


def test_rows_carry_only_extractor_fields(rows):
    fields = {"doc_id", "note_no", "term", "term_key", "definition", "members", "ref_count",
              "first_ref_start", "char_start", "char_end"}
    assert all(set(r) == fields for r in rows["000"])


def test_one_paragraph_annex_and_circled_numbers():
    text = "一、2020年工作回顾\n落实“两违”整治。\n名词解释\n①两违：即违法用地、违法建设。②双清零：即在院患者清零、疑似病例清零。\n"
    got = extract_glossary(text, DocContext("t"))
    assert [(r["note_no"], r["term"]) for r in got] == [(1, "两违"), (2, "双清零")]
    assert got[0]["definition"] == "即违法用地、违法建设。"
    assert got[0]["ref_count"] == 1  # no markers: the term's mention in the body


def test_refs_by_term_match_the_pattern_they_stand_for():
    """Mentions are found in the body with quotes and spaces left out; the same as matching
    the key's characters with any of them between, not after or before a Latin letter or digit."""
    import functools
    import random

    from dagster_project.core.glossary import _squeeze, _term_refs

    @functools.lru_cache(maxsize=None)
    def pattern(key: str) -> re.Pattern[str]:
        gap = r"[“”‘’\"'《》〈〉「」『』\s]*"
        pat = gap.join(re.escape(c) for c in key)
        if re.match(r"[0-9A-Za-z]", key):
            pat = r"(?<![0-9A-Za-z.])" + pat
        if re.search(r"[0-9A-Za-z]$", key):
            pat += r"(?![0-9A-Za-z])"
        return re.compile(pat)

    rng = random.Random(7)
    for _ in range(1000):
        text = "".join(rng.choice("ab502.“”《》 \n\u3000项目x") for _ in range(rng.randint(0, 30)))
        key = "".join(rng.choice("ab502项目x") for _ in range(rng.randint(2, 4)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 4)))
        body = [(s, e) for s, e in zip(cuts[::2], cuts[1::2]) if e > s]
        expected = [m.start() for s, e in body for m in pattern(key).finditer(text, s, e)]
        assert _term_refs(text, _squeeze(text, body), key) == expected, (text, key, body)
