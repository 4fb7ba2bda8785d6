"""The asset graph: raw files → extracted documents (one partition each) → tables → package.

Assets are thin: each loads its upstreams as parameters, calls the pure core, and
records what people look at in the UI as metadata.

The per-document asset is incremental: a partition whose stored output was made from the
same source file by the same code (its stamp, core/incremental.py) is kept, not
recomputed. It writes each partition as soon as it is made, so a run over many documents
holds one at a time. Reading and extracting a document is one asset, not five, because
Dagster's cost per partition and asset (an event and a metadata call, each a database
round trip) would otherwise outweigh the extraction itself on a large corpus.
"""

import os
import pickle
from collections.abc import Iterator, Mapping
from pathlib import Path

import dagster as dg

from dagster_project.core.assemble import (
    DocumentsTable,
    combined_tables,
    package_content,
    publish_package,
)
from dagster_project.core.extraction import ROW_TABLES
from dagster_project.core.fragment_check import KnownValidParts
from dagster_project.core.incremental import source_stamp
from dagster_project.core.per_document import DocumentJob, process_one, run_jobs
from dagster_project.core.sources import scan_sources
from dagster_project.core.validation import TableValidation
from dagster_project.defs.io_manager import Kept, PartitionPickleIOManager
from dagster_project.defs.package_assets import package_metadata
from dagster_project.defs.resources import GwrSettings, code_version
from dagster_project.defs.table_checks import pandera_check_spec, pandera_result

documents_partitions = dg.DynamicPartitionsDefinition(name="documents")
CODE_VERSION = code_version()


def backfill_policy() -> dg.BackfillPolicy:
    """One run for any number of documents; GWR_PARTITIONS_PER_RUN=k splits a backfill
    launched from the UI into runs of k documents, which a run queue can run side by side
    (deploy/README.md)."""
    per_run = os.environ.get("GWR_PARTITIONS_PER_RUN", "").strip()
    return dg.BackfillPolicy.multi_run(int(per_run)) if per_run else dg.BackfillPolicy.single_run()


# The per-document asset reads and writes the partition store directly (from workers).
StoreParam = dg.ResourceParam[PartitionPickleIOManager]
PER_DOCUMENT = {
    "partitions_def": documents_partitions,
    "backfill_policy": backfill_policy(),
    "code_version": CODE_VERSION,
    "group_name": "per_document",
}


@dg.observable_source_asset(partitions_def=documents_partitions, group_name="sources")
def raw_documents(context, gwr: GwrSettings) -> dg.DataVersionsByPartition:
    """The report files in the sources folder; a file's data version is its sha256."""
    known = set(context.instance.get_dynamic_partitions(documents_partitions.name))
    return dg.DataVersionsByPartition({s.doc_id: s.sha256 for s in scan_sources(gwr.sources_path) if s.doc_id in known})


@dg.asset(deps=[raw_documents], **PER_DOCUMENT)
def extracted_document(context: dg.AssetExecutionContext, gwr: GwrSettings, io_manager: StoreParam) -> dict:
    """One report read and extracted: decoded, converted and cleaned text with its offset
    map, its documents.csv row, and its rows of every table."""
    sources = {s.doc_id: s for s in scan_sources(gwr.sources_path, gwr.max_bytes)}
    asset = tuple(context.asset_key.path)
    stamps, metas, jobs = {}, {}, []
    for key in context.partition_keys:
        source = sources.get(key)
        if source is None:
            raise dg.Failure(f"no file for document {key} in {gwr.sources_path}: was it removed?")
        stamps[key] = source_stamp(source, CODE_VERSION)
        record = io_manager.current_record(context.asset_key, key, stamps[key])
        if record is None:
            jobs.append(DocumentJob(io_manager.base_dir, asset, str(gwr.sources_path), source, stamps[key]))
        else:
            metas[key] = record["meta"]
    done = run_jobs(process_one, jobs, gwr.workers or None)
    metas |= {job.source.doc_id: meta for job, meta in zip(jobs, done, strict=True)}
    # One metadata call per partition: each costs a lookup of every dynamic partition, so
    # this is the step's only per-document call into Dagster.
    for key in context.partition_keys:
        context.add_asset_metadata(document_metadata(metas[key]), partition_key=key)
    return {key: Kept(stamps[key]) for key in context.partition_keys}


def document_metadata(summary: dict) -> dict:
    return summary | {"preview": dg.MetadataValue.md(summary["preview"].replace("\n", "\n\n"))}


TableAndProblems = tuple[TableValidation, list[str]]
TABLE_DESCRIPTIONS = {
    "documents": "All documents, validated; carries the texts and plan years the row tables check against.",
    **{t: f"The {t} rows of every document, validated; failing rows are left out." for t in ROW_TABLES},
}


@dg.multi_asset(
    ins={"per_document": dg.AssetIn("extracted_document")},
    outs={
        f"{t}_table": dg.AssetOut(group_name="tables", code_version=CODE_VERSION, description=TABLE_DESCRIPTIONS[t])
        for t in TABLE_DESCRIPTIONS
    },
    check_specs=[pandera_check_spec(t) for t in TABLE_DESCRIPTIONS],
)
def tables(per_document: Mapping, io_manager: StoreParam) -> Iterator:
    """The five tables over all documents (one step, so each stored document is read once),
    each with its Pandera check."""
    # This step's own last outputs: documents whose rows were validated from the same
    # inputs keep that outcome (core/validation.py validate_by_document).
    previous = {t: _last_output(io_manager, f"{t}_table") for t in ROW_TABLES}
    documents, row_tables = combined_tables(per_document, CODE_VERSION, {t: v for t, v in previous.items() if v})
    quarantined = {"quarantined": len(documents.quarantined)}
    yield dg.Output(documents, output_name="documents_table", metadata=table_metadata(documents.validation) | quarantined)
    yield pandera_result("documents", documents.validation)
    for table, (validation, problems) in row_tables.items():
        metadata = table_metadata(validation) | {"extraction_problems": len(problems)}
        yield dg.Output((validation, problems), output_name=f"{table}_table", metadata=metadata)
        yield pandera_result(table, validation)


def _last_output(io_manager: PartitionPickleIOManager, asset: str) -> TableValidation | None:
    try:
        validation, _problems = io_manager.load_value(dg.AssetKey(asset), None)
    except (OSError, ValueError, TypeError, EOFError, AttributeError, ImportError, pickle.UnpicklingError):
        return None  # none, or not readable by this code: everything is validated
    return validation if isinstance(validation, TableValidation) else None


def table_metadata(validation: TableValidation) -> dict:
    frame = validation.kept
    return {
        "dagster/row_count": len(frame),
        "rejected_rows": len(validation.rejected),
        "preview": dg.MetadataValue.md(frame.head(5).astype(str).to_markdown(index=False)),
    }


@dg.asset(
    ins={"documents": dg.AssetIn("documents_table"), **{t: dg.AssetIn(f"{t}_table") for t in ROW_TABLES}},
    group_name="package",
    code_version=CODE_VERSION,
)
def data_package(
    context: dg.AssetExecutionContext,
    gwr: GwrSettings,
    io_manager: StoreParam,
    documents: DocumentsTable,
    indicators: TableAndProblems,
    targets: TableAndProblems,
    glossary: TableAndProblems,
    projects: TableAndProblems,
) -> dict:
    """The published Frictionless package, written beside the old one, validated, swapped in."""
    tables = {"indicators": indicators, "targets": targets, "glossary": glossary, "projects": projects}
    problems = [p for t in ROW_TABLES for p in tables[t][1]]
    content = package_content(documents, {t: tables[t][0] for t in ROW_TABLES}, problems)
    # Frictionless reads again only the documents' rows it has not seen in a clean package.
    known_valid = KnownValidParts(Path(io_manager.base_dir) / "data_package.known-valid-parts")
    result = publish_package(gwr.out_path, content, known_valid)
    rows = {name: len(frame) for name, frame in content.tables.items()}
    rejected = {name: summary["rejected"] for name, summary in content.report["pandera"].items()}
    context.add_output_metadata(
        {"path": str(gwr.out_path), "rows": rows, "rejected": rejected, "quarantined": len(documents.quarantined),
         "frictionless_valid": result["frictionless"]["valid"], **package_metadata(result)}
    )
    return {"out_dir": str(gwr.out_path), "rows": rows, "rejected": rejected, "quarantined": documents.quarantined,
            "extraction_problems": problems}  # fmt: skip
