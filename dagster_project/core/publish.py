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
import signal
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# Tests kill a real build at the riskiest moments of a publish: with GWR_CRASH_AT set to
# one of these names the process sends itself SIGKILL there (see `_crash_point`).
CRASH_POINTS = ("staged", "swapped", "moved-aside")


def staging_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-{os.getpid()}"


def _leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tmp-*")) + sorted(out.parent.glob(f".{out.name}.old-*"))


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created if needed) until the block ends.

    The lock dies with the process, so a killed holder never blocks the next one.
    `on_wait` is called once when another process holds it and this one has to wait.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def publish_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock for `out`; removes the leftovers of killed builds once held."""
    with exclusive_lock(out.parent / f".{out.name}.lock"):
        _recover(out)
        yield


def _recover(out: Path) -> None:
    """A killed swap may have moved the old package aside: put it back, drop the rest."""
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        olds[-1].rename(out)
    for path in _leftovers(out):
        shutil.rmtree(path, ignore_errors=True)


@cache
def _renameat2():
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return None
    libc = ctypes.CDLL(libc_name, use_errno=True)
    return getattr(libc, "renameat2", None)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2); False where unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _crash_point(name: str) -> None:
    if os.environ.get("GWR_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def swap_in(staged: Path, out: Path) -> None:
    """Make `staged` the content of `out` atomically (or as nearly as the OS allows)."""
    if not out.exists():
        staged.rename(out)
        return
    if _exchange(staged, out):
        _crash_point("swapped")
        shutil.rmtree(staged)  # now holds the previous package
        return
    # Without an atomic exchange there is a moment with no `out`; a build killed then
    # leaves the previous package as `.<out>.old-<pid>`, which the next build puts back.
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(old)
    _crash_point("moved-aside")
    staged.rename(out)
    _crash_point("swapped")
    shutil.rmtree(old)


def publish(out: Path, write: Callable[[Path], None]) -> None:
    """Run `write(staging)` and swap the result in; on any error the old `out` stays."""
    with publish_lock(out):
        staged = staging_dir(out)
        staged.mkdir()
        try:
            write(staged)
            _fsync_tree(staged)
            _crash_point("staged")
            swap_in(staged, out)
        finally:
            if staged.exists():
                shutil.rmtree(staged, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    """Flush the staged files and folders, so a crash right after the swap cannot expose
    empty files."""
    for path in [*sorted(root.rglob("*")), root]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
