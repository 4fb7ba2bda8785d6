"""The converter from Frictionless Table Schemas to Pandera keeps every constraint."""

import pandas as pd
import pytest

from dagster_project.core.table_schemas import TABLES, from_pandera, load_table_schema, to_frame, to_pandera


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
