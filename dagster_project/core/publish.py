"""Publish a folder atomically: build beside the target, then swap it in under a lock.

A build killed at any moment leaves either the previous package or the new one, never a
mixture; leftovers of a killed build are removed by the next. Two builds into the same
target take turns on an exclusive lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-{os.getpid()}"


def _leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tmp-*")) + sorted(out.parent.glob(f".{out.name}.old-*"))


@contextlib.contextmanager
def publish_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock for `out`; removes the leftovers of killed builds once held."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            _recover(out)
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _recover(out: Path) -> None:
    """A killed swap may have moved the old package aside: put it back, drop the rest."""
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        olds[-1].rename(out)
    for path in _leftovers(out):
        shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    res = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return res == 0


def swap_in(staged: Path, out: Path) -> None:
    """Make `staged` the content of `out` atomically (or as nearly as the OS allows)."""
    if not out.exists():
        staged.rename(out)
        return
    if _exchange(staged, out):
        shutil.rmtree(staged)  # now holds the previous package
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(old)
    staged.rename(out)
    shutil.rmtree(old)


def publish(out: Path, write: Callable[[Path], None]) -> None:
    """Run `write(staging)` and swap the result in; on any error the old `out` stays."""
    with publish_lock(out):
        staged = staging_dir(out)
        staged.mkdir()
        try:
            write(staged)
            _fsync_tree(staged)
            swap_in(staged, out)
        finally:
            if staged.exists():
                shutil.rmtree(staged, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    """Flush the staged files, so a crash right after the swap cannot expose empty files."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
