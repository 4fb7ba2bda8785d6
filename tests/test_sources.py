"""doc_ids are stable, valid and unique; problems are found before anything is read."""

import hashlib
import os

from dagster_project.core.sources import SAFE_ID, doc_id_for, scan_sources


def test_seed_stems_are_their_own_ids(seed_paths):
    for path in seed_paths:
        assert doc_id_for(path.stem, path.name) == path.stem


def test_awkward_names_get_safe_unique_ids(tmp_path):
    names = ["报告 2021.txt", "a b (1).txt", ".hidden.txt", "x...y.txt", "same.txt", "same.md", "赣州.txt", "赣州.md"]
    for name in names:
        (tmp_path / name).write_text("内容。", encoding="utf-8")
    ids = [s.doc_id for s in scan_sources(tmp_path)]
    assert len(ids) == len(set(ids)) == len(names)
    assert all(SAFE_ID.match(i) and "..." not in i and "/" not in i for i in ids)
    assert ids == [s.doc_id for s in scan_sources(tmp_path)]  # stable


def test_sha_size_and_limits(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 101)
    (tmp_path / "ok.txt").write_bytes("好".encode("utf-8"))
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("外面", encoding="utf-8")
    os.symlink(outside, tmp_path / "link.txt")
    found = {s.source_path: s for s in scan_sources(tmp_path, max_bytes=100)}
    assert "larger than the limit" in found["big.txt"].problem
    assert "outside the sources folder" in found["link.txt"].problem
    assert found["ok.txt"].problem == ""
    assert found["ok.txt"].sha256 == hashlib.sha256("好".encode("utf-8")).hexdigest()
    assert found["ok.txt"].bytes == 3
