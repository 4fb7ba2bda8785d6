"""The zip compressed while the last file of a package is still being written."""

import threading
import time
import zipfile
from pathlib import Path

import pytest

from dagster_project.core.bundle import SUMS, bundle_while_finishing, sha256sums, zip_bytes, zip_name

FILES = {"data/a.csv": "id,v\n1,一\n" * 5000, "reports/validation.json": "{}\n", "texts/x.txt": "文本" * 20000}


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "package"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("unfinished", ["data/a.csv", "reports/validation.json"])
def test_the_zip_holds_the_unfinished_file_as_the_block_left_it(tmp_path, unfinished):
    root = folder(tmp_path)
    with bundle_while_finishing(root, "1.2.3", unfinished=unfinished):
        # (a pause, so a zip that did not wait would have read the first file by now)
        time.sleep(0.3)
        (root / unfinished).write_text("finished\n", encoding="utf-8")
    name = zip_name("1.2.3")
    with zipfile.ZipFile(root / name) as archive:
        assert archive.read(f"gwr-datapackage-1.2.3/{unfinished}") == b"finished\n"
        assert archive.read("gwr-datapackage-1.2.3/texts/x.txt") == FILES["texts/x.txt"].encode("utf-8")
    # the same bytes as zipping the finished folder in one go, and SHA256SUMS lists the zip
    (root / name).rename(tmp_path / name)
    sums = (root / SUMS).read_text(encoding="utf-8")
    (root / SUMS).unlink()
    assert (tmp_path / name).read_bytes() == zip_bytes(root, "1.2.3")
    (tmp_path / name).rename(root / name)
    assert sums == sha256sums(root) and name in sums


def test_an_error_in_the_block_abandons_the_zip(tmp_path):
    root = folder(tmp_path)
    with pytest.raises(RuntimeError, match="invalid"), bundle_while_finishing(root, "1.2.3", "reports/validation.json"):
        raise RuntimeError("invalid package")
    assert not (root / zip_name("1.2.3")).exists() and not (root / SUMS).exists()
    assert not [t for t in threading.enumerate() if t.name == "package-zip"]


def test_the_unfinished_file_must_be_in_the_folder(tmp_path):
    with pytest.raises(ValueError, match="not a file"), bundle_while_finishing(folder(tmp_path), "1.2.3", "x.json"):
        pass
