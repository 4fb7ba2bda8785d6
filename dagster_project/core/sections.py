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
_GLOSSARY = re.compile(r"名词(?:解释|注释|解读)")
_MAX_HEADING = 60  # a line longer than this without 。 is a paragraph, its heading cut here

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
    if _GLOSSARY.search(heading):
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
        lead = len(line) - len(line.lstrip())
        md = _MARKDOWN.match(stripped)
        body = stripped[md.end():] if md else stripped
        lead += md.end() if md else 0
        # a short line naming the glossary opens it, whatever its decoration (【名词解释】)
        if len(body) <= 30 and _GLOSSARY.search(body):
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


def build_sections(text: str) -> list[Section]:
    """All sections of `text`, in document order (parents before their children)."""
    raws = _scan(text)
    lead_kind = _first_top_kind(raws)
    # Resolve bare "YYYY年工作" headings: the earlier year is the review, a later one the plan.
    top_years = [int(y) for r in raws if r.level == 1 for y in _YEAR.findall(r.heading)[:1]]
    out: list[Section] = []
    stack: list[int] = []  # indexes into out of the open sections

    def close(upto_level: int, at: int) -> None:
        while stack and out[stack[-1]].level >= upto_level:
            i = stack.pop()
            out[i] = _with_end(out[i], at)

    for raw in raws:
        close(raw.level, raw.start)
        parent = out[stack[-1]] if stack else None
        kind = _classify(raw.heading)
        if kind is None and raw.level == 1:
            m = _BARE_YEAR_WORK.search(raw.heading)
            if m:
                y = int(m.group(1) or m.group(2))
                kind = "plan" if top_years and y > min(top_years) else "review"
        if parent is not None and parent.kind not in ("preamble", "other") and kind != "glossary":
            # a sub-heading belongs to its part of the speech, whatever its own words say
            # (a review item titled "自身建设实现新提升" is still review)
            kind = parent.kind
        if kind is None:
            kind = parent.kind if parent is not None else (lead_kind if raw.level > 1 or not out else "other")
            if kind == "preamble" and raw.level == 1:
                kind = "other"
        ym = _YEAR.search(raw.heading)
        year = int(ym.group(1)) if ym and kind in ("review", "plan") else (parent.year if parent else None)
        span = _span_of(raw.heading) or (parent.span if parent else None)
        path = f"{parent.path} > {raw.heading}" if parent else raw.heading
        sec = Section(raw.start, len(text), raw.level, raw.heading, path, kind, year,
                      raw.heading_end, raw.ordinal, span)
        out.append(sec)
        stack.append(len(out) - 1)
    close(0, len(text))
    return _fill_years(out)


def _with_end(sec: Section, end: int) -> Section:
    return Section(sec.start, end, sec.level, sec.heading, sec.path, sec.kind, sec.year,
                   sec.heading_end, sec.ordinal, sec.span)


def _fill_years(sections: list[Section]) -> list[Section]:
    """A review without a stated year reviews the year before the (single) planned year."""
    plan_years = {s.year for s in sections if s.kind == "plan" and s.level == 1 and s.year}
    if len(plan_years) != 1:
        return sections
    (plan_year,) = plan_years
    fixed = []
    for s in sections:
        if s.kind == "review" and s.year is None and s.span is None:
            s = Section(s.start, s.end, s.level, s.heading, s.path, s.kind, plan_year - 1,
                        s.heading_end, s.ordinal, s.span)
        fixed.append(s)
    return fixed


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
    return _first_top_kind(_scan(text)) if sections else "preamble"
