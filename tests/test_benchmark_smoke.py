"""The benchmark's corpus generator, and one tiny run of the benchmark script (N = 3).

Nothing here is timed: the figures are only checked to be there.
"""

import hashlib
import json
import re

from benchmarks.corpus import NUMBER, change_one, corpus_digest, generate, seed_texts
from benchmarks.run import main as run_benchmark
from benchmarks.run_steps import step_seconds
from tests.conftest import SEEDS


def years(text: str) -> list[tuple[int, str]]:
    """Where the generator sees a year (a four-digit integer 1900-2100), and which."""
    return [
        (m.start(), m.group(0))
        for m in NUMBER.finditer(text)
        if m.group(2) is None and len(m.group(1)) == 4 and 1900 <= int(m.group(1)) <= 2100
    ]


def test_corpus_is_deterministic_distinct_and_shaped_like_the_seeds(tmp_path):
    first = generate(tmp_path / "a", 12)
    generate(tmp_path / "b", 12)
    assert corpus_digest(tmp_path / "a") == corpus_digest(tmp_path / "b")
    assert corpus_digest(tmp_path / "a") != corpus_digest(generate(tmp_path / "c", 12, salt="other")[0].parent)
    hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in first}
    assert len(hashes) == 12  # every document distinct, also from the seeds
    assert not hashes & {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    seeds = seed_texts()
    for i, path in enumerate(first):
        text, seed = path.read_text(encoding="utf-8"), seeds[i % len(seeds)][1]
        assert re.sub(r"\d", "#", text) == re.sub(r"\d", "#", seed)  # only digits differ
        assert set(years(seed)) <= set(years(text))  # years kept where they were
        assert text != seed


def test_change_one_rewrites_exactly_one_document(tmp_path):
    paths = generate(tmp_path, 4)
    before = {p.name: p.read_bytes() for p in paths}
    changed = change_one(tmp_path, 2)
    after = {p.name: p.read_bytes() for p in tmp_path.glob("*.txt")}
    assert [n for n in before if before[n] != after[n]] == [changed.name]


def test_benchmark_script_runs_end_to_end_on_three_documents(tmp_path):
    out = tmp_path / "figures.json"
    run_benchmark(
        ["--sizes", "3", "--repeat", "1", "--core-size", "3", "--json", str(out), "--workdir", str(tmp_path / "work")]
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    for key in ("import_floor", "seeds_build", "seeds_build_unchanged", "incremental", "core", "goals"):
        assert key in figures, key
    assert figures["full"]["3"]["documents"] == 3 and figures["full"]["3"]["peak_mib"] > 0
    assert figures["incremental"]["cpu_s"] > 0 and len(figures["incremental"]["wall_s_each"]) == 1
    # one change: the per-document step ran for it; nothing changed: only the whole-corpus steps
    assert {"extracted_document", "tables", "data_package"} <= set(figures["incremental"]["steps_s"])
    assert set(figures["unchanged"]["steps_s"]) == {"tables", "data_package"}
    for m in (figures["incremental"], figures["unchanged"]):
        assert 0 < sum(m["steps_s"].values()) < m["wall_s"] and 0 < m["outside_run_s"] < m["wall_s"]
    assert figures["core"]["documents"] == 3 and figures["core"]["bytes"] > 0
    assert figures["core"]["rows"]["indicators"] > 0
    assert figures["goals"]["seeds_build_vs_import_floor"]["wall_ratio"] > 0


def test_step_seconds_pairs_each_step_with_its_end_and_times_the_run():
    events = [
        ("RUN_START", None, 100.0),
        ("STEP_START", "a", 101.0),
        ("STEP_OUTPUT", "a", 102.0),
        ("STEP_SUCCESS", "a", 103.5),
        ("STEP_START", "b", 104.0),
        ("STEP_FAILURE", "b", 104.25),
        ("STEP_START", "c", 105.0),  # never ended: left out
        ("RUN_FAILURE", None, 106.0),
    ]
    assert step_seconds(events) == {"run_s": 6.0, "steps_s": {"a": 2.5, "b": 0.25}}
    assert step_seconds(events[1:4]) == {"run_s": None, "steps_s": {"a": 2.5}}  # a run that never started
