"""The converter from Frictionless Table Schemas to Pandera keeps every constraint."""

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.core.table_schemas import TABLES, from_pandera, load_table_schema, to_frame, to_pandera
from dagster_project.core.validation import schema_for, validate_frame


def constraints_of(descriptor: dict) -> dict:
    pk = descriptor.get("primaryKey", [])
    out = {}
    for f in descriptor["fields"]:
        c = dict(f.get("constraints", {}))
        if f["name"] in pk:
            c["required"] = True
            if len(pk) == 1:
                c["unique"] = True
        out[f["name"]] = (f["type"], c)
    return out


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_keeps_types_and_constraints(table):
    descriptor = load_table_schema(table)
    back = from_pandera(to_pandera(descriptor))
    assert constraints_of(back) == constraints_of(descriptor)


def test_pandera_rejects_what_the_schema_forbids():
    descriptor = load_table_schema("documents")
    good = {f["name"]: None for f in descriptor["fields"]}
    good.update(doc_id="a", source_path="a.txt", sha256="0" * 64, bytes=3, status="ok", encoding="utf-8")
    bad = dict(good, doc_id="a", status="weird", sha256="xyz", bytes=-1, encoding="latin-1")
    frame = to_frame([good, bad], descriptor)
    with pytest.raises(Exception) as err:
        to_pandera(descriptor).validate(frame, lazy=True)
    failed = set(err.value.failure_cases["check"].astype(str))
    assert any(c.startswith("isin") for c in failed)
    assert any(c.startswith("str_matches") for c in failed)
    assert any(c.startswith("greater_than_or_equal_to") for c in failed)
    assert "field_uniqueness" in failed  # doc_id is the primary key


def test_to_frame_uses_nullable_types():
    frame = to_frame([{"doc_id": "a", "bytes": None}], load_table_schema("documents"))
    assert str(frame["bytes"].dtype) == "Int64"
    assert pd.isna(frame.loc[0, "bytes"])
    assert list(frame.columns)[0] == "doc_id"


# --- The cross-column rules against the row-by-row versions they replaced -------------------

_TEXTS = {"d1": "GDP增长6.5%左右，粮食产量一千二百万吨，高铁建设项目开工", "d2": "增长0.5个百分点"}


def _reference_checks(table: str, texts: dict, plan_years: dict) -> list[pa.Check]:
    """The rules as first written: pd.isna per cell, Pandera's own handling of missing rows."""
    import re

    digit, separators = re.compile(r"\d"), re.compile(r"[,，\s]")
    numeral = re.compile("[零一二三四五六七八九十百千万亿两半倍]")

    def matches(column):
        def check(df):
            def ok(doc_id, start, end, quote):
                text = texts.get(doc_id)
                if text is None or pd.isna(start) or pd.isna(end) or pd.isna(quote):
                    return False
                return text[int(start) : int(end)] == quote

            cols = (df["doc_id"].tolist(), df["char_start"].tolist(), df["char_end"].tolist(), df[column].tolist())
            return pd.Series([ok(*r) for r in zip(*cols)], index=df.index, dtype=bool)

        return check

    def digits_in_quote(df):
        def ok(value, measure, quote):
            if pd.isna(value):
                return not pd.isna(measure) and measure == "qualitative"
            digits = "".join(digit.findall(f"{abs(float(value)):.10g}"))
            quote = separators.sub("", str(quote))
            core = digits.rstrip("0").lstrip("0") or "0"
            return core in "".join(digit.findall(quote)) or bool(numeral.search(quote))

        cols = (df["value"].tolist(), df["measure"].tolist(), df["quote"].tolist())
        return pd.Series([ok(*r) for r in zip(*cols)], index=df.index, dtype=bool)

    def range_ordered(df):
        between = (df["comparator"] == "between").fillna(False).astype(bool)
        return ~between | (df["value_max"] > df["value"]).fillna(False).astype(bool)

    def percent(df):
        pct = df["unit"] == "%"
        ratio_ok = ~(pct & (df["measure"] == "ratio")) | df["value"].between(0, 100)
        growth_ok = ~(pct & (df["measure"] == "growth_rate")) | (df["value"] > -100)
        return (ratio_ok & growth_ok).fillna(True).astype(bool)

    def after_plan(df):
        plan = df["doc_id"].map(plan_years)
        five = df["target_type"].isin(["five_year", "long_term"])
        return (~five | plan.isna() | df["target_year"].isna() | (df["target_year"] >= plan)).fillna(True).astype(bool)

    if table in ("indicators", "targets"):
        checks = [
            pa.Check(matches("quote"), name="quote_matches_text"),
            pa.Check(digits_in_quote, name="value_digits_in_quote"),
            pa.Check(range_ordered, name="value_max_above_value_for_between"),
            pa.Check(percent, name="percent_plausible"),
        ]
        if table == "targets":
            checks.append(pa.Check(after_plan, name="target_year_not_before_plan_year"))
        return checks
    column = "definition" if table == "glossary" else "quote"
    name = "definition_matches_text" if table == "glossary" else "quote_matches_text"
    return [pa.Check(matches(column), name=name)]


_SPANS = [("d1", 3, 10, "增长6.5%左右"), ("d1", 0, 3, "GDP"), ("d2", 0, 8, "增长0.5个百分点"), ("d1", 12, 17, "一千二百万"),
          ("d3", 0, 2, "xx"), ("d1", 5, 2, ""), ("d1", 0, 99, "GDP")]  # fmt: skip
_NUMBERS = [None, 6.5, 0.5, -150.0, 150.0, 1200.0, 0.0, 1e20, 7.0, 65.0]
_WORDS = [
    None,
    "",
    "%",
    "ratio",
    "growth_rate",
    "level",
    "qualitative",
    "between",
    "=",
    "main",
    "five_year",
    "long_term",
]


@st.composite
def rule_rows(draw, table: str):
    descriptor = load_table_schema(table)
    rows = []
    for i in range(draw(st.integers(0, 30))):
        doc_id, start, end, quote = draw(st.sampled_from(_SPANS))
        row = {f["name"]: None for f in descriptor["fields"]}
        if draw(st.integers(0, 7)) == 0:  # a row with every cell missing
            rows.append(row)
            continue
        row.update(id=f"r{i}", doc_id=doc_id, char_start=start, char_end=end)
        for f in descriptor["fields"]:
            name = f["name"]
            if name in ("quote", "definition"):
                row[name] = draw(st.sampled_from([quote, quote, None, "GDP", "增长七成"]))
            elif f["type"] == "number":
                row[name] = draw(st.sampled_from(_NUMBERS))
            elif name in ("target_year", "period") and f["type"] == "integer":
                row[name] = draw(st.sampled_from([None, 2015, 2020, 2035]))
            elif f["type"] == "string" and row[name] is None and name not in ("id", "doc_id"):
                row[name] = draw(st.sampled_from(_WORDS))
        for name in ("char_start", "char_end", "doc_id", "id"):
            if draw(st.integers(0, 9)) == 0:
                row[name] = None
        rows.append(row)
    return rows


@pytest.mark.parametrize("table", ["indicators", "targets", "glossary", "projects"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rules_reject_the_rows_the_row_by_row_rules_rejected(table, data):
    descriptor = load_table_schema(table)
    frame = to_frame(data.draw(rule_rows(table)), descriptor)
    if len(frame) and "value" in frame and data.draw(st.booleans()):
        # a NaN pandas does not mark as missing (as arithmetic leaves it), which pd.isna counts
        values = frame["value"].to_numpy(dtype=float, na_value=np.nan)
        values[0] = np.nan
        frame["value"] = pd.arrays.FloatingArray(values, np.isnan(values) & frame["value"].isna().to_numpy())
    plan_years = {"d1": 2021, "d2": 2016}
    new = validate_frame(table, frame, schema_for(table, _TEXTS, plan_years))
    old = validate_frame(table, frame, to_pandera(descriptor, _reference_checks(table, _TEXTS, plan_years)))
    assert new.rejected == old.rejected
    assert new.table_errors == old.table_errors
    pd.testing.assert_frame_equal(new.kept, old.kept)


def test_unique_keys_are_the_primary_key_and_each_unique_field_once():
    from dagster_project.core.table_schemas import unique_keys

    descriptor = {
        "primaryKey": ["a", "b"],
        "fields": [
            {"name": "a", "constraints": {"unique": True}},
            {"name": "b"},
            {"name": "c", "constraints": {"required": True}},
        ],
    }
    assert unique_keys(descriptor) == [("a", "b"), ("a",)]
    assert unique_keys({"primaryKey": ["a"], "fields": [{"name": "a", "constraints": {"unique": True}}]}) == [("a",)]
    assert unique_keys({"fields": [{"name": "a"}]}) == []
