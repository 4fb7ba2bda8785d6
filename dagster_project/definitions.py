"""The Dagster code location: assets, checks, jobs, schedule, sensor and one freshness policy."""

import os
from datetime import timedelta
from pathlib import Path

import dagster as dg

from dagster_project.defs.assets import data_package, extracted_document, raw_documents, tables
from dagster_project.defs.automation import (
    REVALIDATE_EVERY,
    build_job,
    daily_revalidation,
    revalidate_job,
    sources_sensor,
)
from dagster_project.defs.checks import package_checks
from dagster_project.defs.io_manager import PartitionPickleIOManager
from dagster_project.defs.package_assets import published_package
from dagster_project.defs.resources import REPO_ROOT, GwrSettings

# Freshness, stated once for the whole code location. `published_package` is materialized
# by the daily `revalidate` run (or one started by hand), so its age is the age of the
# last re-validation: a warning when a daily run was missed, a failure after two. Rebuilding
# within a day of a source change is enforced by the package_matches_sources check (WARN
# while the change is younger than REBUILD_WITHIN, ERROR after), since a freshness policy
# only sees materialization times, not source changes.
FRESHNESS_POLICIES: dict[str, dg.FreshnessPolicy] = {
    "published_package": dg.FreshnessPolicy.time_window(
        fail_window=2 * REVALIDATE_EVERY, warn_window=REVALIDATE_EVERY + timedelta(hours=1)
    ),
}


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME", REPO_ROOT / ".dagster"))


def make_resources(settings: GwrSettings | None = None) -> dict:
    return {
        "gwr": settings or GwrSettings(),
        "io_manager": PartitionPickleIOManager(base_dir=str(dagster_home() / "storage" / "gwr")),
    }


def with_freshness(asset):
    """The asset with the policy FRESHNESS_POLICIES names for each of its keys (if any)."""
    if not isinstance(asset, dg.AssetsDefinition):
        return asset  # the observable source: observed, never materialized

    def apply(spec: dg.AssetSpec) -> dg.AssetSpec:
        policy = FRESHNESS_POLICIES.get(spec.key.to_user_string())
        return dg.apply_freshness_policy(spec, policy, overwrite_existing=True) if policy else spec

    return asset.map_asset_specs(apply)


ALL_ASSETS = [
    with_freshness(asset)
    for asset in (
        raw_documents,
        extracted_document,
        tables,
        data_package,
        published_package,
    )
]
ALL_CHECKS = package_checks  # the tables' checks are declared on the table assets


def build_definitions(settings: GwrSettings | None = None) -> dg.Definitions:
    """The whole code location; `gwr build` makes one with its own folders."""
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[build_job, revalidate_job],
        schedules=[daily_revalidation],
        sensors=[sources_sensor],
        resources=make_resources(settings),
    )


defs = build_definitions()
