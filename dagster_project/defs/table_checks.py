"""The Pandera check of every table asset: the validation that made the table, returned
with its materialization (declared as a check spec on the asset, yielded by it)."""

import dagster as dg

from dagster_project.core.validation import TableValidation

SAMPLE = 10
# Plausibility heuristics rather than facts about the data: a row failing only these is
# worth a look (WARN), not a broken table (ERROR).
SOFT_RULES = {"percent_plausible", "value_digits_in_quote"}


def rules(failure: dict) -> set[str]:
    return {part.split(" on ")[0].strip() for part in str(failure.get("check", "")).split(";") if part.strip()}


def failure_table(failures: list[dict]) -> dg.MetadataValue:
    if not failures:
        return dg.MetadataValue.md("no failing rows")
    columns = sorted({k for f in failures for k in f})
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for f in failures:
        lines.append(
            "| " + " | ".join(str(f.get(c, "")).replace("|", "\\|").replace("\n", " ")[:120] for c in columns) + " |"
        )
    return dg.MetadataValue.md("\n".join(lines))


def pandera_check_name(table: str) -> str:
    return f"{table}_pandera"


def pandera_result(table: str, validation: TableValidation) -> dg.AssetCheckResult:
    """The Pandera outcome of a table asset, returned with its materialization.

    Rows failing a rule are left out of the table, so they make a WARN (the published
    table is sound, but rows are missing: listed in the validation report); a failure not
    tied to a row (the kept table itself is wrong) is an ERROR.
    """
    failures = validation.rejected + validation.table_errors
    return dg.AssetCheckResult(
        asset_key=f"{table}_table",
        check_name=pandera_check_name(table),
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR if validation.table_errors else dg.AssetCheckSeverity.WARN,
        metadata={
            "rows": len(validation.kept),
            "num_failures": len(failures),
            "rejected_rows": len(validation.rejected),
            "table_errors": len(validation.table_errors),
            "failed_checks": dg.MetadataValue.json(sorted({r for f in failures for r in rules(f)})),
            "soft_rules_only": all(rules(f) <= SOFT_RULES for f in failures),
            "first_failing_rows": dg.MetadataValue.json(failures[:SAMPLE]),
            "first_failing_rows_table": failure_table(failures[:SAMPLE]),
        },
    )


def pandera_check_spec(table: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        pandera_check_name(table),
        asset=f"{table}_table",
        description=f"{table} rows against schemas/{table}.json and the cross-column rules.",
    )
