"""Jobs, the daily re-validation schedule and the sources-folder sensor."""

import json
from datetime import timedelta

import dagster as dg

from dagster_project.core.sources import scan_sources
from dagster_project.defs.assets import documents_partitions, raw_documents
from dagster_project.defs.resources import GwrSettings

# The operating promise, applied in definitions.py (freshness) and by package_matches_sources:
# the package is rebuilt within a day of a source change and re-validated every day.
REBUILD_WITHIN = timedelta(days=1)
REVALIDATE_EVERY = timedelta(days=1)

# `data_package` validates the staged package with Frictionless before swapping it in, so
# the build leaves re-reading the published folder (`published_package`) to `revalidate`:
# validating the same bytes twice was a fifth of a large build.
build_job = dg.define_asset_job(
    "build",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("raw_documents", "published_package"),
)
# Reads the published folder back and runs every package check on it; rebuilds nothing.
revalidate_job = dg.define_asset_job(
    "revalidate",
    selection=dg.AssetSelection.assets("published_package"),
    description="Re-validate the published package (Frictionless, Pandera, SHA256SUMS, zip, Parquet, sources) without rebuilding it.",
)


@dg.schedule(job=revalidate_job, cron_schedule="0 3 * * *", execution_timezone="Asia/Shanghai")
def daily_revalidation(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Re-run the package checks every morning against what is published."""
    return dg.RunRequest(run_key=context.scheduled_execution_time.strftime("%Y-%m-%d"))


@dg.sensor(job=build_job, minimum_interval_seconds=60)
def sources_sensor(context: dg.SensorEvaluationContext, gwr: GwrSettings) -> dg.SensorResult:
    """New file → partition and run; changed file → run for it only; removed → partition dropped.

    The cursor holds each file's sha256; run keys carry the cursor's tick count so a file
    reverted to earlier content still gets a run (run keys are deduplicated forever).
    """
    state = json.loads(context.cursor) if context.cursor else {"tick": 0, "hashes": {}}
    previous: dict[str, str] = state["hashes"]
    current = {s.doc_id: s.sha256 for s in scan_sources(gwr.sources_path, gwr.max_bytes)}
    existing = set(context.instance.get_dynamic_partitions(documents_partitions.name))
    changed = sorted(k for k in current if previous.get(k) != current[k])
    to_add = sorted(k for k in current if k not in existing)
    removed = sorted(k for k in existing if k not in current)
    tick = state["tick"] + 1
    requests = []
    if to_add:
        requests.append(documents_partitions.build_add_request(to_add))
    if removed:
        requests.append(documents_partitions.build_delete_request(removed))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=k, run_key=f"{k}:{current[k][:16]}:{tick}") for k in changed],
        dynamic_partitions_requests=requests,
        asset_events=[
            dg.AssetObservation(asset_key=raw_documents.key, partition=k, tags={"dagster/data_version": current[k]})
            for k in changed
        ],
        cursor=json.dumps({"tick": tick, "hashes": current}, sort_keys=True),
    )
