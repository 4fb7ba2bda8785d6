"""Where the sources are read from and the package is published to."""


import hashlib
from pathlib import Path

import dagster as dg

from dagster_project.core.sources import DEFAULT_MAX_BYTES
from dagster_project.paths import REPO_ROOT

_CODE_DIRS = (REPO_ROOT / "dagster_project" / "core", REPO_ROOT / "schemas")


def code_version() -> str:
    """A hash of the pure code and schemas: a change marks every derived asset stale."""
    digest = hashlib.sha256()
    for folder in _CODE_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".json", ".csv"}:
                digest.update(path.relative_to(REPO_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class GwrSettings(dg.ConfigurableResource):
    """The sources folder, the published package folder and the per-file size limit."""

    sources_dir: str = str(REPO_ROOT / "seeds")
    out_dir: str = str(REPO_ROOT / "datapackage")
    max_bytes: int = DEFAULT_MAX_BYTES
    # processes that normalize and extract documents; 0: GWR_WORKERS, else one per CPU (≤ 4)
    workers: int = 0

    @property
    def sources_path(self) -> Path:
        return Path(self.sources_dir)

    @property
    def out_path(self) -> Path:
        return Path(self.out_dir)
