"""Validate a table with Pandera: keep the rows that pass, list the ones that fail and why."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from dagster_project.core.rules import cross_column_checks
from dagster_project.core.table_schemas import load_table_schema, to_frame, to_pandera

SAMPLE_SIZE = 10


@dataclass
class TableValidation:
    """The outcome for one table: the kept frame and every rejection with its rule."""

    table: str
    kept: pd.DataFrame
    rejected: list[dict] = field(default_factory=list)
    table_errors: list[dict] = field(default_factory=list)  # failures not tied to a row

    @property
    def passed(self) -> bool:
        return not self.rejected and not self.table_errors

    def summary(self) -> dict:
        return {
            "table": self.table,
            "rows": len(self.kept),
            "rejected": len(self.rejected),
            "failed_checks": sorted({r["check"] for r in self.rejected + self.table_errors}),
            "sample": (self.rejected + self.table_errors)[:SAMPLE_SIZE],
        }


def schema_for(table: str, texts: dict[str, str], plan_years: dict[str, int]) -> pa.DataFrameSchema:
    return to_pandera(load_table_schema(table), cross_column_checks(table, texts, plan_years))


def validate_table(table: str, rows: list[dict], texts: dict[str, str], plan_years: dict[str, int]) -> TableValidation:
    """Check rows against the schema and cross-column rules; failing rows are left out."""
    frame = to_frame(rows, load_table_schema(table))
    return validate_frame(table, frame, schema_for(table, texts, plan_years))


def validate_frame(table: str, frame: pd.DataFrame, schema: pa.DataFrameSchema) -> TableValidation:
    try:
        schema.validate(frame, lazy=True)
        return TableValidation(table, frame)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    bad_index: dict[int, list[str]] = {}
    table_errors = []
    for case in cases.itertuples(index=False):
        check = str(case.check)
        if pd.isna(case.index):
            table_errors.append({"check": check, "column": _text(case.column), "failure": _text(case.failure_case)})
            continue
        # A DataFrame-level rule reports every column of a failing row: name the rule once.
        where = f" on {case.column}" if case.schema_context == "Column" else ""
        bad_index.setdefault(int(case.index), []).append(check + where)
    rejected = []
    for idx in sorted(bad_index):
        row = frame.loc[idx]
        rejected.append({
            "check": "; ".join(sorted(set(bad_index[idx]))),
            "id": _text(row.get("id", row.get("doc_id"))),
            "doc_id": _text(row.get("doc_id")),
            "quote": _text(row.get("quote", row.get("definition", ""))),
        })  # fmt: skip
    kept = frame.drop(index=list(bad_index)).reset_index(drop=True)
    return TableValidation(table, kept, rejected, table_errors)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
