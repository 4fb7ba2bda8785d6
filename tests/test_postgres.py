"""`gwr build` against a PostgreSQL-backed Dagster instance (deploy/postgres/dagster.yaml).

The test starts a throwaway PostgreSQL server of its own (Debian's `postgresql` package:
initdb and pg_ctl, as the `postgres` user when the tests run as root), in a temporary
folder on a free port of 127.0.0.1, and stops it afterwards. When the server binaries are
missing and the tests run as root (as CI does on a fresh machine), the fixture installs
the package with apt-get; otherwise the test is skipped, or fails under CI.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS

PROFILE = REPO / "deploy" / "postgres" / "dagster.yaml"
DB = "gwr_test"


def missing(message: str):
    """Under CI a missing prerequisite is an error; elsewhere the test is skipped."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def postgres_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0
    )
    return found[-1].parent if found else None


def ensure_postgres_installed() -> Path:
    """The server binaries, installing Debian's `postgresql` when root and missing."""
    found = postgres_bin()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        missing(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): install Debian's `postgresql` package"
        )
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    print("installing Debian's postgresql package for tests/test_postgres.py ...")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    found = postgres_bin()
    if not found:
        pytest.fail("apt-get installed postgresql, but no /usr/lib/postgresql/*/bin/initdb appeared")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A running throwaway server: {"host", "port", "user", "db"}; stopped and deleted after."""
    try:
        import psycopg2
    except ImportError:
        missing("dagster-postgres is not installed: pip install -e '.[postgres]'")
    bindir = ensure_postgres_installed()
    as_postgres: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="gwr-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    ctl = [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run([*as_postgres, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True)  # fmt: skip
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*ctl, "-l", str(folder / "server.log"), "-o", options, "-w", "-t", "60", "start"],
            check=True,
            capture_output=True,
        )
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        conn.cursor().execute(f"CREATE DATABASE {DB}")
        conn.close()
        yield {"host": "127.0.0.1", "port": port, "user": "postgres", "db": DB}
    finally:
        subprocess.run([*ctl, "-m", "fast", "-w", "stop"], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_build_records_its_run_and_events_in_postgres(postgres, tmp_path, monkeypatch):
    import psycopg2

    from dagster_project.runner import run_build

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROFILE, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in (("HOST", postgres["host"]), ("PORT", str(postgres["port"])), ("USER", postgres["user"]),
                        ("PASSWORD", "unused-with-trust"), ("DB", postgres["db"])):  # fmt: skip
        monkeypatch.setenv(f"GWR_PG_{name}", value)
    sources = tmp_path / "sources"
    sources.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    for seed in seeds:
        shutil.copy(seed, sources / seed.name)

    summary = run_build(sources, tmp_path / "out")
    assert summary.documents == 2
    assert (tmp_path / "out" / "datapackage.json").is_file()

    with psycopg2.connect(
        host=postgres["host"], port=postgres["port"], user=postgres["user"], dbname=postgres["db"]
    ) as conn:
        cur = conn.cursor()
        cur.execute("SELECT status FROM runs WHERE run_id = %s", (summary.run_id,))
        assert cur.fetchall() == [("SUCCESS",)]
        cur.execute(
            "SELECT asset_key, partition FROM event_logs WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            (summary.run_id,),
        )
        materialized = {(key, part) for key, part in cur.fetchall()}
        cur.execute("SELECT partition FROM dynamic_partitions WHERE partitions_def_name = 'documents' ORDER BY id")
        partitions = [p for (p,) in cur.fetchall()]
    conn.close()
    assert partitions == [s.stem for s in seeds]
    for key in partitions:
        assert ('["extracted_document"]', key) in materialized
    assert ('["data_package"]', None) in materialized

    # the instance itself says it is PostgreSQL-backed, and a second build reuses everything
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 2
    again = run_build(sources, tmp_path / "out")
    assert again.recomputed == 0 and again.run_id != summary.run_id
