"""The extraction core alone, without Dagster: decode + normalize + metadata + every extractor.

Prints one JSON object: bytes, CPU and wall seconds per stage, and MB/s per core (source
bytes over CPU seconds of this single process). Run as
`python -m benchmarks.core_speed CORPUS_DIR [--limit N]`.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from pathlib import Path


def measure(corpus: Path, limit: int | None = None) -> dict:
    from dagster_project.core.documents import read_document
    from dagster_project.core.extraction import ROW_TABLES, extract_table
    from dagster_project.core.normalize import CJK, _converter
    from dagster_project.core.sources import read_source, scan_sources

    sources = [s for s in scan_sources(corpus) if not s.problem][:limit]
    cpu: dict[str, float] = defaultdict(float)
    rows: dict[str, int] = defaultdict(int)
    total_bytes = 0
    traditional: list[str] = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for source in sources:
        data = read_source(corpus, source)
        total_bytes += len(data)
        t = time.process_time()
        doc = read_document(source, data)
        cpu["read_document (decode, normalize, metadata)"] += time.process_time() - t
        if not doc.ok:
            continue
        if doc.row["script"] != "simplified":
            traditional.append(data.decode("utf-8", "replace"))
        for table in ROW_TABLES:
            t = time.process_time()
            found, _ = extract_table(table, doc.normalized, doc.context)
            cpu[f"extract {table}"] += time.process_time() - t
            rows[table] += len(found)
    wall, cpu_total = time.perf_counter() - wall0, time.process_time() - cpu0

    # t2s alone on the traditional documents, with the converter the normalizer uses
    runs = [m for text in traditional for m in re.findall(f"[{CJK}]+", text)]
    run_bytes = sum(len(r.encode("utf-8")) for r in runs)
    converter = _converter("t2s")
    t = time.process_time()
    for r in runs:
        converter.convert(r)
    t2s_cpu = time.process_time() - t
    import opencc

    return {
        "documents": len(sources),
        "bytes": total_bytes,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu_total, 3),
        "mb_per_s_per_core": round(total_bytes / 1e6 / cpu_total, 2) if cpu_total else None,
        "stages_cpu_s": {k: round(v, 3) for k, v in sorted(cpu.items(), key=lambda kv: -kv[1])},
        "rows": dict(rows),
        "t2s": {
            "converter": "native OpenCC" if hasattr(opencc, "CONFIGS") else "opencc-python-reimplemented",
            "bytes": run_bytes,
            "cpu_s": round(t2s_cpu, 3),
            "mb_per_s": round(run_bytes / 1e6 / t2s_cpu, 2) if t2s_cpu else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args()
    print(json.dumps(measure(args.corpus, args.limit), ensure_ascii=False))


if __name__ == "__main__":
    main()
