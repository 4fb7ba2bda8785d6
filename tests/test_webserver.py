"""The code location as the Dagster UI sees it: start dagster-webserver with workspace.yaml on a
free local port, ask its GraphQL endpoint for the asset graph, and compare it with the
Definitions loaded in-process; then stop every process the test started."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_definitions import graph_shape

LOCATION = "gwr_datapackage"
REPOSITORY = {"repositoryName": "__repository__", "repositoryLocationName": LOCATION}
QUERY = """
query Graph($repo: RepositorySelector!) {
  assetNodes {
    assetKey { path }
    dependencyKeys { path }
    isPartitioned
    isObservable
    partitionDefinition { type name }
    assetChecksOrError { ... on AssetChecks { checks { name } } }
  }
  schedulesOrError(repositorySelector: $repo) { ... on Schedules { results { name cronSchedule pipelineName } } }
  sensorsOrError(repositorySelector: $repo) { ... on Sensors { results { name targets { pipelineName } } } }
  workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, read from /proc (children first found, then theirs)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def stop(proc: subprocess.Popen) -> list[int]:
    """SIGTERM the webserver, wait, then SIGKILL whatever it left, by PID; returns its descendants."""
    family = descendants(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in family):
        time.sleep(0.2)
    for pid in family:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    return family


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    assert "errors" not in payload, payload["errors"]
    return payload["data"]


@pytest.fixture(scope="module")
def served_graph(tmp_path_factory):
    home = tmp_path_factory.mktemp("webserver_home")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    port = free_port()
    log = home / "webserver.log"
    webserver = Path(sys.executable).with_name("dagster-webserver")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(webserver), "-w", str(REPO / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        data = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                data = graphql(port, QUERY, {"repo": REPOSITORY})
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                data = None
            entries = (data or {}).get("workspaceOrError", {}).get("locationEntries", [])
            if data and data["assetNodes"] and all(e["loadStatus"] == "LOADED" for e in entries):
                break
            time.sleep(1)
        assert data and data["assetNodes"], "the code location did not load: " + log.read_text(errors="replace")[-3000:]
        yield data
    finally:
        family = stop(proc)
        assert proc.poll() is not None
        time.sleep(0.5)
        assert [p for p in family if alive(p)] == []


def test_asset_graph_served_equals_the_definitions(served_graph):
    expected = graph_shape()
    served = {}
    for node in served_graph["assetNodes"]:
        key = "/".join(node["assetKey"]["path"])
        checks = node["assetChecksOrError"].get("checks", [])
        served[key] = {
            "deps": sorted("/".join(d["path"]) for d in node["dependencyKeys"]),
            "partitions": (node["partitionDefinition"] or {}).get("name") if node["isPartitioned"] else None,
            "checks": sorted(c["name"] for c in checks),
        }
    assert served == expected["assets"]


def test_partitions_schedules_and_sensors_are_served(served_graph):
    nodes = {"/".join(n["assetKey"]["path"]): n for n in served_graph["assetNodes"]}
    assert nodes["raw_documents"]["isObservable"]
    assert nodes["extracted_document"]["partitionDefinition"]["type"] == "DYNAMIC"
    schedules = served_graph["schedulesOrError"]["results"]
    sensors = served_graph["sensorsOrError"]["results"]
    assert sorted(s["name"] for s in schedules) == graph_shape()["schedules"]
    assert sorted(s["name"] for s in sensors) == graph_shape()["sensors"]
    assert {s["name"]: s["pipelineName"] for s in schedules} == {"daily_revalidation": "revalidate"}
    assert {s["name"]: [t["pipelineName"] for t in s["targets"]] for s in sensors} == {"sources_sensor": ["build"]}
