"""The Dagster code location: assets, checks, jobs, schedule, sensor and one freshness policy."""


import os
from datetime import timedelta
from pathlib import Path

import dagster as dg

from dagster_project.defs.assets import (
    combined_table_assets,
    data_package,
    documents_table,
    extraction_assets,
    normalized_document,
    raw_documents,
)
from dagster_project.defs.automation import build_job, daily_revalidation, revalidate_job, sources_sensor
from dagster_project.defs.checks import package_checks, table_checks
from dagster_project.defs.io_manager import PartitionPickleIOManager
from dagster_project.defs.resources import REPO_ROOT, GwrSettings

# One policy, applied here rather than per asset: the package is rebuilt within a day of
# a source change (the sensor reacts within minutes), and re-validated daily.
PACKAGE_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(days=1), warn_window=timedelta(hours=12))


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME", REPO_ROOT / ".dagster"))


def make_resources(settings: GwrSettings | None = None) -> dict:
    return {
        "gwr": settings or GwrSettings(),
        "io_manager": PartitionPickleIOManager(base_dir=str(dagster_home() / "storage" / "gwr")),
    }


def with_freshness(asset: dg.AssetsDefinition) -> dg.AssetsDefinition:
    return asset.map_asset_specs(lambda spec: dg.apply_freshness_policy(spec, PACKAGE_FRESHNESS, overwrite_existing=False))


ALL_ASSETS = [
    raw_documents,
    normalized_document,
    *extraction_assets,
    documents_table,
    *combined_table_assets,
    with_freshness(data_package),
]
ALL_CHECKS = [*table_checks, *package_checks]



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
