"""Planned goals: the numbers of the plan sections (what is promised).

- main: every item of the 主要预期目标 list, numeric or qualitative (出口总额量稳质升);
- long_term: goals for 2035;
- five_year: goals for a later year (到2025年), goals in a five-year part (十四五 section,
  今后五年, 五年内), and every goal of a party congress report;
- task: any other quantified commitment in a plan section (新增高新技术企业300家以上).
"""

from __future__ import annotations

import re
from collections import Counter

from .context import DocContext
from .indicators import PARTY_CONGRESS, document_sections, plausible, row_base
from .mentions import Mention, mentions
from .sections import Section, section_at
from .vocabulary import alias_pattern, match_indicator

# (主要预期目标 and 预期目标 spelled out, not as (?:主要)?预期目标: a pattern whose every
# branch starts with a fixed character is searched for much faster)
_MAIN_LIST = re.compile(r"主要预期目标(?:是|为)?[：:]|预期目标(?:是|为)?[：:]|主要目标(?:是|为)[：:]")
_LINE_END = re.compile(r"[。\n]")
_NEXT_LINE = re.compile(r"\n?([^\n]*)")
_BY_YEAR = re.compile(r"(?:到|至|在|于)(20\d\d)年(?:底|末|前)?|(20\d\d)年(?:前|底前|以前)")
_LONG_TERM = re.compile(r"(?:到|至|在)(?:2035|二〇三五|二○三五)年|(?:2035|二〇三五|二○三五)年(?:前|时)")
_MULTI_YEAR = re.compile(r"十[一二三四五六]五|今后五年|未来五年|五年内|五年间|年均")
_THREE_YEAR = re.compile(r"([两三四])年内")
_ITEM_SEP = re.compile(r"[，；;]|,(?!\d{3})")
_QUAL_VERB = re.compile(r"完成|促稳提质|量稳质升|稳中有升|稳中有进|保持|实现|同步|基本|持续|稳定|符合|达到|控制在")
_LIST_LINE = re.compile(r"(?:——|－－|-|•|·|\d{1,2}[.．、]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+是)")
_N = {"两": 2, "三": 3, "四": 4}
_DIGIT = re.compile(r"\d")
_DONE_LEAD = re.compile(r"^(?:完成|实现|确保)")


def _main_spans(text: str, sections: list[Section]) -> list[tuple[int, int]]:
    """Spans of 主要预期目标 lists in annual plan sections (to the end of the sentence)."""
    spans = []
    for m in _MAIN_LIST.finditer(text):
        sec = section_at(sections, m.start())
        if sec is None or sec.kind != "plan" or sec.span is not None:
            continue
        end = _LINE_END.search(text, m.end())
        stop = end.start() if end else len(text)
        if stop - m.end() < 5:  # the items follow on their own lines (——地区生产总值增长6%左右；)
            pos = stop
            while True:
                line = _NEXT_LINE.match(text, pos)
                if not line.group(1) or not _LIST_LINE.match(line.group(1)):
                    break
                stop = pos = line.end()
        spans.append((m.end(), stop))
    return spans


def _doc_target_year(text: str, doc: DocContext) -> int | None:
    """The year a party congress report's goals are for when a goal does not say."""
    years = Counter(int(a or b) for a, b in _BY_YEAR.findall(text))
    years = {y: n for y, n in years.items() if y != 2035}
    if years:
        return max(years, key=lambda y: (years[y], y))
    return doc.plan_year + 4 if doc.plan_year else None


def _type_and_year(m: Mention, text: str, sec: Section | None, doc: DocContext, congress_year: int | None):
    plan_year = (sec.year if sec and sec.year else None) or doc.plan_year
    s, _ = m.sentence
    before = text[s:m.quote_end]
    # (every pattern below but _MULTI_YEAR needs the word 年: most sentences have none)
    dated = "年" in before
    if dated and _LONG_TERM.search(before):
        return "long_term", 2035
    years = [int(a or b) for a, b in _BY_YEAR.findall(before)] if dated else []
    if years and (plan_year is None or years[-1] > plan_year):
        return "five_year", years[-1]
    if sec is not None and sec.span is not None:
        return "five_year", sec.span[1]
    if doc.doc_type == PARTY_CONGRESS:
        return "five_year", congress_year
    three = _THREE_YEAR.search(before) if dated else None
    if three and plan_year:
        return "five_year", plan_year + _N[three.group(1)] - 1
    if _MULTI_YEAR.search(before) and not (sec and sec.year):
        return "five_year", (plan_year + 4) if plan_year else None
    return "task", years[-1] if years else plan_year


def _qualitative(text: str, lo: int, hi: int, covered: list[tuple[int, int]], doc, sec, year) -> list[dict]:
    """Rows for list items without a number (居民收入增长和经济增长同步)."""
    rows = []
    pos = lo
    for cut in [*(_m.start() for _m in _ITEM_SEP.finditer(text, lo, hi)), hi]:
        a, b = pos, cut
        pos = cut + 1
        raw = text[a:b]
        item = raw.strip().lstrip("—－-•·").strip()
        if not item or any(s < b and a < e for s, e in covered) or _DIGIT.search(item):
            continue
        lead = raw.index(item)
        for name, start, end in _qualitative_items(item, a + lead):
            ind = match_indicator(name)
            rows.append({
                "doc_id": doc.doc_id, "indicator_code": ind.code if ind else None,
                "indicator": ind.name if ind else name, "indicator_en": ind.name_en if ind else "",
                "measure": "qualitative", "value": None, "value_max": None, "unit": "",
                "value_std": None, "unit_std": "", "comparator": None, "qualifier": "",
                "section": sec.path if sec else "", "quote": text[start:end],
                "char_start": start, "char_end": end, "target_year": year, "target_type": "main",
            })
    return rows


def _qualitative_items(item: str, offset: int):
    """(name, start, end) per indicator of a qualitative item; A、B促稳提质 gives two."""
    parts = item.split("、")
    if len(parts) > 1:
        last = alias_pattern().match(parts[-1])
        if last and all(match_indicator(p) for p in parts[:-1]):
            return [(p, offset, offset + len(item)) for p in [*parts[:-1], last.group(0)]]
    head = alias_pattern().match(item)
    if head:
        return [(head.group(0), offset, offset + len(item))]
    verb = _QUAL_VERB.search(item)
    name = item[: verb.start()] if verb and verb.start() >= 2 else _DONE_LEAD.sub("", item)
    return [(name, offset, offset + len(item))]


def extract_targets(text: str, doc: DocContext) -> list[dict]:
    """Rows of targets.csv (without id and raw offsets) for one normalized text."""
    sections, _ = document_sections(text)
    main_spans = _main_spans(text, sections)
    congress_year = _doc_target_year(text, doc) if doc.doc_type == PARTY_CONGRESS else None
    rows = []
    covered: dict[tuple[int, int], list[tuple[int, int]]] = {span: [] for span in main_spans}
    for m in mentions(text):
        sec = section_at(sections, m.qty.start)
        if sec is None or sec.kind != "plan" or m.from_to == "start" or not plausible(m):
            continue
        row = row_base(m, text, doc, sec)
        if m.scope and not row["indicator"].startswith(m.scope):
            # 瑞金、龙南达到70%: the goal of a part of the region (targets have no scope column)
            row.update(indicator=m.scope + m.name, indicator_code=None, indicator_en="")
        span = next((sp for sp in main_spans if sp[0] <= m.qty.start < sp[1]), None)
        if span is not None:
            covered[span].append((m.quote_start, m.quote_end))
            ttype, year = "main", (sec.year or doc.plan_year)
        else:
            ttype, year = _type_and_year(m, text, sec, doc, congress_year)
        row.update(target_year=year, target_type=ttype)
        rows.append(row)
    for (lo, hi), cov in covered.items():
        sec = section_at(sections, lo)
        rows.extend(_qualitative(text, lo, hi, cov, doc, sec, (sec.year if sec else None) or doc.plan_year))
    rows.sort(key=lambda r: (r["char_start"], r["char_end"]))
    return rows
