"""Cross-column rules Frictionless cannot express (SPEC §6), as Pandera checks.

Each check is named, so a rejected row says which rule it broke.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

_DIGITS = re.compile(r"\d")


def _quote_matches_text(texts: dict[str, str], quote_column: str):
    def check(df: pd.DataFrame) -> pd.Series:
        def ok(row) -> bool:
            text = texts.get(row["doc_id"])
            if text is None or pd.isna(row["char_start"]) or pd.isna(row["char_end"]):
                return False
            return text[int(row["char_start"]) : int(row["char_end"])] == row[quote_column]

        return df.apply(ok, axis=1).astype(bool) if len(df) else pd.Series([], dtype=bool)

    return check


def _value_digits_in_quote(df: pd.DataFrame) -> pd.Series:
    """The leading significant digits of the value are written in the quote."""

    def ok(row) -> bool:
        if pd.isna(row["value"]):
            return row["measure"] == "qualitative"
        digits = "".join(_DIGITS.findall(f"{abs(float(row['value'])):.10g}"))
        quote = re.sub(r"[,，\s]", "", str(row["quote"]))
        # 1.0 may be written 1; 0.5 may be written .5 or 半: compare the significant part
        core = digits.rstrip("0").lstrip("0") or "0"
        return core in "".join(_DIGITS.findall(quote)) or bool(re.search("[零一二三四五六七八九十百千万亿两半倍]", quote))

    return df.apply(ok, axis=1).astype(bool) if len(df) else pd.Series([], dtype=bool)


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
