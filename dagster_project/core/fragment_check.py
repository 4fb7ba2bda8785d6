"""Frictionless on a staged package, reading again only the document parts not seen valid.

A row table's CSV is its header followed by one part per document (`csv_by_document`).
What Frictionless says about a part's rows depends only on those bytes, the resource
descriptor, the CSV dialect it sniffs from the file's first lines, its own version, and,
for uniqueness and foreign keys, the other rows. So a part is *known valid* when a clean
package held the same bytes under the same resource, first lines and version: its digest
(`part_digests`) is in the set kept from earlier builds.

Every build still checks all the rest, on all of it:
- uniqueness (primary key, unique fields) and foreign-key targets over whole columns,
  as guards (`whole_table_guards`);
- with Frictionless, a package of the same descriptor whose row tables hold the file's
  first lines (so the dialect sniffed is the same) and the parts not known valid, plus
  the documents resource and every file's declared bytes and sha256, the CSVs included.

At any doubt (a guard fails, the new parts fail, or few parts are known) the whole package
is validated as before, so every report with an error is Frictionless's own, for the
whole package; and the clean report is the one Frictionless gives a clean package.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import frictionless
from frictionless.formats.csv.parser import SAMPLE_SIZE

from dagster_project.core.package import RenderedTables
from dagster_project.core.package_check import frictionless_report, report_dict
from dagster_project.core.partition_store import write_atomically
from dagster_project.core.table_schemas import unique_keys

PARTS_DIR = ".frictionless-parts"  # inside the staged folder while checking; removed after
REUSE_UP_TO = 0.5  # validate only the new parts when they are at most this share of the rows' bytes


@dataclass(frozen=True)
class KnownValidParts:
    """The digests of the parts of the last clean package, one per line in `path`."""

    path: Path

    def load(self) -> set[str]:
        try:
            return set(self.path.read_text(encoding="ascii").split())
        except (OSError, UnicodeDecodeError):
            return set()  # none known: the package is validated whole

    def save(self, digests: set[str]) -> None:
        write_atomically(self.path, "".join(f"{d}\n" for d in sorted(digests)).encode("ascii"))


@dataclass(frozen=True)
class StagedValidation:
    report: dict  # Frictionless's report, as for the whole package (package_check.report_dict)
    valid_parts: set[str]  # the digests of this package's parts when it is valid, else none
    parts_read: int | None  # document parts Frictionless read; None when it read the whole package


def validate_staged(staged: Path, rendered: RenderedTables, known: set[str], workers: int = 1) -> StagedValidation:
    """Frictionless on the package staged in `staged` (its datapackage.json, whose row
    tables `rendered` holds), reading only parts not in `known` when that is safe (see
    the module's docstring)."""
    try:
        descriptor = json.loads((staged / "datapackage.json").read_text(encoding="utf-8"))
        digests = part_digests(descriptor, rendered)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        descriptor, digests = None, {}  # Frictionless says what is wrong with it
    every = {digest for parts in digests.values() for digest, _, _ in parts}
    new = {table: [(a, b) for digest, a, b in parts if digest not in known] for table, parts in digests.items()}
    new_bytes = sum(b - a for spans in new.values() for a, b in spans)
    total = sum(len(rendered.csv[t]) for t in digests)
    if known and digests and new_bytes <= REUSE_UP_TO * total and whole_table_guards(descriptor, rendered):
        report = _validate_new_parts(staged, descriptor, rendered, new)
        if report is not None:
            return StagedValidation(report, every, sum(map(len, new.values())))
    report = frictionless_report(staged, workers=workers)
    return StagedValidation(report, every if report["valid"] else set(), None)


def _row_tables(descriptor: dict, rendered: RenderedTables) -> list[dict]:
    """The CSV resources cut into document parts (every table but documents, which is small
    and the target of every foreign key: it is validated whole each time)."""
    return [
        r for r in descriptor["resources"]
        if r.get("type") == "table" and r["name"] != "documents" and len(rendered.csv_parts.get(r["name"], ())) > 1
    ]  # fmt: skip


def _lead_end(data: bytes, bounds: tuple[int, ...]) -> int:
    """The end of the first parts that hold the lines Frictionless sniffs the dialect from."""
    return next((b for b in bounds if data.count(b"\n", 0, b) >= SAMPLE_SIZE), len(data))


def part_digests(descriptor: dict, rendered: RenderedTables) -> dict[str, list[tuple[str, int, int]]]:
    """Per row table, each part after the file's first lines: (digest, start, end)."""
    out = {}
    for resource in _row_tables(descriptor, rendered):
        table = resource["name"]
        data, bounds = rendered.csv[table], rendered.csv_parts[table]
        lead = _lead_end(data, bounds)
        context = hashlib.sha256()
        as_declared = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
        context.update(f"{frictionless.__version__}\0{json.dumps(as_declared, sort_keys=True)}\0".encode())
        context.update(data[:lead])
        parts = []
        for a, b in pairwise(bounds):
            if a >= lead:
                digest = context.copy()
                digest.update(data[a:b])
                parts.append((digest.hexdigest(), a, b))
        out[table] = parts
    return out


def whole_table_guards(descriptor: dict, rendered: RenderedTables) -> bool:
    """No key value twice in a table and every foreign key found, over whole columns: what
    checking parts apart cannot see. Missing key values count as a failure (Frictionless
    then reports them for the whole package). The columns are the rendered frames', so
    the file must be those bytes and be read as plain CSV."""
    for resource in _row_tables(descriptor, rendered):
        table = resource["name"]
        data = rendered.csv[table]
        if (resource.get("bytes"), resource.get("hash")) != (len(data), f"sha256:{rendered.hashes[resource['path']]}"):
            return False
        if not _sniffed_plain(data, _lead_end(data, rendered.csv_parts[table])):
            return False
        schema, frame = resource["schema"], rendered.frames[table]
        for fields in map(list, unique_keys(schema)):
            if frame[fields].isna().any(axis=None) or frame.duplicated(subset=fields).any():
                return False
        for fk in schema.get("foreignKeys", []):
            target = rendered.frames.get(fk["reference"]["resource"])
            if target is None or frame[fk["fields"]].isna().any(axis=None):
                return False
            found = set(target[fk["reference"]["fields"]].itertuples(index=False, name=None))
            if not set(frame[fk["fields"]].itertuples(index=False, name=None)) <= found:
                return False
    return True


def _sniffed_plain(data: bytes, lead: int) -> bool:
    """Whether Frictionless reads this CSV with the plain dialect (`,`, no space skipped
    after it, no escape character): its CSV parser sniffs the dialect from the first lines
    with `csv.Sniffer`, as below; another dialect could read two different values alike."""
    sample = io.StringIO(data[:lead].decode("utf-8"), newline="").readlines()[:SAMPLE_SIZE]
    try:
        sniffed = csv.Sniffer().sniff("".join(sample), ",\t;|")
    except csv.Error:
        return True  # Frictionless then reads it as csv.excel: plain
    return sniffed.delimiter == "," and not sniffed.skipinitialspace and sniffed.escapechar is None


def _validate_new_parts(staged: Path, descriptor: dict, rendered: RenderedTables, new: dict) -> dict | None:
    """Frictionless on the descriptor with its row tables cut down to their first lines and
    new parts; each CSV as written is checked as a file (bytes, sha256). The clean report
    of the whole package, or None when anything failed."""
    resources = []
    parts_dir = staged / PARTS_DIR
    parts_dir.mkdir()
    try:
        for resource in descriptor["resources"]:
            table = resource["name"]
            if table not in new:
                resources.append(resource)
                continue
            data = rendered.csv[table]
            body = data[: _lead_end(data, rendered.csv_parts[table])] + b"".join(data[a:b] for a, b in new[table])
            (parts_dir / f"{table}.csv").write_bytes(body)
            trimmed = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
            resources.append(trimmed | {"path": f"{PARTS_DIR}/{table}.csv"})
            resources.append({"name": f"{table}-as-written", "type": "file", "path": resource["path"],
                              "bytes": resource["bytes"], "hash": resource["hash"]})  # fmt: skip
        report = report_dict(
            frictionless.Package(descriptor | {"resources": resources}, basepath=str(staged)).validate()
        )
    except frictionless.FrictionlessException:
        return None  # a descriptor it refuses: the whole package is validated, for the report
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    if not report["valid"]:
        return None
    checked = {t["resource"]: t for t in report["tasks"]}
    tasks = [
        {"resource": r["name"], "valid": True,
         "rows": len(rendered.frames[r["name"]]) if r["name"] in new else checked[r["name"]]["rows"]}
        for r in descriptor["resources"]
    ]  # fmt: skip
    return {"valid": True, "errors": [], "tasks": tasks}
