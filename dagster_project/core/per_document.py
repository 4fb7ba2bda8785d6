"""Read and extract one document and store the result: the unit of work of the
per-document asset, run in worker processes when there are many documents.

Each job carries everything it needs (folders, the source, the stamp), writes its output
to the partition store, and sends back only the small metadata dict the UI shows. Nothing
here imports Dagster or pandas.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

from dagster_project.core.documents import DocumentResult, quarantined, read_document
from dagster_project.core.extraction import ROW_TABLES, DocumentExtract, ExtractedRows, extract_table
from dagster_project.core.partition_store import PartitionStore, Stamped
from dagster_project.core.sources import SourceFile, read_source

# Below this many documents a step runs in-process: starting workers costs more.
MIN_DOCUMENTS_FOR_WORKERS = 8


@dataclass(frozen=True)
class DocumentJob:
    store_dir: str
    asset: tuple[str, ...]
    sources_dir: str
    source: SourceFile
    stamp: str


def document_summary(result: DocumentResult) -> dict:
    """What the UI shows about a read document, as plain JSON (stored beside it)."""
    row = result.row
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
        "preview": result.normalized.text[:300] if result.normalized else "",
    }


def extract_document(result: DocumentResult) -> DocumentExtract:
    """Every table's rows of one read document (none when it was quarantined), with the
    document as stored: its text without the offset map, whose raw spans the rows hold."""
    tables = {}
    for table in ROW_TABLES:
        rows, problems = extract_table(table, result.normalized, result.context) if result.ok else ([], [])
        tables[table] = ExtractedRows(rows, problems)
    kept = replace(result, normalized=result.normalized.kept()) if result.normalized is not None else result
    return DocumentExtract(kept, tables)


def extract_summary(extract: DocumentExtract) -> dict:
    """The document summary plus its row count per table and the extraction problems met."""
    counts = {f"{table}_rows": len(found.rows) for table, found in extract.tables.items()}
    problems = sum(len(found.problems) for found in extract.tables.values())
    return document_summary(extract.document) | counts | {"extraction_problems": problems}


def process_one(job: DocumentJob) -> dict:
    """Read, normalize and extract one source file; store it under its stamp."""
    source = job.source
    try:
        data = None if source.problem else read_source(Path(job.sources_dir), source)
        result = read_document(source, data)
    except OSError as err:
        result = quarantined(source, f"could not be read: {err}")
    extract = extract_document(result)
    meta = extract_summary(extract)
    PartitionStore(job.store_dir).store(job.asset, source.doc_id, Stamped(extract, job.stamp, meta))
    return meta


def default_workers() -> int:
    """GWR_WORKERS when set (1 = in-process), else one per CPU, at most 4."""
    configured = os.environ.get("GWR_WORKERS", "").strip()
    return max(1, int(configured)) if configured else max(1, min(os.cpu_count() or 1, 4))


_pool: ProcessPoolExecutor | None = None


def _workers_pool(workers: int) -> ProcessPoolExecutor:
    """One pool per process, reused by every step of a run (workers import the core once)."""
    global _pool
    if _pool is None or _pool._max_workers != workers:  # no public accessor for the size
        shutdown_workers()
        # spawn, not fork: the parent is a Dagster run with threads and open databases
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
    return _pool


def shutdown_workers() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


atexit.register(shutdown_workers)


def run_jobs(fn: Callable, jobs: Sequence, workers: int | None = None, min_jobs: int = MIN_DOCUMENTS_FOR_WORKERS) -> list:
    """`[fn(job) for job in jobs]`, in worker processes when there are at least `min_jobs`
    (a few big jobs, such as validating parts of a package, go one at a time per worker)."""
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(jobs) < max(min_jobs, 1):
        return [fn(job) for job in jobs]
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    try:
        return list(_workers_pool(workers).map(fn, jobs, chunksize=chunk))
    except BrokenProcessPool:
        shutdown_workers()
        raise
