"""GB/T 2260 administrative division codes by year (vendored yescallop/areacodes, CC0).

Region names repeat across China (城关区, 新华区 …) and change over time (龙南县 became
龙南市 in 2020), so a name resolves only against the codes valid in the report's year,
narrowed by the province / prefecture the text names, and only when one code is left.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

NATIONAL_NAME = "全国"
NATIONAL_CODE = "100000"
_LEVELS = {"省级": "province", "地级": "prefecture", "县级": "county"}


@dataclass(frozen=True)
class RegionCode:
    code: str
    name: str
    province: str  # "" for the national entry
    prefecture: str  # own name for a prefecture, parent for a county, "" otherwise
    admin_level: str  # national / province / prefecture / county


class _Row(NamedTuple):  # a tuple, not a dataclass: thousands are built at first use
    code: str
    name: str
    province: str
    parent: str  # 二级行政区 as written: a prefecture, 直辖, or "" for provinces
    level: str
    start: int
    end: int | None  # exclusive; None while in use

    def valid_in(self, year: int | None) -> bool:
        # Without a year only codes still in use qualify: an old name must not win by default.
        if year is None:
            return self.end is None
        return self.start <= year and (self.end is None or year < self.end)

    def to_region(self) -> RegionCode:
        level = _LEVELS[self.level]
        prefecture = {"prefecture": self.name, "county": self.parent}.get(level, "")
        return RegionCode(self.code, self.name, self.province,
                          "" if prefecture == "直辖" else prefecture, level)


NATIONAL = RegionCode(NATIONAL_CODE, NATIONAL_NAME, "", "", "national")


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[_Row, ...]]:
    """Rows by name, parsed once per process."""
    path = files("dagster_project") / "data" / "areacodes" / "result.csv"
    text = path.read_text(encoding="utf-8-sig")  # the file starts with a BOM
    records = csv.reader(io.StringIO(text))
    column = {heading: i for i, heading in enumerate(next(records))}
    code, name, province, parent, level, start, end = (
        column[heading] for heading in ("代码", "名称", "一级行政区", "二级行政区", "级别", "启用时间", "变更/弃用时间"))
    by_name: dict[str, list[_Row]] = defaultdict(list)
    for r in records:
        if not r:
            continue  # a blank line
        by_name[r[name]].append(_Row(r[code], r[name], r[province], r[parent], r[level],
                                     int(r[start]), int(r[end]) if r[end] else None))
    return {name: tuple(rows) for name, rows in by_name.items()}


@lru_cache(maxsize=1)
def known_names() -> frozenset[str]:
    """Every name the table has ever used (for splitting 赣州市章贡区 into its parts)."""
    return frozenset(_table())


def candidates(name: str, year: int | None) -> list[RegionCode]:
    """All codes named `name` valid in `year`, one per code."""
    return list(_candidates(name, year))


@lru_cache(maxsize=4096)
def _candidates(name: str, year: int | None) -> tuple[RegionCode, ...]:
    found = {row.code: row.to_region() for row in _table().get(name, ()) if row.valid_in(year)}
    return tuple(found[c] for c in sorted(found))


@lru_cache(maxsize=64)
def names_in_year(year: int | None) -> tuple[str, ...]:
    """Every name some code valid in `year` has, in the order of the table."""
    return tuple(name for name, rows in _table().items() if any(row.valid_in(year) for row in rows))


def _matches(reg: RegionCode, hint: str) -> bool:
    # A hint may name the province or the prefecture; short forms (江西) count too.
    return any(v and (v == hint or v.startswith(hint)) for v in (reg.province, reg.prefecture))


def resolve_region(name: str, year: int | None, province_hint: str = "",
                   parent_hint: str = "") -> RegionCode | None:
    """The one code named `name` valid in `year` under the hints, else None (never a guess)."""
    name = name.strip()
    if name == NATIONAL_NAME:
        return NATIONAL
    found = candidates(name, year)
    for hint in (province_hint.strip(), parent_hint.strip()):
        if hint:
            found = [reg for reg in found if _matches(reg, hint)]
    return found[0] if len(found) == 1 else None
