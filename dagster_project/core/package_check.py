"""Validate a written package with Frictionless and compare it with the sources folder."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless

from dagster_project.core.sources import SourceFile

MAX_ERRORS = 50


def frictionless_report(package_dir: Path, workers: int = 1, parallel_from: int | None = None) -> dict:
    """Structure, types, constraints, primary and foreign keys, declared bytes and hashes.

    With `workers` > 1 and a large package, the resources are validated in that many
    processes, each given the documents resource too (the target of every foreign key):
    the same checks on every resource, in a fraction of the time.
    """
    path = package_dir / "datapackage.json"
    if not path.is_file():
        return {"valid": False, "errors": [{"type": "missing-descriptor", "note": f"no {path}"}], "tasks": []}
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        groups = _resource_groups(descriptor, workers, PARALLEL_FROM_BYTES if parallel_from is None else parallel_from)
    except (OSError, ValueError, KeyError, TypeError):
        groups = []  # not a descriptor we can split: Frictionless reports what is wrong with it
    if len(groups) < 2:
        return report_dict(frictionless.validate(str(path)))
    from dagster_project.core.per_document import run_jobs

    parts = run_jobs(_validate_group, [(group, str(package_dir)) for group in groups], workers, min_jobs=2)
    return _merge_reports(parts, [r.get("name") for r in descriptor["resources"]])


PARALLEL_FROM_BYTES = 20_000_000  # below this, starting processes costs more than it saves


def _resource_groups(descriptor: dict, workers: int, parallel_from: int) -> list[dict]:
    """Descriptors of `workers` sub-packages, balanced by bytes; [] when not worth it."""
    resources = descriptor["resources"]
    if workers < 2 or sum(int(r.get("bytes") or 0) for r in resources) < parallel_from:
        return []
    target = next((r for r in resources if r.get("name") == "documents"), None)
    others = sorted((r for r in resources if r is not target), key=lambda r: -int(r.get("bytes") or 0))
    bins: list[list[dict]] = [[] for _ in range(workers)]
    for resource in others:  # largest first into the lightest group
        min(bins, key=lambda b: sum(int(r.get("bytes") or 0) for r in b)).append(resource)
    bins = [b for b in bins if b]
    if target is None or len(bins) < 2:
        return []
    # each group's first resource is the one it reports; documents is reported by the first
    return [descriptor | {"resources": ([target] if i == 0 else []) + b + ([] if i == 0 else [target])}
            for i, b in enumerate(bins)]  # fmt: skip


def _validate_group(job: tuple[dict, str]) -> dict:
    descriptor, basepath = job
    return report_dict(frictionless.Package(descriptor, basepath=basepath).validate())


def report_dict(report) -> dict:
    errors = [
        {"resource": task.name, "type": e.type, "row": getattr(e, "row_number", None),
         "field": getattr(e, "field_name", None), "note": e.note}
        for task in report.tasks for e in task.errors
    ][:MAX_ERRORS] + [{"resource": None, "type": e.type, "note": e.note} for e in report.errors][:MAX_ERRORS]  # fmt: skip
    tasks = [{"resource": t.name, "valid": t.valid, "rows": t.stats.get("rows")} for t in report.tasks]
    return {"valid": bool(report.valid), "errors": errors, "tasks": tasks}


def _merge_reports(parts: list[dict], order: list[str]) -> dict:
    """One report, in the descriptor's resource order, from the groups' reports. The
    documents resource, validated by every group, counts once (invalid if any group says so)."""
    tasks: dict[str, dict] = {}
    errors: list[dict] = []
    for part in parts:
        for task in part["tasks"]:
            seen = tasks.get(task["resource"])
            tasks[task["resource"]] = task if seen is None else seen | {"valid": seen["valid"] and task["valid"]}
        errors += [e for e in part["errors"] if e not in errors]
    rank = {name: i for i, name in enumerate(order)}
    errors.sort(key=lambda e: rank.get(e.get("resource"), len(order)))  # stable: row order kept
    return {
        "valid": all(p["valid"] for p in parts),
        "errors": errors[:MAX_ERRORS],
        "tasks": sorted(tasks.values(), key=lambda t: rank.get(t["resource"], len(order))),
    }


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

    from dagster_project.core.table_schemas import DTYPES, TABLES, load_table_schema

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
