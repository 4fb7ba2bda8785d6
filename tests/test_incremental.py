"""Incremental builds: unchanged documents are kept, a build is one run, the package is the same.

The pure parts (stamps, the run's range, the partition store) are tested without Dagster;
the builds below run the real asset graph on three seeds.
"""

import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.core.incremental import covering_range, source_stamp, stale_keys
from dagster_project.core.sources import SourceFile
from dagster_project.defs.io_manager import Kept, PartitionPickleIOManager, Stamped, StoredPartitions
from tests.conftest import SEEDS

KEY = dg.AssetKey("extracted_document")


def test_stamp_follows_the_source_and_the_code():
    source = SourceFile("a", "a.txt", "0" * 64, 10)
    stamp = source_stamp(source, "v1")
    assert stamp == source_stamp(SourceFile("a", "a.txt", "0" * 64, 10), "v1")
    assert stamp != source_stamp(source, "v2")
    assert stamp != source_stamp(SourceFile("a", "a.txt", "1" * 64, 10), "v1")
    assert stamp != source_stamp(SourceFile("a", "sub/a.txt", "0" * 64, 10), "v1")
    assert stamp != source_stamp(SourceFile("a", "a.txt", "0" * 64, 10, "too big"), "v1")


def test_stale_keys_and_the_range_covering_them():
    keys = ["a", "b", "c", "d", "e"]
    expected = dict.fromkeys(keys, "s")
    current = dict.fromkeys(keys, "s")
    assert stale_keys(keys, expected, [current, current]) == []
    assert covering_range(keys, []) is None
    stale = stale_keys(keys, expected, [current | {"b": "old"}, {k: v for k, v in current.items() if k != "d"}])
    assert stale == ["b", "d"]
    assert covering_range(keys, stale) == ("b", "d")
    assert covering_range(keys, ["c"]) == ("c", "c")


def test_store_keeps_stamped_values_and_refuses_a_stale_keep(tmp_path):
    io = PartitionPickleIOManager(base_dir=str(tmp_path))
    io.store(KEY, "a", Stamped({"x": 1}, "s1", {"rows": 3}))
    io.store(KEY, "b", {"plain": True})
    assert io.record(KEY, "a") == {"stamp": "s1", "meta": {"rows": 3}}
    assert io.current_record(KEY, "a", "s1") is not None
    assert io.current_record(KEY, "a", "s2") is None
    assert io.stamps(KEY, ["a", "b", "c"]) == {"a": "s1", "b": None, "c": None}
    io.store(KEY, "a", Kept("s1"))  # nothing to write
    assert io.load_value(KEY, "a") == {"x": 1}
    with pytest.raises(ValueError):
        io.store(KEY, "a", Kept("s2"))
    # re-storing unstamped drops the old record, so the value is not taken as current
    io.store(KEY, "a", {"x": 2})
    assert io.record(KEY, "a") is None
    lazy = StoredPartitions(io.store_files, tuple(KEY.path), ["b", "a"])
    assert list(lazy) == ["a", "b"] and len(lazy) == 2 and lazy["a"] == {"x": 2}
    with pytest.raises(KeyError):
        lazy["c"]
    assert io.prune(KEY, ["a"]) == 1  # b's pickle (it had no record)
    assert not (tmp_path / "extracted_document" / "b.pkl").exists()


@contextmanager
def dagster_home(path: Path):
    """A private DAGSTER_HOME written as `gwr build` writes a new one."""
    old = os.environ.get("DAGSTER_HOME")
    path.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = old


def files_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def change(path: Path) -> None:
    """Another document: the same report with one figure changed."""
    text = path.read_text(encoding="utf-8")
    i = next(i for i, ch in enumerate(text) if ch in "123456789")
    path.write_text(text[:i] + str(int(text[i]) % 9 + 1) + text[i + 1 :], encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Three seeds built, rebuilt unchanged, then rebuilt after one changed, in one instance;
    and the changed folder built from scratch in another instance."""
    from dagster_project.runner import run_build

    root = tmp_path_factory.mktemp("incremental")
    sources = root / "sources"
    sources.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(seed, sources / seed.name)
    out = {}
    with dagster_home(root / "home") as home:
        out["first"] = run_build(sources, root / "out-first")
        store = home / "storage" / "gwr" / "extracted_document"
        out["mtimes"] = {p.name: p.stat().st_mtime_ns for p in store.glob("*.pkl")}
        out["unchanged"] = run_build(sources, root / "out-unchanged")
        changed = sorted(sources.glob("*.txt"))[1]
        change(changed)
        out["changed_key"] = changed.stem
        out["incremental"] = run_build(sources, root / "out-incremental")
        out["mtimes_after"] = {p.name: p.stat().st_mtime_ns for p in store.glob("*.pkl")}
        with dg.DagsterInstance.get() as instance:
            out["runs"] = {r.run_id: r for r in instance.get_runs()}
            out["materialized"] = {
                run_id: [
                    (e.asset_key.to_user_string(), e.partition)
                    for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
                    for e in [e.dagster_event.event_specific_data.materialization]
                ]
                for run_id in (out["unchanged"].run_id, out["incremental"].run_id)
            }
            out["observed"] = instance.event_log_storage.get_latest_tags_by_partition(
                dg.AssetKey("raw_documents"), dg.DagsterEventType.ASSET_OBSERVATION, ["dagster/data_version"]
            )
            out["observations"] = len(instance.fetch_observations(dg.AssetKey("raw_documents"), limit=100).records)
        out["hashes"] = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources.glob("*.txt")}
    with dagster_home(root / "fresh-home"):
        out["fresh"] = run_build(sources, root / "out-fresh")
    out["root"] = root
    return out


def test_first_build_computes_every_document_in_one_run(builds):
    assert builds["first"].recomputed == 3
    run = builds["runs"][builds["first"].run_id]
    keys = sorted(p.stem for p in (builds["root"] / "sources").glob("*.txt"))
    assert run.tags["dagster/asset_partition_range_start"] == keys[0]
    assert run.tags["dagster/asset_partition_range_end"] == keys[-1]
    assert len(builds["runs"]) == 3  # one run per build


def test_sources_are_observed_once_per_content(builds):
    """Each file's sha256 is its data version; only new or changed files are reported again."""
    assert {k: v["dagster/data_version"] for k, v in builds["observed"].items()} == builds["hashes"]
    assert builds["observations"] == 3 + 1  # three at first, then the changed one


def test_unchanged_sources_recompute_nothing(builds):
    assert builds["unchanged"].recomputed == 0
    materialized = builds["materialized"][builds["unchanged"].run_id]
    assert all(partition is None for _, partition in materialized)  # only the tables and the package
    assert files_of(builds["root"] / "out-unchanged") == files_of(builds["root"] / "out-first")


def test_one_changed_document_is_the_only_one_recomputed(builds):
    key = builds["changed_key"]
    assert builds["incremental"].recomputed == 1
    run = builds["runs"][builds["incremental"].run_id]
    assert run.tags["dagster/asset_partition_range_start"] == key == run.tags["dagster/asset_partition_range_end"]
    partitions = {p for _, p in builds["materialized"][builds["incremental"].run_id] if p is not None}
    assert partitions == {key}
    before, after = builds["mtimes"], builds["mtimes_after"]
    assert {name for name in before if before[name] != after[name]} == {f"{key}.pkl"}


def test_incremental_package_equals_a_build_from_scratch(builds):
    assert builds["fresh"].recomputed == 3
    incremental, fresh = files_of(builds["root"] / "out-incremental"), files_of(builds["root"] / "out-fresh")
    assert incremental == fresh
    assert incremental != files_of(builds["root"] / "out-first")  # the change did reach the package


def test_worker_processes_store_what_one_process_stores(tmp_path):
    from benchmarks.corpus import generate
    from dagster_project.core.per_document import MIN_DOCUMENTS_FOR_WORKERS, DocumentJob, process_one, run_jobs
    from dagster_project.core.sources import scan_sources

    corpus = tmp_path / "corpus"
    generate(corpus, MIN_DOCUMENTS_FOR_WORKERS)
    sources = scan_sources(corpus)
    metas = {}
    for workers in (1, 2):
        store = str(tmp_path / f"store-{workers}")
        jobs = [DocumentJob(store, ("extracted_document",), str(corpus), s, f"stamp-{s.doc_id}") for s in sources]
        metas[workers] = run_jobs(process_one, jobs, workers)
    assert metas[1] == metas[2]
    # the same values; the pickles' bytes may differ where equal strings are shared
    # objects in one process (extractor caches) and copies in another
    assert stored_values(tmp_path / "store-1") == stored_values(tmp_path / "store-2")
    records = {k: v for k, v in files_of(tmp_path / "store-1").items() if k.endswith(".json")}
    assert records and records == {k: v for k, v in files_of(tmp_path / "store-2").items() if k.endswith(".json")}


def test_the_gwr_command_module_does_not_import_dagster():
    """Worker processes are spawned, and a spawned process imports the parent's main module
    (`gwr`) again before its first job: that must not cost it Dagster's import."""
    import subprocess
    import sys

    probe = "import sys, dagster_project.cli; print(sorted(m for m in ('dagster', 'pandera') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_stored_document_keeps_its_text_and_rows_but_not_the_offset_map():
    """The rows are extracted with the offset map (each gets its raw span); what is stored
    for the later steps is the text without the map, which was most of its bytes."""
    import pickle

    from dagster_project.core.documents import read_document
    from dagster_project.core.extraction import ROW_TABLES, DocumentExtract, extract_table
    from dagster_project.core.per_document import extract_document
    from dagster_project.core.sources import read_source, scan_sources

    source = scan_sources(SEEDS)[0]
    result = read_document(source, read_source(SEEDS, source))
    extract = extract_document(result)
    kept = extract.document.normalized
    assert (kept.text, kept.flags, kept.corrupt_spans) == (result.normalized.text, result.normalized.flags,
                                                           result.normalized.corrupt_spans)  # fmt: skip
    assert not hasattr(kept, "raw_span") and extract.document.row == result.row
    for table in ROW_TABLES:
        assert extract.tables[table].rows == extract_table(table, result.normalized, result.context)[0]
    assert any(row["raw_end"] > row["raw_start"] for row in extract.tables["indicators"].rows)
    with_map = DocumentExtract(result, extract.tables)
    assert len(pickle.dumps(extract)) < len(pickle.dumps(with_map)) / 2


def stored_values(store: Path) -> dict:
    """Every stored document as plain values: its row, text and rows per table (each row
    with its raw span; the offset map is not stored)."""
    import pickle

    from dagster_project.core.normalize import KeptText

    out = {}
    for path in sorted((store / "extracted_document").glob("*.pkl")):
        extract = pickle.loads(path.read_bytes())
        normalized = extract.document.normalized
        assert normalized is None or type(normalized) is KeptText
        text = (normalized.text, normalized.flags, normalized.corrupt_spans) if normalized else None
        out[path.stem] = (extract.document.row, extract.document.context, text, extract.tables)
    return out


def test_databases_half_made_by_a_killed_build_are_made_again(tmp_path):
    """A build killed while Dagster created a new instance's databases leaves them unusable
    (e.g. without the dynamic partitions table); the next build starts them afresh."""
    from dagster_project.runner import CREATING_MARK, run_build

    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], sources)
    home = tmp_path / "home"
    (home / "history").mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    (home / "history" / "runs.db").write_bytes(b"not yet a database")  # creation was cut short
    (home / CREATING_MARK).touch()
    with dagster_home(home):
        summary = run_build(sources, tmp_path / "out")
    assert summary.documents == 1 and summary.recomputed == 1
    assert not (home / CREATING_MARK).exists()
