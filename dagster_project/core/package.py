"""Write the data package into a folder: CSV and Parquet tables, texts, descriptor, report (SPEC §4).

The descriptor is a Frictionless Data Package v2 descriptor. Every byte written here is a
function of the content and the version: no wall-clock time, no machine paths.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import uuid
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.core.parquet import parquet_bytes
from dagster_project.core.table_schemas import TABLES, load_table_schema

PACKAGE_NAME = "gwr-datapackage"
# Stable across versions: the id names the dataset, the version names the release.
PACKAGE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "gwr-datapackage:chinese-government-work-reports"))
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TITLE = "Chinese government work reports: indicators, targets, glossary and projects"
TITLE_ZH = "政府工作报告结构化数据：指标、目标、名词解释与项目"
DESCRIPTION_EN = (
    "Statistics reported (indicators), goals promised (targets), glossary entries and named projects "
    "extracted from Chinese government work reports (政府工作报告) and party congress reports, one table each, "
    "plus a documents table. Every row carries its document id and the exact character offsets of the "
    "passage it came from in the normalized text published beside the tables (texts/<doc_id>.txt)."
)
DESCRIPTION_ZH = (
    "从政府工作报告和党代会报告中提取的统计指标（已完成情况）、预期目标、名词解释和重点项目，"
    "每类一张表，另附文档表。每一行都记录所属文档编号以及原文片段在规范化文本（texts/<doc_id>.txt）中的精确字符位置。"
)
KEYWORDS = ["China", "government work report", "政府工作报告", "targets", "statistics", "provenance"]
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
CONTRIBUTORS = [{"title": "gwr-datapackage contributors", "roles": ["creator"]}]
CSV_MEDIATYPE = "text/csv"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"

TABLE_DESCRIPTIONS = {
    "documents": "One row per source document, with region, meeting, speaker, years and how it was read.",
    "indicators": "Reported statistics: what the report says happened, with the exact quote and offsets.",
    "targets": "Planned goals: what the report promises, with comparator, target year and exact quote.",
    "glossary": "Entries of the reports' glossaries (名词解释 / 名词注释).",
    "projects": "Named construction and development projects, one row per mention.",
}
TABLE_DESCRIPTIONS_ZH = {
    "documents": "文档表：每份报告一行，含地区、会议、报告人、年份及读取方式。",
    "indicators": "统计指标：报告所述已完成情况，附原文引文和字符位置。",
    "targets": "预期目标：报告提出的目标，附比较符、目标年份和原文引文。",
    "glossary": "名词解释：报告附录中的名词解释 / 名词注释条目。",
    "projects": "重点项目：报告提到的建设和发展项目，每次提及一行。",
}


@dataclass
class PackageContent:
    """Everything a package holds except what depends on its version (README, landing page …)."""

    tables: dict[str, pd.DataFrame]
    texts: dict[str, str]
    sources: list[dict]  # title, path, sha256, bytes per document
    report: dict  # the validation report before Frictionless has seen the written files


def format_cell(value) -> str:
    """One CSV cell: empty for missing, lowercase booleans, integral floats without `.0`."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def csv_bytes(frame: pd.DataFrame, columns: list[str]) -> bytes:
    """UTF-8 without BOM, header row, RFC 4180 quoting, `\\n` line ends; each cell is `format_cell`.

    Cells are formatted a column at a time (`format_column`) and rows joined directly: per
    cell calls took most of the package stage on large builds. Only cells holding a
    character that may need quoting go through csv.writer, so the quoting is the writer's own.
    """
    if len(columns) < 2:
        # csv.writer writes a row whose only cell is empty as `""`; leave that shape to it.
        return _csv_bytes_by_writer(frame[columns], columns)
    return ("\n".join([_csv_line(columns)[:-1], *_csv_records(frame, columns)]) + "\n").encode("utf-8")


def _csv_records(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """One CSV record per row (two or more columns), without its line end."""
    selected = frame[columns]
    cells = [_quote_where_needed(format_column(selected.iloc[:, i])) for i in range(len(columns))]
    return list(map(",".join, zip(*cells)))


def csv_by_document(frame: pd.DataFrame, columns: list[str]) -> tuple[bytes, tuple[int, ...]]:
    """`csv_bytes`, and the byte offsets that cut it into the header and one part per run
    of rows with the same doc_id (each document's rows, as the tables are sorted): the end
    of the header, the end of each part. Incremental validation (core/fragment_check.py)
    recognises a document's rows by these parts."""
    if len(columns) < 2 or "doc_id" not in frame:
        data = csv_bytes(frame, columns)
        return data, (len(data),)  # one part: the whole file
    records = _csv_records(frame, columns)
    doc_ids = frame["doc_id"].to_numpy(dtype=object, na_value=None)
    starts = [0, *(np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1).tolist()]
    chunks = [(_csv_line(columns)).encode("utf-8")]
    chunks += [
        ("\n".join(records[a:b]) + "\n").encode("utf-8") for a, b in zip(starts, [*starts[1:], len(records)]) if b > a
    ]
    bounds = tuple(np.cumsum([len(c) for c in chunks]).tolist())
    return b"".join(chunks), bounds


def format_column(series: pd.Series) -> list[str]:
    """`format_cell` of every value of a column, computed for the whole column where the dtype allows."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return series.to_numpy(dtype=object, na_value="").tolist()
    if pd.api.types.is_integer_dtype(dtype):
        # Python ints (str as format_cell) and "" where missing (str("") == "")
        return list(map(str, series.to_numpy(dtype=object, na_value="").tolist()))
    if pd.api.types.is_bool_dtype(dtype):
        text = np.where(series.to_numpy(dtype=bool, na_value=False), "true", "false")
        return np.where(series.isna().to_numpy(), "", text).tolist()
    if pd.api.types.is_float_dtype(dtype):
        return _format_floats(series.to_numpy(dtype=np.float64, na_value=np.nan))
    return [v if type(v) is str else format_cell(v) for v in series.astype(object).tolist()]


def _format_floats(values: np.ndarray) -> list[str]:
    """format_cell of floats: "" for NaN, integral values below 1e15 as integers, else `repr`."""
    with np.errstate(invalid="ignore"):
        integral = (values == np.floor(values)) & (np.abs(values) < 1e15)
    text = np.where(integral, values, 0).astype(np.int64).astype(str).astype(object)
    text[~integral] = ""
    fractional = ~integral & ~np.isnan(values)  # includes ±inf, whose repr is "inf"
    text[fractional] = [repr(v) for v in values[fractional].tolist()]
    return text.tolist()


# The characters for which csv.writer (this dialect) may quote a cell: the delimiter, the
# quote character and line breaks.
_QUOTE_TRIGGERS = (",", '"', "\r", "\n")
_TRIGGER_PATTERNS = [re.compile(re.escape(ch)) for ch in _QUOTE_TRIGGERS]


def _quote_where_needed(cells: list[str]) -> list[str]:
    """The cells as csv.writer writes them; it sees only cells holding a quote trigger.

    Few cells hold one, so the column is searched as one string and each hit mapped back to
    its cell by the cells' end offsets, instead of searching every cell on its own.
    """
    joined = "".join(cells)
    patterns = [p for ch, p in zip(_QUOTE_TRIGGERS, _TRIGGER_PATTERNS, strict=True) if ch in joined]
    if not patterns:
        return cells
    hits = [m.start() for p in patterns for m in p.finditer(joined)]
    ends = np.cumsum(np.fromiter(map(len, cells), dtype=np.int64, count=len(cells)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    out = list(cells)
    for i in np.unique(np.searchsorted(ends, hits, side="right")).tolist():
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([out[i]])
        out[i] = buffer.getvalue()[:-1]
    return out


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return buffer.getvalue()


def _csv_bytes_by_writer(frame: pd.DataFrame, columns: list[str]) -> bytes:
    """The same bytes, cell by cell through csv.writer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for record in frame[columns].astype(object).itertuples(index=False, name=None):
        writer.writerow([format_cell(v) for v in record])
    return buffer.getvalue().encode("utf-8")


def sort_rows(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by doc_id, then char_start (then id, so ties never depend on input order)."""
    keys = ["doc_id"] if table == "documents" else ["doc_id", "char_start", "char_end", "id"]
    if _in_order(frame, keys):  # as the tables are assembled; a stable sort would keep this order
        return frame.reset_index(drop=True)
    return frame.sort_values(keys, kind="mergesort", na_position="first").reset_index(drop=True)


def _in_order(frame: pd.DataFrame, keys: list[str]) -> bool:
    """Whether the rows are sorted by `keys`, missing values first; False where unsure (other dtypes)."""
    pending = np.ones(max(len(frame) - 1, 0), dtype=bool)  # row pairs equal on the keys so far
    for key in keys:
        column = frame[key]
        if isinstance(column.dtype, pd.StringDtype):
            values = column.to_numpy(dtype=object, na_value="")
        elif column.dtype == "Int64" or column.dtype == np.int64:
            values = column.to_numpy(dtype=np.int64, na_value=0)
        else:
            return False
        missing = column.isna().to_numpy()
        both = ~missing[:-1] & ~missing[1:]
        before = (missing[:-1] & ~missing[1:]) | (both & (values[:-1] < values[1:]))
        after = (~missing[:-1] & missing[1:]) | (both & (values[:-1] > values[1:]))
        if (pending & after).any():
            return False
        pending &= ~before
    return True


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def resource_schema(table: str, documents_resource: str = "documents") -> dict:
    """The Table Schema as published: the `schemas/` file, with its foreign key to documents."""
    schema = json.loads(json.dumps(load_table_schema(table)))
    if table != "documents":
        schema["foreignKeys"] = [
            {"fields": ["doc_id"], "reference": {"resource": documents_resource, "fields": ["doc_id"]}}
        ]
    return schema


def parquet_name(table: str) -> str:
    return f"{table}-parquet"


@dataclass(frozen=True)
class RenderedTables:
    """The bytes of every table file, before anything is written."""

    frames: dict[str, pd.DataFrame]  # sorted as written
    csv: dict[str, bytes]
    parquet: dict[str, bytes]
    schemas: dict[str, dict]
    csv_parts: dict[str, tuple[int, ...]]  # where each CSV's header and documents end (csv_by_document)

    @cached_property
    def hashes(self) -> dict[str, str]:
        """The sha256 of every file, by path: computed once, though descriptors are built twice."""
        files = {f"data/{t}.csv": d for t, d in self.csv.items()} | {
            f"data/{t}.parquet": d for t, d in self.parquet.items()
        }
        return {path: sha256(data) for path, data in files.items()}


def render_tables(content: PackageContent) -> RenderedTables:
    present = [t for t in TABLES if t in content.tables]
    frames, csvs, parquets, schemas, parts = {}, {}, {}, {}, {}
    for table in present:
        schema = resource_schema(table)
        frame = frames[table] = sort_rows(table, content.tables[table])
        csvs[table], parts[table] = csv_by_document(frame, [f["name"] for f in schema["fields"]])
        parquets[table] = parquet_bytes(frame, schema)
        schemas[table] = schema
    return RenderedTables(frames, csvs, parquets, schemas, parts)


def build_descriptor(rendered: RenderedTables, sources: list[dict], version: str) -> dict:
    """The datapackage.json content (Frictionless v2)."""
    resources = []
    for table, data in rendered.csv.items():
        resources.append({
            "name": table, "type": "table", "path": f"data/{table}.csv",
            "title": rendered.schemas[table].get("title", table),
            "description": f"{TABLE_DESCRIPTIONS[table]} {TABLE_DESCRIPTIONS_ZH[table]}",
            "format": "csv", "mediatype": CSV_MEDIATYPE, "encoding": "utf-8",
            "bytes": len(data), "hash": f"sha256:{rendered.hashes[f'data/{table}.csv']}", "schema": rendered.schemas[table],
        })  # fmt: skip
    for table, data in rendered.parquet.items():
        # Frictionless 5 cannot count the bytes of a Parquet file it parses, so the copies
        # are declared as files: it verifies their bytes and sha256, and the package checks
        # verify that they hold exactly the rows of the CSV.
        resources.append({
            "name": parquet_name(table), "type": "file", "path": f"data/{table}.parquet",
            "title": f"{rendered.schemas[table].get('title', table)} (Parquet)",
            "description": f"The rows of data/{table}.csv as Parquet, typed by the same schema, for DuckDB and pandas.",
            "format": "parquet", "mediatype": PARQUET_MEDIATYPE, "encoding": "utf-8",
            "bytes": len(data), "hash": f"sha256:{rendered.hashes[f'data/{table}.parquet']}",
            "schema": resource_schema(table, documents_resource=parquet_name("documents")),
        })  # fmt: skip
    return {
        "$schema": PACKAGE_PROFILE,
        "name": PACKAGE_NAME,
        "id": PACKAGE_ID,
        "title": TITLE,
        "description": f"{DESCRIPTION_EN}\n\n{TITLE_ZH}。{DESCRIPTION_ZH}",
        "version": version,
        "keywords": KEYWORDS,
        "licenses": [LICENSE],
        "contributors": CONTRIBUTORS,
        "sources": sources,
        "resources": resources,
    }


def write_package(target: Path, rendered: RenderedTables, content: PackageContent, descriptor: dict) -> None:
    """Write the tables, texts, descriptor and report into `target` (an empty folder)."""
    for table, data in rendered.csv.items():
        write_file(target / "data" / f"{table}.csv", data)
    for table, data in rendered.parquet.items():
        write_file(target / "data" / f"{table}.parquet", data)
    for doc_id, text in sorted(content.texts.items()):
        write_file(target / "texts" / f"{doc_id}.txt", text.encode("utf-8"))
    write_file(target / "datapackage.json", json_bytes(descriptor))
    write_file(target / "reports" / "validation.json", json_bytes(content.report))


def json_bytes(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
