"""SPEC §5 text normalization, rule by rule, on the phenomena the seed reports really contain."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.core.normalize import NormalizedText, detect_script, is_heading, normalize_text

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"
SEED_PATHS = {p.name[:3]: p for p in sorted(SEED_DIR.glob("*.txt"))}
SEED_IDS = sorted(SEED_PATHS)

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONED = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# What SPEC §5 says the normalized text must no longer contain.
ARTEFACTS = {
    "markdown emphasis": re.compile(r"\*\*|__"),
    "markdown heading": re.compile(r"^[ \t]*#{1,6}", re.M),
    "html tag": re.compile(r"</?[A-Za-z][A-Za-z0-9]*[^<>\n]*>"),
    "continuation marker": re.compile(r"[（(]\s*(?:上接|下转|接上|转下)"),
    "pinyin annotation": re.compile(rf"[(（][{TONED}]{{1,7}}[)）]|[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]"),
    "zero-width character": re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]"),
    "CJK-space-digit": re.compile(rf"[{HAN}][ \t\u3000\xa0]+[0-9]|[0-9][ \t\u3000\xa0]+[{HAN}]"),
    "carriage return": re.compile(r"\r"),
    "blank line": re.compile(r"\n\n"),
}


@cache
def raw(seed: str) -> str:
    return SEED_PATHS[seed].read_text(encoding="utf-8")


@cache
def script(seed: str) -> str:
    return detect_script(raw(seed))


@cache
def norm(seed: str) -> NormalizedText:
    """Each seed is normalized once per test session (~0.2 s each), as the pipeline does it."""
    return normalize_text(raw(seed), script(seed))


def squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def raw_of(n: NormalizedText, source: str, fragment: str) -> str:
    """The raw text a normalized fragment (which must occur exactly once) maps back to."""
    assert n.text.count(fragment) == 1, fragment
    s = n.text.index(fragment)
    a, b = n.raw_span(s, s + len(fragment))
    return source[a:b]


def test_all_five_seeds_present():
    assert SEED_IDS == ["000", "001", "002", "003", "004"]


# --- the whole text of every seed is free of the SPEC §5 artefacts --------------------------


@pytest.mark.parametrize("seed", SEED_IDS)
@pytest.mark.parametrize("artefact", sorted(ARTEFACTS))
def test_normalized_seed_has_no_artefacts(seed, artefact):
    hits = [m.group(0) for m in ARTEFACTS[artefact].finditer(norm(seed).text)]
    assert hits == [], f"{artefact} left in seed {seed}: {hits[:5]}"


@pytest.mark.parametrize("seed", SEED_IDS)
def test_normalized_seed_is_trimmed_and_keeps_chinese_punctuation(seed):
    text = norm(seed).text
    assert text == text.strip()
    for line in text.split("\n"):
        assert line == line.strip(" \t\u3000"), repr(line)
    # Chinese punctuation is kept, not folded to ASCII (SPEC §5).
    for punct in "，。、“”":
        if punct in raw(seed):
            assert raw(seed).count(punct) == norm(seed).text.count(punct), punct


# --- pinyin annotations and corrupted spans (003) -------------------------------------------


def test_pinyin_annotations_removed_003():
    source, n = raw("003"), norm("003")
    assert source.count("區(qū)") > 50  # the phenomenon is really there
    first_line = n.text.split("\n")[0]
    assert first_line == "(江西省)2024年赣州市章贡区人民政府工作报告"
    assert "pinyin_removed" in n.flags
    assert not re.search(rf"[(（][{TONED}]+[)）]", n.text)
    # 區(qū)長 → 区长; the map of the simplified run covers the annotation it replaced.
    assert "区人民政府区长" in n.text
    assert raw_of(n, source, "章贡区第六届") == "章貢區(qū)第六屆"


def test_pinyin_bracket_eaten_by_corruption_003():
    # The `(` of `聯(lián)` was lost to the corruption; the stranded `lián)` goes too.
    source, n = raw("003"), norm("003")
    assert "甭?lián)合引才" in source
    assert "lián" not in n.text
    assert "甭?合引才" in n.text


def test_garbled_span_flagged_not_repaired_003():
    source, n = raw("003"), norm("003")
    garbled = "?!罢F蟆甭"
    assert garbled in source
    assert "mojibake_suspected" in n.flags
    # Not repaired: the garbage is kept verbatim...
    assert n.text.count(garbled) == 1
    pos = n.text.index(garbled)
    # ...and flagged where it is.
    assert any(s <= pos < e for s, e in n.corrupt_spans), n.corrupt_spans
    # The other two garbled spots of 003 are flagged too.
    for spot in ("?!坝H清赣商", "消费??v深推进"):
        assert spot in n.text
        at = n.text.index(spot) + spot.index("?")
        assert any(s <= at < e for s, e in n.corrupt_spans), spot


@pytest.mark.parametrize("seed", SEED_IDS)
def test_corrupt_spans_are_valid_normalized_spans(seed):
    n = norm(seed)
    assert list(n.corrupt_spans) == sorted(n.corrupt_spans)
    for s, e in n.corrupt_spans:
        assert 0 <= s < e <= len(n.text)
        assert set(n.text[s:e]) <= {"?", "\ufffd"}
    assert bool(n.corrupt_spans) == ("mojibake_suspected" in n.flags)


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_clean_seeds_not_flagged_as_corrupt(seed):
    assert "mojibake_suspected" not in norm(seed).flags
    assert norm(seed).corrupt_spans == ()


def test_replacement_character_flagged():
    n = normalize_text("全年GDP增长\ufffd\ufffd%，财政收入增长1.1%。", script="simplified")
    assert "mojibake_suspected" in n.flags
    assert n.text == "全年GDP增长\ufffd\ufffd%，财政收入增长1.1%。"
    (span,) = n.corrupt_spans
    assert n.text[span[0] : span[1]] == "\ufffd\ufffd"


@pytest.mark.parametrize("text", ["是否达到目标？是的。", "What? GDP grew.", "增长5%?"])
def test_legitimate_question_marks_not_flagged(text):
    n = normalize_text(text, script="simplified")
    assert "mojibake_suspected" not in n.flags
    assert n.corrupt_spans == ()


# --- markdown (000, 001, 004) ----------------------------------------------------------------


def test_markdown_emphasis_removed_000():
    source, n = raw("000"), norm("000")
    assert "【**3**】**30** 个" in source
    assert "“5020”项目【3】30个" in n.text
    assert "全年减税降费154.7亿元,增长12.5%" in n.text
    assert "markup_removed" in n.flags
    assert raw_of(n, source, "【3】30个") == "【**3**】**30** 个"


def test_markdown_emphasis_does_not_merge_paragraphs_000():
    # `**树牢清廉为民形象。**` ends with a full stop once the marks are gone: a real break.
    assert "各方面监督，习惯在监督下开展工作。**树牢清廉为民形象。**\n\n坚决落实" in raw("000")
    assert "各方面监督，习惯在监督下开展工作。树牢清廉为民形象。\n坚决落实全面从严治党主体责任" in norm("000").text


def test_markdown_emphasis_removed_004():
    assert "——**这一年，我们逆水行舟，经济运行稳步回升。**在多重压力下" in raw("004")
    text = norm("004").text
    assert "——这一年，我们逆水行舟，经济运行稳步回升。在多重压力下稳住了基本盘" in text
    assert "一是精准阻击断蔓延。坚决闻令而动" in text
    assert "\n1.双清零：即在院患者清零、疑似病例清零。\n" in text
    assert "markup_removed" in norm("004").flags


def test_markdown_headings_removed_001():
    lines = norm("001").text.split("\n")
    assert raw("001").lstrip().startswith("# 政府工作报告")
    assert lines[0] == "政府工作报告"
    assert "## 二、2025年工作安排" in raw("001")
    assert "二、2025年工作安排" in lines


# --- HTML and continuation markers (001) ----------------------------------------------------


def test_html_subscript_removed_001():
    source, n = raw("001"), norm("001")
    assert source.count("PM<sub>2.5</sub>") == 2
    assert "中心城区PM2.5年均浓度" in n.text
    assert "加强PM2.5和臭氧污染协同防治" in n.text
    assert raw_of(n, source, "中心城区PM2.5年均") == "中心城区PM<sub>2.5</sub>年均"


def test_continuation_markers_removed_001():
    source, n = raw("001"), norm("001")
    assert "(上接1版)广东省人民医院" in source and "关爱力度, (下转4版)" in source
    assert "continuation_markers" in n.flags
    assert "上接" not in n.text and "下转" not in n.text
    lines = n.text.split("\n")
    assert lines[1].startswith("广东省人民医院赣州医院沙河院区")
    assert n.text.endswith("加大未成年人身心健康关爱力度,")


def test_continuation_marker_variants():
    n = normalize_text("力度，（下转第4版）\n\n（上接第1版）全面推进。", script="simplified")
    assert "下转" not in n.text and "上接" not in n.text
    assert "continuation_markers" in n.flags


# --- lines split by page breaks (000, 001, 004) and headings that are not (002) ---------------


@pytest.mark.parametrize(
    ("seed", "raw_fragment", "joined"),
    [
        ("004", "完成353.26亿元，增长\n\n3.6%；", "完成353.26亿元，增长3.6%；财政总收入完成47.26亿元"),
        ("004", "增加到 47.26 亿元，增长\n\n27.7%。", "增加到47.26亿元，增长27.7%。固定资产投资"),
        ("004", "童伴计划，从 10\n\n个县的 100 个村", "童伴计划，从10个县的100个村分别选聘"),
        ("004", "耕地保护连续三\n\n年获得全省先进", "耕地保护连续三年获得全省先进"),
        ("000", "完善电机、电\n\n控等配套", "完善电机、电控等配套"),
        ("000", "治所等建设。完\n\n善公共体育设施", "治所等建设。完善公共体育设施"),
        ("000", "奠定了赣州\n\n全面建设社会主义现代化", "奠定了赣州全面建设社会主义现代化的坚实基础"),
        ("001", "社会消费品零售总额\n\n增长6%左右", "社会消费品零售总额增长6%左右"),
    ],
)
def test_page_break_splits_joined(seed, raw_fragment, joined):
    assert raw_fragment in raw(seed)
    assert joined in norm(seed).text
    assert "lines_joined" in norm(seed).flags


def test_number_split_by_page_break_maps_back_004():
    source, n = raw("004"), norm("004")
    assert raw_of(n, source, "增长3.6%；财政") == "增长\n\n3.6%；财政"


def _raw_headings(seed: str) -> list[str]:
    """Numbered heading lines of a simplified seed, read straight from the raw file."""
    found = []
    for line in raw(seed).split("\n"):
        line = squeeze(line.replace("**", "").lstrip("#"))
        if re.match(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", line) and "。" not in line:
            found.append(line)
    return found


@pytest.mark.parametrize("seed", ["000", "002", "004"])
def test_headings_stay_on_their_own_line(seed):
    headings = _raw_headings(seed)
    assert len(headings) >= 8
    lines = set(norm(seed).text.split("\n"))
    missing = [h for h in headings if h not in lines]
    assert missing == []


def test_long_headings_of_002_not_joined():
    lines = norm("002").text.split("\n")
    for heading in (
        "二、实施“三大战略、八大行动”，推动革命老区高质量发展示范区建设阔步前行",
        "三、大力实施工业倍增升级行动，打造具有赣州特色的现代产业体系",
        "十、大力实施党建质量过硬行动，打造最讲党性、最讲政治、最讲忠诚的红土圣地",
    ):
        assert heading in lines
        assert is_heading(heading)
    # 002 has no page-break splits: as many lines as the raw file has non-blank lines.
    assert len(lines) == sum(1 for line in raw("002").split("\n") if line.strip())
    assert "lines_joined" not in norm("002").flags


def test_headings_with_pinyin_stay_on_their_own_line_003():
    lines = norm("003").text.split("\n")
    assert "(一)坚持创新引领、链式推进,加快构建现代化产业体系" in lines
    assert "(四)坚持城乡统筹、联动发展,打造最美章贡样板" in lines


def test_title_dateline_and_byline_not_joined_000():
    lines = norm("000").text.split("\n")
    assert lines[0] == "政府工作报告"
    assert lines[1] == "——2021年2月19日在赣州市第五届人民代表大会第六次会议上"
    assert lines[2] == "代市长许南吉"
    assert lines[3] == "各位代表："


def test_paragraph_split_by_two_page_breaks_joined():
    # The middle piece has no punctuation of its own; it still continues the sentence.
    n = normalize_text("经济运行稳中有进，我们坚持\n\n创新驱动\n\n发展战略，取得成效。\n\n二、工作安排", script="simplified")
    assert n.text == "经济运行稳中有进，我们坚持创新驱动发展战略，取得成效。\n二、工作安排"


def test_paragraph_ending_in_full_stop_not_joined():
    n = normalize_text("一年来，我们做了很多工作。\n\n经济运行稳中有进，", script="simplified")
    assert n.text == "一年来，我们做了很多工作。\n经济运行稳中有进，"
    assert "lines_joined" not in n.flags


def test_sentence_split_mid_number_joined():
    n = normalize_text("全年地区生产总值完成353.\n\n26亿元，增长3.6%。", script="simplified")
    assert n.text == "全年地区生产总值完成353.26亿元，增长3.6%。"
    assert "lines_joined" in n.flags


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("三、大力实施工业倍增升级行动，打造具有赣州特色的现代产业体系", True),
        ("（二）强力推进工业倍增升级", True),
        ("(一)坚持创新引领、链式推进,加快构建现代化产业体系", True),
        ("1.双清零", True),
        ("第一部分 总体要求", True),
        ("一年来，我们重点做了七方面工作：", False),
        ("一是多措并举稳增长。全面落实国家、省存量和增量政策，经济运行稳中有进、稳中向好。", False),
        ("2020年是极不平凡、极为不易的一年。", False),
    ],
)
def test_is_heading(line, expected):
    assert is_heading(line) is expected


# --- spaces and zero-width characters -------------------------------------------------------


def test_spaces_around_numbers_dropped_000():
    source, n = raw("000"), norm("000")
    assert "实施省大中型项目 505 个、市重点工程 210 个" in source
    assert "实施省大中型项目505个、市重点工程210个、六大攻坚战项目1916个" in n.text
    assert "4家企业营收超50亿元" in n.text
    assert "迅速进入I级响应" in n.text
    assert "实现城区和重点工业园区5G网络全覆盖" in n.text


@pytest.mark.parametrize(
    ("raw_text", "expected"),
    [
        ("项目 505 个", "项目505个"),
        ("增长\u30003.6%", "增长3.6%"),
        ("完成\xa047.26\xa0亿元", "完成47.26亿元"),
        ("建党 100 周年！", "建党100周年！"),
        ("第 8 批", "第8批"),
        ("Windows 10 系统", "Windows 10系统"),  # a space between ASCII words is a real one
        ("三次产业结构 12.9：56.2：30.9", "三次产业结构12.9：56.2：30.9"),
    ],
)
def test_spaces_between_cjk_and_digits(raw_text, expected):
    assert normalize_text(raw_text, script="simplified").text == expected


def test_zero_width_characters_removed():
    raw_text = "全年\u200bGDP增长\u200c4.2\u200d%，\ufeff财政\u2060总收入增长1.1\u00ad%。"
    n = normalize_text(raw_text, script="simplified")
    assert n.text == "全年GDP增长4.2%，财政总收入增长1.1%。"
    assert n.raw_span(0, len(n.text)) == (0, len(raw_text))


def test_zero_width_characters_inside_a_seed_paragraph():
    paragraph = next(p for p in raw("000").split("\n") if p.startswith("（二）全力以赴稳增长"))
    polluted = "\u200b".join(paragraph[:200]) + "\ufeff" + paragraph[200:]
    assert normalize_text(polluted, script="simplified").text == normalize_text(paragraph, script="simplified").text


def test_line_ends_normalized():
    n = normalize_text("各位代表：\r\n\r\n现在，我代表市人民政府。\r一年来。", script="simplified")
    assert n.text == "各位代表：\n现在，我代表市人民政府。\n一年来。"


# --- traditional → simplified (003) ---------------------------------------------------------


def test_script_detection():
    assert script("003") == "traditional"
    for seed in ("000", "001", "002", "004"):
        assert script(seed) == "simplified", seed
    assert detect_script("abc 123") == "simplified"


def test_mixed_script_detected():
    simplified = next(p for p in raw("000").split("\n") if len(p) > 200)
    traditional = next(p for p in raw("003").split("\n") if len(p) > 200)
    assert detect_script(simplified[:150] + traditional[:150]) == "mixed"


def test_traditional_converted_003():
    import opencc

    n = norm("003")
    assert "traditional_converted" in n.flags
    assert "赣州市章贡区" in n.text and "贛" not in n.text and "區" not in n.text
    assert "深入贯彻落实党的二十大和习近平总书记考察江西重要讲话精神" in n.text
    # No traditional-only character is left.
    t2s = opencc.OpenCC("t2s")
    leftovers = [c for c in set(re.findall(f"[{HAN}]", n.text)) if t2s.convert(c) != c]
    assert leftovers == []


def test_simplified_seeds_not_converted():
    for seed in ("000", "001", "002", "004"):
        assert "traditional_converted" not in norm(seed).flags
        assert "pinyin_removed" not in norm(seed).flags


def test_known_script_skips_detection():
    text = "貢江兩岸"
    assert normalize_text(text, script="simplified").text == text
    assert normalize_text(text, script="traditional").text == "贡江两岸"
    assert normalize_text(text).text == "贡江两岸"


def test_conversion_keeps_per_character_offsets_003():
    source, n = raw("003"), norm("003")
    i = n.text.index("习近平新时代中国特色社会主义思想")
    for k in range(6):
        a, b = n.raw_span(i + k, i + k + 1)
        assert b - a == 1
        assert source[a:b] == "習近平新時代"[k]


# --- the offset map --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEED_IDS)
def test_offset_map_monotone_and_in_bounds_on_seeds(seed):
    n, size = norm(seed), len(raw(seed))
    starts, ends = n.tracked.starts, n.tracked.ends
    assert len(starts) == len(ends) == len(n.text)
    assert all(0 <= a < b <= size for a, b in zip(starts, ends, strict=True))
    assert all(x <= y for x, y in zip(starts, starts[1:]))
    assert all(x <= y for x, y in zip(ends, ends[1:]))
    assert n.raw_span(0, len(n.text)) == (starts[0], ends[-1])


@pytest.mark.parametrize("seed", SEED_IDS)
def test_unchanged_characters_map_to_themselves(seed):
    """Outside t2s conversion, a normalized character that is not a newline is its raw character."""
    n, source = norm(seed), raw(seed)
    for i, char in enumerate(n.text):
        a, b = n.raw_span(i, i + 1)
        if char == "\n":
            assert set(source[a:b]) <= set("\n\r \t\u3000"), repr(source[a:b])
        elif script(seed) == "simplified":
            assert source[a:b] == char


@st.composite
def seed_spans(draw):
    seed = draw(st.sampled_from(SEED_IDS))
    size = len(norm(seed).text)
    start = draw(st.integers(0, size - 1))
    end = draw(st.integers(start + 1, min(size, start + 120)))
    return seed, start, end


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed_spans())
def test_normalized_span_maps_back_to_raw_that_normalizes_to_it(case):
    seed, s, e = case
    n = norm(seed)
    a, b = n.raw_span(s, e)
    assert 0 <= a < b <= len(raw(seed))
    again = normalize_text(raw(seed)[a:b], script=script(seed)).text
    assert squeeze(again) == squeeze(n.text[s:e])


# Pieces of reports, mixed at random: CJK, digits, spaces, markup, pinyin, line breaks, garbage.
PIECES = [
    "增", "长", "亿", "元", "项", "目", "区", "。", "，", "、", "：", "“", "”", "【", "】",
    "0", "3", "5", ".", "%", "G", "PM", " ", "  ", "\u3000", "\t",
    "**", "<b>", "</b>", "<sub>", "</sub>", "區(qū)", "聯(lián)", "章(zhāng)",
    "\n", "\n\n", "\r\n", "\n# ", "\n## ", "\u200b", "\ufeff",
    "(上接1版)", "(下转4版)", "一、", "（二）", "?", "\ufffd", "——",
]
reports = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=100, deadline=None)
@given(reports)
def test_generated_text(text):
    n = normalize_text(text, script="simplified")
    # The offset map: one raw span per character, in bounds, monotone.
    starts, ends = n.tracked.starts, n.tracked.ends
    assert len(starts) == len(ends) == len(n.text)
    for i in range(len(n.text)):
        a, b = n.raw_span(i, i + 1)
        assert 0 <= a <= b <= len(text)
    assert all(x <= y for x, y in zip(starts, starts[1:]))
    assert all(x <= y for x, y in zip(ends, ends[1:]))
    # No SPEC §5 artefact survives, and normalizing again changes nothing.
    for name in ("markdown emphasis", "html tag", "continuation marker", "pinyin annotation",
                 "zero-width character", "CJK-space-digit", "carriage return", "blank line"):
        assert not ARTEFACTS[name].search(n.text), (name, n.text)
    assert normalize_text(n.text, script="simplified").text == n.text


@settings(max_examples=100, deadline=None)
@given(reports, st.data())
def test_generated_span_maps_back_to_raw_that_normalizes_to_it(text, data):
    n = normalize_text(text, script="simplified")
    if not n.text:
        return
    s = data.draw(st.integers(0, len(n.text) - 1))
    e = data.draw(st.integers(s + 1, len(n.text)))
    a, b = n.raw_span(s, e)
    assert squeeze(normalize_text(text[a:b], script="simplified").text) == squeeze(n.text[s:e])


# The patterns are written for speed (see normalize.py); each must match exactly where its
# plain form does.
PLAIN_FORMS = {
    "PINYIN": rf"(?<=[{HAN}?])[(（][{TONED}ê]{{1,7}}[)）]|(?<=\?)[{TONED}ê]{{1,7}}[)）]",
    "MOJIBAKE": rf"\ufffd+|(?<=[{HAN}。，、：；“”])\?+|(?<!\?)\?++(?=[{HAN}“”])",
    "SPACES": r"[ \t\u3000\xa0\u2002-\u200a\u202f]+",
    "_NOT_HAN": rf"[^{HAN}]+",
    "_HAN_RUN": rf"[{HAN}]+",
    "_BLANK_LINES": r"\n{2,}",
}
pattern_texts = st.lists(
    st.sampled_from(list("?？(（)）qūaāêzü區中。，“”\ufffd x1\n\t\u3000\u2009") + ["\u3400", "\uf900", "(qū)", "??"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(pattern_texts)
def test_fast_patterns_match_as_their_plain_forms(text):
    from dagster_project.core import normalize

    for name, plain in PLAIN_FORMS.items():
        fast = getattr(normalize, name)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(plain, text)], name


def drop_space(m: re.Match[str]) -> str:
    """The rule for a run of spaces, one run at a time: kept (as one space) only between two
    ASCII letters or digits."""
    before = m.string[m.start() - 1] if m.start() else "\n"
    after = m.string[m.end()] if m.end() < len(m.string) else "\n"
    return " " if all(c.isascii() and c.isalnum() for c in (before, after)) else ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "5", "中", " ", "  ", "\t", "\u3000", "\n", "，"]), max_size=30).map("".join))
def test_spaces_are_dropped_as_by_the_one_run_at_a_time_rule(text):
    from dagster_project.core import normalize
    from dagster_project.core.spans import TrackedText

    t = TrackedText.from_raw(text)
    expected = t.sub(normalize.SPACES, drop_space)
    got = t.sub(normalize._SPACES_DROPPED, "").sub(normalize.SPACES, " ")
    assert (got.text, got.starts, got.ends) == (expected.text, expected.starts, expected.ends)


def line_breaks_one_run_at_a_time(text: str, joins: list[int]):
    """Every run of newlines decided in turn: the rule `_line_break` applies to fewer breaks."""
    from dagster_project.core.normalize import _bounded, _is_split

    carried, line_start = "", 0

    def repl(m: re.Match[str]) -> str:
        nonlocal carried, line_start
        next_end = text.find("\n", m.end())
        prev = _bounded(carried + text[line_start : m.start()])
        nxt = text[m.end() : next_end if next_end >= 0 else len(text)]
        line_start = m.end()
        if _is_split(prev, nxt):
            joins.append(m.start())
            carried = prev
            return ""
        carried = ""
        return "\n"

    return repl


LINE_PIECES = ["推进项目建设", "亿元", "5", "3.", ".6", "，", "。", "；", "一、", "（二）", "【1】", "——", "”", "\n", "\n\n", "\n\n\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=40).map("".join), st.sampled_from([10, 1_000]))
def test_line_breaks_are_decided_as_one_run_at_a_time(text, long_line):
    from unittest import mock

    from dagster_project.core import normalize
    from dagster_project.core.spans import TrackedText

    with mock.patch.object(normalize, "_LONG_LINE", long_line):
        t = TrackedText.from_raw(text)
        expected_joins: list[int] = []
        expected = t.sub(re.compile(r"\n+"), line_breaks_one_run_at_a_time(text, expected_joins))
        joins: list[int] = []
        collapsed = t.sub(normalize._BLANK_LINES, "\n")
        got = collapsed.sub(normalize._UNCLEAR_BREAK, normalize._line_break(collapsed.text, joins))
    assert (got.text, got.starts, got.ends) == (expected.text, expected.starts, expected.ends)
    assert bool(joins) == bool(expected_joins)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="中國發展區域aé\U00020000", max_size=30), st.text(alphabet="中国发展区域aé\U00020000", max_size=30))
def test_changed_counts_the_positions_that_differ(a, b):
    from dagster_project.core.normalize import _changed

    assert _changed(a, b) == sum(x != y for x, y in zip(a, b))


def test_runs_converted_together_as_each_alone():
    from dagster_project.core.normalize import _HAN_RUN, _converter, _to_simplified
    from dagster_project.core.spans import TrackedText

    text = raw("003")
    one_by_one = TrackedText.from_raw(text).sub(_HAN_RUN, lambda m: _converter("t2s").convert(m.group(0)))
    together = _to_simplified(TrackedText.from_raw(text))
    assert together.text == one_by_one.text != text
    assert (together.starts, together.ends) == (one_by_one.starts, one_by_one.ends)
