"""The asset graph: raw files → normalized documents → per-document rows → tables → package.

Assets are thin: each loads its upstreams as parameters, calls the pure core, and
records what people look at in the UI as metadata.

Per-document assets are incremental: a partition whose stored output was made from the
same source file by the same code (its stamp, core/incremental.py) is kept, not
recomputed. They write each partition as soon as it is made, so a run over many
documents holds one at a time.
"""

import os
from collections.abc import Mapping

import dagster as dg

from dagster_project.core.assemble import (
    DocumentsTable,
    package_content,
    publish_package,
    row_table,
)
from dagster_project.core.assemble import documents_table as build_documents_table
from dagster_project.core.extraction import ROW_TABLES
from dagster_project.core.incremental import source_stamp
from dagster_project.core.per_document import ExtractJob, NormalizeJob, extract_one, normalize_one, run_jobs
from dagster_project.core.sources import scan_sources
from dagster_project.core.validation import TableValidation
from dagster_project.defs.io_manager import Kept, PartitionPickleIOManager
from dagster_project.defs.package_assets import package_metadata
from dagster_project.defs.resources import GwrSettings, code_version

documents_partitions = dg.DynamicPartitionsDefinition(name="documents")
CODE_VERSION = code_version()


def backfill_policy() -> dg.BackfillPolicy:
    """One run for any number of documents; GWR_PARTITIONS_PER_RUN=k splits a backfill
    launched from the UI into runs of k documents, which a run queue can run side by side
    (deploy/README.md)."""
    per_run = os.environ.get("GWR_PARTITIONS_PER_RUN", "").strip()
    return dg.BackfillPolicy.multi_run(int(per_run)) if per_run else dg.BackfillPolicy.single_run()


# The per-document assets read and write the partition store directly (from workers).
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
def normalized_document(context: dg.AssetExecutionContext, gwr: GwrSettings, io_manager: StoreParam) -> dict:
    """Decoded, converted and cleaned text with its offset map and document metadata."""
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
            jobs.append(NormalizeJob(io_manager.base_dir, asset, str(gwr.sources_path), source, stamps[key]))
        else:
            metas[key] = record["meta"]
    done = run_jobs(normalize_one, jobs, gwr.workers or None)
    metas |= {job.source.doc_id: meta for job, meta in zip(jobs, done, strict=True)}
    for key in context.partition_keys:
        context.add_asset_metadata(document_metadata(metas[key]), partition_key=key)
    return {key: Kept(stamps[key]) for key in context.partition_keys}


def document_metadata(summary: dict) -> dict:
    return summary | {"preview": dg.MetadataValue.md(summary["preview"].replace("\n", "\n\n"))}


def extraction_asset(table: str) -> dg.AssetsDefinition:
    @dg.asset(name=table, description=f"Rows of the {table} table, one partition per document.", **PER_DOCUMENT)
    def _extract(
        context: dg.AssetExecutionContext, normalized_document: Mapping, io_manager: StoreParam, gwr: GwrSettings
    ) -> dict:
        asset, source_asset = tuple(context.asset_key.path), tuple(normalized_document_key.path)
        stamps, metas, jobs = {}, {}, []
        for key in normalized_document:  # the keys only: jobs read what they need
            # rows made from the same normalized document as the stored ones are kept
            stamps[key] = (io_manager.record(normalized_document_key, key) or {}).get("stamp", "")
            record = io_manager.current_record(context.asset_key, key, stamps[key]) if stamps[key] else None
            if record is None:
                jobs.append(ExtractJob(io_manager.base_dir, asset, source_asset, table, key, stamps[key]))
            else:
                metas[key] = record["meta"]
        done = run_jobs(extract_one, jobs, gwr.workers or None)
        metas |= {job.key: meta for job, meta in zip(jobs, done, strict=True)}
        for key in normalized_document:
            context.add_asset_metadata(metas[key], partition_key=key)
        return {key: Kept(stamps[key]) for key in normalized_document}

    return _extract


normalized_document_key = normalized_document.key
extraction_assets = [extraction_asset(t) for t in ROW_TABLES]


@dg.asset(group_name="tables", code_version=CODE_VERSION)
def documents_table(normalized_document: Mapping) -> dg.Output[DocumentsTable]:
    """All documents, validated; carries the texts and plan years the row tables check against."""
    table = build_documents_table(normalized_document)
    return dg.Output(table, metadata=table_metadata(table.validation) | {"quarantined": len(table.quarantined)})


TableAndProblems = tuple[TableValidation, list[str]]


def combined_table_asset(table: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{table}_table",
        ins={"per_document": dg.AssetIn(table), "documents": dg.AssetIn("documents_table")},
        group_name="tables",
        code_version=CODE_VERSION,
        description=f"The {table} rows of every document, validated; failing rows are left out.",
    )
    def _combine(per_document: Mapping, documents: DocumentsTable) -> dg.Output[TableAndProblems]:
        validation, problems = row_table(table, per_document, documents)
        return dg.Output((validation, problems), metadata=table_metadata(validation) | {"extraction_problems": len(problems)})

    return _combine


combined_table_assets = [combined_table_asset(t) for t in ROW_TABLES]


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
    result = publish_package(gwr.out_path, content)
    rows = {name: len(frame) for name, frame in content.tables.items()}
    rejected = {name: summary["rejected"] for name, summary in content.report["pandera"].items()}
    context.add_output_metadata(
        {"path": str(gwr.out_path), "rows": rows, "rejected": rejected, "quarantined": len(documents.quarantined),
         "frictionless_valid": result["frictionless"]["valid"], **package_metadata(result)}
    )
    return {"out_dir": str(gwr.out_path), "rows": rows, "rejected": rejected, "quarantined": documents.quarantined,
            "extraction_problems": problems}  # fmt: skip
