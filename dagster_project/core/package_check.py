"""Validate a written package with Frictionless and compare it with the sources folder."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless

from dagster_project.core.sources import SourceFile

MAX_ERRORS = 50


def frictionless_report(package_dir: Path) -> dict:
    """Structure, types, constraints, primary and foreign keys, declared bytes and hashes."""
    descriptor = package_dir / "datapackage.json"
    if not descriptor.is_file():
        return {"valid": False, "errors": [{"type": "missing-descriptor", "note": f"no {descriptor}"}], "tasks": []}
    report = frictionless.validate(str(descriptor))
    errors = [
        {"resource": task.name, "type": e.type, "row": getattr(e, "row_number", None),
         "field": getattr(e, "field_name", None), "note": e.note}
        for task in report.tasks for e in task.errors
    ][:MAX_ERRORS] + [{"resource": None, "type": e.type, "note": e.note} for e in report.errors][:MAX_ERRORS]  # fmt: skip
    tasks = [{"resource": t.name, "valid": t.valid, "rows": t.stats.get("rows")} for t in report.tasks]
    return {"valid": bool(report.valid), "errors": errors, "tasks": tasks}


def source_mismatches(package_dir: Path, sources: list[SourceFile]) -> list[str]:
    """Differences between the sources the package was built from and the files now present."""
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    published = {s.get("path"): s.get("sha256") for s in descriptor.get("sources", [])}
    current = {s.source_path: s.sha256 for s in sources}
    problems = [f"{p}: not in the package (new file)" for p in sorted(set(current) - set(published))]
    problems += [f"{p}: in the package but no longer in the sources" for p in sorted(set(published) - set(current))]
    problems += [f"{p}: changed since publishing" for p in sorted(set(current) & set(published)) if current[p] != published[p]]
    return problems


def read_published(package_dir: Path) -> tuple[dict, dict[str, str], dict[str, int]]:
    """The published tables as typed frames, the texts they point into, and plan years."""
    import pandas as pd

    from dagster_project.core.table_schemas import TABLES, DTYPES, load_table_schema

    frames = {}
    for table in TABLES:
        path = package_dir / "data" / f"{table}.csv"
        if not path.is_file():
            continue
        descriptor = load_table_schema(table)
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        for f in descriptor["fields"]:
            col = raw[f["name"]] if f["name"] in raw else pd.Series([""] * len(raw))
            if f["type"] == "boolean":
                col = col.map({"true": True, "false": False, "": None})
            else:
                col = col.astype(object).where(col != "", None)  # an empty cell is missing
            raw[f["name"]] = col.astype(DTYPES.get(f["type"], "string"))
        frames[table] = raw
    docs = frames.get("documents")
    texts, plan_years = {}, {}
    if docs is not None:
        for row in docs.itertuples(index=False):
            text_file = package_dir / str(row.text_path) if isinstance(row.text_path, str) and row.text_path else None
            if text_file is not None and text_file.is_file():
                texts[row.doc_id] = text_file.read_text(encoding="utf-8")
            if not pd.isna(row.plan_year):
                plan_years[row.doc_id] = int(row.plan_year)
    return frames, texts, plan_years


def pandera_report(package_dir: Path) -> dict:
    """Every published table against its schema and cross-column rules."""
    from dagster_project.core.validation import schema_for, validate_frame

    frames, texts, plan_years = read_published(package_dir)
    return {table: validate_frame(table, frame, schema_for(table, texts, plan_years)).summary() for table, frame in frames.items()}


def revalidate(package_dir: Path) -> dict:
    """Both layers against a published package, without rebuilding it; plus whether its
    files agree with SHA256SUMS, its zip and (for Parquet) their CSV twins."""
    from dagster_project.core.bundle import bundle_problems

    frictionless_part = frictionless_report(package_dir)
    pandera_part = pandera_report(package_dir) if frictionless_part["tasks"] else {}
    files = bundle_problems(package_dir) if frictionless_part["tasks"] else []
    valid = frictionless_part["valid"] and all(s["rejected"] == 0 and not s["failed_checks"] for s in pandera_part.values())
    return {"valid": valid and not files, "frictionless": frictionless_part, "pandera": pandera_part, "files": files}
