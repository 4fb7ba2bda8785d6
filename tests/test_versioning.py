"""Versioning by the Frictionless recipe, on small hand-made packages, and the changelog it writes."""

import copy
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.core.versioning import (
    INITIAL_VERSION,
    Previous,
    Snapshot,
    TableChange,
    bump,
    changelog,
    diff_rows,
    plan_release,
)

SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True}},
        {"name": "doc_id", "type": "string"},
        {"name": "value", "type": "number", "description": "the value"},
    ],
    "primaryKey": ["id"],
}
ROWS = [["a:1", "a", "1.5"], ["a:2", "a", "2"], ["b:1", "b", "-3"]]


def table_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f["name"] for f in SCHEMA["fields"]])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def snapshot(rows=ROWS, schema=SCHEMA, texts=None, extra_resources=(), title="T", report=None) -> Snapshot:
    descriptor = {
        "name": "p",
        "title": title,
        "version": "ignored",
        "resources": [
            {"name": "facts", "type": "table", "path": "data/facts.csv", "schema": copy.deepcopy(schema)},
            *extra_resources,
        ],
    }
    texts = dict(texts) if texts is not None else {"a": "h1", "b": "h2"}
    return Snapshot(descriptor, {"facts": table_csv(rows)}, texts, copy.deepcopy(report or {}))


def previous(version="1.2.3", changelog_text=None, **kwargs) -> Previous:
    return Previous(snapshot(**kwargs), version, changelog_text)


def test_first_release_counts_every_row_as_added():
    release = plan_release(None, snapshot())
    assert release.version == INITIAL_VERSION and release.level == "initial"
    assert [(t.table, t.rows, t.added) for t in release.tables] == [("facts", 3, 3)]


def test_unchanged_content_keeps_the_version_and_the_changelog():
    old = previous(changelog_text="# Changelog\n\n## 1.2.3\n\nwhatever was written\n")
    release = plan_release(old, snapshot())
    assert release.level == "none" and release.version == "1.2.3" and release.reasons == []
    assert changelog(release, old) == old.changelog


def test_the_version_is_not_part_of_the_comparison():
    new = snapshot()
    new.descriptor["version"] = "9.9.9"
    assert plan_release(previous(), new).level == "none"


@pytest.mark.parametrize(
    ("change", "level", "version"),
    [
        (lambda s: s.tables.update(facts=table_csv([*ROWS, ["c:1", "c", "4"]])), "minor", "1.3.0"),
        (lambda s: s.tables.update(facts=table_csv(ROWS[:2])), "minor", "1.3.0"),
        (lambda s: s.tables.update(facts=table_csv([ROWS[0], ["a:2", "a", "2.5"], ROWS[2]])), "patch", "1.2.4"),
        (lambda s: s.texts.update(a="changed"), "patch", "1.2.4"),
        (lambda s: s.descriptor.update(title="a better title"), "patch", "1.2.4"),
        (lambda s: s.report.update(quarantined=[{"doc_id": "x"}]), "patch", "1.2.4"),
        (lambda s: s.descriptor["resources"][0]["schema"]["fields"][2].update(description="clearer"), "patch", "1.2.4"),
        (lambda s: s.descriptor["resources"][0]["schema"]["fields"][2].update(type="integer"), "major", "2.0.0"),
        (
            lambda s: s.descriptor["resources"][0]["schema"]["fields"].append({"name": "unit", "type": "string"}),
            "major",
            "2.0.0",
        ),
        (
            lambda s: s.descriptor["resources"][0]["schema"]["fields"][1].update(constraints={"required": True}),
            "major",
            "2.0.0",
        ),
        (lambda s: s.descriptor["resources"][0]["schema"].update(primaryKey=["doc_id", "id"]), "major", "2.0.0"),
        (
            lambda s: s.descriptor["resources"].append({"name": "facts-parquet", "path": "data/facts.parquet"}),
            "minor",
            "1.3.0",
        ),
    ],
    ids=[
        "row-added",
        "row-removed",
        "value-corrected",
        "text-corrected",
        "title",
        "report",
        "field-description",
        "field-type",
        "field-added",
        "constraint",
        "primary-key",
        "resource-added",
    ],
)
def test_each_kind_of_change_bumps_its_level(change, level, version):
    new = snapshot()
    change(new)
    release = plan_release(previous(), new)
    assert (release.level, release.version) == (level, version), release.reasons


def test_removing_a_resource_is_major():
    old = previous(extra_resources=[{"name": "extra", "path": "data/extra.json"}])
    release = plan_release(old, snapshot())
    assert release.level == "major" and release.version == "2.0.0"
    assert any("extra" in r for r in release.reasons)


def test_the_highest_level_wins():
    new = snapshot(rows=[["a:1", "a", "1.5"], ["a:2", "a", "7"], ["z:1", "z", "1"]])
    new.descriptor["resources"][0]["schema"]["fields"][2]["type"] = "string"
    release = plan_release(previous(), new)
    assert release.level == "major"
    assert any("rows added" in r for r in release.reasons) and any("changed" in r for r in release.reasons)


def test_row_counts_per_table_in_the_changelog():
    rows = [["a:1", "a", "1.5"], ["a:2", "a", "20"], ["c:1", "c", "1"], ["c:2", "c", "2"]]  # b:1 gone, a:2 changed
    old = previous(changelog_text="# Changelog\n\nintro\n\n## 1.2.3\n\nearlier release\n\n## 1.0.0\n\nfirst\n")
    release = plan_release(old, snapshot(rows=rows))
    (facts,) = release.tables
    assert (facts.rows, facts.added, facts.removed, facts.changed) == (4, 2, 1, 1)
    text = changelog(release, old)
    assert "| facts | 4 | 2 | 1 | 1 |" in text
    assert text.index("## 1.3.0") < text.index("## 1.2.3") < text.index("## 1.0.0")
    assert text.count("## 1.2.3") == 1 and "earlier release" in text


def test_a_previous_package_without_changelog_is_acknowledged():
    old = previous(version="0.1.0")
    release = plan_release(old, snapshot(rows=ROWS[:1]))
    text = changelog(release, old)
    assert release.version == "0.2.0"
    assert "## 0.2.0" in text and "## 0.1.0" in text


def test_a_previous_package_without_a_semantic_version_starts_over():
    release = plan_release(Previous(snapshot(), None, None), snapshot())
    assert release.version == INITIAL_VERSION and release.level == "initial"


def test_bump():
    assert [bump("1.4.2", lv) for lv in ("major", "minor", "patch", "none")] == ["2.0.0", "1.5.0", "1.4.3", "1.4.2"]


# --- Row comparison: the line-based reading against the csv.reader one it replaced ---------


def reference_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return (rows[0], rows[1:]) if rows else ([], [])


def reference_diff_rows(table: str, old_csv: bytes, new_csv: bytes, key: list[str]) -> TableChange:
    """The comparison as first written: every file read by csv.reader, rows matched by key."""
    if old_csv == new_csv:
        return TableChange(table, len(reference_rows(new_csv)[1]), 0, 0, 0)
    old_header, old_rows = reference_rows(old_csv)
    new_header, new_rows = reference_rows(new_csv)
    common = [c for c in new_header if c in old_header]

    def index(header, rows):
        pos = {c: i for i, c in enumerate(header)}
        if not all(k in pos for k in key):
            return {(i,): tuple(r) for i, r in enumerate(rows)}
        return {tuple(r[pos[k]] for k in key): tuple(r[pos[c]] for c in common) for r in rows}

    before, after = index(old_header, old_rows), index(new_header, new_rows)
    changed = sum(1 for k in after if k in before and before[k] != after[k])
    return TableChange(
        table, len(new_rows), len(after.keys() - before.keys()), len(before.keys() - after.keys()), changed
    )


def outcome(fn, *args):
    try:
        return fn(*args)
    except (IndexError, csv.Error) as err:
        return type(err).__name__


_CELLS = st.sampled_from(["", "1", "2", "a", "中", "a,b", 'say "x"', "two\nlines", "cr\r", " "])
_HEADERS = st.sampled_from([["id", "v"], ["id", "v", "w"], ["v", "id"], ["id"], ["id", "id"], ["k", "id", "v"], []])


@st.composite
def csv_files(draw, header=None):
    header = draw(_HEADERS) if header is None else header
    width = st.sampled_from([len(header)] * 6 + [max(len(header) - 1, 0), len(header) + 1])
    rows = draw(st.lists(width.flatmap(lambda n: st.lists(_CELLS, min_size=n, max_size=n)), max_size=8))
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL] * 3 + [csv.QUOTE_ALL]))  # files written by other tools
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n"] * 5 + ["\r\n"])), quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()) and draw(st.booleans()):
        text = text.rstrip("\n")
    if draw(st.integers(0, 9)) == 0:  # any text at all
        text = draw(st.text(alphabet=st.sampled_from('ab,"\n\r id'), max_size=30))
    return text.encode("utf-8")


@st.composite
def file_pairs(draw):
    old = draw(csv_files())
    how = draw(st.sampled_from(["independent", "same header", "edited"]))
    if how == "independent":
        return old, draw(csv_files())
    if how == "same header":
        return old, draw(csv_files(header=reference_rows(old)[0]))
    lines = old.split(b"\n")
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    lines[i : i + 1] = draw(st.lists(st.sampled_from([b"", b"a,1", b'a,"1"', b"b,2", b"1,a", lines[i]]), max_size=2))
    return old, b"\n".join(lines)


@settings(max_examples=3000, deadline=None)
@given(file_pairs(), st.sampled_from([["id"], ["k"], ["id", "v"], ["v", "id"]]))
def test_diff_rows_counts_as_the_csv_reader_comparison(pair, key):
    old, new = pair
    assert outcome(diff_rows, "t", old, new, key) == outcome(reference_diff_rows, "t", old, new, key)
    assert outcome(diff_rows, "t", new, new, key) == outcome(reference_diff_rows, "t", new, new, key)


def test_diff_rows_on_a_large_table_with_one_document_changed():
    def rows(doc_value):
        return [[f"d{d}:{i}", f"d{d}", str(doc_value if d == 7 else i), "a, b" if i % 3 else 'q"x'] for d in range(20) for i in range(50)]  # fmt: skip

    def file(rows):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([["id", "doc_id", "value", "note"], *rows])
        return out.getvalue().encode("utf-8")

    old, new = file(rows(1)), file([r for r in rows(2) if r[0] != "d7:3"] + [["d7:99", "d7", "1", "new"]])
    change = diff_rows("t", old, new, ["id"])
    assert change == reference_diff_rows("t", old, new, ["id"])
    assert (change.rows, change.added, change.removed, change.changed) == (1000, 1, 1, 49)


def test_row_counts_the_writer_knows_give_the_release_counting_gives():
    old = previous()
    for rows in (ROWS, ROWS[:2], [*ROWS, ["c:1", "c", "4"]], [["a:1", "a", "9"], *ROWS[1:]]):
        counted = plan_release(old, snapshot(rows=rows))
        told = snapshot(rows=rows)
        told = Snapshot(told.descriptor, told.tables, told.texts, told.report, {"facts": len(rows)})
        assert plan_release(old, told) == counted
        assert plan_release(None, told) == plan_release(None, snapshot(rows=rows))
