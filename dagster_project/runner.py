"""`gwr build` and `gwr validate` without a webserver: the same asset graph, run in-process
against the instance in DAGSTER_HOME (default `.dagster/`), so its runs show in the UI."""

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from dagster_project.core.sources import DEFAULT_MAX_BYTES, scan_sources
from dagster_project.defs.assets import documents_partitions, raw_documents
from dagster_project.defs.resources import REPO_ROOT, GwrSettings

INSTANCE_YAML = "telemetry:\n  enabled: false\n"
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class BuildError(RuntimeError):
    """The build did not publish; the previous package is untouched."""


@dataclass
class BuildSummary:
    documents: int
    rows: dict[str, int]
    rejected: dict[str, int]
    quarantined: list[dict]
    extraction_problems: list[str] = field(default_factory=list)
    run_id: str = ""

    @property
    def clean(self) -> bool:
        return not self.quarantined and not any(self.rejected.values()) and not self.extraction_problems


def ensure_dagster_home() -> Path:
    """Point DAGSTER_HOME at `.dagster/` in the repository unless it is set; create it."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    return home


def sync_partitions(instance: dg.DagsterInstance, settings: GwrSettings) -> list[str]:
    """Register the documents now in the sources folder, drop the removed ones, and record
    each file's sha256 as the source's data version; returns the keys in partition order."""
    sources = scan_sources(settings.sources_path, settings.max_bytes)
    current = [s.doc_id for s in sources]
    existing = instance.get_dynamic_partitions(documents_partitions.name)
    for key in sorted(set(existing) - set(current)):
        instance.delete_dynamic_partition(documents_partitions.name, key)
    missing = [k for k in current if k not in set(existing)]
    if missing:
        instance.add_dynamic_partitions(documents_partitions.name, missing)
    for source in sources:
        instance.report_runless_asset_event(
            dg.AssetObservation(asset_key=raw_documents.key, partition=source.doc_id, tags={"dagster/data_version": source.sha256})
        )
    return instance.get_dynamic_partitions(documents_partitions.name)


def run_build(sources_dir: Path, out_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> BuildSummary:
    """Materialize every asset for every document in one run and publish the package."""
    from dagster_project.definitions import build_definitions  # heavy: only when building

    ensure_dagster_home()
    settings = GwrSettings(sources_dir=str(sources_dir.resolve()), out_dir=str(out_dir.resolve()), max_bytes=max_bytes)
    if not settings.sources_path.is_dir():
        raise BuildError(f"sources folder not found: {settings.sources_path}")
    with dg.DagsterInstance.get() as instance:
        keys = sync_partitions(instance, settings)
        if not keys:
            raise BuildError(f"no documents in {settings.sources_path}: nothing to publish")
        job = build_definitions(settings).resolve_job_def("build")
        result = job.execute_in_process(
            instance=instance,
            run_config=QUIET,
            tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
            raise_on_error=False,
        )
        if not result.success:
            failures = [e.message for e in result.all_events if e.is_failure][:3]
            raise BuildError("the build run failed; the previous package is untouched: " + " | ".join(failures))
        manifest = result.output_for_node("data_package")
    return BuildSummary(
        documents=len(keys),
        rows=manifest["rows"],
        rejected=manifest["rejected"],
        quarantined=manifest["quarantined"],
        extraction_problems=manifest["extraction_problems"],
        run_id=result.run_id,
    )
