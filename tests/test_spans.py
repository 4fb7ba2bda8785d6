"""TrackedText: every rewrite keeps, per character, the raw span it stands for."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.core.spans import TrackedText


def spans(t: TrackedText) -> list[tuple[int, int]]:
    return list(zip(t.starts, t.ends, strict=True))


def test_from_raw_is_the_identity_map():
    t = TrackedText.from_raw("区(qū)长")
    assert t.text == "区(qū)长"
    assert spans(t) == [(i, i + 1) for i in range(6)]
    assert t.raw_span(0, 6) == (0, 6)
    assert t.raw_span(2, 4) == (2, 4)


def test_empty_text():
    t = TrackedText.from_raw("")
    assert (t.text, t.starts, t.ends) == ("", (), ())
    assert t.sub(re.compile(r"\*\*"), "") is t


@pytest.mark.parametrize(("start", "end"), [(0, 0), (3, 3), (2, 1), (-1, 2), (0, 7), (6, 7)])
def test_raw_span_rejects_empty_or_outside_spans(start, end):
    t = TrackedText.from_raw("增长3.6%")
    with pytest.raises(ValueError):
        t.raw_span(start, end)


def test_deletion_keeps_the_spans_of_the_rest():
    raw = "【**3**】**30** 个"
    t = TrackedText.from_raw(raw).sub(re.compile(r"\*\*"), "")
    assert t.text == "【3】30 个"
    # Each kept character still points at itself in the raw text.
    for i, char in enumerate(t.text):
        a, b = t.raw_span(i, i + 1)
        assert raw[a:b] == char
    # A span over a deletion covers the deleted marks.
    assert raw[slice(*t.raw_span(0, 3))] == "【**3**】"
    assert raw[slice(*t.raw_span(1, 5))] == "3**】**30"


def test_same_length_replacement_maps_character_by_character():
    raw = "章貢區人民政府"
    t = TrackedText.from_raw(raw).sub(re.compile("[貢區]"), lambda m: {"貢": "贡", "區": "区"}[m.group(0)])
    assert t.text == "章贡区人民政府"
    assert spans(t) == [(i, i + 1) for i in range(len(raw))]
    t2 = TrackedText.from_raw(raw).sub(re.compile("貢區"), "贡区")
    assert spans(t2) == [(i, i + 1) for i in range(len(raw))]


def test_shorter_replacement_takes_the_span_of_the_whole_match():
    raw = "章貢區(qū)人民"
    t = TrackedText.from_raw(raw).sub(re.compile(r"區\(qū\)"), "区")
    assert t.text == "章貢区人民"
    assert t.raw_span(2, 3) == (2, 7)  # 区 ← 區(qū)
    assert t.raw_span(3, 4) == (7, 8)
    assert t.raw_span(1, 4) == (1, 8)


def test_longer_replacement_gives_every_new_character_the_whole_match():
    t = TrackedText.from_raw("a<br>b").sub(re.compile("<br>"), "\n\n\n\n\n\n")
    assert t.text == "a\n\n\n\n\n\nb"
    assert spans(t) == [(0, 1)] + [(1, 5)] * 6 + [(5, 6)]


def test_template_replacement_with_groups():
    t = TrackedText.from_raw("项目 505 个").sub(re.compile(r"(\d+) (个)"), r"\1\2")
    assert t.text == "项目 505个"
    assert t.raw_span(3, 7) == (3, 8)


def test_insertion_at_an_empty_match_has_an_empty_raw_span():
    t = TrackedText.from_raw("ab").sub(re.compile(r"(?=b)"), "-")
    assert t.text == "a-b"
    assert spans(t) == [(0, 1), (1, 1), (1, 2)]
    end = TrackedText.from_raw("ab").sub(re.compile(r"\Z"), "。")
    assert end.text == "ab。"
    assert spans(end) == [(0, 1), (1, 2), (2, 2)]
    empty = TrackedText.from_raw("").sub(re.compile(r"\A"), "x")
    assert (empty.text, spans(empty)) == ("x", [(0, 0)])


def test_no_change_returns_the_same_object():
    t = TrackedText.from_raw("全年GDP增长4.2%")
    assert t.sub(re.compile(r"\*\*"), "") is t
    assert t.sub(re.compile(r"\d"), lambda m: m.group(0)) is t
    assert t.sub(re.compile(r"GDP"), "GDP") is t


def test_rewrites_compose_back_to_the_original_raw_text():
    raw = "**一、**區(qū)域<b>發展</b>\r\n\r\n項目 505 個"
    t = TrackedText.from_raw(raw)
    t = t.sub(re.compile(r"\*\*|</?b>"), "")
    t = t.sub(re.compile(r"(?<=區)\(qū\)"), "")
    t = t.sub(re.compile("[區發展項個]"), lambda m: {"區": "区", "發": "发", "展": "展", "項": "项", "個": "个"}[m.group(0)])
    t = t.sub(re.compile(r"\r\n"), "\n")
    t = t.sub(re.compile(r"\n+"), "\n")
    t = t.sub(re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])"), "")
    assert t.text == "一、区域发展\n项目505个"
    i = t.text.index("区域发展")
    assert raw[slice(*t.raw_span(i, i + 4))] == "區(qū)域<b>發展"
    nl = t.text.index("\n")
    assert raw[slice(*t.raw_span(nl, nl + 1))] == "\r\n\r\n"
    assert raw[slice(*t.raw_span(nl + 1, len(t.text)))] == "項目 505 個"
    assert t.raw_span(0, len(t.text)) == (2, len(raw))


PATTERNS = [
    (re.compile(r"\*\*"), ""),
    (re.compile(r"<[a-z]+>"), ""),
    (re.compile(r"\(q[ūú]\)"), ""),
    (re.compile(r"\n+"), "\n"),
    (re.compile(r" +"), " "),
    (re.compile(r"區"), "区"),
    (re.compile(r"ab"), "x"),
    (re.compile(r"x"), "yz"),
    (re.compile(r"(?=c)"), "^"),
]
raw_texts = st.lists(st.sampled_from(["**", "<b>", "(qū)", "區", "a", "b", "c", "x", " ", "\n", "5"]), max_size=30).map(
    "".join
)


@settings(max_examples=100, deadline=None)
@given(raw_texts, st.lists(st.sampled_from(range(len(PATTERNS))), max_size=6))
def test_any_chain_of_rewrites_keeps_a_monotone_in_bounds_map(raw, steps):
    t = TrackedText.from_raw(raw)
    for k in steps:
        pattern, repl = PATTERNS[k]
        t = t.sub(pattern, repl)
    assert len(t.starts) == len(t.ends) == len(t.text)
    for a, b in zip(t.starts, t.ends, strict=True):
        assert 0 <= a <= b <= len(raw)
    assert list(t.starts) == sorted(t.starts)
    assert list(t.ends) == sorted(t.ends)


@settings(max_examples=100, deadline=None)
@given(raw_texts, st.lists(st.sampled_from([0, 1, 2]), max_size=4))
def test_deletions_only_leave_characters_pointing_at_themselves(raw, steps):
    t = TrackedText.from_raw(raw)
    for k in steps:
        t = t.sub(*PATTERNS[k])
    for i, char in enumerate(t.text):
        a, b = t.raw_span(i, i + 1)
        assert b == a + 1 and raw[a] == char
    assert list(t.starts) == sorted(set(t.starts))  # strictly increasing
    expected = raw
    for k in steps:
        expected = PATTERNS[k][0].sub(PATTERNS[k][1], expected)
    assert t.text == expected


@settings(max_examples=100, deadline=None)
@given(raw_texts, st.sampled_from(range(len(PATTERNS))))
def test_sub_agrees_with_re_sub(raw, k):
    pattern, repl = PATTERNS[k]
    assert TrackedText.from_raw(raw).sub(pattern, repl).text == pattern.sub(repl, raw)


def reference_sub(t: TrackedText, pattern: re.Pattern[str], repl) -> tuple[str, list[int], list[int]]:
    """`TrackedText.sub` done one match at a time, as plainly as it can be written."""
    text, starts, ends = "", [], []
    last = 0
    for m in pattern.finditer(t.text):
        new = repl(m) if callable(repl) else m.expand(repl)
        if new == m.group(0):
            continue
        text += t.text[last : m.start()]
        starts += t.starts[last : m.start()]
        ends += t.ends[last : m.start()]
        if len(new) == m.end() - m.start():
            starts += t.starts[m.start() : m.end()]
            ends += t.ends[m.start() : m.end()]
        elif m.end() > m.start():
            starts += [t.starts[m.start()]] * len(new)
            ends += [t.ends[m.end() - 1]] * len(new)
        else:  # an insertion point
            at = t.starts[m.start()] if m.start() < len(t.text) else (t.ends[-1] if t.text else 0)
            starts += [at] * len(new)
            ends += [at] * len(new)
        text += new
        last = m.end()
    return text + t.text[last:], starts + list(t.starts[last:]), ends + list(t.ends[last:])


# Replacement strings (taken in bulk), templates and functions (one match at a time), on
# patterns with and without groups, empty matches and inline flags.
REWRITES = [
    (re.compile(r"a+"), ""),
    (re.compile(r"a"), "b"),
    (re.compile(r"ab|b"), "\n"),
    (re.compile(r"\n\n+"), "\n"),
    (re.compile(r" +"), " "),
    (re.compile(r"[ab]{2}"), "xyz"),
    (re.compile(r"x?"), ""),
    (re.compile(r"x?"), "-"),
    (re.compile(r"(?m)^a"), ""),
    (re.compile(r"(a)(b)?"), r"\1"),
    (re.compile(r"b"), r"<\g<0>>"),
    (re.compile(r"(?<=a)b|b(?=\n)"), lambda m: m.group(0).upper()),
    (re.compile(r"[a ]+"), lambda m: "" if " " in m.group(0) else m.group(0)),
]
rewrite_texts = st.lists(st.sampled_from(["a", "b", "x", " ", "\n", "\n\n", "中"]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(rewrite_texts, st.lists(st.sampled_from(range(len(REWRITES))), min_size=1, max_size=5),
       st.sampled_from([1, 2, 3, 500]))
def test_sub_equals_the_plain_one_match_at_a_time_rewrite(raw, steps, batch):
    from dagster_project.core import spans

    saved, spans._BATCH = spans._BATCH, batch  # small batches: the offset map is joined in several
    try:
        t = TrackedText.from_raw(raw)
        for k in steps:
            pattern, repl = REWRITES[k]
            expected = reference_sub(t, pattern, repl)
            new = t.sub(pattern, repl)
            assert (new.text, list(new.starts), list(new.ends)) == expected
            assert (new is t) == (expected[0] == t.text and expected[1] == list(t.starts))
            t = new
    finally:
        spans._BATCH = saved


def test_strip_keeps_the_spans_of_what_is_left():
    raw = "\n\n地区\n生产\n"
    t = TrackedText.from_raw(raw).strip("\n")
    assert t.text == "地区\n生产"
    assert spans(t) == [(i, i + 1) for i in range(2, 7)]
    assert TrackedText.from_raw("ab").strip("\n").text == "ab"
    everything = TrackedText.from_raw("\n\n").strip("\n")
    assert (everything.text, spans(everything)) == ("", [])


def test_a_respelling_keeps_every_span():
    t = TrackedText.from_raw("a**區域**").sub(re.compile(r"\*\*"), "")
    r = t.respelled("a区域")
    assert r.text == "a区域" and spans(r) == spans(t)
    with pytest.raises(ValueError):
        t.respelled("a区")
