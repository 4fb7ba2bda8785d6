"""The landing page and README for situations the seeds do not produce: quarantined documents,
rows left out by validation, documents without rows."""

import re

import pandas as pd

from dagster_project.core.package_docs import PackageFacts, index_html, readme
from dagster_project.core.table_schemas import TABLES, load_table_schema


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    names = [f["name"] for f in load_table_schema(table)["fields"]]
    return pd.DataFrame([{n: r.get(n) for n in names} for r in rows], columns=names)


def facts(rejected: dict[str, int] | None = None) -> PackageFacts:
    docs = frame(
        "documents",
        [
            {"doc_id": "a", "status": "ok", "text_path": "texts/a.txt", "region": "赣州市", "plan_year": 2021},
            {"doc_id": "b", "status": "quarantined", "error": "empty file"},
        ],
    )
    tables = {"documents": docs}
    for table in TABLES[1:]:
        tables[table] = frame(
            table, [{"id": f"a:{i}-{i + 1}:0", "doc_id": "a"} for i in range(3 if table == "targets" else 0)]
        )
    resources = [{"name": t, "path": f"data/{t}.csv", "bytes": 10} for t in TABLES]
    resources += [{"name": f"{t}-parquet", "path": f"data/{t}.parquet", "bytes": 10} for t in TABLES]
    return PackageFacts(
        version="2.1.0",
        descriptor={"resources": resources},
        tables=tables,
        frictionless_valid=True,
        rejected=rejected or {t: 0 for t in TABLES},
        quarantined=[{"doc_id": "b", "source_path": "b.txt", "error": "empty file"}],
        zip_name="gwr-datapackage-2.1.0.zip",
    )


def cell(page: str, doc: str, table: str) -> str:
    match = re.search(rf'<td class="[^"]*" data-doc="{doc}" data-table="{table}">([^<]*)</td>', page)
    assert match, (doc, table)
    return match.group(1)


def test_quarantined_and_empty_documents_read_missing():
    page = index_html(facts())
    assert cell(page, "a", "targets") == "3"
    for table in ("indicators", "glossary", "projects"):
        assert cell(page, "a", table) == "missing"
    for table in TABLES[1:]:
        assert cell(page, "b", table) == "missing"
    assert "quarantined" in page.split('data-doc="b"')[0].rsplit("<tr>", 1)[1]
    assert 'href="texts/b.txt"' not in page  # a quarantined document has no text to link to
    assert '<strong id="quarantined">1</strong>' in page


def test_rows_left_out_show_in_the_status_and_per_table():
    page = index_html(facts(rejected={"documents": 0, "indicators": 2, "targets": 1, "glossary": 0, "projects": 0}))
    assert re.search(r'id="status" class="badge warn">valid, 3 rows left out<', page)
    assert '<td class="n" data-rejected="indicators">2</td>' in page
    assert re.search(r'id="status" class="badge ok">valid<', index_html(facts()))


def test_pages_name_the_version_and_its_zip():
    f = facts()
    page, text = index_html(f), readme(f)
    assert '<strong id="version">2.1.0</strong>' in page and 'href="gwr-datapackage-2.1.0.zip"' in page
    assert "Version **2.1.0**" in text and "gwr-datapackage-2.1.0.zip" in text
    assert "version 2.1.0" in text.split("## How to cite", 1)[1]
