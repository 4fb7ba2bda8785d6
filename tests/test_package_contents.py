"""The published package as a user receives it: descriptor, Parquet copies, zip, SHA256SUMS,
README and citation, checked against the files themselves."""

import csv
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import frictionless
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.core.bundle import SUMS, bundle_problems, zip_bytes
from dagster_project.core.package import TITLE, csv_bytes, format_cell, sort_rows
from dagster_project.core.parquet import parquet_bytes
from dagster_project.core.table_schemas import DTYPES, TABLES, load_table_schema
from tests.built_package import built_package, copy_package
from tests.conftest import REPO, SEEDS


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return built_package(tmp_path_factory)


@pytest.fixture(scope="module")
def descriptor(package) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_descriptor_is_a_complete_v2_package(descriptor):
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    for key in ("name", "id", "title", "description", "version", "licenses", "contributors", "sources", "resources"):
        assert descriptor.get(key), key
    assert any("\u4e00" <= ch <= "\u9fff" for ch in descriptor["description"]), "no Chinese description"
    assert "Every row" in descriptor["description"], "no English description"
    assert all(c.get("title") and c.get("roles") for c in descriptor["contributors"])
    major, minor, patch = descriptor["version"].split(".")
    assert all(part.isdigit() for part in (major, minor, patch))


def test_one_source_per_document_with_its_hash_and_size(descriptor):
    expected = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size) for p in SEEDS.glob("*.txt")}
    assert {s["path"]: (s["sha256"], s["bytes"]) for s in descriptor["sources"]} == expected
    assert all(s["title"] for s in descriptor["sources"])


def test_every_resource_declares_schema_size_hash_encoding_and_description(package, descriptor):
    names = set()
    for r in descriptor["resources"]:
        data = (package / r["path"]).read_bytes()
        assert r["bytes"] == len(data), r["name"]
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), r["name"]
        assert r["schema"]["fields"] and r["encoding"] == "utf-8" and r["description"], r["name"]
        names.add(r["name"])
    assert names == set(TABLES) | {f"{t}-parquet" for t in TABLES}


def test_every_table_has_a_foreign_key_to_documents(descriptor):
    for r in descriptor["resources"]:
        if r["name"].startswith("documents"):
            continue
        (fk,) = r["schema"]["foreignKeys"]
        assert fk["fields"] == ["doc_id"] and fk["reference"]["fields"] == ["doc_id"]
        assert fk["reference"]["resource"] in {"documents", "documents-parquet"}


def test_frictionless_checks_the_declared_hashes(package, tmp_path):
    assert frictionless.validate(str(package / "datapackage.json")).valid
    copy = copy_package(package, tmp_path / "pkg")
    parquet = copy / "data" / "targets.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-1] + b"\x00")  # same size, different content
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert {e.type for task in report.tasks for e in task.errors} == {"hash-count"}


@pytest.mark.parametrize("table", TABLES)
def test_parquet_copy_holds_the_rows_of_the_csv(package, table):
    from_csv = pd.read_csv(package / "data" / f"{table}.csv", dtype=str, keep_default_na=False)
    from_parquet = pd.read_parquet(package / "data" / f"{table}.parquet")
    assert list(from_parquet.columns) == list(from_csv.columns)
    assert len(from_parquet) == len(from_csv)
    key = "doc_id" if table == "documents" else "id"
    assert from_parquet[key].tolist() == from_csv[key].tolist()
    types = {f["name"]: f["type"] for f in load_table_schema(table)["fields"]}
    for column, kind in types.items():
        if kind == "integer":
            expected = [int(v) if v else None for v in from_csv[column]]
            got = [None if pd.isna(v) else int(v) for v in from_parquet[column]]
            assert got == expected, column
        elif kind == "number":
            expected = [float(v) if v else None for v in from_csv[column]]
            got = [None if pd.isna(v) else float(v) for v in from_parquet[column]]
            assert got == expected, column
        elif kind == "string":
            assert [v or None for v in from_csv[column]] == [None if v is None else v for v in from_parquet[column]], (
                column
            )


def test_sha256sums_lists_every_other_file(package):
    listed = {}
    for line in (package / SUMS).read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        listed[rel] = digest
    files = {p.relative_to(package).as_posix(): p for p in package.rglob("*") if p.is_file()}
    assert set(listed) == set(files) - {SUMS}
    for rel, digest in listed.items():
        assert hashlib.sha256(files[rel].read_bytes()).hexdigest() == digest, rel
    if shutil.which("sha256sum"):
        proc = subprocess.run(["sha256sum", "--check", "--quiet", SUMS], cwd=package, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zip_holds_the_whole_package_but_itself(package, descriptor):
    name = f"gwr-datapackage-{descriptor['version']}.zip"
    assert sorted(p.name for p in package.glob("*.zip")) == [name]
    with zipfile.ZipFile(package / name) as archive:
        infos = archive.infolist()
        members = {i.filename: archive.read(i) for i in infos}
    prefix = name.removesuffix(".zip") + "/"
    expected = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()} - {name, SUMS}
    assert set(members) == {prefix + rel for rel in expected}
    for rel in expected:
        assert members[prefix + rel] == (package / rel).read_bytes(), rel
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_zip_depends_on_content_only(package, tmp_path):
    copy = copy_package(package, tmp_path / "pkg")
    for path in copy.rglob("*"):
        path.touch()  # new modification times
    assert zip_bytes(copy, "1.2.3") == zip_bytes(package, "1.2.3")
    (copy / "texts" / next(p.name for p in (copy / "texts").iterdir())).write_text("changed", encoding="utf-8")
    assert zip_bytes(copy, "1.2.3") != zip_bytes(package, "1.2.3")


def test_bundle_problems_name_what_was_tampered_with(package, tmp_path):
    assert bundle_problems(package) == []
    copy = copy_package(package, tmp_path / "pkg")
    text = next((copy / "texts").iterdir())
    text.write_text(text.read_text(encoding="utf-8") + "。", encoding="utf-8")
    (copy / "stray.txt").write_text("x", encoding="utf-8")
    problems = bundle_problems(copy)
    rel = text.relative_to(copy).as_posix()
    assert f"{rel}: sha256 differs from {SUMS}" in problems
    assert "stray.txt: not listed in SHA256SUMS" in problems
    assert any(p.endswith(f"{rel} differs from the file") for p in problems)


def test_parquet_that_disagrees_with_its_csv_is_reported(package, tmp_path):
    copy = copy_package(package, tmp_path / "pkg")
    frame = pd.read_parquet(copy / "data" / "glossary.parquet")
    frame.loc[0, "term"] = "改过的"
    frame.to_parquet(copy / "data" / "glossary.parquet", index=False)
    assert "data/glossary.parquet: rows differ from data/glossary.csv" in bundle_problems(copy)


def test_readme_describes_every_field_in_both_languages(package, descriptor):
    text = (package / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = text.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
        for f in load_table_schema(table)["fields"]:
            row = next((line for line in section.splitlines() if line.startswith(f"| `{f['name']}` |")), None)
            assert row is not None, (table, f["name"])
            assert f["description_zh"].replace("|", "\\|") in row and f["description"].replace("|", "\\|") in row
    assert descriptor["licenses"][0]["name"] in text
    cite = text.split("## How to cite", 1)[1]
    assert descriptor["version"] in cite and TITLE in cite
    assert "预计" in text and "comparator" in text and "not a zero" in text


def test_citation_cff_describes_the_dataset(descriptor):
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"].startswith("1.2")
    assert cff["type"] == "dataset"
    assert cff["title"] == descriptor["title"]
    assert cff["license"] == descriptor["licenses"][0]["name"]
    assert cff["authors"] and cff["message"]


# --- CSV rendering: the column-wise writer against the cell-by-cell one it replaced ---------


def reference_csv_bytes(frame: pd.DataFrame, columns: list[str]) -> bytes:
    """The original writer: format_cell per cell, csv.writer per row."""
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for record in frame[columns].astype(object).itertuples(index=False, name=None):
        writer.writerow([format_cell(v) for v in record])
    return buffer.getvalue().encode("utf-8")


_ODD_CHARACTERS = ",\"\r\n \t;'\\x\u00e9\u4e2d\uff0c\u201c"
_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(_ODD_CHARACTERS), max_size=6),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=6),
)
_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.1, 1.0, 1e15, -1e15, 999999999999999.0, 1e20, 2.5, -3.0, 1e-300]),
)
_OBJECTS = st.one_of(st.none(), st.just(pd.NA), st.booleans(), st.integers(), _FLOATS, _TEXT)
# (pandas dtype, values that dtype can hold; None is a missing value)
_COLUMNS = {
    "string": st.one_of(st.none(), _TEXT),
    "Int64": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    "int64": st.integers(-(2**63), 2**63 - 1),
    "Float64": st.one_of(st.none(), _FLOATS),
    "float64": _FLOATS,
    "float32": st.floats(width=32),
    "boolean": st.one_of(st.none(), st.booleans()),
    "bool": st.booleans(),
    "object": _OBJECTS,
}


@st.composite
def frames(draw):
    rows = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(sorted(_COLUMNS)), min_size=1, max_size=5))
    data = {}
    for i, kind in enumerate(kinds):
        values = draw(st.lists(_COLUMNS[kind], min_size=rows, max_size=rows))
        data[f"c{i}"] = pd.Series(values, dtype=kind if kind != "object" else object)
    return pd.DataFrame(data)


@settings(max_examples=600, deadline=None)
@given(frames())
def test_csv_bytes_equals_the_cell_by_cell_writer(frame):
    columns = list(frame.columns)
    assert csv_bytes(frame, columns) == reference_csv_bytes(frame, columns)
    # a subset, reordered, as the schemas select
    assert csv_bytes(frame, columns[::-1]) == reference_csv_bytes(frame, columns[::-1])


def test_csv_bytes_of_odd_cells_equals_the_cell_by_cell_writer():
    texts = ['a"b', "a,b", "a\nb", "a\rb", '"', "", None, " x ", "中文，“引文”", 'say ""hi""', "\r\n"]
    floats = [1e20, 0.1, float("nan"), None, -0.0, 1e15, 999999999999999.0, float("inf"), 2.0, -1e-7, 3.5]
    frame = pd.DataFrame({
        "text": pd.Series(texts, dtype="string"),
        "number": pd.Series(floats, dtype="Float64"),
        "float": pd.Series(floats, dtype="float64"),
        "flag": pd.Series([True, False, None] * 3 + [True, None], dtype="boolean"),
        "count": pd.Series([0, -1, None, 2**62, 5, None, 7, 8, 9, 10, 11], dtype="Int64"),
        "mixed": pd.Series([True, 1, 1.0, "1", None, pd.NA, float("nan"), 'q"', 0.1, 1e20, False], dtype=object),
    })  # fmt: skip
    for columns in (list(frame.columns), ["mixed", "text"], ["text"], ["number"], []):
        assert csv_bytes(frame, columns) == reference_csv_bytes(frame, columns), columns
        assert csv_bytes(frame.head(0), columns) == reference_csv_bytes(frame.head(0), columns), columns


@pytest.mark.parametrize("table", TABLES)
def test_csv_bytes_equals_the_cell_by_cell_writer_on_the_built_tables(package, table):
    columns = [f["name"] for f in load_table_schema(table)["fields"]]
    frame = pd.read_parquet(package / "data" / f"{table}.parquet", dtype_backend="numpy_nullable")
    assert csv_bytes(frame, columns) == reference_csv_bytes(frame, columns)
    assert csv_bytes(frame, columns) == (package / "data" / f"{table}.csv").read_bytes()
    # one record per row: versioning takes the row count from the frame (Snapshot.rows)
    records = list(csv.reader(io.StringIO(csv_bytes(frame, columns).decode("utf-8"), newline="")))
    assert len(records) - 1 == len(frame)


@pytest.mark.parametrize("table", TABLES)
def test_parquet_bytes_of_typed_columns_equal_those_of_python_values(package, table):
    """Typed columns go to Arrow as arrays; the same values as Python objects give the same file."""
    schema = load_table_schema(table)
    frame = pd.read_parquet(package / "data" / f"{table}.parquet", dtype_backend="numpy_nullable")
    frame = frame.astype({f["name"]: DTYPES.get(f["type"], "string") for f in schema["fields"]})  # as to_frame
    assert parquet_bytes(frame, schema) == parquet_bytes(frame.astype(object), schema)
    odd = frame.head(3).copy()
    for f in schema["fields"]:
        if f["type"] == "number":
            odd[f["name"]] = pd.array([0.1, None, 1e20], dtype="Float64")[: len(odd)]
    assert parquet_bytes(odd, schema) == parquet_bytes(odd.astype(object), schema)


_SORT_KEYS = {"doc_id": st.sampled_from([None, "a", "b", "B", "中", "a0"]), "char_start": st.sampled_from([None, 0, 1, 10, -2]),
              "char_end": st.sampled_from([None, 0, 5, 30]), "id": st.sampled_from([None, "x", "y", "x:1"])}  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.fixed_dictionaries(_SORT_KEYS), max_size=8), st.booleans(), st.sampled_from(["targets", "documents"])
)
def test_sort_rows_equals_a_stable_sort(rows, presort, table):
    frame = pd.DataFrame(rows, columns=list(_SORT_KEYS)).astype(
        {"doc_id": "string", "char_start": "Int64", "char_end": "Int64", "id": "string"}
    )
    frame["n"] = range(len(frame))  # tells rows with equal keys apart
    keys = ["doc_id"] if table == "documents" else list(_SORT_KEYS)
    expected = frame.sort_values(keys, kind="mergesort", na_position="first").reset_index(drop=True)
    if presort:  # already in order, as the tables usually arrive
        frame = expected.copy()
    pd.testing.assert_frame_equal(sort_rows(table, frame), expected)
    pd.testing.assert_frame_equal(sort_rows(table, frame.astype(object)), frame.astype(object).sort_values(
        keys, kind="mergesort", na_position="first").reset_index(drop=True))  # fmt: skip
