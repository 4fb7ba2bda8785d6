"""The `gwr` command: build, validate and browse the package (SPEC §8)."""

import atexit
import gc
import json
import os
import sys
import warnings
from pathlib import Path

# A build is one short-lived process that creates many long-lived objects (modules, rows,
# texts); at the default thresholds the collector rescans them again and again, about a
# tenth of a small build's CPU. Reference counting still frees everything that is not cyclic.
gc.set_threshold(50_000, 20, 20)

import typer

from dagster_project.core.sources import DEFAULT_MAX_BYTES
from dagster_project.paths import REPO_ROOT

# Dagster labels the APIs we rely on (observable sources, backfill policies) beta/preview;
# that is known and pinned, and says nothing to a person running a build.
warnings.filterwarnings("ignore", message=r".*currently in (beta|preview)")

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese government work reports as a Frictionless data package.")


@app.command()
def build(
    sources: Path = typer.Option(REPO_ROOT / "seeds", help="Folder of raw report files."),
    out: Path = typer.Option(REPO_ROOT / "datapackage", help="Where the package is published."),
    strict: bool = typer.Option(False, help="Exit non-zero when a document was quarantined or a row rejected."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, help="Files larger than this many bytes are quarantined."),
) -> None:
    """Run the whole asset graph in-process and publish a validated package."""
    from dagster_project.core.publish import exclusive_lock
    from dagster_project.runner import BuildError, run_build

    # One build at a time per Dagster instance: two would race on its SQLite storage and
    # on the per-document results it keeps. The lock is released when the process dies.
    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster").resolve()

    def waiting() -> None:
        typer.echo(f"waiting for another build using {home}", err=True)

    try:
        with exclusive_lock(home / ".gwr-build.lock", waiting):
            summary = run_build(sources, out, max_bytes)
    except BuildError as err:
        typer.echo(f"build failed: {err}", err=True)
        raise typer.Exit(2) from err
    typer.echo(f"published {out} ({summary.documents} documents, run {summary.run_id})")
    for table, n in summary.rows.items():
        typer.echo(f"  {table:11s} {n:6d} rows  {summary.rejected.get(table, 0):4d} rejected")
    rejected = sum(summary.rejected.values())
    if rejected:
        typer.echo(f"  rejected    {rejected} rows that failed a validation rule (listed in reports/validation.json)")
    typer.echo(f"  quarantined {len(summary.quarantined)}")
    for q in summary.quarantined:
        typer.echo(f"    {q['source_path']}: {q['error']}")
    for problem in summary.extraction_problems:
        typer.echo(f"  problem: {problem}")
    if strict and not summary.clean:
        typer.echo("strict: documents were quarantined or rows rejected", err=True)
        raise typer.Exit(1)


@app.command()
def validate(package: Path = typer.Argument(REPO_ROOT / "datapackage", help="A published package folder.")) -> None:
    """Re-validate a published package with Frictionless and Pandera."""
    from dagster_project.core.package_check import revalidate

    report = revalidate(package)
    for task in report["frictionless"]["tasks"]:
        what = f"{task['rows']} rows" if task["rows"] is not None else "bytes and sha256"
        typer.echo(f"  frictionless {task['resource']:11s} {'ok' if task['valid'] else 'INVALID'} ({what})")
    for error in report["frictionless"]["errors"]:
        typer.echo(f"  frictionless error: {json.dumps(error, ensure_ascii=False)}")
    for table, summary in report["pandera"].items():
        state = "ok" if not summary["rejected"] and not summary["failed_checks"] else f"FAILED {summary['failed_checks']}"
        typer.echo(f"  pandera      {table:11s} {state} ({summary['rows']} rows)")
    for problem in report.get("files", []):
        typer.echo(f"  files        {problem}")
    typer.echo("valid" if report["valid"] else "INVALID")
    if not report["valid"]:
        raise typer.Exit(1)


@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(3000, help="Port to listen on."),
) -> None:
    """Start the Dagster UI (and daemon) with this project loaded."""
    from dagster_project.runner import ensure_dagster_home

    ensure_dagster_home()
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "dev", "-w", str(REPO_ROOT / "workspace.yaml"), "-h", host, "-p", str(port)]
    # Become `dagster dev` rather than wait for it: a signal sent to `gwr ui` then reaches
    # the webserver and daemon instead of leaving them running without a parent.
    os.chdir(REPO_ROOT)
    os.execve(cmd[0], cmd, os.environ.copy())


def main() -> None:
    """The `gwr` command (its console script)."""
    # On its way out, Python collects garbage once more over every object the process still
    # holds: about 1.4 s after a build, all of it memory the system takes back anyway. Exit
    # handlers run last-registered first, so this one runs after those of the build (worker
    # pools, Dagster's instance, logging) and leaves every object then alive to the system.
    # Nothing may rely on a collection at exit: Python does not promise one.
    atexit.register(gc.freeze)
    app()


if __name__ == "__main__":
    main()
