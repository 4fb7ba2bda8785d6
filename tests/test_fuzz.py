"""Text that defeats the extractors: no exception escapes, offsets stay exact, nothing is
quadratic. Hypothesis runs derandomized, so CI sees the same examples every time."""

from __future__ import annotations

import random
import re
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dagster_project.core.extraction as extraction
import dagster_project.core.normalize as normalize
from dagster_project.core.context import DocContext
from dagster_project.core.documents import DocumentResult, read_document
from dagster_project.core.extraction import ROW_TABLES, extract_table
from dagster_project.core.normalize import normalize_text
from dagster_project.core.sources import SourceFile, read_source, scan_sources
from dagster_project.core.validation import validate_table
from tests.fixtures.messy import random_cjk, seed_text

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
SEED_IDS = ["000", "001", "002", "003", "004"]
KNOWN_FLAGS = {
    "traditional_converted", "pinyin_removed", "markup_removed", "lines_joined",
    "continuation_markers", "mojibake_suspected", "truncated_suspected",
}  # fmt: skip
QUOTE_COLUMN = {"indicators": "quote", "targets": "quote", "glossary": "definition", "projects": "quote"}

# Pieces of real reports, markup and corruption, for text the extractors have to parse.
PIECES = [
    "政府工作报告", "——2021年2月19日在赣州市第五届人民代表大会第六次会议上", "代市长 许南吉", "各位代表：",
    "一、2020年工作回顾", "二、2021年工作安排", "三、", "（一）", "（二）强力推进工业倍增升级", "1.", "2．",
    "今年主要预期目标是：", "地区生产总值增长", "GDP", "规上工业增加值", "城镇、农村居民人均可支配收入分别增长",
    "8%", "6.3%、9.2%", "6%－6.5%", "2-3家", "8.5%左右", "以上", "以内", "确保", "力争", "突破", "下降", "个百分点",
    "亿元", "万元", "万人", "万亩", "公里", "项", "个", "到2025年", "“十四五”", "2035年", "今后五年", "预计", "有望",
    "从1974亿元增至3645亿元", "新增高新技术企业300家以上", "瑞金电厂二期", "大广高速吉安至南康段改扩建",
    "启动后港220KV、杨范110KV变电站建设", "开工", "建成", "续建", "名词解释", "【1】", "【12】", "“两城两谷两带”",
    "：", "；", "。", "，", "、", "！", "……", "\n", "\n\n", "\r\n", " ", "\u3000", "\u200b",
    "区(qū)", "<b>", "</b>", "<sub>2.5</sub>", "**", "## ", "(上接1版)", "(下转4版)",
    "?!罢F蟆甭", "\ufffd", "???", "0", "00000000000000000000", "9" * 40, "1e309", "½", "１２３", "二〇二一年",
    "百分之五", "貢區", "發展", "𠀀", "\x0c", "\u2028",
]  # fmt: skip
report_text = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
any_text = report_text | st.text(max_size=300)


def check_tracked(raw: str) -> None:
    """normalize_text never raises, and its offset map is whole, in bounds and monotone."""
    n = normalize_text(raw)
    t = n.tracked
    assert len(t.starts) == len(t.ends) == len(n.text)
    assert all(0 <= a <= b <= len(raw) for a, b in zip(t.starts, t.ends, strict=True))
    assert list(t.starts) == sorted(t.starts) and list(t.ends) == sorted(t.ends)
    assert "\r" not in n.text and "\n\n" not in n.text and not n.text.startswith("\n") and not n.text.endswith("\n")
    assert set(n.flags) <= KNOWN_FLAGS
    for a, b in n.corrupt_spans:
        assert 0 <= a < b <= len(n.text)


@FUZZ
@given(any_text)
def test_normalizer_keeps_a_whole_offset_map_on_any_text(raw):
    check_tracked(raw)


LINE_PIECES = ["地区生产总值增长", "推进项目建设", "亿元", "5", "3.", ".6", "，", "。", "；", "一、", "（二）", "【1】", "——", "”", " "]
lines_of_text = st.lists(
    st.lists(st.sampled_from(LINE_PIECES[:4] * 12 + LINE_PIECES), min_size=1, max_size=40).map("".join), min_size=2, max_size=12
).map("\n".join)


@settings(FUZZ, max_examples=400)
@example("地区生产总值增长" * 8 + "353.\n26亿元。")  # a number cut at the end of a long line
@example("一、" + "推进项目建设" * 10 + "\n" + "推进项目建设，" * 3)  # a long line that starts like a heading
@example("推进项目建设" * 10 + "，" + "推进项目建设" * 10 + "\n地区生产总值增长")  # its only comma in the middle
@given(lines_of_text | st.lists(st.sampled_from(PIECES + ["\n"] * 20), max_size=150).map("".join))
def test_long_lines_are_joined_as_if_kept_whole(raw):
    """The normalizer judges a line over _LONG_LINE characters by a short stand-in, to stay
    linear; with a tiny threshold, every decision must equal the one made on whole lines."""
    with mock.patch.object(normalize, "_LONG_LINE", 10**9):
        whole = normalize_text(raw)
    with mock.patch.object(normalize, "_LONG_LINE", 60):
        bounded = normalize_text(raw)
    assert bounded == whole


@FUZZ
@given(st.binary(max_size=400) | report_text.map(lambda t: t.encode("utf-8")) | report_text.map(lambda t: t.encode("gb18030")))
def test_read_document_answers_every_input_with_a_valid_row(data):
    result = read_document(SourceFile("fuzz", "fuzz.txt", "0" * 64, len(data)), data)
    check_result(result)


def check_result(result: DocumentResult) -> None:
    row = result.row
    assert row["status"] in ("ok", "quarantined")
    if result.ok:
        assert row["error"] == "" and result.normalized is not None
        assert row["char_count"] == len(result.normalized.text)
        assert set(filter(None, row["quality_flags"].split(";"))) <= KNOWN_FLAGS
    else:
        assert row["error"] and result.normalized is None
        assert "could not be processed" not in row["error"], row["error"]  # no bug met on the way
    texts = {row["doc_id"]: result.normalized.text} if result.ok else {}
    assert validate_table("documents", [row], texts, {}).rejected == []


def check_rows(result: DocumentResult) -> dict[str, list[dict]]:
    """Every extractor on one document: no crash, and every row quotes its text exactly."""
    text = result.normalized.text
    out = {}
    for table in ROW_TABLES:
        rows, problems = extract_table(table, result.normalized, result.context)
        assert problems == [], problems
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids))
        for r in rows:
            assert 0 <= r["char_start"] < r["char_end"] <= len(text), r
            assert text[r["char_start"] : r["char_end"]] == r[QUOTE_COLUMN[table]], r
            assert r["raw_start"] <= r["raw_end"]
        out[table] = rows
    return out


def read_text(text: str, doc_id: str = "fuzz") -> DocumentResult:
    data = text.encode("utf-8")
    return read_document(SourceFile(doc_id, f"{doc_id}.txt", "0" * 64, len(data)), data)


@FUZZ
@given(report_text)
def test_extractors_survive_report_like_nonsense(text):
    result = read_text(text)
    check_result(result)
    if result.ok:
        check_rows(result)


def mutate(text: str, rng: random.Random) -> str:
    """Seed text damaged the ways copies get damaged: cuts, repeats, moves, stray pieces."""
    chars = list(text)
    for _ in range(rng.randrange(1, 25)):
        if not chars:
            chars = list("。")
        i = rng.randrange(len(chars))
        j = min(len(chars), i + rng.randrange(1, 300))
        op = rng.randrange(6)
        if op == 0:
            del chars[i:j]
        elif op == 1:
            chars[i:i] = chars[i:j]
        elif op == 2:
            piece = chars[i:j]
            del chars[i:j]
            k = rng.randrange(len(chars) + 1)
            chars[k:k] = piece
        elif op == 3:
            chars[i:i] = list(rng.choice(PIECES))
        elif op == 4:
            chars[i:j] = [rng.choice("0123456789") if c.isdigit() else c for c in chars[i:j]]
        else:
            chars[i:j] = [c for c in chars[i:j] if c != "\n"]
    return "".join(chars)


@pytest.mark.parametrize("seed", SEED_IDS)
def test_extractors_survive_mutated_seed_text(seed):
    rng = random.Random(f"mutate-{seed}")
    text = seed_text(seed)
    published = 0
    for k in range(30):
        start = rng.randrange(len(text))
        mutant = mutate(text[start : start + rng.randrange(200, 8000)] if k % 3 else text, rng)
        result = read_text(mutant, f"m{k}")
        check_result(result)
        if result.ok:
            check_tracked(mutant)
            published += sum(len(rows) for rows in check_rows(result).values())
    assert published > 0  # the mutants still carry rows: the extractors were exercised


def flat(text: str) -> str:
    return text.replace("\n", "")


ADVERSARIAL = {
    "random CJK": lambda: random_cjk(50_000),
    "random CJK in sentences": lambda: "。\n".join(random_cjk(40, k) for k in range(2_000)),
    "numbers without units": lambda: "全年增长" + "，".join(str(i * 7919 % 100_003) for i in range(20_000)) + "。",
    "huge numbers": lambda: f"地区生产总值增长{'9' * 400}%，财政收入达到{'1' * 40}亿元，GDP增长1e309%，下降{'0' * 30}1个百分点。",
    "a report on one line": lambda: flat(seed_text("000")) * 10,
    "a report hard-wrapped at 30 characters": lambda: "\n".join(
        re.findall(".{1,30}", flat(seed_text("004")) * 20)
    ),
    "a line of question marks": lambda: "?" * 300_000 + "中" + "?" * 10,
    "one paragraph per character": lambda: "\n\n".join(seed_text("002")),
    "glossary of 3000 notes": lambda: "名词解释\n" + "\n".join(f"{i}.术语{i}：定义{i}，包括甲、乙、丙。" for i in range(1, 3000)),
    "headings only": lambda: "\n".join(f"{n}、第{n}部分" for n in "一二三四五六七八九十" * 300),
    "markup soup": lambda: "<b " * 50_000 + "**" * 50_000 + "#" * 50_000 + "中。",
}


@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_text_that_defeats_the_extractors_publishes_or_is_quarantined(case):
    text = ADVERSARIAL[case]()
    result = read_text(text)
    check_result(result)
    if result.ok:
        check_tracked(text)
        check_rows(result)


def test_an_extractor_crash_is_reported_not_raised(monkeypatch):
    """The last line of defence: a crashing extractor loses its table for that document,
    with a problem saying so, and the other tables still come out."""

    def crash(text: str, context: DocContext) -> list[dict]:
        raise IndexError("string index out of range")

    monkeypatch.setitem(extraction.EXTRACTORS, "projects", crash)
    result = read_text(seed_text("000"))
    rows, problems = extract_table("projects", result.normalized, result.context)
    assert rows == []
    assert len(problems) == 1 and problems[0].startswith("projects extractor failed: IndexError: string index out of range")
    indicators, ok = extract_table("indicators", result.normalized, result.context)
    assert indicators and ok == []


def big_report(megabytes: int) -> str:
    """Seed reports repeated to the size asked for."""
    unit = "\n".join(seed_text(s) for s in SEED_IDS if s != "003") + "\n"
    return unit * (megabytes * 1024 * 1024 // len(unit.encode("utf-8")) + 1)


def test_a_20_mb_report_is_read_with_exact_offsets(tmp_path):
    """The core path of a 20 MB report: scan, read, decode, normalize, metadata. (Every
    extractor on it is covered below at 2 MB; on 20 MB they take minutes, see the note.)"""
    text = big_report(20)
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    (source,) = scan_sources(tmp_path)
    assert source.bytes >= 20 * 1024 * 1024 and source.problem == ""
    result = read_document(source, read_source(tmp_path, source))
    check_result(result)
    assert result.ok and result.row["script"] == "simplified"
    norm = result.normalized
    # Offsets still point at the right characters across the whole text.
    for needle in ("全年GDP增长4.2%", "政府工作报告", "各位代表"):
        positions = [m.start() for m in re.finditer(re.escape(needle), norm.text)]
        assert len(positions) > 100
        for pos in positions[:: max(1, len(positions) // 20)]:
            a, b = norm.raw_span(pos, pos + len(needle))
            assert text[a:b] == needle
    del text, norm, result


def test_every_extractor_on_a_2_mb_report():
    text = big_report(2)
    result = read_text(text, "big")
    check_result(result)
    rows = check_rows(result)
    single = check_rows(read_text("\n".join(seed_text(s) for s in SEED_IDS if s != "003") + "\n", "one"))
    for table in ("indicators", "targets", "projects"):
        assert len(rows[table]) > 10 * len(single[table]) > 0, table


def test_script_of_a_huge_report_is_judged_from_samples_all_over_it():
    from dagster_project.core.normalize import detect_script

    traditional = seed_text("003")
    simplified = seed_text("000")
    assert detect_script(traditional * 60) == "traditional"
    assert detect_script(simplified * 60) == "simplified"
    # Traditional only in the second half still shows: the samples cover the whole text.
    assert detect_script(simplified * 30 + traditional * 30) != "simplified"
