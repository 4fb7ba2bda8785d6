"""The package's README.md and index.html, generated from the schemas and the tables."""

from __future__ import annotations

import html

import pandas as pd

from dagster_project.core.package import LICENSE, TABLE_DESCRIPTIONS, TITLE, TITLE_ZH, resource_schema

CAVEATS = [
    "预计 / 有望 (is_estimate = true) marks a figure the report itself calls an estimate.",
    "A comparator applies to the signed value: 能耗下降3%以上 is value −3 with comparator <= (a fall of at least 3%).",
    "A target missing from the table is not a zero: the report did not state it, or it was not extracted.",
    "Values are as written (no scaling); value_std/unit_std give a base unit where one exists.",
    "char_start/char_end point into texts/<doc_id>.txt (the normalized text); raw_start/raw_end into the decoded source file.",
]


def readme(tables: dict[str, pd.DataFrame], version: str) -> str:
    lines = [f"# {TITLE}", "", f"{TITLE_ZH}", "", f"Version {version}.", ""]
    lines += ["## Resources", "", "| resource | rows | what |", "|---|---|---|"]
    for name, frame in tables.items():
        lines.append(f"| `data/{name}.csv` | {len(frame)} | {TABLE_DESCRIPTIONS[name]} |")
    lines += ["", "`texts/<doc_id>.txt` hold the normalized texts; `reports/validation.json` the validation report of this build.", ""]
    for name in tables:
        lines += [f"## {name}", "", "| field | type | 说明 | description |", "|---|---|---|---|"]
        for f in resource_schema(name)["fields"]:
            lines.append(f"| `{f['name']}` | {f['type']} | {f.get('description_zh', '')} | {f.get('description', '')} |")
        lines.append("")
    lines += ["## Caveats", ""] + [f"- {c}" for c in CAVEATS] + [""]
    lines += [
        "## Licence",
        "",
        f"The data is licensed {LICENSE['title']} ({LICENSE['name']}). The source texts are official government",
        "documents, archived here so that every value can be verified against its source.",
        "",
        "## How to cite",
        "",
        f"gwr-datapackage contributors. *{TITLE}*, version {version}. Data package (Frictionless).",
        "",
    ]
    return "\n".join(lines)


def index_html(tables: dict[str, pd.DataFrame], version: str, valid: bool) -> str:
    """A self-contained landing page: resources, counts, coverage, previews, links."""
    esc = html.escape
    docs = tables.get("documents", pd.DataFrame(columns=["doc_id"]))
    rows_html = "".join(
        f'<tr><td><a href="data/{esc(n)}.csv">data/{esc(n)}.csv</a></td><td class="n" data-table="{esc(n)}">{len(f)}</td>'
        f"<td>{esc(TABLE_DESCRIPTIONS[n])}</td></tr>"
        for n, f in tables.items()
    )
    row_tables = [n for n in tables if n != "documents"]
    coverage = ""
    for doc_id in docs["doc_id"]:
        cells = ""
        for n in row_tables:
            count = int((tables[n]["doc_id"] == doc_id).sum()) if len(tables[n]) else 0
            cells += f'<td class="{"" if count else "missing"}">{count if count else "missing"}</td>'
        coverage += f'<tr><th><a href="texts/{esc(doc_id)}.txt">{esc(doc_id)}</a></th>{cells}</tr>'
    previews = ""
    for n, f in tables.items():
        previews += f"<h3>{esc(n)}</h3>" + f.head(5).to_html(index=False, na_rep="", border=0, escape=True)
    status = "valid" if valid else "INVALID"
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>{esc(TITLE)}</title>
<style>body{{font-family:sans-serif;margin:2rem;max-width:70rem}}table{{border-collapse:collapse;margin:.5rem 0}}
td,th{{border:1px solid #ccc;padding:.2rem .5rem;font-size:.9rem;text-align:left}}.n{{text-align:right}}
.missing{{color:#999;background:#f4f4f4}}</style></head>
<body><h1>{esc(TITLE)}</h1><p>{esc(TITLE_ZH)}</p>
<p>Version {esc(version)} · validation: <strong id="status">{status}</strong> ·
<a href="datapackage.json">datapackage.json</a> · <a href="README.md">README.md</a> ·
<a href="reports/validation.json">validation report</a></p>
<h2>Resources</h2><table id="resources"><tr><th>file</th><th>rows</th><th>what</th></tr>{rows_html}</table>
<h2>Coverage (rows per document)</h2><table id="coverage"><tr><th>document</th>{"".join(f"<th>{esc(n)}</th>" for n in row_tables)}</tr>{coverage}</table>
<h2>Previews</h2>{previews}
</body></html>
"""
