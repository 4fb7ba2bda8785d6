"""Asset checks: Pandera on every table, Frictionless and source freshness on the package.

The package checks read the published folder, so the `revalidate` job can run them
without rebuilding anything.
"""


import dagster as dg

from dagster_project.core.assemble import DocumentsTable
from dagster_project.core.extraction import ROW_TABLES
from dagster_project.core.package_check import frictionless_report, pandera_report, source_mismatches
from dagster_project.core.sources import scan_sources
from dagster_project.core.validation import TableValidation, schema_for, validate_frame
from dagster_project.defs.resources import GwrSettings

SAMPLE = 10


def pandera_result(validation: TableValidation, recheck: TableValidation) -> dg.AssetCheckResult:
    """Fails (as a warning) when rows were left out at build time, or the kept rows fail now."""
    failures = validation.rejected + recheck.rejected + recheck.table_errors
    return dg.AssetCheckResult(
        passed=not failures,
        severity=dg.AssetCheckSeverity.WARN if recheck.passed else dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows": len(validation.kept),
            "num_failures": len(failures),
            "failed_checks": dg.MetadataValue.json(sorted({f["check"] for f in failures})),
            "first_failing_rows": dg.MetadataValue.json(failures[:SAMPLE]),
        },
    )


@dg.asset_check(asset="documents_table", name="documents_pandera")
def documents_pandera(documents_table: DocumentsTable) -> dg.AssetCheckResult:
    """documents.csv rows against schemas/documents.json."""
    v = documents_table.validation
    recheck = validate_frame("documents", v.kept, schema_for("documents", documents_table.texts, documents_table.plan_years))
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


@dg.asset_check(asset="data_package", name="frictionless_valid", blocking=True)
def frictionless_valid(gwr: GwrSettings) -> dg.AssetCheckResult:
    """The published package passes `frictionless validate` (keys, types, bytes, hashes)."""
    report = frictionless_report(gwr.out_path)
    return dg.AssetCheckResult(
        passed=report["valid"],
        metadata={"tasks": dg.MetadataValue.json(report["tasks"]), "errors": dg.MetadataValue.json(report["errors"][:SAMPLE])},
    )


@dg.asset_check(asset="data_package", name="published_tables_pandera")
def published_tables_pandera(gwr: GwrSettings) -> dg.AssetCheckResult:
    """The published CSVs still satisfy the Pandera schemas and cross-column rules."""
    report = pandera_report(gwr.out_path)
    failures = {t: s for t, s in report.items() if s["rejected"] or s["failed_checks"]}
    return dg.AssetCheckResult(
        passed=not failures,
        metadata={"rows": dg.MetadataValue.json({t: s["rows"] for t, s in report.items()}),
                  "failures": dg.MetadataValue.json(failures)},  # fmt: skip
    )


@dg.asset_check(asset="data_package", name="package_matches_sources")
def package_matches_sources(gwr: GwrSettings) -> dg.AssetCheckResult:
    """The package's source hashes equal the files now in the sources folder."""
    problems = source_mismatches(gwr.out_path, scan_sources(gwr.sources_path, gwr.max_bytes))
    return dg.AssetCheckResult(passed=not problems, metadata={"mismatches": dg.MetadataValue.json(problems)})


table_checks = [documents_pandera, *[row_table_check(t) for t in ROW_TABLES]]
package_checks = [frictionless_valid, published_tables_pandera, package_matches_sources]
