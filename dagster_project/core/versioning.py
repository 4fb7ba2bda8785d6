"""Version the package by the Frictionless data-package versioning recipe.

The new content is compared with the previous published package (the one about to be
replaced): a changed table schema or a removed resource is MAJOR; rows added or removed, or
a new resource, MINOR; changed values, texts, sources, validation report or descriptive
metadata PATCH. Nothing changed: the version and the changelog stay exactly as they were.
The result depends on the two packages only, never on the clock.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
INITIAL_VERSION = "1.0.0"
LEVELS = ("none", "patch", "minor", "major")

CHANGELOG_INTRO = """# Changelog

Releases of this data package, newest first. Versions follow the Frictionless data package
versioning recipe: **MAJOR** when a table's schema changes or a resource is removed,
**MINOR** when rows or resources are added or rows removed, **PATCH** when values, texts,
sources or descriptive metadata are corrected. A rebuild from unchanged sources and code
keeps the version and this file unchanged. Rows are matched by their primary key (`id`,
or `doc_id` for documents); a row whose key is unchanged but whose values differ is
counted as changed.
"""

# Package-level properties that describe the release rather than its content.
_NOT_CONTENT = {"version", "resources", "$schema", "profile"}
_STRUCTURE = ("name", "type", "format", "constraints")


@dataclass(frozen=True)
class Snapshot:
    """What two releases are compared on."""

    descriptor: dict
    tables: dict[str, bytes]  # table resource name -> CSV bytes
    texts: dict[str, str]  # doc_id -> sha256 of the normalized text
    report: dict  # the validation report without its Frictionless part
    # Rows per table when the writer knows them (one CSV record per row): counting them
    # again means parsing every CSV, which cost more than the rest of a comparison.
    rows: dict[str, int] | None = None

    def row_count(self, table: str) -> int:
        if self.rows is not None and table in self.rows:
            return self.rows[table]
        return _row_count(self.tables[table])


@dataclass(frozen=True)
class Previous:
    snapshot: Snapshot
    version: str | None  # None when the descriptor's version is not MAJOR.MINOR.PATCH
    changelog: str | None


@dataclass(frozen=True)
class TableChange:
    table: str
    rows: int
    added: int
    removed: int
    changed: int


@dataclass(frozen=True)
class Release:
    version: str
    previous_version: str | None
    level: str  # initial, major, minor, patch or none
    tables: list[TableChange] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.level != "none"

    def summary(self) -> dict:
        return {
            "version": self.version,
            "previous_version": self.previous_version,
            "level": self.level,
            "reasons": self.reasons,
            "tables": {
                t.table: {"rows": t.rows, "added": t.added, "removed": t.removed, "changed": t.changed}
                for t in self.tables
            },
        }


def text_hashes(texts: dict[str, str]) -> dict[str, str]:
    return {doc_id: hashlib.sha256(text.encode("utf-8")).hexdigest() for doc_id, text in texts.items()}


def table_resources(descriptor: dict) -> dict[str, dict]:
    """The tabular CSV resources of a descriptor (v1 or v2), by name."""
    found = {}
    for r in descriptor.get("resources", []):
        tabular = r.get("type") == "table" or r.get("profile") == "tabular-data-resource"
        if tabular and isinstance(r.get("path"), str) and r["path"].endswith(".csv"):
            found[r["name"]] = r
    return found


def read_previous(package_dir: Path) -> Previous | None:
    """The published package in `package_dir`, or None when there is none to compare with."""
    try:
        descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(descriptor, dict):
        return None
    tables = {}
    for name, resource in table_resources(descriptor).items():
        path = package_dir / resource["path"]
        if path.is_file():
            tables[name] = path.read_bytes()
    texts = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((package_dir / "texts").glob("*.txt"))}
    try:
        report = json.loads((package_dir / "reports" / "validation.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = {}
    report = {k: v for k, v in report.items() if k != "frictionless"} if isinstance(report, dict) else {}
    changelog_path = package_dir / "CHANGELOG.md"
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else None
    version = descriptor.get("version")
    version = version if isinstance(version, str) and SEMVER.match(version) else None
    return Previous(Snapshot(descriptor, tables, texts, report), version, changelog)


def bump(version: str, level: str) -> str:
    major, minor, patch = (int(x) for x in SEMVER.match(version).groups())
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def plan_release(previous: Previous | None, new: Snapshot) -> Release:
    """The version of `new` and why, given the package it replaces."""
    if previous is None or previous.version is None:
        reasons = ["first release"] if previous is None else ["the previous package had no MAJOR.MINOR.PATCH version"]
        tables = [TableChange(t, new.row_count(t), new.row_count(t), 0, 0) for t in new.tables]
        return Release(INITIAL_VERSION, None, "initial", tables, reasons)
    old = previous.snapshot
    found: dict[str, list[str]] = {level: [] for level in LEVELS}
    old_resources = {r["name"] for r in old.descriptor.get("resources", [])}
    new_resources = {r["name"] for r in new.descriptor.get("resources", [])}
    if removed := sorted(old_resources - new_resources):
        found["major"].append("resources removed: " + ", ".join(removed))
    if added := sorted(new_resources - old_resources):
        found["minor"].append("resources added: " + ", ".join(added))
    old_tables, new_tables = table_resources(old.descriptor), table_resources(new.descriptor)
    changes = []
    for name in new.tables:
        new_schema = new_tables[name]["schema"]
        if name not in old.tables or name not in old_tables:
            changes.append(TableChange(name, new.row_count(name), new.row_count(name), 0, 0))
            continue
        old_schema = old_tables[name].get("schema", {})
        found["major"] += [f"{name}: {d}" for d in schema_differences(old_schema, new_schema)]
        change = diff_rows(name, old.tables[name], new.tables[name], primary_key(new_schema), new.row_count(name))
        changes.append(change)
        if change.added or change.removed:
            found["minor"].append(f"{name}: {change.added} rows added, {change.removed} removed")
        if change.changed:
            found["patch"].append(f"{name}: {change.changed} rows changed")
        if _descriptive(old_schema) != _descriptive(new_schema):
            found["patch"].append(f"{name}: field titles or descriptions changed")
    if changed_texts := sorted(k for k in set(old.texts) & set(new.texts) if old.texts[k] != new.texts[k]):
        found["patch"].append("normalized texts changed: " + ", ".join(changed_texts))
    if sorted(old.texts) != sorted(new.texts):
        found["minor"].append("normalized texts added or removed")
    if _package_metadata(old.descriptor) != _package_metadata(new.descriptor):
        found["patch"].append("package metadata or sources changed")
    if _report_core(old.report) != _report_core(new.report):
        found["patch"].append("validation report changed (rejected rows, quarantined documents or extraction problems)")
    level = next((lv for lv in reversed(LEVELS) if found[lv]), "none")
    reasons = [r for lv in reversed(LEVELS) for r in found[lv]]
    return Release(bump(previous.version, level), previous.version, level, changes, reasons)


def primary_key(schema: dict) -> list[str]:
    pk = schema.get("primaryKey") or [schema["fields"][0]["name"]]
    return [pk] if isinstance(pk, str) else list(pk)


def schema_differences(old: dict, new: dict) -> list[str]:
    """Structural differences of two Table Schemas (what breaks a reader), in words."""
    old_fields = {f["name"]: _field_structure(f) for f in old.get("fields", [])}
    new_fields = {f["name"]: _field_structure(f) for f in new.get("fields", [])}
    out = []
    if gone := [n for n in old_fields if n not in new_fields]:
        out.append("fields removed: " + ", ".join(gone))
    if extra := [n for n in new_fields if n not in old_fields]:
        out.append("fields added: " + ", ".join(extra))
    for name in (n for n in new_fields if n in old_fields):
        if old_fields[name] != new_fields[name]:
            out.append(f"field {name} changed: {_compact(old_fields[name])} → {_compact(new_fields[name])}")
    common_old = [n for n in old_fields if n in new_fields]
    common_new = [n for n in new_fields if n in old_fields]
    if common_old != common_new:
        out.append("fields reordered")
    if old.get("fields") and primary_key(old) != primary_key(new):
        out.append(f"primary key {primary_key(old)} → {primary_key(new)}")
    if _normal(old.get("foreignKeys", [])) != _normal(new.get("foreignKeys", [])):
        out.append("foreign keys changed")
    if old.get("missingValues", [""]) != new.get("missingValues", [""]):
        out.append("missing values changed")
    return out


def diff_rows(table: str, old_csv: bytes, new_csv: bytes, key: list[str], rows: int | None = None) -> TableChange:
    """Rows added, removed and changed (matched by `key`); `rows`, the new file's row count
    when the caller knows it, saves reading an unchanged file."""
    if old_csv == new_csv:  # the usual case for most tables of a rebuild
        return TableChange(table, _row_count(new_csv) if rows is None else rows, 0, 0, 0)
    old_records, new_records = _records(old_csv), _records(new_csv)
    if (change := _diff_lines(table, old_records, new_records, key)) is not None:
        return change
    old_header, old_rows = _header_and_rows(old_records)
    new_header, new_rows = _header_and_rows(new_records)
    common = [c for c in new_header if c in old_header]

    def index(header: list[str], rows: list[list[str]]) -> dict[tuple, tuple]:
        pos = {c: i for i, c in enumerate(header)}
        if not all(k in pos for k in key):
            return {(i,): tuple(r) for i, r in enumerate(rows)}
        return {tuple(r[pos[k]] for k in key): tuple(r[pos[c]] for c in common) for r in rows}

    before, after = index(old_header, old_rows), index(new_header, new_rows)
    changed = sum(1 for k in after if k in before and before[k] != after[k])
    return TableChange(
        table, len(new_rows), len(after.keys() - before.keys()), len(before.keys() - after.keys()), changed
    )


def _diff_lines(table: str, old: list[Record], new: list[Record], key: list[str]) -> TableChange | None:
    """`diff_rows` on whole lines, where that gives the same counts; None where it may not.

    With one header on both sides, naming each column once, and every row exactly as wide,
    the rows of two plain lines hold the same cells exactly when the lines are equal: only
    the key cells need splitting out. Anything else is left to the cell-by-cell comparison.
    """
    if not old or not new or _cells(old[0]) != _cells(new[0]):
        return None
    header = _cells(new[0])
    if not header or len(set(header)) != len(header) or not all(k in header for k in key):
        return None
    positions = [header.index(k) for k in key]
    commas, splits = len(header) - 1, max(positions) + 1
    key_of = itemgetter(*positions)  # one cell, or a tuple of cells: the same on both sides

    def index(records: list[Record]) -> dict | None:
        rows: dict = {}
        for record in records[1:]:
            if type(record) is str:
                if record.count(",") != commas or not record:
                    return None
                rows[key_of(record.split(",", splits))] = record
            else:
                if len(record) != len(header):
                    return None
                rows[key_of(record)] = tuple(record)
        return rows

    before, after = index(old), index(new)
    if before is None or after is None:
        return None
    changed = sum(1 for k, row in after.items() if k in before and not _same_cells(before[k], row))
    return TableChange(
        table, len(new) - 1, len(after.keys() - before.keys()), len(before.keys() - after.keys()), changed
    )


def _same_cells(a: Record | tuple, b: Record | tuple) -> bool:
    """Whether two rows of `_diff_lines` hold the same cells (a plain line or a tuple of cells)."""
    if type(a) is type(b):
        return a == b
    return (tuple(a.split(",")) if type(a) is str else a) == (tuple(b.split(",")) if type(b) is str else b)


def changelog(release: Release, previous: Previous | None) -> str:
    """CHANGELOG.md: the new release on top of the previous history; unchanged when nothing changed."""
    if not release.is_new and previous is not None and previous.changelog is not None:
        return previous.changelog
    history = _history(previous.changelog) if previous is not None and previous.changelog else ""
    entries = [release_entry(release)] if release.is_new else []
    if previous is not None and previous.version and not history:
        entries.append(f"## {previous.version}\n\nReleased before this changelog was kept.\n")
    elif history:
        entries.append(history)
    return CHANGELOG_INTRO + "\n" + "\n".join(e.rstrip("\n") + "\n" for e in entries)


def release_entry(release: Release) -> str:
    if release.level == "initial":
        lines = [f"## {release.version}", "", "Initial release.", ""]
    else:
        lines = [f"## {release.version}", "", f"{release.level.upper()} release after {release.previous_version}.", ""]
    lines += [f"- {r}" for r in release.reasons] + [""]
    lines += ["| table | rows | added | removed | changed |", "|---|--:|--:|--:|--:|"]
    lines += [f"| {t.table} | {t.rows} | {t.added} | {t.removed} | {t.changed} |" for t in release.tables]
    return "\n".join(lines) + "\n"


def _history(text: str) -> str:
    """The release entries of a changelog (everything from its first `## ` heading)."""
    match = re.search(r"^## ", text, flags=re.MULTILINE)
    return text[match.start() :] if match else ""


# One record of a CSV file: a line without quotes as it is (its cells are its comma-separated
# parts), or the cells csv.reader read.
Record = str | list[str]


def _records(data: bytes) -> list[Record]:
    """The records `csv.reader` reads from the file, header first.

    csv.reader took most of the time of a comparison, yet most lines hold no quote: such a
    line is one record whose cells are its comma-separated parts (a blank line has none),
    exactly as csv.reader reads it, so it is kept as it is. A line with a quote is read by
    csv.reader, which reads on across line breaks inside quotes. A carriage return (a line
    break to csv.reader too), a NUL or an overlong line sends the whole file to csv.reader.
    """
    text = data.decode("utf-8")
    pieces = text.split("\n")
    if "\r" in text or "\0" in text or max(map(len, pieces)) > csv.field_size_limit():
        return list(csv.reader(io.StringIO(text, newline="")))
    if pieces[-1] == "":  # the text ends with a line break, not with a line
        pieces.pop()
    quoted = [i for i, line in enumerate(pieces) if '"' in line]
    if not quoted:
        return pieces
    lines = _Lines(pieces, ends_with_break=text.endswith("\n"))
    reader = csv.reader(lines)
    records: list[Record] = []
    for i in quoted:
        if i < lines.position:  # within a record csv.reader has read already
            continue
        records += pieces[lines.position : i]
        lines.position = i
        records.append(next(reader))
    records += pieces[lines.position :]
    return records


class _Lines:
    """The lines of a text from `position` on, with their line breaks, as a file yields them.

    csv.reader reads from it, one record at a time, from wherever `position` was moved to.
    """

    def __init__(self, pieces: list[str], ends_with_break: bool):
        self.pieces = pieces
        self.position = 0
        self.last_break = len(pieces) if ends_with_break else len(pieces) - 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        i = self.position
        if i >= len(self.pieces):
            raise StopIteration
        self.position = i + 1
        return self.pieces[i] + "\n" if i < self.last_break else self.pieces[i]


def _cells(record: Record) -> list[str]:
    if type(record) is str:
        return record.split(",") if record else []
    return record


def _header_and_rows(records: list[Record]) -> tuple[list[str], list[list[str]]]:
    rows = [_cells(r) for r in records]
    return (rows[0], rows[1:]) if rows else ([], [])


def _row_count(data: bytes) -> int:
    return max(len(_records(data)) - 1, 0)


def _field_structure(f: dict) -> dict:
    return {k: f[k] for k in _STRUCTURE if k in f and k != "name"}


def _descriptive(schema: dict) -> list:
    keys = ("title", "description")
    return [
        {k: v for k, v in schema.items() if k in keys},
        [{k: v for k, v in f.items() if k not in _STRUCTURE} for f in schema.get("fields", [])],
    ]


def _package_metadata(descriptor: dict) -> dict:
    meta = {k: v for k, v in descriptor.items() if k not in _NOT_CONTENT}
    meta["resources"] = {r["name"]: (r.get("title"), r.get("description")) for r in descriptor.get("resources", [])}
    return meta


def _report_core(report: dict) -> dict:
    """The report without its row counts (those are in the table comparison already)."""
    core = json.loads(json.dumps(report))
    for summary in core.get("pandera", {}).values():
        if isinstance(summary, dict):
            summary.pop("rows", None)
    return core


def _normal(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _compact(structure: dict) -> str:
    return json.dumps(structure, sort_keys=True, ensure_ascii=False)
