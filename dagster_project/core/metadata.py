"""Document metadata (SPEC §4.1) read from a report's normalized text.

Everything comes from the text: the header (title, dateline, speaker), the section
headings (years) and, only when the header names no region, the region the body keeps
calling itself. A field the text does not support stays empty; codes come from
`areacodes`, which refuses ambiguous names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dagster_project.core import areacodes

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}

SALUTATION = re.compile(r"^(?:各位代表|同志们|各位委员|代表们)")
MAJOR_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
DATE = re.compile(r"([0-9〇○零一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月"
                  r"\s*([0-9一二三四五六七八九十]{1,3})\s*日")
DATELINE_START = re.compile(r"^(?:——|--|—|－－|[（(]\s*[0-9〇一二]{4}\s*年)")
MEETING = re.compile(r"在(.+?(?:会议|代表大会))上")
# A collection label in front of the title: (江西省)2024年赣州市章贡区人民政府工作报告.
PROVINCE_TAG = re.compile(r"^[（(]([^（）()]{2,8}?(?:省|自治区|市))[)）]")
TITLE_REGION = re.compile(r"^(?:[0-9]{4}\s*年)?(.+?)(?:人民)?政府工作报告")
MEETING_REGION = re.compile(r"^(?:中国共产党|中共)?(.*?)第[0-9一二三四五六七八九十百零〇]+[届次]")
# Speaker line: an optional office ending in a head-of-office word, then a 2–6 character name.
SPEAKER = re.compile(rf"^(?P<title>.*?(?:长|书记|主席|主任|总理))?(?P<name>[{CJK}·]{{2,6}})$")
NOT_A_NAME = re.compile(r"报告|会议|大会|工作|年|日|代表|同志")
OFFICE_PREFIX = re.compile(r"^.*?人民政府")  # 区人民政府区长 → 区长

PLAN_HEADING = re.compile(r"([0-9]{4})\s*年[^，。、,]{0,8}?(?:安排|任务|打算|部署)")
REVIEW_HEADING = re.compile(r"([0-9]{4})\s*年.*(?:回顾|总结|情况)")
REVIEW_WORDS = re.compile(r"一年来|过去一年|过去的一年|去年|五年来|过去五年|过去的五年")
PLAN_WORDS = re.compile(r"今年|新的一年")
# A five-year plan the text declares finished: “十三五”圆满收官 → reviewed through 2020.
PLAN_DONE = re.compile(r"十([一二三四五六七八九])五”?(?:规划)?(?:圆满|胜利|顺利|全面)?(?:收官|完成)")

SELF_LEVEL = re.compile(r"我(市|区|县|州|盟|旗|省)")
# The body names its own region far more often than any other: demand a clear lead.
SELF_MIN_MENTIONS, SELF_LEAD = 5, 3


def detect_metadata(text: str) -> dict:
    lines = [stripped for ln in text.splitlines() if (stripped := ln.strip())]
    head = _header(lines)
    n_title = next((i for i, ln in enumerate(head) if _is_dateline(ln)), len(head))
    title_lines, rest = head[:n_title], head[n_title:]
    tag = PROVINCE_TAG.match(title_lines[0]) if title_lines else None
    title = re.sub(r"\s+", " ", " ".join(title_lines)[tag.end() if tag else 0:]).strip()

    meeting = next((m.group(1) for ln in rest if (m := MEETING.search(ln))), "")
    delivered_on = next((d for ln in rest if (d := _iso_date(ln))), "")
    speaker, speaker_title = _speaker(rest)
    doc_type = _doc_type(title, meeting, lines[:len(head) + 3])
    review_year, plan_year = _years(lines, text, doc_type)
    year = int(delivered_on[:4]) if delivered_on else plan_year
    region = _region(title, meeting, text, year, tag.group(1) if tag else "")
    return {
        "title": title,
        "doc_type": doc_type,
        **region,
        "meeting": meeting,
        "delivered_on": delivered_on,
        "speaker": speaker,
        "speaker_title": speaker_title,
        "review_year": review_year,
        "plan_year": plan_year,
    }


def _header(lines: list[str]) -> list[str]:
    """Title, dateline and speaker: the short lines before the salutation or first heading."""
    head = []
    for ln in lines[:8]:
        if SALUTATION.match(ln) or MAJOR_HEADING.match(ln) or len(ln) > 60:
            break
        head.append(ln)
    return head


def _is_dateline(line: str) -> bool:
    return bool(DATELINE_START.match(line) or DATE.search(line) or MEETING.search(line))


def _cn_int(s: str) -> int:
    """Arabic or Chinese numerals: 2021, 二〇二一, 十九, 二十七."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    return int("".join(str(_CN_DIGITS[c]) for c in s))


def _iso_date(line: str) -> str:
    m = DATE.search(line)
    if not m:
        return ""
    y, mo, d = (_cn_int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""


def _speaker(lines: list[str]) -> tuple[str, str]:
    """The first byline after the dateline; spaces inside a name (吴 忠 琼) are dropped."""
    for ln in lines:
        compact = re.sub(r"\s+", "", ln)
        m = SPEAKER.match(compact)
        if m and not _is_dateline(ln) and not NOT_A_NAME.search(compact):
            return m.group("name"), OFFICE_PREFIX.sub("", m.group("title") or "")
    return "", ""


def _doc_type(title: str, meeting: str, opening: list[str]) -> str:
    said = "".join(opening)
    if (re.match(r"(?:中国共产党|中共)", meeting) and "人民代表大会" not in meeting) or \
            re.search(r"代表(?:中国共产党|中共).{0,20}委员会向大会作报告", said):
        return "party_congress_report"
    if "政府工作报告" in title or re.search(r"代表.{0,10}人民政府.{0,6}报告工作", said):
        return "government_work_report"
    return "other"


def _years(lines: list[str], text: str, doc_type: str) -> tuple[int | None, int | None]:
    headings = [ln for ln in lines if MAJOR_HEADING.match(ln) and len(ln) <= 50]
    plan = next((int(m.group(1)) for h in headings if (m := PLAN_HEADING.search(h))), None)
    review = next((int(m.group(1)) for h in headings
                   if (m := REVIEW_HEADING.search(h)) and int(m.group(1)) != plan), None)
    if doc_type == "government_work_report":
        # An annual report reviews the year before the one it plans; fill the missing one
        # only when the text does speak of it (一年来 …, 今年 …).
        if plan and review is None and REVIEW_WORDS.search(text):
            review = plan - 1
        if review and plan is None and PLAN_WORDS.search(text):
            plan = review + 1
    elif doc_type == "party_congress_report" and review is None and plan is None:
        # A five-year report reviews through the last five-year plan it calls finished
        # (the N-th plan ends in 1955 + 5N: 十三五 → 2020) and plans from the year after.
        if m := PLAN_DONE.search(text):
            review = 1955 + 5 * (_CN_DIGITS[m.group(1)] + 10)
            plan = review + 1
    return review, plan


def _split_path(s: str) -> list[str]:
    """赣州市章贡区 → [赣州市, 章贡区], longest known name first; [] if a part is unknown."""
    names, parts = areacodes.known_names(), []
    while s:
        part = next((s[:n] for n in range(len(s), 1, -1) if s[:n] in names), None)
        if part is None:
            return []
        parts.append(part)
        s = s[len(part):]
    return parts


def _region(title: str, meeting: str, text: str, year: int | None, province_tag: str) -> dict:
    empty = {"region": "", "province": "", "region_code": "", "admin_level": ""}
    named = ""
    if m := MEETING_REGION.match(meeting):
        named = m.group(1)
        if not named and "全国" in meeting:
            named = areacodes.NATIONAL_NAME
    if not named and (m := TITLE_REGION.match(title)):
        named = m.group(1)
    if named == areacodes.NATIONAL_NAME:
        return _fields(areacodes.NATIONAL, areacodes.NATIONAL_NAME, "")
    if not named:
        reg = _self_named_region(text, year)
        return _fields(reg, reg.name, "") if reg else empty
    parts = _split_path(named) or [named]
    region, parents = parts[-1], parts[:-1]
    # A province named in the text (label or path) is a hint and is reported as stated.
    stated = province_tag or next((p for p in parents if p.endswith(("省", "自治区"))), "")
    reg = areacodes.resolve_region(region, year, stated, parents[-1] if parents else "")
    return _fields(reg, region, stated)


def _fields(reg: areacodes.RegionCode | None, region: str, stated_province: str) -> dict:
    return {
        "region": region,
        "province": stated_province or (reg.province if reg else ""),
        "region_code": reg.code if reg else "",
        "admin_level": reg.admin_level if reg else "",
    }


def _self_named_region(text: str, year: int | None) -> areacodes.RegionCode | None:
    """A headless text (a newspaper page missing its start) still calls itself 我市 and
    keeps naming its city (赣州发展 …): take the region of that level the body names most,
    if it clearly leads and its name is unambiguous."""
    levels = SELF_LEVEL.findall(text)
    if not levels:
        return None
    level = max(set(levels), key=levels.count)
    counts: dict[str, int] = {}
    # The full name must appear at least once: a bare stem can be a common word
    # (合作市 → 合作), so stems alone would crown the wrong region.
    for name in _names_in(text, year, level):
        stem = name[:-1] if len(name) > 2 else name
        counts[name] = text.count(stem)
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < SELF_MIN_MENTIONS:
        return None
    if len(ranked) > 1 and ranked[0][1] < SELF_LEAD * ranked[1][1]:
        return None
    return areacodes.resolve_region(ranked[0][0], year)


def _names_in(text: str, year: int | None, level: str) -> list[str]:
    """Names of the regions valid in `year` ending in `level` that occur in `text`, in table order.

    Every occurrence of such a name ends at an occurrence of `level`, so only the few
    characters before each of those are looked up (not every name searched for in turn).
    """
    order, lengths = _names_ending_in(year, level)
    found: set[str] = set()
    end = text.find(level)
    while end >= 0:
        for length in lengths:
            if length > end + 1:
                break
            if (name := text[end + 1 - length : end + 1]) in order:
                found.add(name)
        end = text.find(level, end + 1)
    return sorted(found, key=order.__getitem__)


@lru_cache(maxsize=64)
def _names_ending_in(year: int | None, level: str) -> tuple[dict[str, int], list[int]]:
    """{name: its position in the table} for the regions valid in `year` ending in `level`,
    and the lengths of those names, shortest first."""
    names = (name for name in areacodes.names_in_year(year) if name.endswith(level))
    order = {name: i for i, name in enumerate(names)}
    return order, sorted({len(name) for name in order})
