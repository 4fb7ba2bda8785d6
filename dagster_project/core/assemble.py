"""Per-document results → validated tables → the content of one package, and publishing it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera

from dagster_project.core.bundle import bundle_while_finishing, package_files, zip_name
from dagster_project.core.documents import DocumentResult
from dagster_project.core.extraction import ROW_TABLES, DocumentExtract, ExtractedRows
from dagster_project.core.fragment_check import KnownValidParts, validate_staged
from dagster_project.core.package import (
    PackageContent,
    build_descriptor,
    json_bytes,
    render_tables,
    write_file,
    write_package,
)
from dagster_project.core.package_docs import PackageFacts, index_html, readme
from dagster_project.core.per_document import default_workers
from dagster_project.core.publish import publish
from dagster_project.core.validation import TableValidation, validate_by_document, validate_table
from dagster_project.core.versioning import (
    INITIAL_VERSION,
    Snapshot,
    changelog,
    plan_release,
    read_previous,
    release_entry,
    text_hashes,
)

VALIDATION_REPORT = "reports/validation.json"


class PackageInvalidError(RuntimeError):
    """Frictionless rejected the staged package; the published one was left as it was."""


@dataclass
class DocumentsTable:
    """The documents table plus what the row tables need from it."""

    validation: TableValidation
    texts: dict[str, str]
    plan_years: dict[str, int]
    sources: list[dict]

    @property
    def quarantined(self) -> list[dict]:
        frame = self.validation.kept
        return frame[frame["status"] == "quarantined"][["doc_id", "source_path", "error"]].to_dict("records")


def documents_table(ordered: list[DocumentResult]) -> DocumentsTable:
    """The documents table of these documents (in doc_id order)."""
    rows = [r.row for r in ordered]
    texts = {r.row["doc_id"]: r.normalized.text for r in ordered if r.ok and r.normalized}
    plan_years = {r.row["doc_id"]: r.context.plan_year for r in ordered if r.context and r.context.plan_year}
    sources = [
        {"title": r.row["title"] or r.row["source_path"], "path": r.row["source_path"],
         "sha256": r.row["sha256"], "bytes": r.row["bytes"]}
        for r in ordered
    ]  # fmt: skip
    return DocumentsTable(validate_table("documents", rows, texts, plan_years), texts, plan_years, sources)


def row_table(
    table: str,
    found: list[tuple[str, ExtractedRows]],
    docs: DocumentsTable,
    inputs: dict[str, str] | None = None,
    previous: TableValidation | None = None,
) -> tuple[TableValidation, list[str]]:
    """All documents' rows of one table (in doc_id order), validated; plus the extraction
    problems met. Documents whose rows `previous` validated from the same `inputs` keep
    that outcome (core/validation.py `validate_by_document`)."""
    rows = [(key, extracted.rows) for key, extracted in found]
    problems = [f"{key}: {p}" for key, extracted in found for p in extracted.problems]
    return validate_by_document(table, rows, docs.texts, docs.plan_years, inputs or {}, previous), problems


def document_inputs(document: DocumentResult, code_version: str) -> str:
    """What a document's rows and their validation come from: its source file, how it was
    read, the code, and the libraries that validate them."""
    source = ("doc_id", "source_path", "sha256", "bytes", "status", "error")
    fields = [code_version, pd.__version__, pandera.__version__, *(document.row.get(k) for k in source)]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:24]


def combined_tables(
    per_document: Mapping[str, DocumentExtract],
    code_version: str = "",
    previous: Mapping[str, TableValidation] | None = None,
) -> tuple[DocumentsTable, dict[str, tuple[TableValidation, list[str]]]]:
    """Every table over all documents, reading each stored document once. With the code
    version and the previous build's tables, unchanged documents' rows are not validated again."""
    documents: list[DocumentResult] = []
    found: dict[str, list[tuple[str, ExtractedRows]]] = {t: [] for t in ROW_TABLES}
    for key in sorted(per_document):
        extract = per_document[key]
        documents.append(extract.document)
        for table in ROW_TABLES:
            found[table].append((key, extract.tables[table]))
    docs = documents_table(documents)
    inputs = {d.row["doc_id"]: document_inputs(d, code_version) for d in documents} if code_version else {}
    previous = previous or {}
    return docs, {table: row_table(table, found[table], docs, inputs, previous.get(table)) for table in ROW_TABLES}


def validation_report(docs: DocumentsTable, tables: dict[str, TableValidation], problems: list[str]) -> dict:
    """What reports/validation.json says before Frictionless has seen the written files."""
    return {
        "pandera": {name: v.summary() | {"rejected_rows": v.rejected} for name, v in tables.items()},
        "quarantined": docs.quarantined,
        "extraction_problems": problems,
    }


def package_content(docs: DocumentsTable, tables: dict[str, TableValidation], problems: list[str]) -> PackageContent:
    """Tables, texts, sources and the validation report; the version is set when publishing."""
    validations = {"documents": docs.validation} | tables
    return PackageContent(
        tables={name: v.kept for name, v in validations.items()},
        texts=docs.texts,
        sources=docs.sources,
        # A JSON round trip, so it compares equal to the report read back from a package.
        report=json.loads(json.dumps(validation_report(docs, validations, problems), ensure_ascii=False)),
    )


def publish_package(out: Path, content: PackageContent, known_valid: KnownValidParts | None = None) -> dict:
    """Version against the package in `out`, write, validate with Frictionless, bundle, swap in.

    The previous package is read under the publish lock, so two builds at once version
    against what the other published. Raises PackageInvalidError (leaving `out` as it was)
    when Frictionless rejects the staged package. With `known_valid`, the document parts of
    the last clean package are not read again (core/fragment_check.py), and this package's
    parts are remembered once it is published.
    """
    result: dict = {}
    known = known_valid.load() if known_valid else set()
    valid_parts: set[str] = set()

    def write(staged: Path) -> None:
        rendered = render_tables(content)
        previous = read_previous(out)
        probe = build_descriptor(rendered, content.sources, version=INITIAL_VERSION)
        rows = {table: len(frame) for table, frame in rendered.frames.items()}
        snapshot = Snapshot(probe, rendered.csv, text_hashes(content.texts), content.report, rows)
        release = plan_release(previous, snapshot)
        descriptor = build_descriptor(rendered, content.sources, release.version)
        write_package(staged, rendered, content, descriptor)
        # Only a package Frictionless finds valid is published (below), so its README and
        # landing page are written before that validation, and the zip compressed during it.
        facts = PackageFacts(
            version=release.version,
            descriptor=descriptor,
            tables=rendered.frames,
            frictionless_valid=True,
            rejected={name: s["rejected"] for name, s in content.report.get("pandera", {}).items()},
            quarantined=content.report.get("quarantined", []),
            zip_name=zip_name(release.version),
        )
        write_file(staged / "README.md", readme(facts).encode("utf-8"))
        write_file(staged / "index.html", index_html(facts).encode("utf-8"))
        write_file(staged / "CHANGELOG.md", changelog(release, previous).encode("utf-8"))
        with bundle_while_finishing(staged, release.version, unfinished=VALIDATION_REPORT):
            checked = validate_staged(staged, rendered, known, workers=default_workers())
            frictionless = checked.report
            write_file(staged / VALIDATION_REPORT, json_bytes(content.report | {"frictionless": frictionless}))
            if not frictionless["valid"]:
                raise PackageInvalidError(f"Frictionless rejected the package: {frictionless['errors'][:5]}")
        valid_parts.update(checked.valid_parts)
        files = package_files(staged)
        result.update(
            descriptor=descriptor,
            frictionless=frictionless,
            release=release.summary(),
            changelog_entry=release_entry(release) if release.is_new else "",
            zip=facts.zip_name,
            frictionless_parts_read="all" if checked.parts_read is None else checked.parts_read,
            files=len(files),
            bytes=sum((staged / f).stat().st_size for f in files),
        )

    publish(out, write)
    if known_valid:
        known_valid.save(valid_parts)
    return result
