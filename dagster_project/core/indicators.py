"""Reported statistics: the numbers of the review sections (what happened).

Every statement found by `mentions` in a review section becomes a row. Its period is the
reviewed year, except in the five-year part of a review (回顾过去五年, 这五年, 五年来 …, and
all of a party congress report's review), where changes over the period (增长43.4%) and
totals (新增218家) cover the whole plan period (2016-2020), states (空气优良率达95.4%) are
the last year's, and 从1974亿元增至3645亿元 gives the base year and the last year.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .context import DocContext
from .mentions import Mention, mentions
from .sections import Section, build_sections, lead_kind, section_at
from .vocabulary import match_indicator, standardize

_FIVE_YEAR_CUE = re.compile(
    r"回顾过去五年|过去五年|五年来|这五年|近五年|“?十[一二三四五]五”?(?:期间|时期|以来)|"
    r"20\d\d年(?:至|到|—|-)20\d\d年(?:是|间|期间)"
)
# a level stated with these words is a state at the end of the period, not a five-year sum
_STATE_VERB = re.compile(r"达|增至|提高到|提高至|提升到|提升至|扩大到|增加到|上升到|突破|超|总数|总量|人均")
_TO_END = re.compile(r"[至到]$")
PARTY_CONGRESS = "party_congress_report"


@lru_cache(maxsize=2)
def document_sections(text: str) -> tuple[list[Section], str]:
    """The sections of a text and the kind of its text before the first heading.

    Both the indicators and the targets extractor need them for the same text: built once.
    The list is shared, so callers only read it.
    """
    sections = build_sections(text)
    return sections, lead_kind(text, sections)


def plausible(m: Mention) -> bool:
    """A share above 100% is not a share (完成年计划的134% is plan fulfilment): left out."""
    return not (m.measure == "ratio" and m.unit == "%" and m.value is not None and m.value > 100)


def row_base(m: Mention, text: str, doc: DocContext, sec: Section | None) -> dict:
    """The shared fields (SPEC 4.2) of a statement."""
    ind = match_indicator(m.name)
    if ind and m.measure == "ratio" and ind.default_unit != "%":
        ind = None  # 城镇新增就业完成年计划的134%: a share of the plan, not the indicator
    value_std, unit_std = standardize(m.value, m.unit)
    return {
        "doc_id": doc.doc_id,
        "indicator_code": ind.code if ind else None,  # None, not "": the column has a pattern
        "indicator": ind.name if ind else m.name,
        "indicator_en": ind.name_en if ind else "",
        "measure": m.measure,
        "value": m.value,
        "value_max": m.value_max,
        "unit": m.unit,
        "value_std": value_std,
        "unit_std": unit_std,
        "comparator": m.comparator,
        "qualifier": m.qualifier,
        "section": sec.path if sec else "",
        "quote": text[m.quote_start:m.quote_end],
        "char_start": m.quote_start,
        "char_end": m.quote_end,
    }


def _review_year(sec: Section | None, doc: DocContext) -> int | None:
    if sec is not None and sec.year:
        return sec.year
    if doc.review_year:
        return doc.review_year
    return doc.plan_year - 1 if doc.plan_year else None


def _five_year_starts(text: str, sections: list[Section]) -> list[tuple[int, int]]:
    """(cue position, end of its top-level section) for each five-year part of a review."""
    spans = []
    for s in sections:
        if s.kind == "review" and s.level == 1:
            m = _FIVE_YEAR_CUE.search(text, s.start, s.end)
            if m:
                spans.append((m.start(), s.end))
    return spans


def _period(m: Mention, year: int | None, five: tuple[int, int] | None) -> str | None:
    if year is None:
        return None
    if five is None:
        return str(year - 1) if m.from_to == "start" else str(year)
    a, b = five
    if m.from_to == "start":
        return str(a - 1)
    if m.from_to == "end" or m.measure == "ratio":
        return str(b)
    if m.measure == "level" and (_STATE_VERB.search(m.verbs + m.qualifier) or _TO_END.search(m.verbs)):
        # 压缩至1.5个工作日, 降到…: where the period ended, not a five-year sum
        return str(b)
    return f"{a}-{b}"


def extract_indicators(text: str, doc: DocContext) -> list[dict]:
    """Rows of indicators.csv (without id and raw offsets) for one normalized text."""
    sections, before_first = document_sections(text)
    five_parts = _five_year_starts(text, sections)
    rows = []
    for m in mentions(text):
        sec = section_at(sections, m.qty.start)
        kind = sec.kind if sec else before_first
        if kind != "review" or not plausible(m):
            continue
        year = _review_year(sec, doc)
        five = None
        if doc.doc_type == PARTY_CONGRESS or any(a <= m.qty.start < b for a, b in five_parts):
            top = sec.span if sec and sec.span else None
            five = top or ((year - 4, year) if year else None)
        row = row_base(m, text, doc, sec)
        period = _period(m, year, five)
        if doc.plan_year and text.find("今年", m.sentence[0], m.qty.start) >= 0 and m.from_to != "start":
            period = str(doc.plan_year)  # 今年有望突破4000亿元: the year the report is given in
        row.update(period=period, scope=m.scope, is_estimate=m.estimate)
        rows.append(row)
    rows.sort(key=lambda r: (r["char_start"], r["char_end"]))
    return rows
