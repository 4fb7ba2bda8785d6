"""The published package read back (`published_package`), and what the UI shows about a release.

`published_package` rebuilds nothing: it re-reads the folder `data_package` published, so
the `revalidate` job can materialize it (and run its checks) every day. Its freshness
policy, set in definitions.py, says how old that re-validation may be.
"""

import dagster as dg

from dagster_project.core.inspection import inspect_package
from dagster_project.defs.resources import GwrSettings, code_version


@dg.asset(
    deps=["data_package"],
    group_name="package",
    code_version=code_version(),
    description="The published package as it is on disk, re-validated: Frictionless, Pandera, SHA256SUMS, zip and Parquet copies.",
)
def published_package(context: dg.AssetExecutionContext, gwr: GwrSettings) -> dict:
    report = inspect_package(gwr.out_path)
    context.add_output_metadata(inspection_metadata(report))
    return report


def inspection_metadata(report: dict) -> dict:
    tasks = {t["resource"]: t for t in report["frictionless"]["tasks"]}
    lines = ["| resource | rows | frictionless | pandera |", "|---|--:|---|---|"]
    for name, task in tasks.items():
        pandera = report["pandera"].get(name)
        verdict = (
            ""
            if pandera is None
            else (
                "ok"
                if not pandera["rejected"] and not pandera["failed_checks"]
                else f"FAILED {pandera['failed_checks']}"
            )
        )
        lines.append(
            f"| {name} | {task['rows'] if task['rows'] is not None else ''} | {'ok' if task['valid'] else 'INVALID'} | {verdict} |"
        )
    sources = ["| source | sha256 | bytes |", "|---|---|--:|"]
    sources += [f"| {s.get('path')} | `{s.get('sha256')}` | {s.get('bytes')} |" for s in report["sources"]]
    return {
        "path": report["path"],
        "version": report["version"] or "",
        "valid": report["valid"],
        "rows": dg.MetadataValue.json({k: v for k, v in report["rows"].items() if v is not None}),
        "validation": dg.MetadataValue.md("\n".join(lines)),
        "file_problems": dg.MetadataValue.json(report["bundle_problems"][:50]),
        "sources": dg.MetadataValue.md("\n".join(sources)),
    }


def package_metadata(result: dict) -> dict:
    """Materialization metadata of `data_package`: the release and what changed in it."""
    release = result["release"]
    changes = ["| table | rows | added | removed | changed |", "|---|--:|--:|--:|--:|"]
    changes += [
        f"| {t} | {c['rows']} | {c['added']} | {c['removed']} | {c['changed']} |" for t, c in release["tables"].items()
    ]
    return {
        "version": release["version"],
        "release": release["level"],
        "previous_version": release["previous_version"] or "",
        "release_reasons": dg.MetadataValue.json(release["reasons"]),
        "changes": dg.MetadataValue.md("\n".join(changes)),
        "changelog_entry": dg.MetadataValue.md(result["changelog_entry"] or f"unchanged: still {release['version']}"),
        "zip": result["zip"],
        # document parts of the row tables Frictionless read ("all": the whole package)
        "frictionless_parts_read": str(result["frictionless_parts_read"]),
        "files": result["files"],
        "package_bytes": result["bytes"],
    }
