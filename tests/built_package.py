"""One build of the seeds, shared by the package, landing-page and check tests of a session.

Tests that change the package work on a copy (`copy_package`).
"""

import shutil
from pathlib import Path

from dagster_project.runner import run_build
from tests.conftest import SEEDS

_BUILT: dict[str, Path] = {}


def built_package(tmp_path_factory) -> Path:
    if "out" not in _BUILT:
        out = tmp_path_factory.mktemp("published") / "datapackage"
        run_build(SEEDS, out)
        _BUILT["out"] = out
    return _BUILT["out"]


def copy_package(package: Path, target: Path) -> Path:
    shutil.copytree(package, target)
    return target
