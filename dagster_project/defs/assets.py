"""The asset graph: raw files → normalized documents → per-document rows → tables → package.

Assets are thin: each loads its upstreams as parameters, calls the pure core, and
records what people look at in the UI as metadata.
"""


import dagster as dg

from dagster_project.core.assemble import documents_table as build_documents_table
from dagster_project.core.assemble import (
    DocumentsTable,
    ExtractedRows,
    package_content,
    publish_package,
    row_table,
)
from dagster_project.core.documents import DocumentResult, quarantined, read_document
from dagster_project.core.extraction import ROW_TABLES, extract_table
from dagster_project.core.package import PACKAGE_VERSION
from dagster_project.core.sources import read_source, scan_sources
from dagster_project.core.validation import TableValidation
from dagster_project.defs.resources import GwrSettings, code_version

documents_partitions = dg.DynamicPartitionsDefinition(name="documents")
CODE_VERSION = code_version()
PER_DOCUMENT = {
    "partitions_def": documents_partitions,
    "backfill_policy": dg.BackfillPolicy.single_run(),
    "code_version": CODE_VERSION,
    "group_name": "per_document",
}


@dg.observable_source_asset(partitions_def=documents_partitions, group_name="sources")
def raw_documents(context, gwr: GwrSettings) -> dg.DataVersionsByPartition:
    """The report files in the sources folder; a file's data version is its sha256."""
    known = set(context.instance.get_dynamic_partitions(documents_partitions.name))
    return dg.DataVersionsByPartition({s.doc_id: s.sha256 for s in scan_sources(gwr.sources_path) if s.doc_id in known})


@dg.asset(deps=[raw_documents], **PER_DOCUMENT)
def normalized_document(context: dg.AssetExecutionContext, gwr: GwrSettings) -> dict[str, DocumentResult]:
    """Decoded, converted and cleaned text with its offset map and document metadata."""
    sources = {s.doc_id: s for s in scan_sources(gwr.sources_path, gwr.max_bytes)}
    results = {}
    for key in context.partition_keys:
        source = sources.get(key)
        if source is None:
            raise dg.Failure(f"no file for document {key} in {gwr.sources_path}: was it removed?")
        try:
            data = None if source.problem else read_source(gwr.sources_path, source)
            result = read_document(source, data)
        except OSError as err:
            result = quarantined(source, f"could not be read: {err}")
        results[key] = result
        context.add_asset_metadata(document_metadata(result), partition_key=key)
    return results


def document_metadata(result: DocumentResult) -> dict:
    row = result.row
    preview = result.normalized.text[:300] if result.normalized else ""
    return {
        "source_sha256": row["sha256"],
        "bytes": row["bytes"],
        "encoding": row["encoding"],
        "script": row["script"],
        "status": row["status"],
        "error": row["error"],
        "quality_flags": row["quality_flags"],
        "char_count": row["char_count"] or 0,
        "title": row["title"],
        "preview": dg.MetadataValue.md(preview.replace("\n", "\n\n")),
    }


def extraction_asset(table: str) -> dg.AssetsDefinition:
    @dg.asset(name=table, description=f"Rows of the {table} table, one partition per document.", **PER_DOCUMENT)
    def _extract(context: dg.AssetExecutionContext, normalized_document: dict[str, DocumentResult]) -> dict[str, ExtractedRows]:
        out = {}
        for key, doc in normalized_document.items():
            rows, problems = extract_table(table, doc.normalized, doc.context) if doc.ok else ([], [])
            out[key] = ExtractedRows(rows, problems)
            context.add_asset_metadata({"rows": len(rows), "problems": len(problems)}, partition_key=key)
        return out

    return _extract


extraction_assets = [extraction_asset(t) for t in ROW_TABLES]


@dg.asset(group_name="tables", code_version=CODE_VERSION)
def documents_table(normalized_document: dict[str, DocumentResult]) -> dg.Output[DocumentsTable]:
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
    def _combine(per_document: dict[str, ExtractedRows], documents: DocumentsTable) -> dg.Output[TableAndProblems]:
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
    content = package_content(documents, {t: tables[t][0] for t in ROW_TABLES}, problems, PACKAGE_VERSION)
    result = publish_package(gwr.out_path, content)
    rows = {name: len(frame) for name, frame in content.tables.items()}
    rejected = {name: summary["rejected"] for name, summary in content.report["pandera"].items()}
    context.add_output_metadata(
        {"path": str(gwr.out_path), "rows": rows, "rejected": rejected, "quarantined": len(documents.quarantined),
         "frictionless_valid": result["frictionless"]["valid"], "version": content.version}  # fmt: skip
    )
    return {"out_dir": str(gwr.out_path), "rows": rows, "rejected": rejected, "quarantined": documents.quarantined,
            "extraction_problems": problems}  # fmt: skip
