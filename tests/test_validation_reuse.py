"""Reusing the Pandera outcome of unchanged documents gives exactly what validating every
row again gives: the same kept rows (values, dtypes, order) and the same rejections."""

from __future__ import annotations

import copy
from functools import cache

import pandas as pd
import pytest

from dagster_project.core.validation import TableValidation, validate_by_document, validate_table
from tests.conftest import SEEDS
from tests.test_bad_input import all_rows, read_folder


@cache
def seed_documents() -> tuple[dict[str, dict[str, list[dict]]], dict[str, str], dict[str, int]]:
    """Per doc_id, every table's rows; and the texts and plan years the rules check against."""
    results = [r for r in read_folder(SEEDS).values() if r.ok]
    rows = {r.row["doc_id"]: all_rows(r) for r in results}
    texts = {r.row["doc_id"]: r.normalized.text for r in results}
    plan_years = {r.row["doc_id"]: r.context.plan_year for r in results if r.context.plan_year}
    return rows, texts, plan_years


def by_document(rows: dict[str, dict[str, list[dict]]], table: str) -> list[tuple[str, list[dict]]]:
    return [(doc, copy.deepcopy(tables[table])) for doc, tables in sorted(rows.items())]


def break_quote(rows: list[dict], i: int = 0) -> None:
    """Make row i's quote disagree with the text (the quote_matches_text rule rejects it)."""
    rows[i]["quote"] = rows[i]["quote"] + "。"


def assert_same_outcome(got: TableValidation, expected: TableValidation) -> None:
    pd.testing.assert_frame_equal(got.kept, expected.kept)
    assert got.rejected == expected.rejected
    assert got.table_errors == expected.table_errors


def outcome_of_every_row(table, documents, texts, plan_years) -> TableValidation:
    return validate_table(table, [row for _, rows in documents for row in rows], texts, plan_years)


@pytest.mark.parametrize("table", ["indicators", "targets", "projects"])
def test_one_changed_document_is_validated_again_and_the_rest_reused(table):
    rows, texts, plan_years = seed_documents()
    before = by_document(rows, table)
    assert len(before) >= 3 and all(r for _, r in before[:3])
    break_quote(before[0][1])  # a rejection kept from the previous build
    inputs = {doc: f"v1-{doc}" for doc, _ in before}
    previous = validate_by_document(table, before, texts, plan_years, inputs)
    assert [r["doc_id"] for r in previous.rejected] == [before[0][0]]

    after = copy.deepcopy(before)
    changed = after[2][0]
    break_quote(after[2][1], i=len(after[2][1]) - 1)  # a new rejection, at its document's end
    after[2] = (changed, after[2][1][1:])  # and a row fewer
    new_inputs = inputs | {changed: "v2"}
    reused = validate_by_document(table, after, texts, plan_years, new_inputs, previous)

    assert_same_outcome(reused, outcome_of_every_row(table, after, texts, plan_years))
    assert [r["doc_id"] for r in reused.rejected] == [before[0][0], changed]
    assert reused.inputs == new_inputs


def test_nothing_changed_reuses_everything():
    rows, texts, plan_years = seed_documents()
    documents = by_document(rows, "glossary")
    inputs = {doc: f"v1-{doc}" for doc, _ in documents}
    previous = validate_by_document("glossary", documents, texts, plan_years, inputs)
    again = validate_by_document("glossary", documents, texts, plan_years, inputs, previous)
    assert_same_outcome(again, outcome_of_every_row("glossary", documents, texts, plan_years))


def test_a_key_repeated_across_documents_validates_every_row_again():
    """A changed document's row takes the id of an unchanged document's row: only the
    whole column shows it, so both rows must be rejected as a full validation rejects them."""
    rows, texts, plan_years = seed_documents()
    before = by_document(rows, "indicators")
    inputs = {doc: f"v1-{doc}" for doc, _ in before}
    previous = validate_by_document("indicators", before, texts, plan_years, inputs)

    after = copy.deepcopy(before)
    after[1][1][0]["id"] = after[0][1][0]["id"]
    reused = validate_by_document("indicators", after, texts, plan_years, inputs | {after[1][0]: "v2"}, previous)
    expected = outcome_of_every_row("indicators", after, texts, plan_years)
    assert len(expected.rejected) == 2
    assert_same_outcome(reused, expected)


def test_a_previous_outcome_of_other_rows_is_not_reused():
    """The same inputs but not the same number of rows (a store edited by hand, say):
    everything is validated again."""
    rows, texts, plan_years = seed_documents()
    documents = by_document(rows, "projects")
    inputs = {doc: f"v1-{doc}" for doc, _ in documents}
    previous = validate_by_document(
        "projects", documents[:1] + [(documents[1][0], documents[1][1][:-2])], texts, plan_years, inputs
    )
    again = validate_by_document("projects", documents, texts, plan_years, inputs, previous)
    assert_same_outcome(again, outcome_of_every_row("projects", documents, texts, plan_years))


def test_a_rejection_for_a_repeated_key_is_never_reused():
    """Build 1: two documents share an id, so both rows are rejected. Build 2: one of them
    changed and the clash is gone, so the unchanged document's row must be kept now."""
    rows, texts, plan_years = seed_documents()
    before = by_document(rows, "indicators")
    before[1][1][0]["id"] = before[0][1][0]["id"]
    inputs = {doc: f"v1-{doc}" for doc, _ in before}
    previous = validate_by_document("indicators", before, texts, plan_years, inputs)
    assert len(previous.rejected) == 2

    after = by_document(rows, "indicators")  # document 1 as extracted: no clash
    again = validate_by_document("indicators", after, texts, plan_years, inputs | {after[1][0]: "v2"}, previous)
    expected = outcome_of_every_row("indicators", after, texts, plan_years)
    assert expected.rejected == []
    assert_same_outcome(again, expected)
