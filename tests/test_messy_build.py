"""Real `gwr build` processes over a messy folder of reports (SPEC §7).

Two builds of the same files, written in different orders into different folders and run
with different hash seeds: one with `--strict`. Together they show that broken files are
quarantined with a reason while the rest publish, that re-encoded copies publish the rows
of their original, that rejected rows are listed with their rule, and that the package
does not depend on file-system order or hash seeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.core.sources import SAFE_ID
from tests.fixtures.messy import ROW_TABLES, files_of, load_package, write_messy_folder
from tests.fixtures.processes import build_args, gwr_env, run_gwr

LIMIT = 200_000  # --max-bytes of these builds: huge.txt is over it, every report under


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(plan, strict build, plain build): each a dict with the process result and package."""
    out = {}
    for name, order_seed, hash_seed, strict in (("strict", 0, "0", True), ("plain", 1, "4242", False)):
        root = tmp_path_factory.mktemp(f"messy-{name}")
        plan = write_messy_folder(root / "reports", root / "elsewhere", LIMIT, order_seed=order_seed)
        package = root / "published" / "datapackage"
        args = build_args(root / "reports", package, "--max-bytes", str(LIMIT), *(["--strict"] if strict else []))
        proc = run_gwr(args, gwr_env(root / "dagster_home", PYTHONHASHSEED=hash_seed))
        out[name] = {"proc": proc, "package": package, "data": load_package(package) if package.exists() else None}
    return plan, out["strict"], out["plain"]


def documents_by_path(build) -> dict[str, dict]:
    return {row["source_path"]: row for row in build["data"]["tables"]["documents"]}


def test_strict_exits_non_zero_and_the_plain_build_zero_both_publish(builds):
    _, strict, plain = builds
    assert plain["proc"].returncode == 0, plain["proc"].stderr[-3000:]
    assert strict["proc"].returncode == 1, strict["proc"].stderr[-3000:]
    assert "strict: documents were quarantined or rows rejected" in strict["proc"].stderr
    for build in (strict, plain):
        assert build["proc"].stdout.startswith(f"published {build['package']}")
        assert build["data"]["report"]["frictionless"]["valid"] is True


def test_every_file_is_listed_with_its_status_and_reason(builds):
    plan, _, plain = builds
    docs = documents_by_path(plain)
    assert sorted(docs) == sorted(plan)
    for name, expected in plan.items():
        row = docs[name]
        assert row["status"] == expected["status"], (name, row["error"])
        assert SAFE_ID.match(row["doc_id"])
        if expected["status"] == "quarantined":
            assert expected["reason"] in row["error"], (name, row["error"])
            assert row["text_path"] == "" and row["char_count"] == ""
        else:
            assert row["error"] == ""
            text = plain["package"] / row["text_path"]
            assert text.resolve().parent == (plain["package"] / "texts").resolve()
            assert len(text.read_text(encoding="utf-8")) == int(row["char_count"])
        if "encoding" in expected:
            assert row["encoding"] == expected["encoding"], name
        if "flag" in expected:
            assert expected["flag"] in row["quality_flags"].split(";"), name
    assert docs["copy of 001.txt"]["error"] == f"same bytes as {docs['001 original.txt']['doc_id']} (001 original.txt)"


def test_the_build_says_what_was_quarantined_and_rejected(builds):
    plan, _, plain = builds
    stdout = plain["proc"].stdout
    quarantined = sorted(name for name, e in plan.items() if e["status"] == "quarantined")
    assert f"  quarantined {len(quarantined)}\n" in stdout
    docs = documents_by_path(plain)
    for name in quarantined:
        assert f"    {name}: {docs[name]['error']}\n" in stdout
    report = plain["data"]["report"]
    assert sorted(q["source_path"] for q in report["quarantined"]) == quarantined
    rejected = {table: report["pandera"][table]["rejected"] for table in ROW_TABLES}
    for table, n in rejected.items():
        assert len(report["pandera"][table]["rejected_rows"]) == n
        rows = len(plain["data"]["tables"][table])
        assert f"  {table:11s} {rows:6d} rows  {n:4d} rejected\n" in stdout
    assert f"  rejected    {sum(rejected.values())} rows that failed a validation rule" in stdout


def test_quarantined_documents_contribute_no_rows_and_the_others_publish(builds):
    plan, _, plain = builds
    docs = documents_by_path(plain)
    quarantined_ids = {docs[n]["doc_id"] for n, e in plan.items() if e["status"] == "quarantined"}
    ok_ids = {docs[n]["doc_id"] for n, e in plan.items() if e["status"] == "ok"}
    per_doc = {}
    for table in ROW_TABLES:
        for row in plain["data"]["tables"][table]:
            per_doc[row["doc_id"]] = per_doc.get(row["doc_id"], 0) + 1
    assert not quarantined_ids & set(per_doc)
    for name in ("001 original.txt", "traditional.txt", "traditional big5.txt", "truncated.txt"):
        assert per_doc.get(docs[name]["doc_id"], 0) > 0, name
    texts = {p.stem for p in (plain["package"] / "texts").glob("*.txt")}
    assert texts == ok_ids


def test_a_rejected_row_is_left_out_and_listed_with_its_rule(builds):
    _, _, plain = builds
    doc_id = documents_by_path(plain)["implausible.txt"]["doc_id"]
    listed = plain["data"]["report"]["pandera"]["indicators"]["rejected_rows"]
    assert {"check": "percent_plausible", "doc_id": doc_id, "quote": "地区生产总值下降120%"}.items() <= listed[0].items()
    published = [r for r in plain["data"]["tables"]["indicators"] if r["doc_id"] == doc_id]
    assert published and all(r["id"] != listed[0]["id"] for r in published)
    assert "地区生产总值下降120%" not in {r["quote"] for r in published}


def rows_of(build, doc_id: str, table: str, keep_raw: bool = True) -> list[dict]:
    out = []
    for row in build["data"]["tables"][table]:
        if row["doc_id"] == doc_id:
            row = {k: v for k, v in row.items() if k != "doc_id" and (keep_raw or k not in ("raw_start", "raw_end"))}
            row["id"] = row["id"].split(":", 1)[1]
            out.append(row)
    return out


def test_re_encoded_copies_publish_exactly_the_rows_of_their_original(builds):
    """GB18030, UTF-16 with BOM, UTF-8 with BOM and CRLF, Big5: the same values, quotes
    and char_start/char_end as the UTF-8 original. With CRLF line ends only raw_start and
    raw_end differ: they index the decoded raw text, which has the extra \\r."""
    plan, _, plain = builds
    docs = documents_by_path(plain)
    twins = {name: e["twin"] for name, e in plan.items() if e.get("twin")}
    assert len(twins) == 4
    for name, original in twins.items():
        copy, orig = docs[name], docs[original]
        for field in ("text_sha256", "char_count", "title", "region", "delivered_on", "plan_year", "quality_flags", "script"):
            assert copy[field] == orig[field], (name, field)
        assert (plain["package"] / copy["text_path"]).read_bytes() == (plain["package"] / orig["text_path"]).read_bytes()
        keep_raw = not plan[name].get("crlf")
        for table in ROW_TABLES:
            assert rows_of(plain, copy["doc_id"], table, keep_raw) == rows_of(plain, orig["doc_id"], table, keep_raw), (name, table)
        assert sum(len(rows_of(plain, copy["doc_id"], t)) for t in ROW_TABLES) > 20


def test_two_builds_in_different_orders_and_hash_seeds_are_byte_identical(builds):
    _, strict, plain = builds
    assert files_of(strict["package"]) == files_of(plain["package"])
    assert (strict["package"] / "data" / "indicators.csv").read_bytes() == (plain["package"] / "data" / "indicators.csv").read_bytes()


def test_no_absolute_path_of_the_machine_leaks_into_the_package(builds):
    _, strict, plain = builds
    for build in (strict, plain):
        root = str(build["package"].parents[1])
        for path in build["package"].rglob("*"):
            if path.is_file():
                assert root.encode() not in path.read_bytes(), path


def test_nothing_is_left_beside_the_package(builds):
    _, _, plain = builds
    beside = sorted(p.name for p in Path(plain["package"]).parent.iterdir())
    assert beside == [".datapackage.lock", "datapackage"]


@pytest.mark.parametrize(
    ("quarantined", "rejected", "problems", "code"),
    [
        ([], {"indicators": 0}, [], 0),
        ([{"doc_id": "x", "source_path": "x.txt", "error": "empty file (0 bytes)"}], {"indicators": 0}, [], 1),
        ([], {"indicators": 2}, [], 1),
        ([], {"indicators": 0}, ["x: projects extractor failed: IndexError: boom"], 1),
    ],
    ids=["clean", "a quarantine", "a rejection", "an extractor failure"],
)
def test_strict_turns_any_quarantine_or_rejection_into_a_non_zero_exit(monkeypatch, tmp_path, quarantined, rejected, problems, code):
    from typer.testing import CliRunner

    import dagster_project.runner as runner
    from dagster_project.cli import app

    summary = runner.BuildSummary(documents=1, rows={"indicators": 5}, rejected=rejected, quarantined=quarantined, extraction_problems=problems)
    monkeypatch.setattr(runner, "run_build", lambda *args, **kwargs: summary)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    args = ["build", "--sources", str(tmp_path), "--out", str(tmp_path / "out")]
    assert CliRunner().invoke(app, args).exit_code == 0  # without --strict: published is success
    result = CliRunner().invoke(app, [*args, "--strict"])
    assert result.exit_code == code, result.output
