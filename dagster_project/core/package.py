"""Write the data package into a folder: CSV tables, texts, descriptor, report (SPEC §4)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dagster_project.core.table_schemas import TABLES, load_table_schema

PACKAGE_NAME = "gwr-datapackage"
PACKAGE_VERSION = "0.1.0"
TITLE = "Chinese government work reports: indicators, targets, glossary and projects"
TITLE_ZH = "政府工作报告结构化数据：指标、目标、名词解释与项目"
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}

TABLE_DESCRIPTIONS = {
    "documents": "One row per source document, with region, meeting, speaker, years and how it was read.",
    "indicators": "Reported statistics: what the report says happened, with the exact quote and offsets.",
    "targets": "Planned goals: what the report promises, with comparator, target year and exact quote.",
    "glossary": "Entries of the reports' glossaries (名词解释 / 名词注释).",
    "projects": "Named construction and development projects, one row per mention.",
}


@dataclass
class PackageContent:
    """Everything a package holds, already validated and sorted by the caller's rules."""

    tables: dict[str, pd.DataFrame]
    texts: dict[str, str]
    sources: list[dict]  # title, path, sha256, bytes per document
    report: dict
    version: str = PACKAGE_VERSION
    extra_files: dict[str, bytes] = field(default_factory=dict)  # README.md, index.html …


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
    """UTF-8 without BOM, header row, RFC 4180 quoting, `\\n` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for record in frame[columns].astype(object).itertuples(index=False, name=None):
        writer.writerow([format_cell(v) for v in record])
    return buffer.getvalue().encode("utf-8")


def sort_rows(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by doc_id, then char_start (then id, so ties never depend on input order)."""
    keys = ["doc_id"] if table == "documents" else ["doc_id", "char_start", "char_end", "id"]
    return frame.sort_values(keys, kind="mergesort", na_position="first").reset_index(drop=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def resource_schema(table: str) -> dict:
    """The Table Schema as published: the `schemas/` file, plus foreign keys to documents."""
    schema = json.loads(json.dumps(load_table_schema(table)))
    if table != "documents":
        schema.setdefault("foreignKeys", [{"fields": ["doc_id"], "reference": {"resource": "documents", "fields": ["doc_id"]}}])
    return schema


def write_package(target: Path, content: PackageContent) -> dict:
    """Write every file of the package into `target` (an empty folder); return the descriptor."""
    resources = []
    present = [t for t in TABLES if t in content.tables]
    for table in present:
        schema = resource_schema(table)
        columns = [f["name"] for f in schema["fields"]]
        data = csv_bytes(sort_rows(table, content.tables[table]), columns)
        _write(target / "data" / f"{table}.csv", data)
        resources.append({
            "name": table, "path": f"data/{table}.csv", "profile": "tabular-data-resource",
            "title": schema.get("title", table), "description": TABLE_DESCRIPTIONS[table],
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": len(data), "hash": f"sha256:{sha256(data)}", "schema": schema,
        })  # fmt: skip
    for doc_id, text in sorted(content.texts.items()):
        _write(target / "texts" / f"{doc_id}.txt", text.encode("utf-8"))
    descriptor = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": TITLE,
        "description": f"{TITLE_ZH}. Every row points back to the exact characters of its source text.",
        "version": content.version,
        "licenses": [LICENSE],
        "contributors": [{"title": "gwr-datapackage contributors", "role": "author"}],
        "sources": content.sources,
        "resources": resources,
    }
    _write(target / "datapackage.json", _json_bytes(descriptor))
    _write(target / "reports" / "validation.json", _json_bytes(content.report))
    for rel, data in sorted(content.extra_files.items()):
        _write(target / rel, data)
    return descriptor


def _json_bytes(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
