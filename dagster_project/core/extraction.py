"""Run every extractor on one normalized document and give each row its id and raw span."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from dagster_project.core.context import DocContext
from dagster_project.core.documents import DocumentResult
from dagster_project.core.glossary import extract_glossary
from dagster_project.core.indicators import extract_indicators
from dagster_project.core.normalize import NormalizedText
from dagster_project.core.projects import extract_projects
from dagster_project.core.targets import extract_targets

Extractor = Callable[[str, DocContext], list[dict]]
EXTRACTORS: dict[str, Extractor] = {
    "indicators": extract_indicators,
    "targets": extract_targets,
    "glossary": extract_glossary,
    "projects": extract_projects,
}
ROW_TABLES = tuple(EXTRACTORS)


@dataclass(frozen=True)
class ExtractedRows:
    """One table's rows for one document, and what went wrong while extracting them."""

    rows: list[dict]
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentExtract:
    """One document as read (its documents.csv row, text and context) and its rows per table."""

    document: DocumentResult
    tables: dict[str, ExtractedRows]


def extract_table(table: str, normalized: NormalizedText, context: DocContext) -> tuple[list[dict], list[str]]:
    """Rows of one table for one document, plus problems (an extractor that crashed).

    An extractor failure must not lose the document: it is reported and the other
    tables still publish.
    """
    try:
        rows = EXTRACTORS[table](normalized.text, context)
    except Exception as err:  # noqa: BLE001 - any bug in an extractor is reported, not raised
        where = traceback.extract_tb(err.__traceback__)[-1]
        return [], [f"{table} extractor failed: {type(err).__name__}: {err} ({where.filename}:{where.lineno})"]
    return finish_rows(rows, normalized, context.doc_id), []


_PASSAGE = itemgetter("char_start", "char_end")


def finish_rows(rows: list[dict], normalized: NormalizedText, doc_id: str) -> list[dict]:
    """Add `id` (`<doc_id>:<start>-<end>:<k>`) and the raw span of each row's passage."""
    # (runs for every row of every table: a plain dict counts, and nothing is looked up twice)
    seen: dict[tuple[int, int], int] = {}
    finished = []
    raw_span = normalized.raw_span
    for row in sorted(rows, key=_PASSAGE):
        start, end = int(row["char_start"]), int(row["char_end"])
        k = seen.get((start, end), 0)
        seen[start, end] = k + 1
        raw_start, raw_end = raw_span(start, end) if end > start else (None, None)
        finished.append(
            {"id": f"{doc_id}:{start}-{end}:{k}", **row, "doc_id": doc_id, "raw_start": raw_start, "raw_end": raw_end}
        )
    return finished
