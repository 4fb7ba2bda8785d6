"""Asset checks on the published package: Frictionless, Pandera, file integrity and
agreement with the sources.

They read the `published_package` report (the folder read back), so the `revalidate` job
runs them without rebuilding anything. The tables' Pandera checks are in table_checks.py.
"""

import dagster as dg

from dagster_project.core.inspection import source_drift
from dagster_project.core.sources import scan_sources
from dagster_project.defs.automation import REBUILD_WITHIN
from dagster_project.defs.resources import GwrSettings
from dagster_project.defs.table_checks import SAMPLE, SOFT_RULES, failure_table, rules


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
    hard = any(not rules({"check": c}) <= SOFT_RULES for s in failing.values() for c in s["failed_checks"])
    return dg.AssetCheckResult(
        passed=bool(report) and not failing,
        severity=dg.AssetCheckSeverity.ERROR if hard or not report else dg.AssetCheckSeverity.WARN,
        metadata={
            "rows": dg.MetadataValue.json({t: s["rows"] for t, s in report.items()}),
            "num_failures": sum(s["rejected"] for s in failing.values()),
            "failed_checks": dg.MetadataValue.json({t: s["failed_checks"] for t, s in failing.items()}),
            "first_failing_rows": dg.MetadataValue.json(samples),
            "first_failing_rows_table": failure_table(samples),
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


package_checks = [frictionless_valid, published_tables_pandera, package_files_intact, package_matches_sources]
