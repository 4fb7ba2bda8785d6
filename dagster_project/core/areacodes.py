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


@dataclass(frozen=True)
class _Row:
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
    by_name: dict[str, list[_Row]] = defaultdict(list)
    for r in csv.DictReader(io.StringIO(text)):
        end = r["变更/弃用时间"]
        by_name[r["名称"]].append(_Row(r["代码"], r["名称"], r["一级行政区"], r["二级行政区"],
                                       r["级别"], int(r["启用时间"]), int(end) if end else None))
    return {name: tuple(rows) for name, rows in by_name.items()}


def known_names() -> frozenset[str]:
    """Every name the table has ever used (for splitting 赣州市章贡区 into its parts)."""
    return frozenset(_table())


def candidates(name: str, year: int | None) -> list[RegionCode]:
    """All codes named `name` valid in `year`, one per code."""
    found = {row.code: row.to_region() for row in _table().get(name, ()) if row.valid_in(year)}
    return [found[c] for c in sorted(found)]


def regions_in_year(year: int | None) -> list[RegionCode]:
    """Every code valid in `year` (for finding which region a text keeps naming)."""
    return [reg for name in _table() for reg in candidates(name, year)]


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
