"""`gwr build` and `gwr validate` without a webserver: the same asset graph, run in-process
against the instance in DAGSTER_HOME (default `.dagster/`), so its runs show in the UI.

A build is incremental and is always one run. Documents whose stored per-document
outputs are current (same source, same code: core/incremental.py) are left out of the
run's partition range, or kept as they are when they fall inside it; with nothing to
recompute, the run materializes only the tables and the package.
"""

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from dagster_project.core.incremental import covering_range, source_stamp, stale_keys
from dagster_project.core.sources import DEFAULT_MAX_BYTES, SourceFile, scan_sources
from dagster_project.defs.assets import (
    CODE_VERSION,
    documents_partitions,
    extracted_document,
    raw_documents,
)
from dagster_project.defs.resources import REPO_ROOT, GwrSettings

INSTANCE_YAML = "telemetry:\n  enabled: false\n"
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
DATA_VERSION_TAG = "dagster/data_version"
# Event writing for runs over many partitions (read by Dagster when a run starts):
# materializations of one output are written as one batch, and the planned events of a
# range run name the range once per asset instead of once per partition (Dagster's
# trade-off: when such a run fails, its partitions are not marked failed one by one).
EVENT_SETTINGS = {"DAGSTER_EVENT_BATCH_SIZE": "1000", "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true"}


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
    recomputed: int = 0  # documents normalized and extracted again (the others were current)

    @property
    def clean(self) -> bool:
        return not self.quarantined and not any(self.rejected.values()) and not self.extraction_problems


def ensure_dagster_home() -> Path:
    """Point DAGSTER_HOME at `.dagster/` in the repository unless it is set; create it, with
    a plain dagster.yaml unless it has one; set the event-writing settings for runs started here."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    for name, value in EVENT_SETTINGS.items():
        os.environ.setdefault(name, value)
    return home


# Present while Dagster creates the databases of a new instance (run history, event index,
# schedules). A build killed then leaves them half made, which later builds cannot use.
CREATING_MARK = ".gwr-creating-instance"
INSTANCE_DATABASES = ("history", "schedules")


def open_instance(home: Path) -> dg.DagsterInstance:
    """The Dagster instance in `home`; a new one is created under a mark, and databases
    left half made by a build killed during that creation are made again."""
    mark = home / CREATING_MARK
    if mark.exists():
        for name in INSTANCE_DATABASES:
            shutil.rmtree(home / name, ignore_errors=True)
    creating = mark.exists() or not (home / "history" / "runs.db").exists()
    if creating:
        mark.touch()
    instance = dg.DagsterInstance.get()  # creates and migrates the SQLite databases
    if creating:
        mark.unlink()
    return instance


def sync_partitions(
    instance: dg.DagsterInstance, settings: GwrSettings, sources: list[SourceFile] | None = None
) -> list[str]:
    """Register the documents now in the sources folder, drop the removed ones, and record
    each new or changed file's sha256 as the source's data version; returns the keys in
    partition order."""
    if sources is None:
        sources = scan_sources(settings.sources_path, settings.max_bytes)
    current = [s.doc_id for s in sources]
    existing = instance.get_dynamic_partitions(documents_partitions.name)
    for key in sorted(set(existing) - set(current)):
        instance.delete_dynamic_partition(documents_partitions.name, key)
    missing = [k for k in current if k not in set(existing)]
    if missing:
        instance.add_dynamic_partitions(documents_partitions.name, missing)
    recorded = instance.event_log_storage.get_latest_tags_by_partition(
        raw_documents.key, dg.DagsterEventType.ASSET_OBSERVATION, [DATA_VERSION_TAG]
    )
    observations = [
        dg.AssetObservation(asset_key=raw_documents.key, partition=s.doc_id, tags={DATA_VERSION_TAG: s.sha256})
        for s in sources
        if recorded.get(s.doc_id, {}).get(DATA_VERSION_TAG) != s.sha256
    ]
    for observation in observations:
        instance.report_runless_asset_event(observation)
    return instance.get_dynamic_partitions(documents_partitions.name)


PER_DOCUMENT_KEYS = [extracted_document.key]


def plan_run(keys: list[str], sources: list[SourceFile], io_manager) -> tuple[list[str], tuple[str, str] | None]:
    """The documents to recompute, and the partition range of the run (None: none)."""
    expected = {s.doc_id: source_stamp(s, CODE_VERSION) for s in sources}
    stored = [io_manager.stamps(asset_key, keys) for asset_key in PER_DOCUMENT_KEYS]
    stale = stale_keys(keys, expected, stored)
    return stale, covering_range(keys, stale)


def run_build(sources_dir: Path, out_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> BuildSummary:
    """Materialize every asset for every document in one run and publish the package."""
    from dagster_project.definitions import build_definitions, make_resources  # heavy: only when building

    home = ensure_dagster_home()
    settings = GwrSettings(sources_dir=str(sources_dir.resolve()), out_dir=str(out_dir.resolve()), max_bytes=max_bytes)
    if not settings.sources_path.is_dir():
        raise BuildError(f"sources folder not found: {settings.sources_path}")
    with open_instance(home) as instance:
        sources = scan_sources(settings.sources_path, settings.max_bytes)
        keys = sync_partitions(instance, settings, sources)
        if not keys:
            raise BuildError(f"no documents in {settings.sources_path}: nothing to publish")
        io_manager = make_resources(settings)["io_manager"]
        for asset_key in PER_DOCUMENT_KEYS:
            io_manager.prune(asset_key, keys)
        stale, span = plan_run(keys, sources, io_manager)
        defs = build_definitions(settings)
        job = defs.resolve_job_def("build")
        if span is not None:
            options = {
                "tags": {"dagster/asset_partition_range_start": span[0], "dagster/asset_partition_range_end": span[1]}
            }
        else:  # every document is current: only the tables and the package
            graph = defs.resolve_asset_graph()
            options = {
                "asset_selection": [
                    k for k in job.asset_layer.executable_asset_keys if graph.get(k).partitions_def is None
                ]
            }
        result = job.execute_in_process(instance=instance, run_config=QUIET, raise_on_error=False, **options)
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
        recomputed=len(stale),
    )
