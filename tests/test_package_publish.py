"""Publishing over a previous package: the version, the changelog and the bundle follow the content."""

import hashlib
import json
from pathlib import Path

import pytest

from dagster_project.core.assemble import publish_package
from dagster_project.core.bundle import SUMS, bundle_problems
from dagster_project.core.package import PackageContent
from dagster_project.core.package_check import read_published
from tests.built_package import built_package, copy_package


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return built_package(tmp_path_factory)


def content_of(package: Path) -> PackageContent:
    """The content a build would publish, read back from a published package."""
    frames, texts, _ = read_published(package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    report = json.loads((package / "reports" / "validation.json").read_text(encoding="utf-8"))
    report.pop("frictionless")
    return PackageContent(tables=frames, texts=texts, sources=descriptor["sources"], report=report)


def files_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def version_of(root: Path) -> str:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]


def test_republishing_the_same_content_changes_no_byte(package, tmp_path):
    out = copy_package(package, tmp_path / "out")
    publish_package(out, content_of(package))
    assert files_of(out) == files_of(package)


def test_new_rows_make_a_minor_release_with_its_changelog_entry(package, tmp_path):
    out = copy_package(package, tmp_path / "out")
    content = content_of(package)
    dropped = content.tables["projects"].iloc[-1]["id"]
    content.tables["projects"] = content.tables["projects"].iloc[:-1]
    first = publish_package(out, content)  # a row removed: MINOR
    major, minor, _ = version_of(package).split(".")
    assert version_of(out) == f"{major}.{int(minor) + 1}.0"
    assert first["release"]["tables"]["projects"]["removed"] == 1
    assert dropped not in (out / "data" / "projects.csv").read_text(encoding="utf-8")

    second = publish_package(out, content_of(package))  # and back: MINOR again
    assert version_of(out) == f"{major}.{int(minor) + 2}.0"
    assert second["release"]["tables"]["projects"]["added"] == 1
    changelog = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    newest, older, original = (
        f"## {major}.{int(minor) + 2}.0",
        f"## {major}.{int(minor) + 1}.0",
        f"## {version_of(package)}",
    )
    assert changelog.index(newest) < changelog.index(older) < changelog.index(original)
    entry = changelog.split(newest, 1)[1].split("\n## ", 1)[0]
    assert "| projects |" in entry and "| 1 | 0 | 0 |" in entry.split("| projects |", 1)[1].splitlines()[0]


def test_a_corrected_value_is_a_patch(package, tmp_path):
    out = copy_package(package, tmp_path / "out")
    content = content_of(package)
    content.tables["indicators"].loc[0, "indicator_en"] = "a corrected English label"
    result = publish_package(out, content)
    major, minor, patch = version_of(package).split(".")
    assert version_of(out) == f"{major}.{minor}.{int(patch) + 1}"
    changes = result["release"]["tables"]["indicators"]
    assert (changes["added"], changes["removed"], changes["changed"]) == (0, 0, 1)
    assert result["release"]["level"] == "patch"


def test_a_schema_change_is_major(package, tmp_path):
    out = copy_package(package, tmp_path / "out")
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    glossary = next(r for r in descriptor["resources"] if r["name"] == "glossary")
    glossary["schema"]["fields"] = [f for f in glossary["schema"]["fields"] if f["name"] != "members"]
    (out / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")  # as if published before `members`
    result = publish_package(out, content_of(package))
    assert version_of(out) == f"{int(version_of(package).split('.')[0]) + 1}.0.0"
    assert any("glossary: fields added: members" in r for r in result["release"]["reasons"])


def test_the_bundle_follows_the_new_version(package, tmp_path):
    out = copy_package(package, tmp_path / "out")
    content = content_of(package)
    content.tables["glossary"] = content.tables["glossary"].iloc[1:]
    publish_package(out, content)
    assert [p.name for p in out.glob("*.zip")] == [f"gwr-datapackage-{version_of(out)}.zip"]
    assert f"gwr-datapackage-{version_of(out)}.zip" in (out / SUMS).read_text(encoding="utf-8")
    assert f'href="gwr-datapackage-{version_of(out)}.zip"' in (out / "index.html").read_text(encoding="utf-8")
    assert bundle_problems(out) == []
