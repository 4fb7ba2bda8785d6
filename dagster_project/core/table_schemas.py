"""Frictionless Table Schemas in `schemas/` → pandas dtypes and Pandera DataFrameSchemas.

The JSON files are the one source of truth; this module only translates them. Pandera's
own importer pins frictionless 4 and drops keys, hence this small converter. Foreign keys
are left to Frictionless, which checks them across the written package.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
TABLES = ("documents", "indicators", "targets", "glossary", "projects")

# Nullable pandas dtypes, so a missing integer stays missing instead of becoming a float.
DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "string",
    "year": "Int64",
}


@lru_cache(maxsize=None)
def load_table_schema(name: str) -> dict:
    """The descriptor of `schemas/<name>.json`."""
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def field_names(descriptor: dict) -> list[str]:
    return [f["name"] for f in descriptor["fields"]]


def unique_keys(descriptor: dict) -> list[tuple[str, ...]]:
    """The field sets whose values a table may hold only once: its primary key and every
    field constrained unique."""
    keys = [tuple(descriptor.get("primaryKey") or ())]
    keys += [(f["name"],) for f in descriptor["fields"] if f.get("constraints", {}).get("unique")]
    return list(dict.fromkeys(k for k in keys if k))


def to_frame(rows: list[dict], descriptor: dict) -> pd.DataFrame:
    """Rows as a DataFrame with exactly the schema's columns, in order, with nullable dtypes."""
    names = field_names(descriptor)
    frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(columns=names)
    for f in descriptor["fields"]:
        # An empty CSV cell means missing (SPEC §4), so "" and None are the same value.
        col = frame[f["name"]].astype(object).where(frame[f["name"]] != "", None)
        frame[f["name"]] = col.astype(DTYPES.get(f["type"], "string"))
    return frame


def _column_checks(field: dict) -> list[pa.Check]:
    c = field.get("constraints", {})
    checks = []
    if "enum" in c:
        checks.append(pa.Check.isin(c["enum"]))
    if "pattern" in c:
        checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"]))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"]))
    if "minLength" in c or "maxLength" in c:
        checks.append(pa.Check.str_length(c.get("minLength"), c.get("maxLength")))
    if field["type"] == "date":
        checks.append(pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"))
    return checks


def to_pandera(descriptor: dict, extra_checks: list[pa.Check] | None = None) -> pa.DataFrameSchema:
    """A DataFrameSchema with the types, constraints and primary key of a Table Schema."""
    pk = descriptor.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    columns = {}
    for f in descriptor["fields"]:
        c = f.get("constraints", {})
        required = bool(c.get("required")) or f["name"] in pk
        columns[f["name"]] = pa.Column(
            DTYPES.get(f["type"], "string"),
            checks=_column_checks(f),
            nullable=not required,
            unique=bool(c.get("unique")) or pk == [f["name"]],
            title=f.get("title"),
            description=f.get("description"),
        )
    return pa.DataFrameSchema(
        columns,
        checks=extra_checks or [],
        unique=pk if len(pk) > 1 else None,
        strict=True,
        ordered=True,
        name=descriptor.get("title"),
    )


def from_pandera(schema: pa.DataFrameSchema) -> dict:
    """The Table Schema a DataFrameSchema stands for (for the round-trip test and docs)."""
    types = {v: k for k, v in reversed(list(DTYPES.items()))}
    fields = []
    for name, col in schema.columns.items():
        constraints: dict = {}
        for check in col.checks:
            stats = check.statistics
            if check.name == "isin":
                constraints["enum"] = list(stats["allowed_values"])
            elif check.name == "str_matches":
                pattern = stats["pattern"]
                pattern = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
                if pattern != r"^\d{4}-\d{2}-\d{2}$":
                    constraints["pattern"] = pattern[len("^(?:") : -len(")$")]
            elif check.name == "greater_than_or_equal_to":
                constraints["minimum"] = stats["min_value"]
            elif check.name == "less_than_or_equal_to":
                constraints["maximum"] = stats["max_value"]
            elif check.name == "str_length":
                for key, stat in (("minLength", "min_value"), ("maxLength", "max_value")):
                    if stats.get(stat) is not None:
                        constraints[key] = stats[stat]
        if not col.nullable:
            constraints["required"] = True
        if col.unique:
            constraints["unique"] = True
        is_date = any(c.name == "str_matches" and "\\d{4}-" in str(c.statistics["pattern"]) for c in col.checks)
        fields.append({"name": name, "type": "date" if is_date else types[str(col.dtype).split("[")[0]], "constraints": constraints})
    return {"fields": fields}
