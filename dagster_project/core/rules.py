"""Cross-column rules Frictionless cannot express (SPEC §6), as Pandera checks.

Each check is named, so a rejected row says which rule it broke.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa

_DIGITS = re.compile(r"\d")
_CHINESE_NUMERAL = re.compile("[零一二三四五六七八九十百千万亿两半倍]")

# The row rules below run over plain column lists rather than `DataFrame.apply(axis=1)`,
# which builds a Series per row and took most of the validation time on large builds; and
# which cells are missing is found once per column, not by `pd.isna` per cell.


def _bools(values: list[bool], df: pd.DataFrame) -> pd.Series:
    return pd.Series(values, index=df.index, dtype=bool)


def _missing(series: pd.Series) -> list:
    """`pd.isna` of every value of a column (a float NaN counts, as `pd.isna` counts it)."""
    if series.dtype == object:  # any Python value: ask pd.isna itself
        return [pd.isna(v) for v in series.tolist()]
    missing = series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_float_dtype(series.dtype):
        missing = missing | np.isnan(series.to_numpy(dtype=np.float64, na_value=np.nan))
    return missing.tolist()


def _quote_matches_text(texts: dict[str, str], quote_column: str):
    def check(df: pd.DataFrame) -> pd.Series:
        columns = ("char_start", "char_end", quote_column)
        gaps = zip(*(_missing(df[c]) for c in columns), strict=True)
        values = zip(df["doc_id"].tolist(), *(df[c].tolist() for c in columns), strict=True)
        ok = []
        for (doc_id, start, end, quote), (no_start, no_end, no_quote) in zip(values, gaps, strict=True):
            text = texts.get(doc_id)
            if text is None or no_start or no_end or no_quote:
                ok.append(False)
            else:
                ok.append(text[int(start) : int(end)] == quote)
        return _bools(ok, df)

    return check


def _value_digits_in_quote(df: pd.DataFrame) -> pd.Series:
    """The leading significant digits of the value are written in the quote."""
    cores: dict = {}  # value -> its significant digits; values repeat across rows

    def core_of(value) -> str:
        if (core := cores.get(value)) is None:
            digits = "".join(_DIGITS.findall(f"{abs(float(value)):.10g}"))
            # 1.0 may be written 1; 0.5 may be written .5 or 半: compare the significant part
            core = cores[value] = digits.rstrip("0").lstrip("0") or "0"
        return core

    ok = []
    columns = (df["value"].tolist(), _missing(df["value"]), df["measure"].tolist(), _missing(df["measure"]))
    for value, no_value, measure, no_measure, quote in zip(*columns, df["quote"].tolist(), strict=True):
        if no_value:
            ok.append(not no_measure and measure == "qualitative")
            continue
        # Separators (never digits, never numerals) need not be taken out of the quote first.
        quote = str(quote)
        ok.append(core_of(value) in "".join(_DIGITS.findall(quote)) or bool(_CHINESE_NUMERAL.search(quote)))
    return _bools(ok, df)


def _range_ordered(df: pd.DataFrame) -> pd.Series:
    between = (df["comparator"] == "between").fillna(False).astype(bool)
    ordered = (df["value_max"] > df["value"]).fillna(False).astype(bool)
    return ~between | ordered


def _percent_plausible(df: pd.DataFrame) -> pd.Series:
    """A share or rate in % lies within 0–100; a growth rate above −100%."""
    pct = df["unit"] == "%"
    ratio_ok = ~(pct & (df["measure"] == "ratio")) | df["value"].between(0, 100)
    growth_ok = ~(pct & (df["measure"] == "growth_rate")) | (df["value"] > -100)
    return (ratio_ok & growth_ok).fillna(True).astype(bool)


def _five_year_after_plan(plan_years: dict[str, int]):
    def check(df: pd.DataFrame) -> pd.Series:
        plan = df["doc_id"].map(plan_years)
        five = df["target_type"].isin(["five_year", "long_term"])
        return (~five | plan.isna() | df["target_year"].isna() | (df["target_year"] >= plan)).fillna(True).astype(bool)

    return check


def _all_missing(df: pd.DataFrame) -> pd.Series:
    """Rows whose every cell is missing; only a row whose first cell is missing can be one."""
    if df.shape[1] and not df.iloc[:, 0].isna().any():
        return pd.Series(False, index=df.index, dtype=bool)
    return df.isna().all(axis="columns")


def _rule(rule: Callable[[pd.DataFrame], pd.Series], name: str) -> pa.Check:
    """A DataFrame-level check that, like Pandera's default (`ignore_na`), passes a row whose
    every cell is missing. Pandera would find those rows by testing every cell of the frame
    for every rule; `_all_missing` looks at one column in the usual case."""

    def check(df: pd.DataFrame) -> pd.Series:
        return rule(df) | _all_missing(df)

    # With ignore_na off, Pandera also keeps a failing row's missing cells among its failure
    # cases; validation.py names each failing row's rules once, so the rejections are the same.
    return pa.Check(check, name=name, ignore_na=False)


def cross_column_checks(table: str, texts: dict[str, str], plan_years: dict[str, int]) -> list[pa.Check]:
    """The DataFrame-level rules of one table, given the texts the offsets point into."""
    if table in ("indicators", "targets"):
        checks = [
            _rule(_quote_matches_text(texts, "quote"), "quote_matches_text"),
            _rule(_value_digits_in_quote, "value_digits_in_quote"),
            _rule(_range_ordered, "value_max_above_value_for_between"),
            _rule(_percent_plausible, "percent_plausible"),
        ]
        if table == "targets":
            checks.append(_rule(_five_year_after_plan(plan_years), "target_year_not_before_plan_year"))
        return checks
    if table == "glossary":
        return [_rule(_quote_matches_text(texts, "definition"), "definition_matches_text")]
    if table == "projects":
        return [_rule(_quote_matches_text(texts, "quote"), "quote_matches_text")]
    return []
