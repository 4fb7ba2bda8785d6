"""Killed and concurrent builds: real `gwr build` processes, SIGKILLed at several points.

The published folder must always be the previous package or the complete new one, byte
for byte, never a mixture; leftovers of a killed build are removed by the next one; two
builds started at once take turns.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from dagster_project.core import publish as publish_module
from dagster_project.core.publish import publish, publish_lock
from tests.fixtures.messy import files_of, seed_path
from tests.fixtures.processes import build_args, gwr_env, run_gwr, start_gwr

REPORT_A = ("000", 0, 12_000)  # seed, slice: a small report, so each build is quick
REPORT_B = ("004", 0, 12_000)


def small_report(spec: tuple[str, int, int]) -> bytes:
    seed, start, end = spec
    text = seed_path(seed).read_text(encoding="utf-8")[start:end]
    return (text[: text.rindex("。") + 1] + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two versions of a one-report folder and the packages they build (the references).

    A package records its version and changelog relative to the one it replaces, so the
    new package B is B built over A, and "A2" is A built again over that.
    """
    root = tmp_path_factory.mktemp("crash")
    sources = {}
    for name, spec in (("A", REPORT_A), ("B", REPORT_B)):
        sources[name] = root / f"sources-{name}"
        sources[name].mkdir()
        (sources[name] / "report.txt").write_bytes(small_report(spec))
    refs = {}
    previous = None
    for ref, name in (("A", "A"), ("B", "B"), ("A2", "A")):
        out = root / f"reference-{ref}" / "datapackage"
        if previous is not None:
            shutil.copytree(previous, out)
        proc = run_gwr(build_args(sources[name], out), gwr_env(root / f"home-{name}"))
        assert proc.returncode == 0, proc.stderr[-3000:]
        refs[ref] = {"sources": sources[name], "package": out, "files": files_of(out)}
        previous = out
    assert len({str(r["files"]) for r in refs.values()}) == 3
    assert any("indicators.csv" in f for f in refs["B"]["files"])
    return {"root": root, "refs": refs, "home": root / "home-kills"}


def fresh_target(world, name: str) -> Path:
    """A folder holding the previous package (A), as published by a build."""
    out = world["root"] / f"target-{name}" / "datapackage"
    shutil.rmtree(out.parent, ignore_errors=True)
    out.parent.mkdir(parents=True)
    shutil.copytree(world["refs"]["A"]["package"], out)
    return out


def whole(world, out: Path) -> str:
    """Which complete package `out` is: "A", "B" or "A2"; fails on anything else."""
    found = files_of(out) if out.is_dir() else {}
    for name in ("A", "B", "A2"):
        if found == world["refs"][name]["files"]:
            return name
    pytest.fail(f"{out} is neither the previous nor the new package: {sorted(found)[:10]}")


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, f".{out.name}.lock"))


def start_build_b(world, out: Path, **env) -> "subprocess.Popen":  # noqa: F821
    return start_gwr(build_args(world["refs"]["B"]["sources"], out), gwr_env(world["home"], **env))


def kill(proc) -> str:
    """Kill the build (if still running); returns what it wrote to stderr, for failure messages."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the build's own process group, started by this test
    return proc.communicate(timeout=60)[1]


def test_killed_after_random_delays(world):
    rng = random.Random(20210219)
    seen = []
    for delay in sorted(rng.uniform(0.2, 8.0) for _ in range(4)):
        out = fresh_target(world, "delay")
        proc = start_build_b(world, out)
        time.sleep(delay)
        kill(proc)
        seen.append(whole(world, out))
    assert set(seen) <= {"A", "B"}


def wait_for(predicate, proc, limit: float = 300.0) -> bool:
    """Poll until `predicate()` or the process ends; True when the predicate held."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc.poll() is not None:
            return predicate()
        time.sleep(0.002)
    return False


def test_killed_as_soon_as_the_staging_folder_appears(world):
    out = fresh_target(world, "staging")
    proc = start_build_b(world, out)
    appeared = wait_for(lambda: any(out.parent.glob(".datapackage.tmp-*")), proc)
    stderr = kill(proc)
    assert appeared, f"the build ended (exit {proc.returncode}) before staging: {stderr[-2000:]}"
    assert whole(world, out) == "A"
    assert [n for n in leftovers(out) if n.startswith(".datapackage.tmp-")]


def test_killed_while_the_staged_package_is_being_validated(world):
    out = fresh_target(world, "validating")
    proc = start_build_b(world, out)
    appeared = wait_for(lambda: any(out.parent.glob(".datapackage.tmp-*/index.html")), proc)
    stderr = kill(proc)
    assert appeared, f"the build ended (exit {proc.returncode}) before validating: {stderr[-2000:]}"
    assert whole(world, out) in ("A", "B")


def test_killed_with_the_new_package_staged_and_not_swapped(world):
    out = fresh_target(world, "staged")
    proc = start_build_b(world, out, GWR_CRASH_AT="staged")
    proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL
    assert whole(world, out) == "A"
    (staged,) = [out.parent / n for n in leftovers(out)]
    assert files_of(staged) == world["refs"]["B"]["files"]  # complete, but never swapped in


def test_killed_during_the_swap_after_the_exchange(world):
    out = fresh_target(world, "swapped")
    proc = start_build_b(world, out, GWR_CRASH_AT="swapped")
    proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL
    assert whole(world, out) == "B"
    (old,) = [out.parent / n for n in leftovers(out)]
    assert files_of(old) == world["refs"]["A"]["files"]  # the previous package, not yet removed


def test_the_next_build_cleans_up_after_killed_ones(world):
    out = fresh_target(world, "cleanup")
    for point in ("staged", "swapped"):
        proc = start_build_b(world, out, GWR_CRASH_AT=point)
        proc.communicate(timeout=600)
        assert proc.returncode == -signal.SIGKILL
    proc = start_build_b(world, out)
    time.sleep(1.0)
    kill(proc)
    assert leftovers(out)  # what the killed builds left behind
    # The same Dagster home has seen every kill of this module; it still builds.
    done = run_gwr(build_args(world["refs"]["B"]["sources"], out, "--strict"), gwr_env(world["home"]))
    assert done.returncode == 0, done.stderr[-3000:]
    assert whole(world, out) == "B"
    assert leftovers(out) == []


def test_two_builds_started_at_once_on_one_dagster_home_take_turns(world):
    out = fresh_target(world, "together")
    home = world["root"] / "home-together"  # a fresh instance: both would create its tables
    args = build_args(world["refs"]["B"]["sources"], out)
    procs = [start_gwr(args, gwr_env(home)) for _ in range(2)]
    results = [p.communicate(timeout=900) + (p.returncode,) for p in procs]
    for stdout, stderr, code in results:
        assert code == 0, stderr[-3000:]
        assert stdout.startswith(f"published {out}")
    assert sum("waiting for another build" in stderr for _, stderr, _ in results) == 1
    assert whole(world, out) == "B"
    assert leftovers(out) == []


def test_two_builds_of_different_sources_into_one_folder_do_not_mix(world):
    out = fresh_target(world, "different")
    procs = [
        start_gwr(build_args(world["refs"][name]["sources"], out), gwr_env(world["root"] / f"home-different-{name}"))
        for name in ("A", "B")
    ]
    for p in procs:
        _, stderr = p.communicate(timeout=900)
        assert p.returncode == 0, stderr[-3000:]
    assert whole(world, out) in ("B", "A2")  # A then B, or B then A: each build whole
    assert leftovers(out) == []


# The fallback without an atomic exchange (not Linux, or a file system without
# RENAME_EXCHANGE), killed in a forked process at its two riskiest moments.


def _write(files: dict[str, str]):
    def write(staged: Path) -> None:
        for rel, text in files.items():
            (staged / rel).parent.mkdir(parents=True, exist_ok=True)
            (staged / rel).write_text(text, encoding="utf-8")

    return write


OLD = {"datapackage.json": "old", "data/documents.csv": "doc_id\nold\n"}
NEW = {"datapackage.json": "new", "data/documents.csv": "doc_id\nnew\n", "texts/new.txt": "新"}


def _publish_without_exchange(out: str, crash_at: str) -> None:
    os.environ["GWR_CRASH_AT"] = crash_at
    publish_module._exchange = lambda a, b: False
    publish(Path(out), _write(NEW))


def contents(root: Path) -> dict[str, str]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in files}


@pytest.mark.parametrize(("crash_at", "survivor"), [("moved-aside", OLD), ("swapped", NEW), ("staged", OLD)])
def test_fallback_swap_killed_is_recovered_by_the_next_build(tmp_path, crash_at, survivor):
    out = tmp_path / "datapackage"
    publish(out, _write(OLD))
    child = multiprocessing.get_context("fork").Process(target=_publish_without_exchange, args=(str(out), crash_at))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    if crash_at == "moved-aside":
        assert not out.exists()  # the one moment the fallback has no package in place
    with publish_lock(out):  # what the next build does first
        assert contents(out) == survivor
    assert sorted(p.name for p in tmp_path.iterdir()) == [".datapackage.lock", "datapackage"]


def test_a_failing_write_leaves_the_previous_package(tmp_path):
    out = tmp_path / "datapackage"
    publish(out, _write(OLD))

    def half_then_fail(staged: Path) -> None:
        _write(NEW)(staged)
        raise RuntimeError("Frictionless rejected the package")

    with pytest.raises(RuntimeError):
        publish(out, half_then_fail)
    assert contents(out) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [".datapackage.lock", "datapackage"]
    publish(out, _write(NEW))
    assert contents(out) == NEW
