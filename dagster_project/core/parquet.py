"""Parquet copies of the tables, typed by the Table Schemas, written byte-for-byte reproducibly.

pandas' own metadata (which names the pandas version) is left out, so the bytes depend on
the rows, the schema and the pyarrow version only.
"""

from __future__ import annotations

import datetime
import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "year": pa.int64(),
}


def arrow_schema(schema: dict) -> pa.Schema:
    return pa.schema([pa.field(f["name"], ARROW_TYPES.get(f["type"], pa.string())) for f in schema["fields"]])


# Table Schema type -> the pandas dtype `table_schemas.to_frame` gives it; a column of that
# dtype is handed to Arrow as it is (values and missing mask), without a Python object per cell.
_NATIVE_DTYPES = {"string": "string", "integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


def _column(series: pd.Series, field: dict, arrow_type: pa.DataType) -> pa.Array:
    if series.dtype == _NATIVE_DTYPES.get(field["type"]):
        return pa.array(series.array, type=arrow_type)
    values = series.astype(object).where(series.notna(), None)
    if field["type"] == "date":
        values = [None if v is None or v == "" else _date(v, field["name"]) for v in values]
    elif field["type"] == "string":
        values = [None if v is None else str(v) for v in values]
    return pa.array(list(values), type=arrow_type)


def _date(value, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as err:
        raise ValueError(f"{name}: {value!r} is not an ISO date") from err


def parquet_bytes(frame: pd.DataFrame, schema: dict) -> bytes:
    """The frame's schema columns, in order, as one Parquet file (zstd, one row group)."""
    target = arrow_schema(schema)
    arrays = [_column(frame[f["name"]], f, target.field(f["name"]).type) for f in schema["fields"]]
    table = pa.Table.from_arrays(arrays, schema=target)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", compression_level=9, row_group_size=max(len(frame), 1))
    return buffer.getvalue()


def read_parquet_frame(data: bytes | str) -> pd.DataFrame:
    """A Parquet file as a frame of Python values (None for missing), for comparisons."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    table = pq.read_table(source)
    return pd.DataFrame(
        {name: table.column(name).to_pylist() for name in table.column_names}, columns=table.column_names
    )
