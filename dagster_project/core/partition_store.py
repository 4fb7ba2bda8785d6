"""Per-partition outputs on disk: one pickle per (asset, document), and its stamp beside it.

The Dagster IO manager (defs/io_manager.py) and the worker processes that normalize and
extract documents in parallel (core/per_document.py) share this store; it imports
nothing from Dagster, so a worker starts in a fraction of a second.

A value stored as `Stamped(value, stamp, meta)` gets `<partition>.json` beside its
`<partition>.pkl`: the stamp it was computed for (core/incremental.py) and a little JSON
metadata for the UI. `Kept(stamp)` stands for "the stored value is current: keep it".
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AssetPath = Sequence[str]  # an asset key's path, e.g. ("extracted_document",)


@dataclass(frozen=True)
class Stamped:
    """A partition's value, the stamp it was computed for, and what the UI shows about it."""

    value: Any
    stamp: str
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Kept:
    """The stored value of this partition is current (its record has this stamp): keep it."""

    stamp: str


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside `path`, then rename over it: a reader sees the old bytes or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f"{path.suffix}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass(frozen=True)
class PartitionStore:
    base_dir: str

    def path(self, asset: AssetPath, partition: str | None) -> Path:
        return Path(self.base_dir, *asset) / (f"{partition}.pkl" if partition is not None else "_all.pkl")

    def record_path(self, asset: AssetPath, partition: str) -> Path:
        return self.path(asset, partition).with_suffix(".json")

    def load(self, asset: AssetPath, partition: str | None):
        return pickle.loads(self.path(asset, partition).read_bytes())

    def record(self, asset: AssetPath, partition: str) -> dict | None:
        """`{"stamp": ..., "meta": {...}}` stored beside the partition's value, if any."""
        try:
            return json.loads(self.record_path(asset, partition).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def current_record(self, asset: AssetPath, partition: str, stamp: str) -> dict | None:
        """The record when the stored value was made for `stamp` and is still there."""
        record = self.record(asset, partition)
        if record is None or record.get("stamp") != stamp or not self.path(asset, partition).is_file():
            return None
        return record

    def stamps(self, asset: AssetPath, partitions: Iterable[str]) -> dict[str, str | None]:
        out = {}
        for key in partitions:
            record = self.record(asset, key)
            out[key] = record.get("stamp") if record and self.path(asset, key).is_file() else None
        return out

    def store(self, asset: AssetPath, partition: str | None, value) -> None:
        if partition is None:
            write_atomically(self.path(asset, None), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            return
        if isinstance(value, Kept):
            if self.current_record(asset, partition, value.stamp) is None:
                raise ValueError(f"{'/'.join(asset)}[{partition}]: kept, but the stored value is not current")
            return
        record_path = self.record_path(asset, partition)
        # The record goes first and comes back last, so a half-written partition has none.
        record_path.unlink(missing_ok=True)
        data = value.value if isinstance(value, Stamped) else value
        write_atomically(self.path(asset, partition), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        if isinstance(value, Stamped):
            record = {"stamp": value.stamp, "meta": value.meta}
            write_atomically(record_path, json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def prune(self, asset: AssetPath, keep: Iterable[str]) -> int:
        """Delete the stored partitions not in `keep` (documents removed from the sources)."""
        folder = Path(self.base_dir, *asset)
        wanted = set(keep)
        removed = 0
        if folder.is_dir():
            for path in folder.iterdir():
                if path.suffix in (".pkl", ".json") and path.stem != "_all" and path.stem not in wanted:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
