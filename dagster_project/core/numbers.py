"""Numbers as reports write them: value, range, unit, and the words that bound them.

`find_quantities` finds every number that carries a unit (`505个`, `8.5%左右`, `2-3家`,
`10多万人`, `突破2000亿元`) and skips numbers that are not quantities: years and dates (年,
月 are not units), ordinals (第66位), footnote markers (【3】), model names (5G, PM2.5, 4A),
formulas (3+2, 1/4, 12.9：56.2). Sign and measure depend on the words around a number
(下降, 个百分点, 占…比重) and are decided by the caller with `signed`.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import NamedTuple

from .vocabulary import unit_words, units

COMPARATORS = ("=", "~", ">=", ">", "<=", "<", "between")

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_RANGE_SEP = r"[-－～~—–―]|至|到"
_MAGNITUDES = ("万亿", "万", "亿")
_SUFFIX = {"左右": "~", "以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<="}
# Prefix words, longest first, mapped to the comparator they set.
_PREFIX = {
    "不低于": ">=", "不少于": ">=", "至少": ">=", "不超过": "<=", "不高于": "<=", "控制在": "<=",
    "保持在": "=", "稳定在": "=", "超过": ">", "突破": ">", "高于": ">", "多于": ">", "超": ">",
    "逾": ">", "破": ">", "低于": "<", "少于": "<", "接近": "~", "大约": "~", "约": "~", "近": "~",
}
_PREFIX_RE = re.compile("(?:" + "|".join(sorted(_PREFIX, key=len, reverse=True)) + r")$")
# the characters a text ending in a prefix word can end with ($ also matches before a final \n)
_PREFIX_LAST_CHARS = frozenset(word[-1] for word in _PREFIX) | {"\n"}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "=", "~": "~", "between": "between"}


class Quantity(NamedTuple):
    """A number with its unit. start/end cover number, unit and suffix words (not the prefix).

    (An immutable named tuple: made for every number of every report, and a frozen
    dataclass is several times slower to create.)
    """

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    comparator: str
    qualifier: str  # the words that set the comparator, as written (左右, 突破 …)
    prefix_start: int  # where a prefix comparator word starts (== start when there is none)
    bare_magnitude: bool = False  # unit is just 万/亿 followed by a noun (114.3万农村贫困人口)


def to_float(s: str) -> float:
    """Parse a number as written: full-width digits, thousands separators."""
    if s.isascii():  # NFKC leaves ASCII as it is: skip it for the usual case
        return float(s.replace(",", ""))
    return float(unicodedata.normalize("NFKC", s).replace(",", ""))


def flip(comparator: str) -> str:
    """The comparator of the negated value (下降3%以上: ≥3 down is ≤ −3)."""
    return _FLIP[comparator]


def signed(value: float | None, value_max: float | None, comparator: str, negative: bool):
    """Apply a decline: value −v, comparator flipped; a range keeps low ≤ high."""
    if not negative or value is None:
        return value, value_max, comparator
    if value_max is not None:
        return -value_max, -value, comparator
    return -value, None, flip(comparator)


def _strip_magnitude(u: str) -> str:
    for mag in _MAGNITUDES:
        if u.startswith(mag) and len(u) > len(mag):
            return u[len(mag):]
    return u


def _unit_regex() -> re.Pattern[str]:
    base = {_strip_magnitude(u) for u in unit_words()} - {""}
    alts = "|".join(re.escape(b) for b in sorted(base, key=len, reverse=True))
    mags = "|".join(_MAGNITUDES)
    return re.compile(
        rf"(?P<neg>(?<=[\u4e00-\u9fff])[-－−])?(?P<n1>{_NUM})(?P<p1>[%％])?"
        rf"(?:(?P<sep>{_RANGE_SEP})(?P<n2>{_NUM}))?"
        rf"(?P<m1>[多余])?(?P<mag>{mags})?(?P<m2>[多余])?"
        rf"(?P<unit>[%％]|{alts})?"
        rf"(?P<suf>左右|以上|以下|以内|之内)?"
    )


_QTY: re.Pattern[str] | None = None
# A quantity starts at a digit, or at the minus sign right before one (增长-5.3%): scanning
# for digits and trying the full pattern only there is much faster than searching with it.
_DIGIT = re.compile(r"\d")
_MINUS_SIGNS = "-－−"
# a number glued to these is part of a name, a code or a formula, not a quantity
_BAD_BEFORE_CHARS = frozenset(string.ascii_letters + string.digits + ".#/+＋_第【[〔-")
# (used with .match at a position: no ^ anchor, which would not match there)
_BAD_AFTER = re.compile(r"(?:[A-Za-z+＋/】\]〕”]|[:：]\d|\.\d|[年月日号]|周年|届|期|代|类|级|版|大)")
_NOUN_NEXT = re.compile(r"[\u4e00-\u9fff“]")
_LEVEL_BEFORE = re.compile(r"(?:到|至|近|约|达)$")
_MINUS_AFTER = re.compile(r"(?:增长|增速|增幅|为)$")


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """All quantities in text[start:end], in order."""
    global _QTY
    if _QTY is None:
        _QTY = _unit_regex()
    end = len(text) if end is None else end
    out: list[Quantity] = []
    pos = start
    while True:
        m = _search_quantity(text, pos, end)
        if not m:
            break
        q = _build(text, m)
        if q is not None:
            out.append(q)
            pos = m.end()
        elif m.group("n2") is not None:
            pos = m.start("n2")  # not a range: try the second number on its own
        else:
            pos = m.end("n1")
    return out


def _search_quantity(text: str, pos: int, end: int) -> re.Match[str] | None:
    """`_QTY.search(text, pos, end)`: the pattern tried only where a quantity can start."""
    while True:
        digit = _DIGIT.search(text, pos, end)
        if not digit:
            return None
        at = digit.start()
        if at > pos and text[at - 1] in _MINUS_SIGNS:
            m = _QTY.match(text, at - 1, end)
            if m:
                return m
        m = _QTY.match(text, at, end)
        if m:
            return m
        pos = at + 1


def _build(text: str, m: re.Match[str]) -> Quantity | None:
    s = m.start()
    if s and text[s - 1] in _BAD_BEFORE_CHARS:
        return None
    neg, n1, p1, n2, more1, mag, more2, unit, suf = m.group("neg", "n1", "p1", "n2", "m1", "mag", "m2", "unit", "suf")
    unit = unit or ""
    mag = mag or ""
    if p1 and not unit:
        unit = "%"
    if unit in ("%", "％"):
        if mag:
            return None
        unit = "%"
    elif unit:
        unit = mag + unit
    elif mag:
        unit = mag  # bare magnitude: kept only when a noun follows (114.3万农村贫困人口)
        noun_follows = _NOUN_NEXT.match(text, m.end()) and not _BAD_AFTER.match(text, m.end())
        if not noun_follows and not _LEVEL_BEFORE.search(text[max(0, s - 2):s]):
            return None
    if not unit:
        return None
    end = m.end()
    if not suf and _BAD_AFTER.match(text, end):
        return None  # 6个月, 3个大…: the unit word is the start of another word
    v1 = to_float(n1)
    if neg:
        if n2 or not _MINUS_AFTER.search(text[max(0, s - 2):s]):
            return None  # a dash that is not a minus sign
        v1 = -v1  # 出口增长-5.3%
    v2 = to_float(n2) if n2 else None
    if v2 is not None and v2 <= v1:
        return None  # 2020—2021, 5-01: a sequence or a code, not a range
    words = []
    comparator = "="
    # (the regex only when the character before could end a prefix word: it rarely does)
    pm = _PREFIX_RE.search(text[max(0, s - 3):s]) if s and text[s - 1] in _PREFIX_LAST_CHARS else None
    prefix_start = s
    if pm:
        word = pm.group(0)
        comparator = _PREFIX[word]
        prefix_start = s - len(word)
        words.append(word)
    more = more1 or more2
    if more:
        comparator = ">"
        words.append(more)
    if suf:
        if not (suf == "以上" and comparator == ">"):  # 超过…以上 stays ">"
            comparator = _SUFFIX[suf]
        words.append(suf)
    if v2 is not None:
        comparator = "between"
    return Quantity(s, end, v1, v2, unit, comparator, ";".join(words), prefix_start, unit == mag)


def is_known_unit(unit: str) -> bool:
    return unit in units()
