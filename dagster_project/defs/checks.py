"""Asset checks: Pandera on every table; Frictionless, Pandera, file integrity and source
agreement on the published package.

The package checks read the `published_package` report (the folder read back), so the
`revalidate` job runs them without rebuilding anything.
"""

import dagster as dg

from dagster_project.core.assemble import DocumentsTable
from dagster_project.core.extraction import ROW_TABLES
from dagster_project.core.inspection import source_drift
from dagster_project.core.sources import scan_sources
from dagster_project.core.validation import TableValidation, schema_for, validate_frame
from dagster_project.defs.automation import REBUILD_WITHIN
from dagster_project.defs.resources import GwrSettings

SAMPLE = 10
# Plausibility heuristics rather than facts about the data: a row failing only these is
# worth a look (WARN), not a broken table (ERROR).
SOFT_RULES = {"percent_plausible", "value_digits_in_quote"}


def _rules(failure: dict) -> set[str]:
    return {part.split(" on ")[0].strip() for part in str(failure.get("check", "")).split(";") if part.strip()}


def _failure_table(failures: list[dict]) -> dg.MetadataValue:
    if not failures:
        return dg.MetadataValue.md("no failing rows")
    columns = sorted({k for f in failures for k in f})
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for f in failures:
        lines.append(
            "| " + " | ".join(str(f.get(c, "")).replace("|", "\\|").replace("\n", " ")[:120] for c in columns) + " |"
        )
    return dg.MetadataValue.md("\n".join(lines))


def pandera_result(validation: TableValidation, recheck: TableValidation) -> dg.AssetCheckResult:
    """Fails when rows were left out at build time, or the kept rows fail now.

    ERROR when a kept row breaks a hard rule (the published table is wrong); WARN when rows
    were left out at build time (listed in the validation report) or only soft rules fail.
    """
    current = recheck.rejected + recheck.table_errors
    failures = validation.rejected + current
    hard_now = [f for f in current if not _rules(f) <= SOFT_RULES]
    return dg.AssetCheckResult(
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR if hard_now else dg.AssetCheckSeverity.WARN,
        metadata={
            "rows": len(validation.kept),
            "num_failures": len(failures),
            "rejected_at_build": len(validation.rejected),
            "failing_now": len(current),
            "failed_checks": dg.MetadataValue.json(sorted({r for f in failures for r in _rules(f)})),
            "first_failing_rows": dg.MetadataValue.json(failures[:SAMPLE]),
            "first_failing_rows_table": _failure_table(failures[:SAMPLE]),
        },
    )


@dg.asset_check(asset="documents_table", name="documents_pandera")
def documents_pandera(documents_table: DocumentsTable) -> dg.AssetCheckResult:
    """documents.csv rows against schemas/documents.json."""
    v = documents_table.validation
    recheck = validate_frame(
        "documents", v.kept, schema_for("documents", documents_table.texts, documents_table.plan_years)
    )
    return pandera_result(v, recheck)


def row_table_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=f"{table}_table",
        name=f"{table}_pandera",
        additional_ins={"documents": dg.AssetIn("documents_table")},
        description=f"{table} rows against schemas/{table}.json and the cross-column rules.",
    )
    def _check(rows: tuple[TableValidation, list[str]], documents: DocumentsTable) -> dg.AssetCheckResult:
        # `rows` is the checked asset itself: Dagster passes it to the one parameter not
        # named in additional_ins.
        validation, _ = rows
        recheck = validate_frame(table, validation.kept, schema_for(table, documents.texts, documents.plan_years))
        return pandera_result(validation, recheck)

    return _check


@dg.asset_check(asset="published_package", name="frictionless_valid")
def frictionless_valid(published_package: dict) -> dg.AssetCheckResult:
    """The published package passes `frictionless validate` (types, keys, declared bytes and sha256)."""
    report = published_package["frictionless"]
    return dg.AssetCheckResult(
        passed=report["valid"],
        metadata={
            "tasks": dg.MetadataValue.json(report["tasks"]),
            "num_errors": len(report["errors"]),
            "errors": dg.MetadataValue.json(report["errors"][:SAMPLE]),
        },
    )


@dg.asset_check(asset="published_package", name="published_tables_pandera")
def published_tables_pandera(published_package: dict) -> dg.AssetCheckResult:
    """The published CSVs still satisfy the Pandera schemas and cross-column rules."""
    report = published_package["pandera"]
    failing = {t: s for t, s in report.items() if s["rejected"] or s["failed_checks"]}
    samples = [dict(f, table=t) for t, s in failing.items() for f in s["sample"]][:SAMPLE]
    hard = any(not _rules({"check": c}) <= SOFT_RULES for s in failing.values() for c in s["failed_checks"])
    return dg.AssetCheckResult(
        passed=bool(report) and not failing,
        severity=dg.AssetCheckSeverity.ERROR if hard or not report else dg.AssetCheckSeverity.WARN,
        metadata={
            "rows": dg.MetadataValue.json({t: s["rows"] for t, s in report.items()}),
            "num_failures": sum(s["rejected"] for s in failing.values()),
            "failed_checks": dg.MetadataValue.json({t: s["failed_checks"] for t, s in failing.items()}),
            "first_failing_rows": dg.MetadataValue.json(samples),
            "first_failing_rows_table": _failure_table(samples),
        },
    )


@dg.asset_check(asset="published_package", name="package_files_intact")
def package_files_intact(published_package: dict) -> dg.AssetCheckResult:
    """Every file matches SHA256SUMS, the zip holds exactly the package, Parquet equals CSV."""
    problems = published_package["bundle_problems"]
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={"num_problems": len(problems), "problems": dg.MetadataValue.json(problems[:50])},
    )


@dg.asset_check(asset="published_package", name="package_matches_sources")
def package_matches_sources(published_package: dict, gwr: GwrSettings) -> dg.AssetCheckResult:
    """The package's source hashes equal the files now in the sources folder.

    A difference younger than the rebuild window (the sensor's build may still be on its
    way) is a WARN; an older one is an ERROR: the package should have been rebuilt.
    """
    drift = source_drift(
        published_package["sources"], scan_sources(gwr.sources_path, gwr.max_bytes), gwr.sources_path, REBUILD_WITHIN
    )
    overdue = [d for d in drift if d.overdue]
    return dg.AssetCheckResult(
        passed=not drift,
        severity=dg.AssetCheckSeverity.ERROR if overdue else dg.AssetCheckSeverity.WARN,
        metadata={
            "sources": len(published_package["sources"]),
            "num_mismatches": len(drift),
            "num_overdue": len(overdue),
            "rebuild_within_hours": REBUILD_WITHIN.total_seconds() / 3600,
            "mismatches": dg.MetadataValue.json([d.as_dict() for d in drift]),
        },
    )


table_checks = [documents_pandera, *[row_table_check(t) for t in ROW_TABLES]]
package_checks = [frictionless_valid, published_tables_pandera, package_files_intact, package_matches_sources]
