"""File names as people give them become stable, valid, unique doc_ids, and every path
the package derives from a doc_id stays inside the package."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from dagster_project.core.documents import text_path
from dagster_project.core.sources import MAX_ID_CHARS, SAFE_ID, scan_sources

AWKWARD = [
    "2021 政府工作报告.txt",  # spaces and CJK
    "赣州市.txt",
    "赣州市.md",  # the same stem as the one above
    "章贡区（2024）.txt",
    "report (1).txt",
    "report (2).txt",  # slugs to the same letters as the one above
    "report_1.txt",
    "report-1.txt",
    ".hidden.txt",
    "..txt",
    ".txt",
    "...txt",
    "a...b.txt",  # `...` separates partition ranges in Dagster
    "-leading-dash.txt",
    "_leading_underscore.txt",
    "UPPER.txt",
    "upper.txt",  # texts/UPPER.txt and texts/upper.txt are one file on many systems
    "with\nnewline.txt",
    "semi;colon,comma.txt",
    "back\\slash.txt",
    "emoji 📈.txt",
    "x" * 101 + ".txt",  # too long to be an id as it is
    "y" * 100 + ".txt",
    "no_extension",
    "sub/report (1).txt",  # the same name in a sub-folder
    "sub/deeper/赣州市.txt",
    "%2e%2e%2fescape.txt",
]


def make(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"内容：{name}。", encoding="utf-8")


def ids_by_path(root: Path) -> dict[str, str]:
    return {s.source_path: s.doc_id for s in scan_sources(root)}


def test_awkward_names_give_valid_unique_ids(tmp_path):
    make(tmp_path, AWKWARD)
    ids = ids_by_path(tmp_path)
    assert sorted(ids) == sorted(AWKWARD)
    for path, doc_id in ids.items():
        assert SAFE_ID.match(doc_id), (path, doc_id)
        assert "..." not in doc_id and "/" not in doc_id and "\\" not in doc_id
        assert len(doc_id) <= MAX_ID_CHARS
    assert len({i.casefold() for i in ids.values()}) == len(ids)  # unique, even ignoring case


def test_plain_names_keep_their_stem(tmp_path):
    make(tmp_path, ["000_e06051c37163291c.txt", "report-1.txt", "report_1.txt", "y" * 100 + ".txt", "v1.2.txt"])
    ids = ids_by_path(tmp_path)
    assert ids["000_e06051c37163291c.txt"] == "000_e06051c37163291c"
    assert ids["report-1.txt"] == "report-1"
    assert ids["report_1.txt"] == "report_1"
    assert ids["y" * 100 + ".txt"] == "y" * 100
    assert ids["v1.2.txt"] == "v1.2"


def test_slugs_are_readable_and_hash_the_path(tmp_path):
    make(tmp_path, ["2021 政府工作报告.txt", "report (1).txt", ".hidden.txt", "x" * 101 + ".txt"])
    ids = ids_by_path(tmp_path)

    def h(path: str) -> str:
        return hashlib.sha256(path.encode("utf-8")).hexdigest()[:8]

    assert ids["2021 政府工作报告.txt"] == f"2021-{h('2021 政府工作报告.txt')}"
    assert ids["report (1).txt"] == f"report-1-{h('report (1).txt')}"
    assert ids[".hidden.txt"] == f"hidden-txt-{h('.hidden.txt')}"
    assert ids["x" * 101 + ".txt"] == "x" * 40 + f"-{h('x' * 101 + '.txt')}"


def test_names_that_collide_after_slugging(tmp_path):
    # `报告.txt` slugs to `doc-<hash of its path>`; a file may already be called that.
    slugged = f"doc-{hashlib.sha256('报告.txt'.encode()).hexdigest()[:8]}"
    names = ["报告.txt", f"{slugged}.txt", "报告.md", "Report.txt", "report.txt", "REPORT.md"]
    make(tmp_path, names)
    ids = ids_by_path(tmp_path)
    assert len({i.casefold() for i in ids.values()}) == len(names)
    assert all(SAFE_ID.match(i) for i in ids.values())
    # Neither the slugged name nor the plain one is silently dropped or merged.
    assert ids[f"{slugged}.txt"] != ids["报告.txt"]


def test_ids_are_stable_and_do_not_depend_on_listing_order(tmp_path, monkeypatch):
    make(tmp_path, AWKWARD)
    first = scan_sources(tmp_path)
    real_rglob = Path.rglob
    for seed in range(3):

        def shuffled(self, pattern, _seed=seed):
            found = list(real_rglob(self, pattern))
            random.Random(_seed).shuffle(found)
            return iter(found)

        monkeypatch.setattr(Path, "rglob", shuffled)
        assert scan_sources(tmp_path) == first
    monkeypatch.undo()
    # The same names written in another order into another folder give the same ids.
    other = tmp_path.parent / f"{tmp_path.name}-other"
    make(other, list(reversed(AWKWARD)))
    assert [(s.doc_id, s.source_path, s.sha256) for s in scan_sources(other)] == [
        (s.doc_id, s.source_path, s.sha256) for s in first
    ]


def test_every_derived_path_stays_inside_the_package(tmp_path):
    make(tmp_path / "sources", AWKWARD)
    package = tmp_path / "package"
    for source in scan_sources(tmp_path / "sources"):
        target = (package / text_path(source.doc_id)).resolve()
        assert target.parent == (package / "texts").resolve(), source.source_path
        assert len(target.name.encode("utf-8")) <= 255


def test_a_name_that_is_not_utf8_is_quarantined_with_a_readable_path(tmp_path):
    raw_name = b"caf\xe9 report.txt"  # Latin-1 bytes in a file name
    with open(os.path.join(os.fsencode(tmp_path), raw_name), "wb") as fh:
        fh.write("报告。".encode("utf-8"))
    (source,) = scan_sources(tmp_path)
    assert source.source_path == "caf\\xe9 report.txt"
    source.source_path.encode("utf-8")  # writable into documents.csv
    assert SAFE_ID.match(source.doc_id)
    assert source.problem == "file name is not valid UTF-8: rename the file"


@pytest.mark.parametrize("name", ["报告.txt", "a b.txt", "report.txt"])
def test_one_id_per_name_whatever_else_is_in_the_folder(tmp_path, name):
    """Adding unrelated files does not rename a document (only a clash does)."""
    make(tmp_path, [name])
    alone = ids_by_path(tmp_path)[name]
    make(tmp_path, ["other.txt", "另一个.txt", "sub/x.txt"])
    assert ids_by_path(tmp_path)[name] == alone
