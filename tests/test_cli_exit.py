"""How the `gwr` command ends: its exit code, and the heap frozen after every exit handler
of the command itself (dagster_project/cli.py `main`)."""

import subprocess
import sys
import tomllib

from tests.conftest import REPO

# Run as the console script runs it. One exit handler is registered before `main` (so it
# runs after main's freeze) and one while the command runs (so it runs before it).
PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("after main's handler: frozen", gc.get_freeze_count() > 0, flush=True))
import dagster_project.cli as cli

@cli.app.command("probe")
def probe(code: int = 0) -> None:
    atexit.register(lambda: print("registered by the command: frozen", gc.get_freeze_count() > 0, flush=True))
    raise SystemExit(code)

sys.argv = ["gwr", *sys.argv[1:]]
cli.main()
"""


def run_probe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], check=False, cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_the_heap_is_frozen_only_after_the_commands_own_exit_handlers():
    done = run_probe("probe")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == ["registered by the command: frozen False", "after main's handler: frozen True"]


def test_exit_codes_are_kept():
    assert run_probe("probe", "--code", "3").returncode == 3
    assert run_probe("no-such-command").returncode == 2  # a usage error, as click reports it


def test_the_console_script_is_main():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["gwr"] == "dagster_project.cli:main"
