"""Pickles per asset partition, so one run can write and read many documents at once.

Dagster's filesystem IO manager refuses outputs that cover several partitions, which is
what a single-run backfill produces. Partitioned assets here always return and receive a
`{partition_key: value}` dict.
"""


import os
import pickle
from pathlib import Path

import dagster as dg


class PartitionPickleIOManager(dg.ConfigurableIOManager):
    base_dir: str

    def _path(self, asset_key: dg.AssetKey, partition: str | None) -> Path:
        folder = Path(self.base_dir, *asset_key.path)
        return folder / (f"{partition}.pkl" if partition is not None else "_all.pkl")

    def _write(self, path: Path, obj) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        if not context.has_asset_partitions:
            self._write(self._path(context.asset_key, None), obj)
            return
        keys = set(context.asset_partition_keys)
        if not isinstance(obj, dict) or set(obj) != keys:
            raise TypeError(f"{context.asset_key.to_user_string()} must return one value per partition of the run")
        for key, value in obj.items():
            self._write(self._path(context.asset_key, key), value)

    def load_input(self, context: dg.InputContext):
        key = context.asset_key
        if not context.has_asset_partitions:
            return pickle.loads(self._path(key, None).read_bytes())
        return {pk: pickle.loads(self._path(key, pk).read_bytes()) for pk in sorted(context.asset_partition_keys)}
