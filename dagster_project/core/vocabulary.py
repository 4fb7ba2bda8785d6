"""The indicator and unit vocabularies (`schemas/vocab/*.csv`): data, loaded once.

An indicator name found in a report is coded when, after removing words that only say
when or where (全年, 全市 …) or how it is counted (同口径, 年均 …), it equals the name or an
alias of a vocabulary entry. Exact matching on purpose: 机电产品出口 is not 出口总额.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parents[2] / "schemas" / "vocab"

# Leading words that do not change what is measured (time, the report's own region,
# bookkeeping words). Stripped repeatedly before matching.
_FILLER_WORDS = (
    "全年|今年|过去五年|近五年|五年来|五年内|三年内|五年|去年|上年|年内|当年|全市|全区|全县|全省|全州|全盟|全旗|我市|我区|我县|本市|其中|"
    "累计|共计|合计|共|实现|完成|预计|有望|力争|确保|争取|努力|"
    "此外|同时|另外|总计|进一步|稳步|持续|大力|加快|保持|稳定"
).split("|")
_FILLER = re.compile("^(?:" + "|".join(_FILLER_WORDS) + ")")
# a name not starting with one of these has no filler: most names, checked without the regex
_FILLER_FIRST_CHARS = frozenset(word[0] for word in _FILLER_WORDS)
_NOISE = re.compile(r"[“”\"'《》〈〉「」『』\s*]|【\d+】|\[\d+\]")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    name_en: str
    default_unit: str


@dataclass(frozen=True)
class Unit:
    unit: str
    unit_std: str
    factor: float
    description_en: str


def _key(name: str) -> str:
    name = unicodedata.normalize("NFKC", name)
    return _NOISE.sub("", name).upper()


def strip_filler(name: str) -> str:
    """Remove leading time/place/bookkeeping words (全年GDP → GDP)."""
    while name[:1] in _FILLER_FIRST_CHARS:
        stripped = _FILLER.sub("", name)
        if stripped == name:
            break
        name = stripped
    return name


@lru_cache(maxsize=1)
def _indicator_index() -> dict[str, Indicator]:
    index: dict[str, Indicator] = {}
    with open(VOCAB_DIR / "indicators.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ind = Indicator(row["code"], row["name"], row["name_en"], row.get("default_unit", ""))
            for alias in [row["name"], *row["aliases"].split(";")]:
                if alias.strip():
                    index.setdefault(_key(alias.strip()), ind)
    return index


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    with open(VOCAB_DIR / "units.csv", encoding="utf-8", newline="") as fh:
        return {
            r["unit"]: Unit(r["unit"], r["unit_std"], float(r["factor"]), r["description_en"])
            for r in csv.DictReader(fh)
        }


@lru_cache(maxsize=1)
def alias_pattern() -> re.Pattern[str]:
    """Any vocabulary name or alias, longest first (to find the subject of 总量, 人均 …)."""
    names = set()
    with open(VOCAB_DIR / "indicators.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names.update(a.strip() for a in [row["name"], *row["aliases"].split(";")] if a.strip())
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def unit_words() -> list[str]:
    """Unit spellings, longest first, for regex alternation."""
    return sorted(units(), key=len, reverse=True)


@lru_cache(maxsize=4096)
def match_indicator(name: str) -> Indicator | None:
    """The vocabulary entry `name` denotes, or None."""
    if not name:
        return None
    index = _indicator_index()
    for candidate in (name, strip_filler(name)):
        hit = index.get(_key(candidate))
        if hit:
            return hit
    return None


def standardize(value: float | None, unit: str) -> tuple[float | None, str]:
    """(value_std, unit_std) for a value in `unit`; (None, "") when the unit has no base."""
    u = units().get(unit)
    if value is None or u is None or not u.unit_std:
        return None, ""
    if u.factor == 1:
        return float(value), u.unit_std  # (what the decimal product below gives: the value itself)
    # decimal arithmetic: 154.7 × 1e8 is 15470000000, not 15469999999.999998
    return float(Decimal(repr(float(value))) * _decimal_factor(unit)), u.unit_std


@lru_cache(maxsize=None)
def _decimal_factor(unit: str) -> Decimal:
    """The factor of a known unit as a Decimal (made once per unit)."""
    return Decimal(repr(units()[unit].factor))
