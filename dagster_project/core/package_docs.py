"""The package's README.md and index.html, generated from the schemas, the tables and the version."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from dagster_project.core.package import (
    DESCRIPTION_EN,
    DESCRIPTION_ZH,
    LICENSE,
    TABLE_DESCRIPTIONS,
    TABLE_DESCRIPTIONS_ZH,
    TITLE,
    TITLE_ZH,
    format_cell,
    resource_schema,
)

CAVEATS = [
    (
        "预计 / 有望 (is_estimate = true) marks a figure the report itself calls an estimate or expectation: reports are "
        "delivered before the year's statistics are final, so these values may differ from later official statistics.",
        "预计、有望（is_estimate = true）表示报告本身称为预计的数字：报告在年度统计数据最终确定之前作出，可能与此后公布的统计数据不同。",
    ),
    (
        "A comparator applies to the signed value. Declines are negative, so 能耗下降3%以上 (energy use down by 3% or more) "
        "is value −3 with comparator <=, and 增长6%左右 is value 6 with comparator ~.",
        "比较符作用于带符号的数值：下降为负数，因此“能耗下降3%以上”记为 value = −3、comparator = <=；“增长6%左右”记为 value = 6、comparator = ~。",
    ),
    (
        "A missing target is not a zero. When a table has no row for an indicator or a document, the report did not state "
        "it or it was not extracted; never read an absent row or an empty cell as 0.",
        "缺失的目标不等于零：表中没有某项指标或某份文档的行，表示报告未提及或未被提取，不能把缺失的行或空单元格当作 0。",
    ),
    (
        "Values are as written, without scaling (3645 with unit 亿元); value_std and unit_std give the value in a base unit "
        "where one exists (CNY, persons, mu, jin).",
        "数值按原文记录，不做换算（如 3645、单位 亿元）；value_std 和 unit_std 在有基本单位时给出换算后的数值。",
    ),
    (
        "char_start and char_end point into texts/<doc_id>.txt (the normalized text): text[char_start:char_end] equals the "
        "quote exactly. raw_start and raw_end point into the decoded source file.",
        "char_start、char_end 是规范化文本 texts/<doc_id>.txt 中的字符位置，text[char_start:char_end] 与引文完全一致；raw_start、raw_end 指向解码后的原始文件。",
    ),
    (
        "Extraction is automatic and rule-based. Quarantined documents (status = quarantined) contribute no rows; rows that "
        "failed a validation rule are left out and listed in reports/validation.json.",
        "数据由规则自动提取。被隔离的文档（status = quarantined）不产生任何行；未通过校验规则的行被剔除，并列于 reports/validation.json。",
    ),
]

# The columns a reader looks at first; the rest are in the files.
PREVIEW_COLUMNS = {
    "documents": ["doc_id", "region", "doc_type", "plan_year", "speaker", "title", "status"],
    "indicators": ["doc_id", "indicator", "measure", "value", "unit", "comparator", "period", "quote"],
    "targets": ["doc_id", "indicator", "measure", "value", "unit", "comparator", "target_year", "target_type", "quote"],
    "glossary": ["doc_id", "note_no", "term", "definition"],
    "projects": ["doc_id", "name", "category", "stage", "period", "quote"],
}

COMPARATORS = [
    ("=", "exactly the value", "等于", ""),
    ("~", "about the value", "约等于", "左右, 约, 近"),
    (">=", "at least the value", "不低于", "以上, 不低于, 至少"),
    (">", "more than the value", "高于", "超, 超过, 突破, 逾, 余, 多"),
    ("<=", "at most the value", "不高于", "以内, 以下, 不超过, 控制在"),
    ("<", "below the value", "低于", "低于"),
    ("between", "from value to value_max", "区间", "2-3家, 6%－6.5%"),
]


@dataclass(frozen=True)
class PackageFacts:
    """What the README and the landing page say about one release."""

    version: str
    descriptor: dict
    tables: dict[str, pd.DataFrame]  # sorted as in the CSVs
    frictionless_valid: bool
    rejected: dict[str, int]
    quarantined: list[dict] = field(default_factory=list)
    zip_name: str = ""

    def resource(self, name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)


def citation(version: str) -> str:
    return f"gwr-datapackage contributors. *{TITLE}* ({TITLE_ZH}), version {version}. Frictionless data package, {LICENSE['name']}."


def _constraints(f: dict) -> str:
    c = f.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    if "maximum" in c:
        parts.append(f"≤ {c['maximum']}")
    if "minLength" in c:
        parts.append(f"length ≥ {c['minLength']}")
    return "; ".join(parts)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def readme(facts: PackageFacts) -> str:
    # Only the version: a rebuild that keeps the version must keep this file too.
    lines = [
        f"# {TITLE}",
        "",
        f"**{TITLE_ZH}**",
        "",
        f"Version **{facts.version}**; `CHANGELOG.md` lists what changed in each release.",
        "",
    ]
    lines += [DESCRIPTION_EN, "", DESCRIPTION_ZH, ""]
    lines += ["## Files / 文件", "", "| path | rows | what |", "|---|--:|---|"]
    for name, frame in facts.tables.items():
        lines.append(
            f"| `data/{name}.csv`, `data/{name}.parquet` | {len(frame)} | {TABLE_DESCRIPTIONS[name]} {TABLE_DESCRIPTIONS_ZH[name]} |"
        )
    lines += [
        "| `texts/<doc_id>.txt` | | the normalized texts every `char_start`/`char_end` points into / 规范化文本 |",
        "| `reports/validation.json` | | this build's Frictionless and Pandera results / 校验报告 |",
        "| `datapackage.json` | | the Frictionless (v2) descriptor: schemas, sizes and sha256 of every resource, the sources |",
        "| `CHANGELOG.md` | | rows added, removed and changed per table in each release / 版本变更 |",
        "| `index.html` | | the landing page / 首页 |",
        f"| `{facts.zip_name}` | | the whole package in one zip / 完整数据包 |",
        "| `SHA256SUMS` | | the sha256 of every other file (`sha256sum -c SHA256SUMS`) |",
        "",
        "The CSV files are UTF-8 without BOM, comma-separated, with a header row; an empty cell is a missing value.",
        "The Parquet files hold the same rows with the same column types.",
        "",
        "```python",
        "import pandas as pd",
        'targets = pd.read_csv("data/targets.csv")          # or pd.read_parquet("data/targets.parquet")',
        "```",
        "",
        "```sql",
        "-- DuckDB",
        "SELECT d.region, t.indicator, t.value, t.unit, t.target_year",
        "FROM 'data/targets.parquet' t JOIN 'data/documents.parquet' d USING (doc_id);",
        "```",
        "",
        "## Caveats / 注意事项",
        "",
    ]
    for en, zh in CAVEATS:
        lines += [f"- {en}", f"  {zh}"]
    lines += [
        "",
        "How comparators read / 比较符的含义:",
        "",
        "| comparator | reads as | 含义 | written as |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{c}` | {en} | {zh} | {words} |" for c, en, zh, words in COMPARATORS]
    lines.append("")
    for name in facts.tables:
        schema = resource_schema(name)
        lines += [f"## {name}", "", f"{TABLE_DESCRIPTIONS[name]}", "", f"{TABLE_DESCRIPTIONS_ZH[name]}", ""]
        pk = schema.get("primaryKey", [])
        lines.append(f"Primary key: `{', '.join(pk) if isinstance(pk, list) else pk}`.")
        for fk in schema.get("foreignKeys", []):
            lines.append(
                f"Foreign key: `{', '.join(fk['fields'])}` → `{fk['reference']['resource']}.{', '.join(fk['reference']['fields'])}`."
            )
        lines += ["", "| field | type | constraints | 说明 | description |", "|---|---|---|---|---|"]
        for f in schema["fields"]:
            lines.append(
                f"| `{f['name']}` | {f['type']} | {_md(_constraints(f))} | {_md(f.get('description_zh', ''))} | {_md(f.get('description', ''))} |"
            )
        lines.append("")
    lines += [
        "## Licence / 许可",
        "",
        f"The data is licensed {LICENSE['title']} ({LICENSE['name']}, {LICENSE['path']}): you may share and adapt it",
        "with attribution. The source texts are official government documents; they are quoted here so that every value",
        "can be checked against its source.",
        "",
        f"数据采用 {LICENSE['name']} 许可，使用时请注明出处。",
        "",
        "## How to cite / 引用",
        "",
        citation(facts.version),
        "",
        "Cite the version you used: the same version always has the same data.",
        "",
    ]
    return "\n".join(lines)


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;
margin:2rem auto;max-width:78rem;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d0d0;padding:.25rem .5rem;font-size:.88rem;
text-align:left;vertical-align:top}th{background:#f5f5f7}.n{text-align:right;font-variant-numeric:tabular-nums}
.missing{color:#8a8a8a;background:#f1f1f1;font-style:italic;text-align:center}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:.8rem;font-weight:600}
.ok{background:#d8f5dc;color:#125c1e}.bad{background:#fde0e0;color:#8a1010}.warn{background:#fff1cc;color:#6b4e00}
.scroll{overflow-x:auto}.preview td{max-width:18rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.links a{margin-right:1rem}.quarantined{color:#8a1010}
"""


def _cell(value, width: int = 40) -> str:
    text = format_cell(value)
    return html.escape(text if len(text) <= width else text[: width - 1] + "…")


def index_html(facts: PackageFacts) -> str:
    """A self-contained landing page: resources, counts, validation, coverage, previews, downloads."""
    esc = html.escape
    left_out = sum(facts.rejected.values())
    if not facts.frictionless_valid:
        status, badge = "INVALID", "bad"
    elif left_out:
        status, badge = f"valid, {left_out} rows left out", "warn"
    else:
        status, badge = "valid", "ok"
    resources = ""
    for name, frame in facts.tables.items():
        csv_r, pq_r = facts.resource(name), facts.resource(f"{name}-parquet")
        resources += (
            f'<tr><th>{esc(name)}</th><td class="n" data-table="{esc(name)}">{len(frame)}</td>'
            f'<td><a href="{esc(csv_r["path"])}">{esc(csv_r["path"])}</a> <span class="n">({csv_r["bytes"]:,} B)</span></td>'
            f'<td><a href="{esc(pq_r["path"])}">{esc(pq_r["path"])}</a> <span class="n">({pq_r["bytes"]:,} B)</span></td>'
            f"<td>{esc(TABLE_DESCRIPTIONS[name])}<br>{esc(TABLE_DESCRIPTIONS_ZH[name])}</td></tr>"
        )
    checks = "".join(
        f'<tr><th>{esc(name)}</th><td class="n" data-rejected="{esc(name)}">{facts.rejected.get(name, 0)}</td></tr>'
        for name in facts.tables
    )
    row_tables = [n for n in facts.tables if n != "documents"]
    docs = facts.tables.get("documents", pd.DataFrame(columns=["doc_id"]))
    counts = {name: facts.tables[name]["doc_id"].value_counts().to_dict() for name in row_tables}
    coverage = ""
    for doc in docs.to_dict("records"):
        doc_id = str(doc["doc_id"])
        quarantined = doc.get("status") == "quarantined"
        text_link = (
            f'<a href="texts/{esc(doc_id)}.txt">{esc(doc_id)}</a>' if doc.get("text_path") else esc(doc_id)
        )  # fmt: skip
        label = " · ".join(
            esc(format_cell(doc.get(k))) for k in ("region", "plan_year", "title") if format_cell(doc.get(k))
        )
        state = '<span class="quarantined">quarantined</span>' if quarantined else "ok"
        cells = ""
        for name in row_tables:
            count = int(counts[name].get(doc_id, 0))
            attrs = f'data-doc="{esc(doc_id)}" data-table="{esc(name)}"'
            cells += f'<td class="n" {attrs}>{count}</td>' if count else f'<td class="missing" {attrs}>missing</td>'
        coverage += f"<tr><th>{text_link}</th><td>{label}</td><td>{state}</td>{cells}</tr>"
    previews = ""
    for name, frame in facts.tables.items():
        names = [f["name"] for f in resource_schema(name)["fields"]]
        columns = [c for c in PREVIEW_COLUMNS.get(name, []) if c in names] or names[:8]
        head = "".join(f"<th>{esc(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
            for row in frame[columns].head(5).astype(object).itertuples(index=False)
        )
        previews += f"<h3>{esc(name)} <small>(first {min(5, len(frame))} of {len(frame)} rows, {len(columns)} of {len(names)} columns)</small></h3>"
        previews += f'<div class="scroll"><table class="preview"><tr>{head}</tr>{body}</table></div>'
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(TITLE)} {esc(facts.version)}</title><style>{_STYLE}</style></head>
<body>
<h1>{esc(TITLE)}</h1><p>{esc(TITLE_ZH)}</p>
<p>Version <strong id="version">{esc(facts.version)}</strong> (<a href="CHANGELOG.md">changes</a>) ·
validation: <span id="status" class="badge {badge}">{status}</span> ·
licence {esc(LICENSE["name"])}</p>
<p class="links" id="downloads"><a id="zip" href="{esc(facts.zip_name)}"><strong>Download everything ({esc(facts.zip_name)})</strong></a>
<a href="datapackage.json">datapackage.json</a><a href="README.md">README.md</a><a href="CHANGELOG.md">CHANGELOG.md</a>
<a href="reports/validation.json">validation report</a><a href="SHA256SUMS">SHA256SUMS</a></p>
<p>{esc(DESCRIPTION_EN)}</p><p>{esc(DESCRIPTION_ZH)}</p>
<h2>Resources / 数据表</h2>
<table id="resources"><tr><th>table</th><th>rows</th><th>CSV</th><th>Parquet</th><th>what</th></tr>{resources}</table>
<h2>Validation / 校验</h2>
<p>Frictionless (types, constraints, primary and foreign keys, bytes and sha256 of every resource):
<strong id="frictionless">{"passed" if facts.frictionless_valid else "FAILED"}</strong>.
Quarantined documents: <strong id="quarantined">{len(facts.quarantined)}</strong>.
Rows left out by the Pandera rules (listed in the validation report):</p>
<table id="rejected"><tr><th>table</th><th>rows left out</th></tr>{checks}</table>
<h2>Coverage / 覆盖情况</h2>
<p>Rows per document and table. A table with no rows for a document reads <em>missing</em>: the report
states nothing that was extracted there, which is not a zero. 缺失不等于零。</p>
<div class="scroll"><table id="coverage"><tr><th>document</th><th>region · year · title</th><th>status</th>{"".join(f"<th>{esc(n)}</th>" for n in row_tables)}</tr>{coverage}</table></div>
<h2>Previews / 预览</h2>{previews}
<h2>How to cite / 引用</h2><p>{esc(citation(facts.version).replace("*", ""))}</p>
</body></html>
"""
