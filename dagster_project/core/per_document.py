"""Normalize or extract one document and store the result: the unit of work of the
per-document assets, run in worker processes when there are many documents.

Each job carries everything it needs (folders, the source, the stamp), reads its input
from the partition store and writes its output there; only the small metadata dict for
the UI goes back to the parent. Nothing here imports Dagster or pandas.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from dagster_project.core.documents import DocumentResult, quarantined, read_document
from dagster_project.core.partition_store import PartitionStore, Stamped
from dagster_project.core.sources import SourceFile, read_source

# Below this many documents a step runs in-process: starting workers costs more.
MIN_DOCUMENTS_FOR_WORKERS = 8


@dataclass(frozen=True)
class NormalizeJob:
    store_dir: str
    asset: tuple[str, ...]
    sources_dir: str
    source: SourceFile
    stamp: str


@dataclass(frozen=True)
class ExtractJob:
    store_dir: str
    asset: tuple[str, ...]
    normalized_asset: tuple[str, ...]
    table: str
    key: str
    stamp: str


def document_summary(result: DocumentResult) -> dict:
    """What the UI shows about a normalized document, as plain JSON (stored beside it)."""
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


def normalize_one(job: NormalizeJob) -> dict:
    source = job.source
    try:
        data = None if source.problem else read_source(Path(job.sources_dir), source)
        result = read_document(source, data)
    except OSError as err:
        result = quarantined(source, f"could not be read: {err}")
    meta = document_summary(result)
    PartitionStore(job.store_dir).store(job.asset, source.doc_id, Stamped(result, job.stamp, meta))
    return meta


def extract_one(job: ExtractJob) -> dict:
    from dagster_project.core.assemble import ExtractedRows
    from dagster_project.core.extraction import extract_table

    store = PartitionStore(job.store_dir)
    doc: DocumentResult = store.load(job.normalized_asset, job.key)
    rows, problems = extract_table(job.table, doc.normalized, doc.context) if doc.ok else ([], [])
    meta = {"rows": len(rows), "problems": len(problems)}
    store.store(job.asset, job.key, Stamped(ExtractedRows(rows, problems), job.stamp, meta))
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


def run_jobs(fn: Callable, jobs: Sequence, workers: int | None = None) -> list:
    """`[fn(job) for job in jobs]`, in worker processes when there are enough jobs."""
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(jobs) < MIN_DOCUMENTS_FOR_WORKERS:
        return [fn(job) for job in jobs]
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    try:
        return list(_workers_pool(workers).map(fn, jobs, chunksize=chunk))
    except BrokenProcessPool:
        shutdown_workers()
        raise
