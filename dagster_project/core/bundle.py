"""The package's download zip and SHA256SUMS, and checks that a published folder agrees with them.

The zip holds every file of the package except itself and SHA256SUMS, in path order, with
fixed timestamps and permissions, so its bytes change only when the content does.
SHA256SUMS (`sha256sum -c` format) lists every other file, the zip included.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

from dagster_project.core.package import PACKAGE_NAME, csv_bytes
from dagster_project.core.parquet import read_parquet_frame

SUMS = "SHA256SUMS"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# zlib level 4: at 1,000 documents (99 MB of files) about 1.6 CPU s and 30.3 MB, against
# 2.6 s and 29.5 MB at level 6 and 0.9 s and 33.3 MB at level 1 (benchmarks/README.md).
# The zip is compressed alongside validation and is the longer of the two at level 6.
ZIP_LEVEL = 4


def zip_name(version: str) -> str:
    return f"{PACKAGE_NAME}-{version}.zip"


def package_files(root: Path) -> list[str]:
    """Every file below `root`, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _is_bundle(rel: str) -> bool:
    return rel == SUMS or ("/" not in rel and rel.startswith(f"{PACKAGE_NAME}-") and rel.endswith(".zip"))


def _zipped_files(root: Path) -> list[str]:
    """The files the zip holds: all but itself and SHA256SUMS, in path order."""
    return [rel for rel in package_files(root) if not _is_bundle(rel)]


def zip_bytes(
    root: Path, version: str, files: list[str] | None = None, before_reading: Callable[[str], None] | None = None
) -> bytes:
    """A reproducible zip of the package folder under `<name>-<version>/`: of `files`
    (default: every file but the zip and SHA256SUMS); `before_reading(path)` is called
    before each file is read."""
    prefix = zip_name(version).removesuffix(".zip") + "/"
    files = _zipped_files(root) if files is None else files
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for rel in files:
            if before_reading is not None:
                before_reading(rel)
            info = zipfile.ZipInfo(prefix + rel, date_time=ZIP_TIME)
            info.create_system = 3  # unix, so the permissions below are read as such
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (root / rel).read_bytes(), compresslevel=ZIP_LEVEL)
    return buffer.getvalue()


def sha256sums(root: Path) -> str:
    lines = [
        f"{hashlib.sha256((root / rel).read_bytes()).hexdigest()}  {rel}" for rel in package_files(root) if rel != SUMS
    ]
    return "\n".join(lines) + "\n"


class _Abandoned(Exception):
    """The package will not be published: the zip being written is not needed."""


@contextlib.contextmanager
def bundle_while_finishing(root: Path, version: str, unfinished: str) -> Iterator[None]:
    """Add the zip and then SHA256SUMS to the folder as it is when the block ends.

    The zip is compressed in a thread while the block runs: every file but `unfinished`
    must be final when the block starts, and the block may only rewrite `unfinished`, which
    is read once the block has ended. Compression (zlib releases the GIL) so overlaps the
    slow last step of a build, the Frictionless validation that writes the validation
    report. If the block raises, the zip is abandoned and nothing is added. The bytes are
    those `zip_bytes` gives the finished folder.
    """
    files = _zipped_files(root)
    if unfinished not in files:
        raise ValueError(f"{unfinished} is not a file of {root}")
    finished = threading.Event()
    abandoned = False
    outcome: dict = {}

    def wait_for_unfinished(rel: str) -> None:
        if rel == unfinished:
            finished.wait()
            if abandoned:
                raise _Abandoned

    def compress() -> None:
        try:
            outcome["zip"] = zip_bytes(root, version, files, wait_for_unfinished)
        except BaseException as err:  # noqa: BLE001 - handed to the waiting thread
            outcome["error"] = err

    worker = threading.Thread(target=compress, name="package-zip", daemon=True)
    worker.start()
    try:
        yield
    except BaseException:
        abandoned = True
        finished.set()
        worker.join()
        raise
    finished.set()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    (root / zip_name(version)).write_bytes(outcome["zip"])
    (root / SUMS).write_text(sha256sums(root), encoding="utf-8")


def bundle_problems(root: Path) -> list[str]:
    """Where the folder disagrees with its SHA256SUMS, its zip, or its CSV tables."""
    problems = []
    sums_path = root / SUMS
    if not sums_path.is_file():
        return [f"{SUMS} is missing"]
    listed = {}
    for line in sums_path.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    present = [rel for rel in package_files(root) if rel != SUMS]
    problems += [f"{rel}: not listed in {SUMS}" for rel in present if rel not in listed]
    problems += [f"{rel}: listed in {SUMS} but missing" for rel in listed if not (root / rel).is_file()]
    problems += [
        f"{rel}: sha256 differs from {SUMS}"
        for rel in present
        if rel in listed and hashlib.sha256((root / rel).read_bytes()).hexdigest() != listed[rel]
    ]
    problems += _zip_problems(root)
    problems += parquet_problems(root)
    return problems


def _zip_problems(root: Path) -> list[str]:
    try:
        version = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return ["datapackage.json has no version, so the zip cannot be named"]
    name = zip_name(version)
    zips = sorted(rel for rel in package_files(root) if _is_bundle(rel) and rel != SUMS)
    if zips != [name]:
        return [f"expected exactly one zip, {name}; found {zips or 'none'}"]
    prefix = name.removesuffix(".zip") + "/"
    with zipfile.ZipFile(root / name) as archive:
        members = {i.filename.removeprefix(prefix): archive.read(i) for i in archive.infolist()}
    expected = [rel for rel in package_files(root) if not _is_bundle(rel)]
    problems = [f"{name}: lacks {rel}" for rel in expected if rel not in members]
    problems += [f"{name}: has {rel}, which the package does not" for rel in members if rel not in expected]
    problems += [
        f"{name}: {rel} differs from the file"
        for rel in expected
        if rel in members and members[rel] != (root / rel).read_bytes()
    ]
    return problems


def parquet_problems(root: Path) -> list[str]:
    """Every Parquet resource holds exactly the rows of its CSV twin."""
    try:
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["datapackage.json cannot be read"]
    problems = []
    for resource in descriptor.get("resources", []):
        if resource.get("format") != "parquet":
            continue
        path = root / resource["path"]
        twin = root / resource["path"].removesuffix(".parquet")
        twin = twin.with_name(twin.name + ".csv")
        if not path.is_file() or not twin.is_file():
            problems.append(f"{resource['path']}: the file or its CSV twin is missing")
            continue
        frame = read_parquet_frame(path.read_bytes())
        columns = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
        if list(frame.columns) != columns:
            problems.append(f"{resource['path']}: columns differ from its schema")
        elif csv_bytes(frame, columns) != twin.read_bytes():
            problems.append(f"{resource['path']}: rows differ from {twin.relative_to(root).as_posix()}")
    return problems
