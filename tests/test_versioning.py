"""Versioning by the Frictionless recipe, on small hand-made packages, and the changelog it writes."""

import copy
import csv
import io

import pytest

from dagster_project.core.versioning import (
    INITIAL_VERSION,
    Previous,
    Snapshot,
    bump,
    changelog,
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
