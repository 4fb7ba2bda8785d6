"""The package checks, run by the `revalidate` job in-process against a published package,
the Pandera check severities, the daily schedule and the freshness policy."""

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from dagster_project.core.validation import TableValidation
from dagster_project.definitions import build_definitions
from dagster_project.defs.automation import REBUILD_WITHIN, daily_revalidation
from dagster_project.defs.resources import GwrSettings
from dagster_project.defs.table_checks import pandera_result
from tests.built_package import built_package, copy_package
from tests.conftest import SEEDS

PACKAGE_CHECKS = {"frictionless_valid", "published_tables_pandera", "package_files_intact", "package_matches_sources"}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return built_package(tmp_path_factory)


def revalidate(out: Path, sources: Path = SEEDS) -> tuple[dict[str, dg.AssetCheckEvaluation], list[str]]:
    defs = build_definitions(GwrSettings(sources_dir=str(sources), out_dir=str(out)))
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("revalidate").execute_in_process(instance=instance)
        assert result.success
        checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
        materialized = sorted(e.asset_key.to_user_string() for e in result.get_asset_materialization_events())
    return checks, materialized


def test_revalidate_runs_every_package_check_without_rebuilding(package, capsys):
    checks, materialized = revalidate(package)
    with capsys.disabled():
        print("\nrevalidate job against", package)
        for name in sorted(checks):
            print(f"  {name}: {'passed' if checks[name].passed else 'FAILED'}")
    assert set(checks) == PACKAGE_CHECKS
    assert all(c.passed for c in checks.values()), {n: c.metadata for n, c in checks.items() if not c.passed}
    assert materialized == ["published_package"]  # the package is read back, not rebuilt


def test_revalidate_catches_a_tampered_package(package, tmp_path):
    out = copy_package(package, tmp_path / "out")
    path = out / "data" / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("growth_rate", "growth", 1), encoding="utf-8")
    checks, _ = revalidate(out)
    assert not checks["frictionless_valid"].passed
    assert not checks["package_files_intact"].passed
    assert not checks["published_tables_pandera"].passed
    assert checks["published_tables_pandera"].metadata["num_failures"].value >= 1
    assert checks["package_matches_sources"].passed


def test_a_missing_package_fails_every_check(tmp_path):
    checks, _ = revalidate(tmp_path / "nothing-here")
    assert {n for n, c in checks.items() if not c.passed} == PACKAGE_CHECKS
    assert checks["package_matches_sources"].metadata["num_mismatches"].value == len(list(SEEDS.glob("*.txt")))


def test_changed_sources_warn_first_and_fail_once_the_rebuild_is_overdue(package, tmp_path):
    sources = tmp_path / "seeds"
    shutil.copytree(SEEDS, sources)
    changed = sorted(sources.glob("*.txt"))[0]
    changed.write_bytes(changed.read_bytes() + "\n补充。".encode())
    checks, _ = revalidate(package, sources)
    fresh = checks["package_matches_sources"]
    assert not fresh.passed and fresh.severity == dg.AssetCheckSeverity.WARN
    assert fresh.metadata["num_mismatches"].value == 1

    old = time.time() - REBUILD_WITHIN.total_seconds() - 3600
    os.utime(changed, (old, old))
    checks, _ = revalidate(package, sources)
    overdue = checks["package_matches_sources"]
    assert not overdue.passed and overdue.severity == dg.AssetCheckSeverity.ERROR
    assert overdue.metadata["num_overdue"].value == 1


def validation(rejected=(), table_errors=()) -> TableValidation:
    return TableValidation("t", pd.DataFrame({"id": ["a"]}), list(rejected), list(table_errors))


def test_pandera_check_severities():
    clean = pandera_result("t", validation())
    assert clean.passed and clean.check_name == "t_pandera"
    row = {"id": "a", "doc_id": "d", "quote": "q"}
    # rows failing a rule were left out: the table is sound but incomplete
    left_out = pandera_result("t", validation(rejected=[dict(row, check="isin(['a']) on measure; percent_plausible")]))
    assert not left_out.passed and left_out.severity == dg.AssetCheckSeverity.WARN
    assert left_out.metadata["num_failures"].value == 1 and not left_out.metadata["soft_rules_only"].value
    assert left_out.metadata["first_failing_rows"].value[0]["id"] == "a"
    soft = pandera_result("t", validation(rejected=[dict(row, check="percent_plausible; value_digits_in_quote")]))
    assert soft.metadata["soft_rules_only"].value
    # a failure not tied to a row: the kept table itself is wrong
    broken = pandera_result("t", validation(table_errors=[{"check": "column_in_schema", "column": "x", "failure": "x"}]))
    assert not broken.passed and broken.severity == dg.AssetCheckSeverity.ERROR


def test_daily_schedule_launches_the_revalidate_job():
    defs = build_definitions()
    with dg.instance_for_test() as instance:
        when = dt.datetime(2026, 3, 4, 19, tzinfo=dt.UTC)
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=when, repository_def=defs.get_repository_def()
        )
        tick = daily_revalidation.evaluate_tick(context)
    (request,) = tick.run_requests
    assert request.run_key == "2026-03-04"
    assert daily_revalidation.job_name == "revalidate"


def test_freshness_policy_tolerates_the_daily_schedule_and_nothing_more():
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    policy = graph.get(dg.AssetKey("published_package")).freshness_policy
    minute, hour, *every = daily_revalidation.cron_schedule.split()
    assert minute.isdigit() and hour.isdigit() and every == ["*", "*", "*"]  # once a day
    interval = dt.timedelta(days=1)
    warn, fail = policy.warn_window.to_timedelta(), policy.fail_window.to_timedelta()
    assert interval < warn <= fail <= 2 * interval + dt.timedelta(hours=1)
    # The revalidate job (the schedule's) is what refreshes it; a build does not.
    assert {k.to_user_string() for k in defs.resolve_job_def("revalidate").asset_layer.executable_asset_keys} == {
        "published_package"
    }


def test_parallel_frictionless_report_equals_the_sequential_one(package, tmp_path):
    """Validating resources in two processes (each with the documents resource, the target
    of every foreign key) reports what one Frictionless run over the package reports."""
    from dagster_project.core.package_check import frictionless_report

    intact = frictionless_report(package)
    assert intact["valid"] and frictionless_report(package, workers=2, parallel_from=0) == intact
    out = copy_package(package, tmp_path / "out")
    documents = out / "data" / "documents.csv"
    lines = documents.read_text(encoding="utf-8").splitlines(keepends=True)
    documents.write_text(lines[0] + "".join(lines[2:]), encoding="utf-8")  # one document gone
    broken = frictionless_report(out)
    assert not broken["valid"]
    assert {e["type"] for e in broken["errors"]} >= {"foreign-key", "hash-count"}
    assert frictionless_report(out, workers=2, parallel_from=0) == broken
