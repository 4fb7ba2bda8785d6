"""SPEC §7 at the core: real files on disk, read the way the pipeline reads them.

Re-encoded reports give exactly the rows of their UTF-8 original; broken files are
quarantined with a reason a person understands and never stop the others; the same
bytes under two names are published once.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from dagster_project.core.documents import DocumentResult, read_document
from dagster_project.core.extraction import ROW_TABLES, extract_table
from dagster_project.core.sources import SAFE_ID, read_source, scan_sources
from dagster_project.core.validation import validate_table
from tests.fixtures.messy import (
    BROKEN,
    ENCODINGS,
    EXPECTED_LABEL,
    IMPLAUSIBLE,
    broken_bytes,
    seed_path,
    seed_text,
    traditional_text,
    truncated_text,
)

SEED_IDS = ["000", "001", "002", "003", "004"]
# Fields of documents.csv that describe the file rather than the report in it.
SOURCE_FIELDS = {"doc_id", "source_path", "sha256", "bytes", "encoding", "text_path"}


def read_folder(root: Path, max_bytes: int = 50 * 1024 * 1024) -> dict[str, DocumentResult]:
    """What the extracted_document asset does for every file of a folder, by source path."""
    results = {}
    for source in scan_sources(root, max_bytes):
        data = None if source.problem else read_source(root, source)
        results[source.source_path] = read_document(source, data)
    return results


def read_one(tmp_path: Path, name: str, data: bytes) -> DocumentResult:
    folder = tmp_path / "sources"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return read_folder(folder)[name]


def all_rows(result: DocumentResult) -> dict[str, list[dict]]:
    """Every table's rows for one document, as the extraction assets produce them."""
    out = {}
    for table in ROW_TABLES:
        rows, problems = extract_table(table, result.normalized, result.context)
        assert problems == [], problems
        out[table] = rows
    return out


def without_source(rows: list[dict], keep_raw: bool = True) -> list[dict]:
    """Rows with what names the file taken out: doc_id, the id's doc_id prefix, and
    (for CRLF copies) the raw offsets, which index the decoded raw text."""
    out = []
    for row in rows:
        row = {k: v for k, v in row.items() if k != "doc_id" and (keep_raw or k not in ("raw_start", "raw_end"))}
        row["id"] = row["id"].split(":", 1)[1]
        out.append(row)
    return out


@cache
def original(seed: str, tmp_root: str) -> tuple[DocumentResult, dict[str, list[dict]]]:
    result = read_one(Path(tmp_root), seed_path(seed).name, seed_path(seed).read_bytes())
    return result, all_rows(result)


@pytest.fixture(scope="module")
def originals_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("originals"))


@pytest.mark.parametrize("seed", SEED_IDS)
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_a_re_encoded_report_publishes_the_rows_of_its_utf8_original(seed, encoding, tmp_path, originals_dir):
    orig, orig_rows = original(seed, originals_dir)
    copy = read_one(tmp_path, f"{seed} {encoding}.txt", ENCODINGS[encoding](seed_text(seed)))
    assert copy.ok, copy.row["error"]
    assert copy.row["encoding"] == EXPECTED_LABEL[encoding]
    # The document row: same text, hash, length, metadata and flags; only the file differs.
    for field, value in orig.row.items():
        if field not in SOURCE_FIELDS:
            assert copy.row[field] == value, field
    assert copy.normalized.text == orig.normalized.text
    crlf = "crlf" in encoding
    copy_rows = all_rows(copy)
    for table in ROW_TABLES:
        # Same values, quotes and char_start/char_end; with CRLF the raw offsets differ.
        assert without_source(copy_rows[table], keep_raw=not crlf) == without_source(orig_rows[table], keep_raw=not crlf)
        assert len(copy_rows[table]) == len(orig_rows[table])
    if crlf:
        # Each raw span still covers the same passage of the source, with \r\n for \n.
        raw_copy = ENCODINGS[encoding](seed_text(seed)).decode("utf-8-sig")
        raw_orig = seed_text(seed)
        for table in ROW_TABLES:
            for a, b in zip(copy_rows[table], orig_rows[table], strict=True):
                if a["raw_start"] is not None:
                    assert raw_copy[a["raw_start"] : a["raw_end"]].replace("\r\n", "\n") == raw_orig[b["raw_start"] : b["raw_end"]]


def test_seeds_give_rows_so_the_comparison_means_something(originals_dir):
    for seed in SEED_IDS:
        _, rows = original(seed, originals_dir)
        assert sum(len(r) for r in rows.values()) > 50, seed


def test_big5_traditional_report_publishes_the_rows_of_its_utf8_original(tmp_path):
    text = traditional_text()
    utf8 = read_one(tmp_path, "traditional.txt", text.encode("utf-8"))
    big5 = read_one(tmp_path, "traditional-big5.txt", text.encode("big5"))
    assert (utf8.row["encoding"], big5.row["encoding"]) == ("utf-8", "big5")
    assert big5.row["script"] == utf8.row["script"] == "traditional"
    assert "traditional_converted" in big5.row["quality_flags"].split(";")
    assert "區" not in big5.normalized.text and "区" in big5.normalized.text
    for field, value in utf8.row.items():
        if field not in SOURCE_FIELDS:
            assert big5.row[field] == value, field
    utf8_rows, big5_rows = all_rows(utf8), all_rows(big5)
    assert sum(len(r) for r in utf8_rows.values()) > 20
    for table in ROW_TABLES:
        assert without_source(big5_rows[table]) == without_source(utf8_rows[table])


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_is_quarantined_with_a_reason(name, tmp_path):
    _, reason = BROKEN[name]
    result = read_one(tmp_path, name, broken_bytes(name))
    assert result.row["status"] == "quarantined"
    assert reason in result.row["error"]
    assert result.normalized is None and result.context is None
    assert result.row["text_path"] == "" and result.row["char_count"] is None
    # The row itself is a valid documents.csv row (so the package stays valid).
    assert validate_table("documents", [result.row], {}, {}).rejected == []


def test_reasons_read_as_sentences(tmp_path):
    """What a person sees in documents.csv, one reason per kind of broken file."""
    seen = {name: read_one(tmp_path, name, broken_bytes(name)).row["error"] for name in BROKEN}
    assert seen["empty.txt"] == "empty file (0 bytes)"
    assert seen["blank.txt"] == "contains only white space"
    assert seen["scan.png"] == "cannot be decoded as text: binary content (NUL bytes), looks like a PNG image"
    assert seen["report.pdf"] == "cannot be decoded as text: not a text file: looks like a PDF document"
    assert seen["random.bin"] == "cannot be decoded as text: binary content (NUL bytes), without a UTF-16 byte-order mark"
    assert seen["readme.txt"] == "no Chinese text: not a report"
    assert seen["cut in the middle.txt"].startswith("cannot be decoded as text: UTF-8 text cut off inside a character at byte ")


def test_a_file_over_the_size_limit_is_quarantined_and_the_limit_is_configurable(tmp_path):
    data = seed_path("000").read_bytes()
    (tmp_path / "report.txt").write_bytes(data)
    over = read_folder(tmp_path, max_bytes=len(data) - 1)["report.txt"]
    assert over.row["status"] == "quarantined"
    assert over.row["error"] == f"larger than the limit of {len(data) - 1} bytes ({len(data)} bytes)"
    assert over.row["sha256"] != "0" * 64 and over.row["bytes"] == len(data)  # still identified
    assert read_folder(tmp_path, max_bytes=len(data))["report.txt"].ok  # the limit itself is allowed
    assert read_folder(tmp_path)["report.txt"].ok  # the default (50 MB) is sane for a report


def test_links(tmp_path):
    root = tmp_path / "sources"
    root.mkdir()
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(seed_path("001").read_bytes())
    (root / "inside.txt").write_bytes(seed_path("002").read_bytes())
    (root / "folder").mkdir()
    os.symlink(outside, root / "to outside.txt")
    os.symlink("../elsewhere.txt", root / "relative outside.txt")
    os.symlink(root / "inside.txt", root / "z to inside.txt")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    os.symlink(root / "loop-a.txt", root / "loop-b.txt")
    os.symlink(root / "loop-b.txt", root / "loop-a.txt")
    os.symlink(root / "folder", root / "to folder.txt")
    results = read_folder(root)
    errors = {path: r.row["error"] for path, r in results.items()}
    assert errors["to outside.txt"] == "symbolic link pointing outside the sources folder"
    assert errors["relative outside.txt"] == "symbolic link pointing outside the sources folder"
    assert errors["dangling.txt"] == "symbolic link to nothing (broken link)"
    assert errors["loop-a.txt"] == errors["loop-b.txt"] == "symbolic link to nothing (broken link)"
    assert errors["to folder.txt"] == "symbolic link to something that is not a file"
    # A link inside the folder is read, and is the same bytes as its target.
    assert errors["inside.txt"] == ""
    assert errors["z to inside.txt"] == f"same bytes as {results['inside.txt'].row['doc_id']} (inside.txt)"


def test_a_link_redirected_outside_after_the_scan_is_not_read(tmp_path):
    root = tmp_path / "sources"
    root.mkdir()
    (root / "a.txt").write_bytes(seed_path("001").read_bytes())
    os.symlink(root / "a.txt", root / "b.txt")
    (source,) = [s for s in scan_sources(root) if s.source_path == "b.txt"]
    (tmp_path / "secret.txt").write_text("秘密。", encoding="utf-8")
    (root / "b.txt").unlink()
    os.symlink(tmp_path / "secret.txt", root / "b.txt")
    with pytest.raises(OSError, match="outside the sources folder"):
        read_source(root, source)


def test_things_that_are_not_files_are_not_documents(tmp_path):
    root = tmp_path / "sources"
    root.mkdir()
    (root / "report.txt").write_bytes(seed_path("004").read_bytes())
    (root / "a folder.txt").mkdir()
    os.mkfifo(root / "pipe.txt")  # reading it would block the build for ever
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert [s.source_path for s in scan_sources(root)] == ["report.txt"]


def test_broken_files_do_not_change_the_good_ones(tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "004.txt").write_bytes(seed_path("004").read_bytes())
    messy = tmp_path / "messy"
    messy.mkdir()
    (messy / "004.txt").write_bytes(seed_path("004").read_bytes())
    for name in BROKEN:
        (messy / name).write_bytes(broken_bytes(name))
    good, in_mess = read_folder(alone)["004.txt"], read_folder(messy)["004.txt"]
    assert in_mess.row == good.row
    assert all_rows(in_mess) == all_rows(good)
    statuses = {path: r.row["status"] for path, r in read_folder(messy).items()}
    assert statuses.pop("004.txt") == "ok"
    assert set(statuses.values()) == {"quarantined"}


def test_a_truncated_but_decodable_report_is_flagged_and_kept(tmp_path):
    result = read_one(tmp_path, "truncated.txt", truncated_text().encode("utf-8"))
    assert result.ok
    assert "truncated_suspected" in result.row["quality_flags"].split(";")
    complete = read_one(tmp_path, "complete.txt", seed_path("000").read_bytes())
    assert "truncated_suspected" not in complete.row["quality_flags"].split(";")


def test_the_same_bytes_under_several_names_are_published_once(tmp_path):
    data = seed_path("000").read_bytes()
    for name in ("b report.txt", "a-report.txt", "sub/copy.txt", "c.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "other.txt").write_bytes(seed_path("001").read_bytes())
    (tmp_path / "empty1.txt").write_bytes(b"")
    (tmp_path / "empty2.txt").write_bytes(b"")
    results = read_folder(tmp_path)
    first = results["a-report.txt"]
    assert first.ok and first.row["doc_id"] == "a-report"
    for name in ("b report.txt", "c.txt", "sub/copy.txt"):
        row = results[name].row
        assert row["status"] == "quarantined"
        assert row["error"] == "same bytes as a-report (a-report.txt)"
        assert row["sha256"] == first.row["sha256"]  # the documents row still says which bytes
    assert results["other.txt"].ok
    # Empty files are reported as empty, not as copies of each other.
    assert results["empty1.txt"].row["error"] == results["empty2.txt"].row["error"] == "empty file (0 bytes)"


def test_a_row_failing_a_rule_is_left_out_and_listed_with_the_rule(tmp_path):
    result = read_one(tmp_path, "implausible.txt", IMPLAUSIBLE.encode("utf-8"))
    rows, _ = extract_table("indicators", result.normalized, result.context)
    texts = {result.row["doc_id"]: result.normalized.text}
    validation = validate_table("indicators", rows, texts, {})
    assert [r["check"] for r in validation.rejected] == ["percent_plausible"]
    assert validation.rejected[0]["quote"] == "地区生产总值下降120%"
    assert len(validation.kept) == len(rows) - 1
    assert "地区生产总值下降120%" not in set(validation.kept["quote"])


def test_a_crash_while_reading_quarantines_only_that_document(tmp_path, monkeypatch):
    """Whatever goes wrong inside, read_document answers with a row, never an exception."""
    import dagster_project.core.documents as documents

    def boom(_text):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(documents, "detect_metadata", boom)
    result = read_one(tmp_path, "report.txt", seed_path("000").read_bytes())
    assert result.row["status"] == "quarantined"
    assert result.row["error"].startswith("could not be processed (RecursionError: maximum recursion depth exceeded)")
    assert SAFE_ID.match(result.row["doc_id"])
