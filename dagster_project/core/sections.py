"""The heading tree of a work report: which part of the speech a character belongs to.

Reports share one outline: a review of the past year (and, in a five-year report, of the
past five years), the plan for the coming year(s), sometimes a part on the government's
own conduct, and a glossary at the end. Extractors use the tree to tell a reported figure
(review) from a promise (plan), to date both, and to fill the `section` column.

Headings are recognised by their numbering, one paragraph per line:

    level 1  一、…            (and markdown `#` headings, and a glossary title line)
    level 2  （一）… / (一)…
    level 3  一是…
    level 4  1.… / 1．…
A numbered paragraph often carries its body on the same line (`（一）产业发展打下新基础。工业…`):
only the text up to the first 。 (or the whole line when it is short) is the heading.
"""

from __future__ import annotations

import bisect
import heapq
import re
from dataclasses import dataclass

KINDS = ("preamble", "review", "plan", "self_building", "glossary", "other")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUM = "一二三四五六七八九十"
_LEVEL_PATTERNS = (
    (1, re.compile(rf"^([{_NUM}]{{1,3}})、")),
    (2, re.compile(rf"^[（(]([{_NUM}]{{1,3}})[)）]")),
    (3, re.compile(rf"^([{_NUM}]{{1,3}})是")),
    (4, re.compile(r"^(\d{1,2})[.．、](?![\d%％])")),
)
_MARKDOWN = re.compile(r"^(#{1,6})\s*")
GLOSSARY_TITLE = re.compile(r"名词(?:解释|注释|解读)")
_MAX_HEADING = 60  # a line longer than this without 。 is a paragraph, its heading cut here
_GLOSSARY_TITLE_MAX = 30  # a line naming the glossary opens it only when at most this long
# What a numbered heading starts with, besides a digit.
_NUMBERED_START = frozenset(_NUM + "（(")

# Keywords that classify a heading. Order matters: plan words are checked before review
# words because "2021年工作安排" also contains "年工作".
_SELF = re.compile(r"政府自身建设")
_PLAN = re.compile(
    r"工作安排|工作打算|主要考虑|今后五年|未来五年|目标任务|奋斗目标|主要目标|工作建议|实施.{0,20}行动|"
    r"主要任务|总体要求|重点工作|工作任务|今年工作|明年工作|"
    r"[二三]〇[一二三四五]〇年|20\d\d年(?:远景)?目标"
)
_REVIEW = re.compile(r"工作回顾|回顾|以来的工作|过去[一五]年|工作总结|主要成绩")
_BARE_YEAR_WORK = re.compile(r"(20\d\d)年(?:的)?工作$|(20\d\d)年(?:的)?工作(?=[和及与、])")
_YEAR = re.compile(r"(20\d\d)\s*年")
_PLAN_PERIODS = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020),
                 "十四五": (2021, 2025), "十五五": (2026, 2030), "十六五": (2031, 2035)}


@dataclass(frozen=True)
class Section:
    """One heading and what it covers.

    start/end: the span the section covers in the text, heading line included (a numbered
    paragraph's heading and body share a line, so the body cannot be split off cleanly).
    heading_end: where the heading text stops (body starts).
    year: the year the section reviews or plans, when stated in its heading or inherited.
    span: the five-year plan period named in the heading or inherited (十三五 → 2016-2020).
    """

    start: int
    end: int
    level: int
    heading: str
    path: str
    kind: str
    year: int | None
    heading_end: int = 0
    ordinal: int | None = None
    span: tuple[int, int] | None = None


def _cn_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS.get(s[1:], 0)
    if s.endswith("十"):
        return _CN_DIGITS.get(s[0], 0) * 10
    if "十" in s:
        a, b = s.split("十")
        return _CN_DIGITS.get(a, 0) * 10 + _CN_DIGITS.get(b, 0)
    return _CN_DIGITS.get(s)


def _heading_text(line: str) -> str:
    """The heading part of a numbered line: up to the first 。 or the whole short line."""
    cut = line.find("。")
    if 0 <= cut <= _MAX_HEADING:
        return line[:cut]
    if len(line) <= _MAX_HEADING:
        return line.rstrip("：:")
    return line[:_MAX_HEADING]


def _classify(heading: str) -> str | None:
    if GLOSSARY_TITLE.search(heading):
        return "glossary"
    if _SELF.search(heading):
        return "self_building"
    if _PLAN.search(heading):
        return "plan"
    if _REVIEW.search(heading):
        return "review"
    return None


def _span_of(heading: str) -> tuple[int, int] | None:
    for name, span in _PLAN_PERIODS.items():
        if name in heading:
            return span
    return None


@dataclass
class _Raw:
    start: int
    heading_end: int
    level: int
    heading: str
    ordinal: int | None


def _scan(text: str) -> list[_Raw]:
    """Find heading lines, in text order."""
    found: list[_Raw] = []
    in_glossary = False
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if not _may_be_heading(stripped):
            continue
        lead = len(line) - len(line.lstrip())
        md = _MARKDOWN.match(stripped)
        body = stripped[md.end():] if md else stripped
        lead += md.end() if md else 0
        # a short line naming the glossary opens it, whatever its decoration (【名词解释】)
        if len(body) <= _GLOSSARY_TITLE_MAX and GLOSSARY_TITLE.search(body):
            found.append(_Raw(line_start + lead, line_start + lead + len(body), 1, body.strip("【】[]"), None))
            in_glossary = True
            continue
        for level, pat in _LEVEL_PATTERNS:
            m = pat.match(body)
            if not m:
                continue
            if in_glossary and level > 1:
                break  # numbered glossary entries are not sections
            heading = _heading_text(body)
            found.append(_Raw(line_start + lead, line_start + lead + len(heading), level, heading,
                              _cn_number(m.group(1))))
            if level == 1:
                in_glossary = False
            break
        else:
            if md and len(body) <= _MAX_HEADING:  # an unnumbered markdown heading
                found.append(_Raw(line_start + lead, line_start + lead + len(body), len(md.group(1)), body, None))
    return found


def _may_be_heading(stripped: str) -> bool:
    """False for most lines: a paragraph that neither names the glossary in a short line nor
    starts like a numbered or markdown heading (`\\d` in a pattern is any decimal digit)."""
    first = stripped[0]
    return len(stripped) <= _GLOSSARY_TITLE_MAX or first in _NUMBERED_START or first == "#" or first.isdecimal()


def _first_top_kind(raws: list[_Raw]) -> str:
    """Kind of the text before the first level-1 heading.

    Usually a preamble. When the text starts mid-report (a newspaper page beginning at the
    review, as in a report whose first heading is 二、…工作安排), the missing 一、 was the review.
    """
    for r in raws:
        if r.level == 1:
            if (r.ordinal or 1) > 1 and _classify(r.heading) == "plan":
                return "review"
            return "preamble"
    return "preamble"


# Every extractor asks for the sections of the same text: the answers for the last few
# texts are kept. Callers share the list they get and must not modify it.
_OUTLINE_CACHE: list[tuple[str, list[_Raw], list[Section]]] = []
_OUTLINES_KEPT = 4


def build_sections(text: str) -> list[Section]:
    """All sections of `text`, in document order (parents before their children)."""
    return _outline(text)[1]


def _outline(text: str) -> tuple[list[_Raw], list[Section]]:
    """The heading lines of `text` and its sections, computed once per text."""
    for cached, raws, sections in _OUTLINE_CACHE:
        if cached is text or cached == text:
            return raws, sections
    raws = _scan(text)
    sections = _build(text, raws)
    _OUTLINE_CACHE.insert(0, (text, raws, sections))
    del _OUTLINE_CACHE[_OUTLINES_KEPT:]
    return raws, sections


def _build(text: str, raws: list[_Raw]) -> list[Section]:
    lead_kind = _first_top_kind(raws)
    # Resolve bare "YYYY年工作" headings: the earlier year is the review, a later one the plan.
    top_years = [int(y) for r in raws if r.level == 1 for y in _YEAR.findall(r.heading)[:1]]
    # The fields of section i, by index into `raws`; the sections are made once all are known.
    ends = [len(text)] * len(raws)
    paths: list[str] = []
    kinds: list[str] = []
    years: list[int | None] = []
    spans: list[tuple[int, int] | None] = []
    stack: list[int] = []  # indexes of the open sections

    for i, raw in enumerate(raws):
        while stack and raws[stack[-1]].level >= raw.level:
            ends[stack.pop()] = raw.start
        parent = stack[-1] if stack else None
        kind = _classify(raw.heading)
        if kind is None and raw.level == 1:
            m = _BARE_YEAR_WORK.search(raw.heading)
            if m:
                y = int(m.group(1) or m.group(2))
                kind = "plan" if top_years and y > min(top_years) else "review"
        if parent is not None and kinds[parent] not in ("preamble", "other") and kind != "glossary":
            # a sub-heading belongs to its part of the speech, whatever its own words say
            # (a review item titled "自身建设实现新提升" is still review)
            kind = kinds[parent]
        if kind is None:
            kind = kinds[parent] if parent is not None else (lead_kind if raw.level > 1 or i == 0 else "other")
            if kind == "preamble" and raw.level == 1:
                kind = "other"
        ym = _YEAR.search(raw.heading)
        if ym and kind in ("review", "plan"):
            year = int(ym.group(1))
        else:
            year = years[parent] if parent is not None else None
        span = _span_of(raw.heading) or (spans[parent] if parent is not None else None)
        paths.append(f"{paths[parent]} > {raw.heading}" if parent is not None else raw.heading)
        kinds.append(kind)
        years.append(year)
        spans.append(span)
        stack.append(i)
    _fill_years(raws, kinds, years, spans)
    return [Section(raw.start, end, raw.level, raw.heading, path, kind, year, raw.heading_end, raw.ordinal, span)
            for raw, end, path, kind, year, span in zip(raws, ends, paths, kinds, years, spans)]


def _fill_years(raws: list[_Raw], kinds: list[str], years: list[int | None],
                spans: list[tuple[int, int] | None]) -> None:
    """A review without a stated year reviews the year before the (single) planned year."""
    plan_years = {y for raw, kind, y in zip(raws, kinds, years) if kind == "plan" and raw.level == 1 and y}
    if len(plan_years) != 1:
        return
    (plan_year,) = plan_years
    years[:] = [plan_year - 1 if kind == "review" and y is None and span is None else y
                for kind, y, span in zip(kinds, years, spans)]


def section_at(sections: list[Section], pos: int) -> Section | None:
    """The innermost section whose span contains `pos` (None in the preamble).

    Extractors ask this for every number, so the answer comes from an index built once
    per section list (a scan per call made long reports quadratic).
    """
    points, owners = _section_index(sections)
    i = bisect.bisect_right(points, pos) - 1
    return owners[i] if i >= 0 else None


_INDEX_CACHE: list[tuple[list[Section], tuple[list[int], list[Section | None]]]] = []


def _section_index(sections: list[Section]) -> tuple[list[int], list[Section | None]]:
    """Boundaries and, for each stretch between two, its innermost section.

    Of the sections containing a position, the innermost is the one starting last (they
    nest); among equal starts the later in the list wins.
    """
    for cached, index in _INDEX_CACHE:
        if cached is sections:
            return index
    points = sorted({s.start for s in sections} | {s.end for s in sections})
    by_start = sorted(range(len(sections)), key=lambda i: sections[i].start)
    heap: list[tuple[int, int]] = []
    owners: list[Section | None] = []
    k = 0
    for point in points:
        while k < len(by_start) and sections[by_start[k]].start <= point:
            i = by_start[k]
            heapq.heappush(heap, (-sections[i].start, -i))
            k += 1
        while heap and sections[-heap[0][1]].end <= point:
            heapq.heappop(heap)
        owners.append(sections[-heap[0][1]] if heap else None)
    index = (points, owners)
    _INDEX_CACHE.insert(0, (sections, index))
    del _INDEX_CACHE[4:]
    return index


def lead_kind(text: str, sections: list[Section]) -> str:
    """Kind of the text before the first heading (preamble, or review for a truncated report)."""
    return _first_top_kind(_outline(text)[0]) if sections else "preamble"
