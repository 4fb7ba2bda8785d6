"""The code location loads, and its asset graph matches the reviewed snapshot."""

import json
import os

import dagster as dg

from dagster_project.definitions import defs
from tests.conftest import REPO

SNAPSHOT = REPO / "tests" / "golden" / "asset_graph.json"


def graph_shape() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "partitions": getattr(partitions, "name", None) if partitions else None,
            "checks": sorted(c.name for c in node.check_keys),
        }
    return {
        "assets": assets,
        "jobs": sorted(j.name for j in defs.jobs),
        "schedules": sorted(s.name for s in defs.schedules),
        "sensors": sorted(s.name for s in defs.sensors),
    }


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("build") is not None
    assert defs.resolve_job_def("revalidate") is not None


def test_asset_graph_matches_snapshot():
    """Regenerate with UPDATE_SNAPSHOT=1 after an intended change, and review the diff."""
    shape = graph_shape()
    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(shape, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert shape == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_every_table_has_a_pandera_check_and_the_package_its_own():
    assets = graph_shape()["assets"]
    for table in ("documents", "indicators", "targets", "glossary", "projects"):
        assert f"{table}_pandera" in assets[f"{table}_table"]["checks"]
    package_checks = {
        "frictionless_valid",
        "package_matches_sources",
        "published_tables_pandera",
        "package_files_intact",
    }
    assert package_checks <= set(assets["published_package"]["checks"])
    assert assets["published_package"]["deps"] == ["data_package"]


def test_revalidate_materializes_only_the_read_back_package():
    """It re-checks what is published and rebuilds nothing; the build validates the staged
    package itself (data_package) and leaves the read-back to revalidate."""
    revalidate = defs.resolve_job_def("revalidate").asset_layer.executable_asset_keys
    build = {k.to_user_string() for k in defs.resolve_job_def("build").asset_layer.executable_asset_keys}
    assert {k.to_user_string() for k in revalidate} == {"published_package"}
    assert "data_package" in build and "published_package" not in build


def test_freshness_policy_is_set_where_it_is_meant():
    graph = defs.resolve_asset_graph()
    with_policy = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).freshness_policy is not None}
    assert with_policy == {"published_package"}


def test_per_document_asset_shares_the_documents_partitions():
    assets = graph_shape()["assets"]
    per_document = {name for name, asset in assets.items() if asset["partitions"] == "documents"}
    assert per_document == {"raw_documents", "extracted_document"}
    assert assets["extracted_document"]["deps"] == ["raw_documents"]
    for table in ("documents", "indicators", "targets", "glossary", "projects"):
        assert "extracted_document" in assets[f"{table}_table"]["deps"], table
