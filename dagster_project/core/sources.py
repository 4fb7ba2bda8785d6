"""The sources folder: which files are documents, their doc_ids, hashes and read problems."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """One file of the sources folder. `problem` is set when it must not be read."""

    doc_id: str
    source_path: str  # relative to the sources folder, with forward slashes
    sha256: str
    bytes: int
    problem: str = ""


def doc_id_for(stem: str, source_path: str, shared_stem: bool = False) -> str:
    """The stem when it is a safe id, else an ASCII slug plus a hash of the path.

    `...` is Dagster's partition-range separator, so a stem containing it is slugged too;
    a stem shared by several files (a.txt, a.md) gets the hash so no two ids collide.
    """
    if SAFE_ID.match(stem) and "..." not in stem and not shared_stem:
        return stem
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:40] or "doc"
    return f"{slug}-{hashlib.sha256(source_path.encode('utf-8')).hexdigest()[:8]}"


def _hash_file(path: Path, limit: int) -> tuple[str, int, bool]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size, size > limit


def scan_sources(root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[SourceFile]:
    """Every file below `root` (hidden folders skipped), sorted by path, with unique doc_ids."""
    root = root.resolve()
    found: list[tuple[str, str, Path]] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]) or not (path.is_file() or path.is_symlink()):
            continue
        found.append((path.stem if not path.name.startswith(".") else path.name, rel.as_posix(), path))
    stems = [stem for stem, _, _ in found]
    files = []
    for stem, rel, path in found:
        doc_id = doc_id_for(stem, rel, shared_stem=stems.count(stem) > 1)
        files.append(_describe(path, root, rel, doc_id, max_bytes))
    return files


def _describe(path: Path, root: Path, rel: str, doc_id: str, max_bytes: int) -> SourceFile:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return SourceFile(doc_id, rel, "0" * 64, 0, "symbolic link pointing outside the sources folder")
        if not target.is_file():
            return SourceFile(doc_id, rel, "0" * 64, 0, "symbolic link to something that is not a file")
    sha, size, too_big = _hash_file(path, max_bytes)
    problem = f"larger than the limit of {max_bytes} bytes ({size} bytes)" if too_big else ""
    return SourceFile(doc_id, rel, sha, size, problem)


def read_source(root: Path, source: SourceFile) -> bytes:
    """The raw bytes of a source that has no problem."""
    return (root / source.source_path).read_bytes()
