"""Per-document results → validated tables → the content of one package, and publishing it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.core.documents import DocumentResult
from dagster_project.core.package import PackageContent, write_package
from dagster_project.core.package_docs import index_html, readme
from dagster_project.core.package_check import frictionless_report
from dagster_project.core.publish import publish
from dagster_project.core.validation import TableValidation, validate_table


class PackageInvalidError(RuntimeError):
    """Frictionless rejected the staged package; the published one was left as it was."""


@dataclass(frozen=True)
class ExtractedRows:
    """One table's rows for one document, and what went wrong while extracting them."""

    rows: list[dict]
    problems: list[str] = field(default_factory=list)


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


def documents_table(results: dict[str, DocumentResult]) -> DocumentsTable:
    ordered = [results[k] for k in sorted(results)]
    rows = [r.row for r in ordered]
    texts = {r.row["doc_id"]: r.normalized.text for r in ordered if r.ok and r.normalized}
    plan_years = {r.row["doc_id"]: r.context.plan_year for r in ordered if r.context and r.context.plan_year}
    sources = [
        {"title": r.row["title"] or r.row["source_path"], "path": r.row["source_path"],
         "sha256": r.row["sha256"], "bytes": r.row["bytes"]}
        for r in ordered
    ]  # fmt: skip
    return DocumentsTable(validate_table("documents", rows, texts, plan_years), texts, plan_years, sources)


def row_table(table: str, per_document: dict[str, ExtractedRows], docs: DocumentsTable) -> tuple[TableValidation, list[str]]:
    """All documents' rows of one table, validated; plus the extraction problems met."""
    rows = [row for key in sorted(per_document) for row in per_document[key].rows]
    problems = [f"{key}: {p}" for key in sorted(per_document) for p in per_document[key].problems]
    return validate_table(table, rows, docs.texts, docs.plan_years), problems


def validation_report(docs: DocumentsTable, tables: dict[str, TableValidation], problems: list[str]) -> dict:
    """What reports/validation.json says before Frictionless has seen the written files."""
    return {
        "pandera": {name: v.summary() | {"rejected_rows": v.rejected} for name, v in tables.items()},
        "quarantined": docs.quarantined,
        "extraction_problems": problems,
    }


def package_content(docs: DocumentsTable, tables: dict[str, TableValidation], problems: list[str], version: str) -> PackageContent:
    """Tables, texts, sources, report and the generated README and landing page."""
    validations = {"documents": docs.validation} | tables
    frames = {name: v.kept for name, v in validations.items()}
    clean = all(not v.rejected for v in validations.values())
    return PackageContent(
        tables=frames,
        texts=docs.texts,
        sources=docs.sources,
        report=validation_report(docs, validations, problems),
        version=version,
        extra_files={
            "README.md": readme(frames, version).encode("utf-8"),
            "index.html": index_html(frames, version, clean).encode("utf-8"),
        },
    )


def publish_package(out: Path, content: PackageContent) -> dict:
    """Write, validate with Frictionless, and swap in; raise if Frictionless rejects it."""
    result: dict = {}

    def write(staged: Path) -> None:
        descriptor = write_package(staged, content)
        frictionless = frictionless_report(staged)
        report = content.report | {"frictionless": frictionless}
        (staged / "reports" / "validation.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if not frictionless["valid"]:
            raise PackageInvalidError(f"Frictionless rejected the package: {frictionless['errors'][:5]}")
        result.update(descriptor=descriptor, frictionless=frictionless)

    publish(out, write)
    return result
