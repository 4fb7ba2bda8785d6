"""The sources folder: which files are documents, their doc_ids, hashes and read problems."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A longer stem is slugged: `texts/<doc_id>.txt` and the per-partition files Dagster
# writes must stay well inside the 255-byte limit of a file name.
MAX_ID_CHARS = 100
NO_HASH = "0" * 64


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
    if SAFE_ID.match(stem) and "..." not in stem and len(stem) <= MAX_ID_CHARS and not shared_stem:
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


def _printable(rel: str) -> str:
    """A path as text: bytes of a name that is not UTF-8 are shown as \\xNN escapes."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def scan_sources(root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[SourceFile]:
    """Every file below `root` (hidden folders skipped), sorted by path, with unique doc_ids.

    The order and the ids depend only on the names, never on the order the file system
    lists them in. A file with the same bytes as one before it is marked as a duplicate.
    """
    root = root.resolve()
    found: list[tuple[str, str, Path]] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]) or not (path.is_file() or path.is_symlink()):
            continue
        stem = path.stem if not path.name.startswith(".") else path.name
        found.append((_printable(stem), _printable(rel.as_posix()), path))
    found.sort(key=lambda f: f[1])
    # Case-insensitively: texts/A.txt and texts/a.txt would be one file on many systems.
    stems = Counter(stem.casefold() for stem, _, _ in found)
    ids = [doc_id_for(stem, rel, shared_stem=stems[stem.casefold()] > 1) for stem, rel, _ in found]
    ids = _unique(ids, found)
    files = []
    for doc_id, (_, rel, path) in zip(ids, found, strict=True):
        source = _describe(path, root, rel, doc_id, max_bytes)
        if rel != path.relative_to(root).as_posix() and not source.problem:
            source = replace(source, problem="file name is not valid UTF-8: rename the file")
        files.append(source)
    return _mark_duplicates(files)


def _unique(ids: list[str], found: list[tuple[str, str, Path]]) -> list[str]:
    """Ids made unique, ignoring case: a plain stem that equals another file's slugged id
    (`doc-1a2b3c4d.txt` beside `报告.txt`) gets its own hash; anything still shared, a
    counter (`-2`, `-3`)."""
    counts = Counter(doc_id.casefold() for doc_id in ids)
    ids = [
        doc_id_for(stem, rel, shared_stem=True) if counts[doc_id.casefold()] > 1 and doc_id == stem else doc_id
        for doc_id, (stem, rel, _) in zip(ids, found, strict=True)
    ]
    everywhere = {doc_id.casefold() for doc_id in ids}
    used: set[str] = set()
    unique = []
    for doc_id in ids:
        candidate, k = doc_id, 1
        while candidate.casefold() in used or (candidate != doc_id and candidate.casefold() in everywhere):
            k += 1
            candidate = f"{doc_id}-{k}"
        used.add(candidate.casefold())
        unique.append(candidate)
    return unique


def _mark_duplicates(files: list[SourceFile]) -> list[SourceFile]:
    """The second and later files with the same bytes are quarantined: their rows would
    be the same report's rows twice."""
    first: dict[str, SourceFile] = {}
    marked = []
    for source in files:
        if source.problem or source.bytes == 0:
            marked.append(source)
            continue
        original = first.setdefault(source.sha256, source)
        if original is not source:
            source = replace(source, problem=f"same bytes as {original.doc_id} ({original.source_path})")
        marked.append(source)
    return marked


def _describe(path: Path, root: Path, rel: str, doc_id: str, max_bytes: int) -> SourceFile:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, or a loop of links
            return SourceFile(doc_id, rel, NO_HASH, 0, "symbolic link to nothing (broken link)")
        if not target.is_relative_to(root):
            return SourceFile(doc_id, rel, NO_HASH, 0, "symbolic link pointing outside the sources folder")
        if not target.is_file():
            return SourceFile(doc_id, rel, NO_HASH, 0, "symbolic link to something that is not a file")
    try:
        sha, size, too_big = _hash_file(path, max_bytes)
    except OSError as err:
        return SourceFile(doc_id, rel, NO_HASH, 0, f"could not be read: {err.strerror or err}")
    problem = f"larger than the limit of {max_bytes} bytes ({size} bytes)" if too_big else ""
    return SourceFile(doc_id, rel, sha, size, problem)


def read_source(root: Path, source: SourceFile) -> bytes:
    """The raw bytes of a source that has no problem (refusing a link that now points outside)."""
    path = root / source.source_path
    if not path.resolve().is_relative_to(root.resolve()):
        raise OSError(f"{source.source_path} now points outside the sources folder")
    return path.read_bytes()
