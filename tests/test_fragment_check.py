"""Frictionless reading again only the documents' rows it has not seen valid: its report is
always the one Frictionless gives the whole package."""

import csv
import io
import json
import shutil
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.core.fragment_check import KnownValidParts, validate_staged
from dagster_project.core.package import (
    PackageContent,
    RenderedTables,
    build_descriptor,
    csv_by_document,
    csv_bytes,
    render_tables,
    write_package,
)
from dagster_project.core.package_check import frictionless_report
from tests.built_package import built_package
from tests.test_package_publish import content_of


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> PackageContent:
    return content_of(built_package(tmp_path_factory))


def staged(content: PackageContent, folder: Path) -> RenderedTables:
    """The package of `content` written into `folder`, as publishing stages it; its tables."""
    rendered = render_tables(content)
    descriptor = build_descriptor(rendered, content.sources, "1.0.0")
    folder.mkdir()
    write_package(folder, rendered, content, descriptor)
    return rendered


def known_parts(content: PackageContent, folder: Path) -> set[str]:
    """The parts a clean build of `content` leaves known valid (the whole package read)."""
    rendered = staged(content, folder)
    first = validate_staged(folder, rendered, known=set())
    assert first.report["valid"] and first.parts_read is None and first.valid_parts
    return first.valid_parts


def with_changed_document(content: PackageContent, table: str, edit) -> tuple[PackageContent, str]:
    """A copy of `content` where `edit(frame of one document's rows)` changed them; the
    document is the one in the middle of the table, so its rows are past the sniffed lines."""
    tables = {name: frame.copy() for name, frame in content.tables.items()}
    frame = tables[table]
    doc_ids = sorted(frame["doc_id"].unique())
    doc_id = doc_ids[len(doc_ids) // 2 + 1]
    rows = frame["doc_id"] == doc_id
    frame.loc[rows] = edit(frame.loc[rows].copy())
    return PackageContent(tables, content.texts, content.sources, content.report), doc_id


def test_nothing_changed_reads_no_part_and_reports_as_the_whole_package(content, tmp_path):
    known = known_parts(content, tmp_path / "first")
    rendered = staged(content, tmp_path / "again")
    again = validate_staged(tmp_path / "again", rendered, known)
    assert again.parts_read == 0
    assert again.report == frictionless_report(tmp_path / "again")
    assert again.valid_parts == known
    assert not (tmp_path / "again" / ".frictionless-parts").exists()


def test_a_changed_document_is_read_again_and_only_it(content, tmp_path):
    known = known_parts(content, tmp_path / "first")

    def longer_quote(rows: pd.DataFrame) -> pd.DataFrame:
        rows["scope"] = "全省"  # a valid value that changes every row's bytes
        return rows

    changed, _ = with_changed_document(content, "indicators", longer_quote)
    rendered = staged(changed, tmp_path / "changed")
    result = validate_staged(tmp_path / "changed", rendered, known)
    assert result.parts_read == 1
    assert result.report == frictionless_report(tmp_path / "changed")
    assert result.report["valid"] and result.valid_parts - known


def first_row_id_of_the_table(table: str):
    """An edit giving a document's first row the id of the table's first row (another document's)."""

    def edit(rows: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
        rows.iloc[0, rows.columns.get_loc("id")] = frame["id"].iloc[0]
        return rows

    return edit


@pytest.mark.parametrize(
    "table, edit, error",
    [
        # a cell Frictionless rejects, in the part read again
        ("indicators", lambda rows, _: rows.assign(measure="not-a-measure"), "constraint-error"),
        # a row id that another document's rows hold too: only the whole column shows it
        ("projects", first_row_id_of_the_table("projects"), "primary-key"),
        # rows whose document is not in the documents table
        ("glossary", lambda rows, _: rows.assign(doc_id="no_such_document"), "foreign-key"),
    ],
)
def test_a_broken_part_gets_the_report_of_the_whole_package(content, tmp_path, table, edit, error):
    known = known_parts(content, tmp_path / "first")
    broken, _ = with_changed_document(content, table, lambda rows: edit(rows, content.tables[table]))
    rendered = staged(broken, tmp_path / "broken")
    result = validate_staged(tmp_path / "broken", rendered, known)
    whole = frictionless_report(tmp_path / "broken")
    assert not whole["valid"] and error in {e["type"] for e in whole["errors"]}
    assert result.report == whole and result.parts_read is None and result.valid_parts == set()


def test_a_table_file_changed_on_disk_is_caught_by_its_declared_hash(content, tmp_path):
    known = known_parts(content, tmp_path / "first")
    rendered = staged(content, tmp_path / "tampered")
    path = tmp_path / "tampered" / "data" / "targets.csv"
    path.write_bytes(path.read_bytes().replace(b"%", b"%%", 1))
    result = validate_staged(tmp_path / "tampered", rendered, known)
    assert not result.report["valid"] and result.report == frictionless_report(tmp_path / "tampered")
    assert result.parts_read is None


def test_a_dialect_other_than_plain_csv_gets_the_whole_package_read(content, tmp_path):
    """Cells like `# 'a'#` in the first lines make csv.Sniffer choose skipinitialspace, so
    Frictionless reads ` ZZZ` and `ZZZ` as the same id while the rendered frame does not:
    a shortcut through the whole-column guards would miss the repeated key."""

    def edit(ids: dict[str, str]) -> PackageContent:
        frame = content.tables["indicators"].copy()
        first_doc = min(frame["doc_id"].unique())
        for i in frame.index[frame["doc_id"] == first_doc][:3]:
            frame.loc[i, "qualifier"] = "# 'a'#"
        for doc, new_id in ids.items():
            frame.loc[frame.index[frame["doc_id"] == doc][0], "id"] = new_id
        return PackageContent({**content.tables, "indicators": frame}, content.texts, content.sources, content.report)

    docs = sorted(content.tables["indicators"]["doc_id"].unique())
    known = known_parts(edit({docs[-2]: " ZZZ"}), tmp_path / "first")
    rendered = staged(edit({docs[-2]: " ZZZ", docs[-1]: "ZZZ"}), tmp_path / "second")
    result = validate_staged(tmp_path / "second", rendered, known)
    whole = frictionless_report(tmp_path / "second")
    assert not whole["valid"] and "primary-key" in {e["type"] for e in whole["errors"]}
    assert result.report == whole and result.parts_read is None


def test_the_descriptor_on_disk_is_the_one_checked(content, tmp_path):
    """A stricter constraint in the written datapackage.json, or package metadata
    Frictionless refuses to load: the report is the whole package's, never an exception."""
    known = known_parts(content, tmp_path / "first")
    rendered = staged(content, tmp_path / "stricter")
    path = tmp_path / "stricter" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "indicators")["schema"]["fields"][2]["constraints"] = {
        "maxLength": 1
    }
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    result = validate_staged(tmp_path / "stricter", rendered, known)
    assert not result.report["valid"] and result.report == frictionless_report(tmp_path / "stricter")

    rendered = staged(content, tmp_path / "refused")
    path = tmp_path / "refused" / "datapackage.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) | {"keywords": "not-a-list"}))
    result = validate_staged(tmp_path / "refused", rendered, known)
    assert not result.report["valid"] and result.report == frictionless_report(tmp_path / "refused")


def test_known_parts_survive_only_a_clean_save(tmp_path):
    store = KnownValidParts(tmp_path / "cache" / "known")
    assert store.load() == set()
    store.save({"b" * 64, "a" * 64})
    assert store.load() == {"a" * 64, "b" * 64}
    assert (tmp_path / "cache" / "known").read_text() == f"{'a' * 64}\n{'b' * 64}\n"
    (tmp_path / "cache" / "known").write_bytes(b"\xff\xfe")  # unreadable: nothing known
    assert store.load() == set()


def test_a_publish_remembers_the_parts_of_what_it_published(content, tmp_path):
    from dagster_project.core.assemble import publish_package

    store = KnownValidParts(tmp_path / "known")
    first = publish_package(tmp_path / "out", content, store)
    assert first["frictionless_parts_read"] == "all" and store.load()
    second = publish_package(tmp_path / "out", content, store)
    assert second["frictionless_parts_read"] == 0
    assert second["frictionless"] == first["frictionless"]
    shutil.rmtree(tmp_path / "out")


doc_runs = st.lists(
    st.tuples(st.sampled_from(["d1", "d2", "d3"]), st.text(alphabet='ab,"\n\r 中', max_size=6)), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(doc_runs)
def test_csv_by_document_cuts_csv_bytes_into_each_documents_rows(rows):
    frame = pd.DataFrame(rows, columns=["doc_id", "cell"], dtype="string").sort_values("doc_id", kind="stable")
    data, bounds = csv_by_document(frame, ["doc_id", "cell"])
    assert data == csv_bytes(frame, ["doc_id", "cell"])
    assert bounds[-1] == len(data)
    cuts = [0, *bounds]
    header, parts = data[: bounds[0]], [data[a:b] for a, b in pairwise(cuts[1:])]
    assert header == b"doc_id,cell\n"
    # each part reads as the rows of one document, in order, as the whole file reads them
    whole = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))[1:]
    read = [list(csv.reader(io.StringIO(p.decode("utf-8"), newline=""))) for p in parts]
    assert [row for part in read for row in part] == whole
    assert [part[0][0] for part in read] == sorted(set(frame["doc_id"]))


def test_the_published_validation_report_is_the_same_either_way(content, tmp_path):
    """reports/validation.json holds the Frictionless report; reading fewer parts must not
    change a byte of it."""
    from dagster_project.core.assemble import publish_package

    store = KnownValidParts(tmp_path / "known")
    publish_package(tmp_path / "out", content, store)
    first = (tmp_path / "out" / "reports" / "validation.json").read_bytes()
    publish_package(tmp_path / "out", content, store)
    assert (tmp_path / "out" / "reports" / "validation.json").read_bytes() == first
    assert json.loads(first)["frictionless"]["valid"]
