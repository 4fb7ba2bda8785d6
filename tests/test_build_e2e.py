"""One end-to-end build of the seeds through Dagster, checked as a user would check it."""

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dagster_project.cli import app
from tests.conftest import REPO, SEEDS

TABLES = ("documents", "indicators", "targets", "glossary", "projects")


def files_of(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def previous_package(out: Path) -> Path:
    """Start from the committed package, as `gwr build` does in the repository: the version
    and changelog are worked out against the package being replaced."""
    if (REPO / "datapackage").is_dir():
        shutil.copytree(REPO / "datapackage", out)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = previous_package(tmp_path_factory.mktemp("build") / "datapackage")
    result = CliRunner().invoke(app, ["build", "--sources", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "published" in result.output
    return out


def test_package_has_every_part_of_the_layout(built):
    for table in TABLES:
        assert (built / "data" / f"{table}.csv").is_file()
    for name in ("datapackage.json", "reports/validation.json", "README.md", "index.html"):
        assert (built / name).is_file(), name
    seeds = sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert sorted(p.stem for p in (built / "texts").glob("*.txt")) == seeds


def test_frictionless_cli_accepts_the_package(built):
    frictionless = Path(sys.executable).with_name("frictionless")
    proc = subprocess.run([str(frictionless), "validate", str(built / "datapackage.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_descriptor_records_every_source_with_its_hash(built):
    descriptor = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    recorded = {s["path"]: s["sha256"] for s in descriptor["sources"]}
    expected = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    assert recorded == expected
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"


def test_csv_dialect_and_order(built):
    for table in TABLES:
        data = (built / "data" / f"{table}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
        rows = list(csv.DictReader(data.decode("utf-8").splitlines()))
        if table == "documents":
            assert [r["doc_id"] for r in rows] == sorted(r["doc_id"] for r in rows)
        elif rows:
            keys = [(r["doc_id"], int(r["char_start"])) for r in rows]
            assert keys == sorted(keys)


def test_every_row_quotes_its_text_exactly(built):
    docs = {r["doc_id"]: r for r in csv.DictReader((built / "data" / "documents.csv").open(encoding="utf-8"))}
    texts = {d: (built / r["text_path"]).read_text(encoding="utf-8") for d, r in docs.items() if r["text_path"]}
    for d, r in docs.items():
        if r["text_path"]:
            assert hashlib.sha256(texts[d].encode("utf-8")).hexdigest() == r["text_sha256"]
            assert len(texts[d]) == int(r["char_count"])
    for table, column in (("indicators", "quote"), ("targets", "quote"), ("glossary", "definition"), ("projects", "quote")):
        for row in csv.DictReader((built / "data" / f"{table}.csv").open(encoding="utf-8")):
            assert texts[row["doc_id"]][int(row["char_start"]) : int(row["char_end"])] == row[column], row["id"]


def test_second_build_is_byte_identical(built, tmp_path):
    again = previous_package(tmp_path / "datapackage")
    result = CliRunner().invoke(app, ["build", "--sources", str(SEEDS), "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert files_of(again) == files_of(built)


def test_committed_package_is_what_the_build_produces(built):
    """datapackage/ in the repository is the product: it must be rebuilt with the code."""
    assert files_of(REPO / "datapackage") == files_of(built)


def test_gwr_validate_accepts_the_package(built):
    result = CliRunner().invoke(app, ["validate", str(built)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("valid")


def test_gwr_validate_rejects_a_tampered_package(built, tmp_path):
    tampered = tmp_path / "tampered"
    shutil.copytree(built, tampered)
    path = tampered / "data" / "documents.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("ok", "okay", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(tampered)])
    assert result.exit_code == 1
    assert "INVALID" in result.output
