"""Pickles per asset partition, so one run can write and read many documents at once.

Dagster's filesystem IO manager refuses outputs that cover several partitions, which is
what a single-run backfill produces. Partitioned assets here always return a
`{partition_key: value}` dict and receive a read-only mapping of the same shape, which
unpickles a partition only when it is looked up (a run over 1,000 documents never holds
them all at once unless the asset asks for all).

Incremental builds: a value may come wrapped in `Stamped(value, stamp, meta)`, stored with
its stamp beside it; `Kept(stamp)` leaves a current stored value as it is. The files are
those of `core/partition_store.py`, which the per-document asset also writes to directly
(from worker processes).
"""

from collections.abc import Iterable, Iterator, Mapping

import dagster as dg

from dagster_project.core.partition_store import Kept, PartitionStore, Stamped

__all__ = ["Kept", "PartitionPickleIOManager", "Stamped", "StoredPartitions"]


class StoredPartitions(Mapping):
    """`{partition_key: value}` read from the store, one pickle per lookup, in key order."""

    def __init__(self, store: PartitionStore, asset: tuple[str, ...], keys: Iterable[str]):
        self._store = store
        self._asset = asset
        self._keys = sorted(keys)
        self._known = set(self._keys)

    def __getitem__(self, key: str):
        if key not in self._known:
            raise KeyError(key)
        return self._store.load(self._asset, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class PartitionPickleIOManager(dg.ConfigurableIOManager):
    base_dir: str

    @property
    def store_files(self) -> PartitionStore:
        return PartitionStore(self.base_dir)

    # -- the store, by asset key (used by the assets and the runner) ----------------

    def load_value(self, asset_key: dg.AssetKey, partition: str | None):
        return self.store_files.load(tuple(asset_key.path), partition)

    def record(self, asset_key: dg.AssetKey, partition: str) -> dict | None:
        return self.store_files.record(tuple(asset_key.path), partition)

    def current_record(self, asset_key: dg.AssetKey, partition: str, stamp: str) -> dict | None:
        return self.store_files.current_record(tuple(asset_key.path), partition, stamp)

    def stamps(self, asset_key: dg.AssetKey, partitions: Iterable[str]) -> dict[str, str | None]:
        return self.store_files.stamps(tuple(asset_key.path), partitions)

    def store(self, asset_key: dg.AssetKey, partition: str | None, value) -> None:
        self.store_files.store(tuple(asset_key.path), partition, value)

    def prune(self, asset_key: dg.AssetKey, keep: Iterable[str]) -> int:
        return self.store_files.prune(tuple(asset_key.path), keep)

    # -- Dagster --------------------------------------------------------------------

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        if not context.has_asset_partitions:
            self.store(context.asset_key, None, obj)
            return
        keys = set(context.asset_partition_keys)
        if not isinstance(obj, dict) or set(obj) != keys:
            raise TypeError(f"{context.asset_key.to_user_string()} must return one value per partition of the run")
        for key, value in obj.items():
            self.store(context.asset_key, key, value)

    def load_input(self, context: dg.InputContext):
        key = context.asset_key
        if not context.has_asset_partitions:
            return self.load_value(key, None)
        return StoredPartitions(self.store_files, tuple(key.path), context.asset_partition_keys)
