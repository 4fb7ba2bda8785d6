"""index.html in headless Chromium: it renders on its own, every link resolves to a file of the
package, and the counts it shows are the CSV row counts. Saves a screenshot."""

import csv
import json
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import sync_playwright

from dagster_project.core.table_schemas import TABLES
from tests.built_package import built_package
from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = REPO / "tests" / "artifacts" / "landing.png"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return built_package(tmp_path_factory)


@pytest.fixture(scope="module")
def page_view(package):
    """The rendered page: every request it made, every link, the numbers in its tables."""
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: `./run test` installs Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests, errors = [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto((package / "index.html").as_uri(), wait_until="load")
            view = {
                "title": page.title(),
                "status": page.locator("#status").inner_text(),
                "version": page.locator("#version").inner_text(),
                "hrefs": page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"),
                "resource_rows": {
                    c.get_attribute("data-table"): c.inner_text()
                    for c in page.locator("#resources td[data-table]").all()
                },
                "coverage": {
                    (c.get_attribute("data-doc"), c.get_attribute("data-table")): c.inner_text()
                    for c in page.locator("#coverage td[data-doc]").all()
                },
                "coverage_docs": [a.inner_text() for a in page.locator("#coverage tr th:first-child").all()][1:],
                "body_height": page.evaluate("document.body.scrollHeight"),
                "requests": requests,
                "errors": errors,
            }
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    return view


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_page_renders_with_version_and_status(page_view, package, capsys):
    version = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert version in page_view["title"] and page_view["version"] == version
    assert page_view["status"] == "valid"
    assert page_view["body_height"] > 900, "the page looks empty"
    assert page_view["errors"] == []
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nlanding page screenshot: {SCREENSHOT}")


def test_page_is_self_contained(page_view, package):
    """Nothing is fetched but the page itself: no fonts, scripts, styles or images from elsewhere."""
    assert page_view["requests"] == [(package / "index.html").as_uri()]
    html = (package / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html


def test_every_link_resolves_to_a_file_of_the_package(page_view, package):
    assert page_view["hrefs"], "no links"
    root = package.resolve()
    for href in page_view["hrefs"]:
        url = urlparse(href)
        assert url.scheme == "file", href
        target = Path(unquote(url.path)).resolve()
        assert target.is_relative_to(root) and target.is_file(), href
    linked = {Path(unquote(urlparse(h).path)).resolve().relative_to(root).as_posix() for h in page_view["hrefs"]}
    assert {f"data/{t}.csv" for t in TABLES} | {f"data/{t}.parquet" for t in TABLES} <= linked
    assert any(name.endswith(".zip") for name in linked)
    assert {"datapackage.json", "README.md", "CHANGELOG.md", "SHA256SUMS"} <= linked


def test_resource_counts_equal_the_csv_row_counts(page_view, package):
    expected = {t: str(len(csv_rows(package / "data" / f"{t}.csv"))) for t in TABLES}
    assert page_view["resource_rows"] == expected


def test_coverage_matrix_counts_rows_and_says_missing_never_zero(page_view, package):
    docs = [r["doc_id"] for r in csv_rows(package / "data" / "documents.csv")]
    assert page_view["coverage_docs"] == docs
    for table in TABLES[1:]:
        counts = Counter(r["doc_id"] for r in csv_rows(package / "data" / f"{table}.csv"))
        for doc in docs:
            shown = page_view["coverage"][(doc, table)]
            assert shown == (str(counts[doc]) if counts[doc] else "missing"), (doc, table)
    assert "0" not in page_view["coverage"].values()
