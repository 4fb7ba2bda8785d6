"""The heading tree: levels, paths, kinds and years of the sections of a report."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.core.normalize import normalize_text
from dagster_project.core.sections import build_sections, section_at

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

SMALL = "\n".join([
    "政府工作报告",
    "各位代表：",
    "一、2020年工作回顾",
    "重点抓了六个方面工作：",
    "（一）科学精准防控疫情。面对疫情，用21天实现无新增确诊病例。",
    "(二)全力以赴稳增长。新增规上工业企业297家。",
    "二、“十四五”时期发展的主要考虑",
    "关于主要目标的考虑。GDP年均增长7.5%左右。",
    "三、2021年工作安排",
    "（一）着力构建区域性创新高地",
    "一是提升自主创新能力。新增高新技术企业300家以上。",
    "1.建设创新平台。",
    "四、政府自身建设",
    "【名词解释】",
    "1.双清零：即在院患者清零、疑似病例清零。",
    "2.三讲一评：即讲政策、讲帮扶。",
])


def test_levels_paths_kinds_and_years():
    secs = build_sections(SMALL)
    got = [(s.level, s.path, s.kind, s.year) for s in secs]
    assert got == [
        (1, "一、2020年工作回顾", "review", 2020),
        (2, "一、2020年工作回顾 > （一）科学精准防控疫情", "review", 2020),
        (2, "一、2020年工作回顾 > (二)全力以赴稳增长", "review", 2020),
        (1, "二、“十四五”时期发展的主要考虑", "plan", None),
        (1, "三、2021年工作安排", "plan", 2021),
        (2, "三、2021年工作安排 > （一）着力构建区域性创新高地", "plan", 2021),
        (3, "三、2021年工作安排 > （一）着力构建区域性创新高地 > 一是提升自主创新能力", "plan", 2021),
        (4, "三、2021年工作安排 > （一）着力构建区域性创新高地 > 一是提升自主创新能力 > 1.建设创新平台", "plan", 2021),
        (1, "四、政府自身建设", "self_building", None),
        (1, "名词解释", "glossary", None),  # its numbered entries are not sections
    ]
    assert secs[3].span == (2021, 2025)


def test_spans_nest_and_section_at_is_innermost():
    secs = build_sections(SMALL)
    pos = SMALL.index("297家")
    inner = section_at(secs, pos)
    assert inner.heading == "(二)全力以赴稳增长"
    assert inner.start <= pos < inner.end
    top = secs[0]
    assert top.start <= inner.start and inner.end <= top.end
    assert section_at(secs, SMALL.index("各位代表")) is None  # the preamble has no section
    for a, b in zip(secs, secs[1:]):
        assert a.start < b.start


def test_numbered_paragraph_heading_stops_at_first_full_stop():
    secs = build_sections("一、2023年工作回顾\n(一)产业发展打下新基础。工业经济提质增效,工业税收增速列全市第一。")
    assert secs[1].heading == "(一)产业发展打下新基础"
    assert secs[1].kind == "review"


def test_bare_year_headings_are_ordered_review_then_plan():
    secs = build_sections("一、2020年工作\n全年GDP增长4.2%。\n二、2021年工作\nGDP增长8.5%左右。")
    assert [(s.kind, s.year) for s in secs] == [("review", 2020), ("plan", 2021)]


def test_party_congress_action_sections_are_plan():
    secs = build_sections("一、市第五次党代会以来的工作\n五年来…\n三、大力实施工业倍增升级行动，打造现代产业体系\n（一）壮大产业集群。培育…")
    assert [s.kind for s in secs] == ["review", "plan", "plan"]


def load(stem: str) -> str:
    path = next(SEEDS.glob(f"{stem}_*.txt"))
    return normalize_text(path.read_text(encoding="utf-8")).text


def test_seed_000_outline():
    secs = build_sections(load("000"))
    top = [(s.heading, s.kind, s.year) for s in secs if s.level == 1]
    assert top == [
        ("一、2020年工作和“十三五”发展回顾", "review", 2020),
        ("二、“十四五”时期发展的主要考虑", "plan", None),
        ("三、2021年工作安排", "plan", 2021),
        ("《政府工作报告》名词注释", "glossary", None),
    ]
    assert "三、2021年工作安排 > （二）强力推进工业倍增升级" in [s.path for s in secs]


def test_seed_001_truncated_report_starts_in_its_review():
    # the newspaper page begins in the middle of 一、…: its 一是… items review 2024, the year before 2025
    text = load("001")
    secs = build_sections(text)
    first = secs[0]
    assert first.heading == "一是多措并举稳增长" and first.kind == "review" and first.year == 2024
    assert any(s.heading == "二、2025年工作安排" and s.kind == "plan" for s in secs)


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_every_seed_has_a_review_and_a_plan(stem):
    kinds = {s.kind for s in build_sections(load(stem))}
    assert {"review", "plan"} <= kinds


def test_section_at_index_agrees_with_a_scan_at_every_position():
    """The bisect index must give the innermost containing section, as a plain scan does."""

    def scan(sections, pos):
        best = None
        for s in sections:
            if s.start <= pos < s.end and (best is None or s.start >= best.start):
                best = s
        return best

    for seed in sorted(Path(__file__).resolve().parents[1].joinpath("seeds").glob("*.txt")):
        text = normalize_text(seed.read_text(encoding="utf-8")).text
        sections = build_sections(text)
        assert all(section_at(sections, p) is scan(sections, p) for p in range(-1, len(text) + 1, 7)), seed.name


def test_the_sections_of_a_text_are_built_once_and_shared():
    from dagster_project.core.sections import lead_kind

    text = load("000")
    first = build_sections(text)
    assert build_sections(text) is first
    assert build_sections("".join(list(text))) is first  # an equal text, another object
    other = build_sections(SMALL)
    assert other is not first and other == build_sections(SMALL)
    assert lead_kind(text, first) == "preamble"


LINES = ["一、2020年工作回顾", "（二）强力推进工业倍增升级。新增规上工业企业297家，" * 2, "一是提升自主创新能力", "1.建设创新平台",
         "１２．全角数字", "## 附件", "【名词解释】", "名词解释：" + "双清零" * 12, "推进项目建设" * 8, "三、", "政府工作报告",
         "  （一）缩进的标题", "\u30001、全角空格"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=25))
def test_lines_skipped_unread_hold_no_heading(lines):
    from unittest import mock

    from dagster_project.core import sections

    text = "\n".join(lines)
    with mock.patch.object(sections, "_may_be_heading", lambda line: True):
        everything_read = sections._scan(text)
    assert sections._scan(text) == everything_read
