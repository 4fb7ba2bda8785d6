"""Cross-column rules Frictionless cannot express (SPEC §6), as Pandera checks.

Each check is named, so a rejected row says which rule it broke.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

_DIGITS = re.compile(r"\d")
_SEPARATORS = re.compile(r"[,，\s]")
_CHINESE_NUMERAL = re.compile("[零一二三四五六七八九十百千万亿两半倍]")

# The row rules below run over plain column lists rather than `DataFrame.apply(axis=1)`,
# which builds a Series per row and took most of the validation time on large builds.


def _bools(values: list[bool], df: pd.DataFrame) -> pd.Series:
    return pd.Series(values, index=df.index, dtype=bool)


def _quote_matches_text(texts: dict[str, str], quote_column: str):
    def check(df: pd.DataFrame) -> pd.Series:
        def ok(doc_id, start, end, quote) -> bool:
            text = texts.get(doc_id)
            if text is None or pd.isna(start) or pd.isna(end) or pd.isna(quote):
                return False
            return text[int(start) : int(end)] == quote

        columns = (df["doc_id"].tolist(), df["char_start"].tolist(), df["char_end"].tolist(), df[quote_column].tolist())
        return _bools([ok(*row) for row in zip(*columns, strict=True)], df)

    return check


def _value_digits_in_quote(df: pd.DataFrame) -> pd.Series:
    """The leading significant digits of the value are written in the quote."""

    def ok(value, measure, quote) -> bool:
        if pd.isna(value):
            return not pd.isna(measure) and measure == "qualitative"
        digits = "".join(_DIGITS.findall(f"{abs(float(value)):.10g}"))
        quote = _SEPARATORS.sub("", str(quote))
        # 1.0 may be written 1; 0.5 may be written .5 or 半: compare the significant part
        core = digits.rstrip("0").lstrip("0") or "0"
        return core in "".join(_DIGITS.findall(quote)) or bool(_CHINESE_NUMERAL.search(quote))

    columns = (df["value"].tolist(), df["measure"].tolist(), df["quote"].tolist())
    return _bools([ok(*row) for row in zip(*columns, strict=True)], df)


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


def cross_column_checks(table: str, texts: dict[str, str], plan_years: dict[str, int]) -> list[pa.Check]:
    """The DataFrame-level rules of one table, given the texts the offsets point into."""
    if table in ("indicators", "targets"):
        checks = [
            pa.Check(_quote_matches_text(texts, "quote"), name="quote_matches_text"),
            pa.Check(_value_digits_in_quote, name="value_digits_in_quote"),
            pa.Check(_range_ordered, name="value_max_above_value_for_between"),
            pa.Check(_percent_plausible, name="percent_plausible"),
        ]
        if table == "targets":
            checks.append(pa.Check(_five_year_after_plan(plan_years), name="target_year_not_before_plan_year"))
        return checks
    if table == "glossary":
        return [pa.Check(_quote_matches_text(texts, "definition"), name="definition_matches_text")]
    if table == "projects":
        return [pa.Check(_quote_matches_text(texts, "quote"), name="quote_matches_text")]
    return []
