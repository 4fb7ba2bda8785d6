"""What an incremental build must recompute: stamps of per-document outputs, and the run's range.

A per-document output (the normalized document and its rows of every table) is stored with a
stamp: a hash of the code version and of everything about its source file that reading
it depends on. An output whose stored stamp equals the stamp its source has now is
reused as it is; any other is computed again.

A Dagster run covers one contiguous range of partitions, so a build runs the range from
the first to the last document that needs work: one changed document gives a run of one
partition; unchanged documents inside a wider range are reused, not recomputed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from dagster_project.core.sources import SourceFile


def source_stamp(source: SourceFile, code_version: str) -> str:
    """The stamp of every per-document output made from `source` by this code."""
    fields = [source.doc_id, source.source_path, source.sha256, source.bytes, source.problem]
    digest = hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()[:24]
    return f"{code_version}-{digest}"


def stale_keys(
    keys: Sequence[str], expected: Mapping[str, str], stored: Sequence[Mapping[str, str | None]]
) -> list[str]:
    """Keys (in order) for which some per-document output is missing or has another stamp.

    `stored` holds, per per-document asset, the stamp recorded for each key (None or absent
    when nothing is stored).
    """
    return [k for k in keys if any(s.get(k) != expected.get(k) or s.get(k) is None for s in stored)]


def covering_range(keys: Sequence[str], stale: Sequence[str]) -> tuple[str, str] | None:
    """The smallest contiguous range of `keys` holding every stale key; None when none is."""
    wanted = set(stale)
    positions = [i for i, k in enumerate(keys) if k in wanted]
    if not positions:
        return None
    return keys[positions[0]], keys[positions[-1]]
