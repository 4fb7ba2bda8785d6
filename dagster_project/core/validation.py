"""Validate a table with Pandera: keep the rows that pass, list the ones that fail and why."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pandera.pandas as pa

from dagster_project.core.rules import cross_column_checks
from dagster_project.core.table_schemas import load_table_schema, to_frame, to_pandera, unique_keys

SAMPLE_SIZE = 10


@dataclass
class TableValidation:
    """The outcome for one table: the kept frame and every rejection with its rule."""

    table: str
    kept: pd.DataFrame
    rejected: list[dict] = field(default_factory=list)
    table_errors: list[dict] = field(default_factory=list)  # failures not tied to a row
    # per document, what its rows were made from (validate_by_document reuses their outcome)
    inputs: dict[str, str] = field(default_factory=dict)

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


def validate_by_document(
    table: str,
    rows_by_document: list[tuple[str, list[dict]]],
    texts: dict[str, str],
    plan_years: dict[str, int],
    inputs: dict[str, str],
    previous: TableValidation | None = None,
) -> TableValidation:
    """`validate_table` of every document's rows, in this order; a document whose rows
    `previous` validated from the same inputs keeps its outcome there instead.

    Every rule is about one row and its own document, except uniqueness: when a key is
    missing or found twice among all the rows, or anything else does not add up, all rows
    are validated again, so the outcome is always the one validating all rows gives.
    """
    old = getattr(previous, "inputs", None) or {}
    reused = {doc for doc, _ in rows_by_document if doc in old and old[doc] == inputs.get(doc)}
    unique = _keys_unique(table, rows_by_document)
    if previous is not None and reused and unique:
        fresh_rows = [row for doc, rows in rows_by_document if doc not in reused for row in rows]
        combined = _combine(previous, reused, validate_table(table, fresh_rows, texts, plan_years), rows_by_document)
        if combined is not None:
            return replace(combined, inputs=dict(inputs))
    all_rows = [row for _, rows in rows_by_document for row in rows]
    # With a key missing or repeated, a document's outcome depends on other documents'
    # rows (both rows of a repeated key are rejected): nothing of it may be reused.
    return replace(validate_table(table, all_rows, texts, plan_years), inputs=dict(inputs) if unique else {})


def _keys_unique(table: str, rows_by_document: list[tuple[str, list[dict]]]) -> bool:
    """Every row names its own document, and no key (primary key, unique field) is missing
    or repeated across all rows."""
    if any(row.get("doc_id") != doc for doc, rows in rows_by_document for row in rows):
        return False
    for fields in unique_keys(load_table_schema(table)):
        columns = [[row.get(f) for _, rows in rows_by_document for row in rows] for f in fields]
        # a key cell that is missing (None, NaN, pd.NA, "") or of another type: no shortcut
        if not all(type(v) is int or (type(v) is str and v) for column in columns for v in column):
            return False
        values = columns[0] if len(fields) == 1 else list(zip(*columns, strict=True))
        if len(set(values)) != len(values):
            return False
    return True


def _combine(
    previous: TableValidation, reused: set[str], fresh: TableValidation, rows_by_document: list[tuple[str, list[dict]]]
) -> TableValidation | None:
    """The reused documents' outcome from `previous` and the rest from `fresh`, in document order."""
    if previous.table_errors or fresh.table_errors:
        return None
    kept_before = previous.kept[previous.kept["doc_id"].isin(reused)]
    rejected_before = [r for r in previous.rejected if r["doc_id"] in reused]
    if len(kept_before) + len(rejected_before) != sum(len(rows) for doc, rows in rows_by_document if doc in reused):
        return None  # not the rows validated before
    position = {doc: i for i, (doc, _) in enumerate(rows_by_document)}
    kept = pd.concat([kept_before, fresh.kept], ignore_index=True)
    order = np.argsort(kept["doc_id"].map(position).to_numpy(dtype=np.int64), kind="stable")
    rejected = sorted(rejected_before + fresh.rejected, key=lambda r: position[r["doc_id"]])  # stable
    return TableValidation(fresh.table, kept.iloc[order].reset_index(drop=True), rejected)


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
