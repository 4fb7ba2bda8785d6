"""What an extractor knows about the document it reads, besides its text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocContext:
    """Document-level facts the extractors need to date and place a row.

    review_year: the year the report looks back on (a five-year report: the last reviewed year).
    plan_year: the first year it plans for.
    """

    doc_id: str
    doc_type: str = "government_work_report"  # or party_congress_report / other
    region: str = ""
    review_year: int | None = None
    plan_year: int | None = None
