"""Read a published package back and say whether it still holds: what the package checks and
`gwr validate` look at, computed once, without rebuilding anything."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from dagster_project.core.bundle import bundle_problems
from dagster_project.core.package_check import frictionless_report, pandera_report
from dagster_project.core.per_document import default_workers
from dagster_project.core.sources import SourceFile


def inspect_package(package_dir: Path) -> dict:
    """Frictionless, Pandera, SHA256SUMS / zip / Parquet agreement, and what the package declares."""
    try:
        descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        descriptor = {}
    frictionless = frictionless_report(package_dir, workers=default_workers())
    pandera = pandera_report(package_dir) if descriptor else {}
    bundle = bundle_problems(package_dir) if descriptor else ["datapackage.json is missing or unreadable"]
    pandera_ok = all(s["rejected"] == 0 and not s["failed_checks"] for s in pandera.values())
    return {
        "path": str(package_dir),
        "version": descriptor.get("version"),
        "sources": descriptor.get("sources", []),
        "rows": {t["resource"]: t["rows"] for t in frictionless["tasks"]},
        "frictionless": frictionless,
        "pandera": pandera,
        "bundle_problems": bundle,
        "valid": bool(descriptor) and frictionless["valid"] and pandera_ok and not bundle,
    }


@dataclass(frozen=True)
class SourceDrift:
    """A difference between the published package's sources and the sources folder."""

    path: str
    problem: str
    age_hours: float  # how long ago the folder changed this way
    overdue: bool  # older than the rebuild window: the package should have been rebuilt

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "problem": self.problem,
            "age_hours": round(self.age_hours, 1),
            "overdue": self.overdue,
        }


def source_drift(
    published: list[dict], current: list[SourceFile], root: Path, rebuild_within: timedelta, now: float | None = None
) -> list[SourceDrift]:
    """New, changed and removed source files, each with how long it has been waiting for a rebuild.

    A new or changed file dates from its modification time; a removal from the folder's.
    """
    now = time.time() if now is None else now
    recorded = {s.get("path"): s.get("sha256") for s in published}
    present = {s.source_path: s.sha256 for s in current}

    def drift(path: str, problem: str, changed_at: float) -> SourceDrift:
        age = max(0.0, now - changed_at)
        return SourceDrift(path, problem, age / 3600, age > rebuild_within.total_seconds())

    def mtime(path: Path) -> float:
        try:
            return path.lstat().st_mtime
        except OSError:
            return now

    out = [drift(p, "new file, not in the package", mtime(root / p)) for p in sorted(set(present) - set(recorded))]
    out += [
        drift(p, "changed since publishing", mtime(root / p))
        for p in sorted(set(present) & set(recorded))
        if present[p] != recorded[p]
    ]
    out += [
        drift(p, "in the package but no longer in the sources", mtime(root))
        for p in sorted(set(recorded) - set(present))
    ]
    return out
