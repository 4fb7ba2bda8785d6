"""The published package as a user receives it: descriptor, Parquet copies, zip, SHA256SUMS,
README and citation, checked against the files themselves."""

import csv
import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import frictionless
import pandas as pd
import pytest
import yaml

from dagster_project.core.bundle import SUMS, bundle_problems, zip_bytes
from dagster_project.core.package import TITLE
from dagster_project.core.table_schemas import TABLES, load_table_schema
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
