"""The performance benchmark: figures for the goals of the build, as a table and as JSON.

    ./run bench                      # sizes 200 and 1000, 3 runs of each repeated figure
    ./run bench --sizes 3 --repeat 1 # a smoke run (what the test suite does)

Every `gwr build` runs as its own process (as a person runs it) with a fresh DAGSTER_HOME
unless said otherwise; wall time, CPU time (user + system) and peak resident memory are
taken from that process. Machines shared with other work make wall times noisy: compare
CPU times too. After each build of the largest corpus with nothing or one document
changed, the Dagster run's own events tell how long each step took. Nothing here is run
by CI except the smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import REPO, SEEDS, change_one, generate

IMPORTS = "import dagster, pandas, frictionless, pandera.pandas"
GOALS = {
    "seeds_build_vs_import_floor": 3.0,  # gwr build on the seeds ≤ 3× the import floor
    "full_1000_wall_s": 120.0,
    "full_1000_peak_mib": 2048.0,
    "incremental_1000_share": 0.10,  # ≤ 10% of the full build
    "core_mb_per_s_per_core": 5.0,
}


def timed(cmd: list[str], env: dict | None = None, cwd: Path = REPO) -> dict:
    """Run `cmd` to the end; its wall and CPU seconds and peak RSS (from wait4)."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err.decode(errors='replace')[-3000:]}")
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "stdout": out.decode(errors="replace"),
    }


def gwr_command() -> list[str]:
    gwr = Path(sys.executable).with_name("gwr")
    return [str(gwr)] if gwr.exists() else [sys.executable, "-m", "dagster_project.cli"]


def instance_env(home: Path) -> dict:
    """The environment of a process that uses the Dagster instance in `home`."""
    return os.environ | {"DAGSTER_HOME": str(home), "PYTHONWARNINGS": "ignore"}


def gwr_build(sources: Path, out: Path, home: Path) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    result = timed([*gwr_command(), "build", "--sources", str(sources), "--out", str(out)], instance_env(home))
    del result["stdout"]
    return result


def gwr_build_with_steps(sources: Path, out: Path, home: Path) -> dict:
    """`gwr build`, then how long its Dagster run and each step took (benchmarks/run_steps.py);
    the rest of the wall time is outside the run: imports, the instance, the sources."""
    result = gwr_build(sources, out, home)
    steps = json.loads(timed([sys.executable, "-m", "benchmarks.run_steps"], instance_env(home))["stdout"])
    outside = round(result["wall_s"] - steps["run_s"], 3) if steps["run_s"] is not None else None
    return result | {"run_s": steps["run_s"], "outside_run_s": outside, "steps_s": steps["steps_s"]}


def median_steps(runs: list[dict]) -> dict:
    """The median of each step's seconds, and of the time outside the run, over `runs`."""
    names = list(dict.fromkeys(step for r in runs for step in r["steps_s"]))  # in the order they ran
    steps = {
        name: round(statistics.median(r["steps_s"][name] for r in runs if name in r["steps_s"]), 3) for name in names
    }
    outside = [r["outside_run_s"] for r in runs if r["outside_run_s"] is not None]
    return {"outside_run_s": round(statistics.median(outside), 3) if outside else None, "steps_s": steps}


def median_of(runs: list[dict]) -> dict:
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in ("wall_s", "cpu_s", "peak_mib")} | {
        "runs": len(runs)
    }


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.txt"))


def bench(sizes: list[int], repeat: int, work: Path, core_size: int) -> dict:
    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    floor_runs = 1 if repeat == 1 else max(repeat, 3)
    print(f"import floor ({floor_runs}x) ...", flush=True)
    floor = [timed([sys.executable, "-c", IMPORTS]) for _ in range(floor_runs)]
    results["import_floor"] = median_of(floor)

    print(f"gwr build on the seeds ({repeat}x, fresh instance each) ...", flush=True)
    seeds = [gwr_build(SEEDS, work / f"seeds-out-{i}", work / f"seeds-home-{i}") for i in range(repeat)]
    results["seeds_build"] = median_of(seeds) | {"bytes": corpus_bytes(SEEDS)}
    warm = [gwr_build(SEEDS, work / "seeds-out-0", work / "seeds-home-0") for _ in range(repeat)]
    results["seeds_build_unchanged"] = median_of(warm)

    results["full"] = {}
    for n in sizes:
        corpus = work / f"corpus-{n}"
        print(f"corpus of {n} documents ...", flush=True)
        generate(corpus, n)
        size = corpus_bytes(corpus)
        print(f"full build, {n} documents ({size / 1e6:.1f} MB) ...", flush=True)
        full = gwr_build(corpus, work / f"out-{n}", work / f"home-{n}")
        full |= {"documents": n, "bytes": size, "mb_per_s": round(size / 1e6 / full["wall_s"], 3)}
        results["full"][str(n)] = full

    n = max(sizes)
    corpus = work / f"corpus-{n}"
    full = results["full"][str(n)]
    # The same corpus built again with nothing changed: what every incremental build costs
    # before its changes (the tables and the package are made again over all documents).
    print(f"builds, {n} documents, nothing changed ({repeat}x) ...", flush=True)
    same = [gwr_build_with_steps(corpus, work / f"out-{n}", work / f"home-{n}") for _ in range(repeat)]
    results["unchanged"] = (
        median_of(same)
        | median_steps(same)
        | {
            "documents": n,
            "share_of_full_wall": round(statistics.median(r["wall_s"] for r in same) / full["wall_s"], 3),
        }
    )
    # One build per changed document, a different one each time (wall times here move by
    # up to a quarter between runs, so one build says little).
    # (each document once: changing one again would write the same bytes, a build of nothing)
    runs = min(repeat, n)
    print(f"incremental builds, {n} documents, one changed ({runs}x) ...", flush=True)
    changed = []
    for k in range(runs):
        change_one(corpus, (n // 2 + k) % n)
        changed.append(gwr_build_with_steps(corpus, work / f"out-{n}", work / f"home-{n}"))
    inc = median_of(changed) | median_steps(changed)
    inc |= {"documents": n, "share_of_full_wall": round(inc["wall_s"] / full["wall_s"], 3),
            "share_of_full_cpu": round(inc["cpu_s"] / full["cpu_s"], 3),
            "wall_s_each": [r["wall_s"] for r in changed]}  # fmt: skip
    results["incremental"] = inc

    core_corpus = work / f"corpus-{core_size}"
    if not core_corpus.is_dir():
        generate(core_corpus, core_size)
    print(f"extraction core on {core_size} documents ({repeat}x) ...", flush=True)
    cores = []
    for _ in range(repeat):
        core = timed([sys.executable, "-m", "benchmarks.core_speed", str(core_corpus), "--limit", str(core_size)])
        cores.append(json.loads(core["stdout"]) | {"process_peak_mib": core["peak_mib"]})
    cores.sort(key=lambda c: c["mb_per_s_per_core"] or 0)
    results["core"] = cores[(len(cores) - 1) // 2] | {"runs": len(cores)}  # the median run (the slower middle one)
    results["goals"] = verdicts(results)
    return results


def verdicts(r: dict) -> dict:
    out = {}
    ratio_wall = r["seeds_build"]["wall_s"] / r["import_floor"]["wall_s"]
    ratio_cpu = r["seeds_build"]["cpu_s"] / r["import_floor"]["cpu_s"]
    out["seeds_build_vs_import_floor"] = {"wall_ratio": round(ratio_wall, 2), "cpu_ratio": round(ratio_cpu, 2),
                                          "goal": GOALS["seeds_build_vs_import_floor"],
                                          "met": ratio_wall <= GOALS["seeds_build_vs_import_floor"]}  # fmt: skip
    if "1000" in r["full"]:
        full = r["full"]["1000"]
        out["full_1000"] = {"wall_s": full["wall_s"], "peak_mib": full["peak_mib"],
                            "met": full["wall_s"] <= GOALS["full_1000_wall_s"] and full["peak_mib"] <= GOALS["full_1000_peak_mib"]}  # fmt: skip
        out["incremental_1000"] = {"share": r["incremental"]["share_of_full_wall"],
                                   "met": r["incremental"]["share_of_full_wall"] <= GOALS["incremental_1000_share"]}  # fmt: skip
    core = r["core"]["mb_per_s_per_core"]
    out["core"] = {"mb_per_s_per_core": core, "met": core is not None and core >= GOALS["core_mb_per_s_per_core"]}
    return out


def table(r: dict) -> str:
    lines = ["| measurement | wall s | CPU s | peak MiB | MB/s | note |", "|---|--:|--:|--:|--:|---|"]

    def row(name, m, mbs="", note=""):
        lines.append(f"| {name} | {m['wall_s']:.2f} | {m['cpu_s']:.2f} | {m.get('peak_mib', ''):} | {mbs} | {note} |")

    g = r["goals"]
    row(
        "import floor (dagster, pandas, frictionless, pandera)",
        r["import_floor"],
        note=f"median of {r['import_floor']['runs']}",
    )
    s = g["seeds_build_vs_import_floor"]
    row("gwr build, seeds (fresh instance)", r["seeds_build"], f"{r['seeds_build']['bytes'] / 1e6 / r['seeds_build']['wall_s']:.3f}",
        f"median of {r['seeds_build']['runs']}; {s['wall_ratio']}x floor wall, {s['cpu_ratio']}x CPU (goal ≤ {s['goal']}x)")  # fmt: skip
    row(
        "gwr build, seeds, nothing changed",
        r["seeds_build_unchanged"],
        note=f"median of {r['seeds_build_unchanged']['runs']}",
    )
    for n, full in r["full"].items():
        row(f"gwr build, {n} documents ({full['bytes'] / 1e6:.1f} MB), full", full, f"{full['mb_per_s']:.3f}")
    same = r["unchanged"]
    row(f"gwr build, {same['documents']} documents, nothing changed", same, "",
        f"median of {same['runs']}; {same['share_of_full_wall']:.1%} of full wall")  # fmt: skip
    inc = r["incremental"]
    row(f"gwr build, {inc['documents']} documents, one changed", inc, "",
        f"median of {inc['runs']}, each a different document; {inc['share_of_full_wall']:.1%} of full wall, "
        f"{inc['share_of_full_cpu']:.1%} of CPU")  # fmt: skip
    c = r["core"]
    lines.append(f"| extraction core, {c['documents']} documents, 1 process | {c['wall_s']:.2f} | {c['cpu_s']:.2f} | "
                 f"{c['process_peak_mib']} | {c['mb_per_s_per_core']} per core | median of {c['runs']}; t2s {c['t2s']['converter']}: {c['t2s']['mb_per_s']} MB/s |")  # fmt: skip
    lines.append("")
    lines.append("| goal | figure | met |")
    lines.append("|---|---|---|")
    lines.append(f"| seeds build ≤ 3x import floor | {s['wall_ratio']}x (CPU {s['cpu_ratio']}x) | {s['met']} |")
    if "full_1000" in g:
        lines.append(
            f"| 1,000 documents ≤ 120 s, ≤ 2 GiB | {g['full_1000']['wall_s']} s, {g['full_1000']['peak_mib']} MiB | {g['full_1000']['met']} |"
        )
        lines.append(
            f"| incremental ≤ 10% of full (1,000) | {g['incremental_1000']['share']:.1%} | {g['incremental_1000']['met']} |"
        )
    lines.append(f"| extraction core ≥ 5 MB/s per core | {g['core']['mb_per_s_per_core']} MB/s | {g['core']['met']} |")
    lines.append("")
    for name, m in (("nothing changed", same), ("one changed", inc)):
        parts = [f"outside the run {m['outside_run_s']}"] + [f"{k} {v}" for k, v in m["steps_s"].items()]
        lines.append(f"{m['documents']} documents, {name}, wall seconds (medians): " + ", ".join(parts))
    lines.append(
        "extraction core, CPU seconds per stage: " + ", ".join(f"{k} {v}" for k, v in c["stages_cpu_s"].items())
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="gwr-datapackage performance benchmark")
    parser.add_argument(
        "--sizes",
        default="200,1000",
        help="corpus sizes for full builds (comma-separated); the largest gets the incremental build",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of the seeds build, the nothing-changed and one-change builds and the extraction core (median)",
    )
    parser.add_argument("--core-size", type=int, default=200, help="documents for the extraction-core measurement")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--workdir", type=Path, default=None, help="keep corpora, instances and packages here")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="gwr-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = bench(sizes, args.repeat, work, args.core_size)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return results


if __name__ == "__main__":
    main()
