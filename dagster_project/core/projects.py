"""Named construction and development projects in the review and plan parts of a report.

One row per project mention. A clause is read in one of two shapes:

- verb first: `续建瑞金机场、赣州港综合枢纽码头` — a governing verb, then a list;
- name first: `信雄高速、赣州港综合枢纽码头启动建设` — a list, then the verb.

The verb governs every item of its list; a word after the list states the target and
wins over the verb before it (`推动格力智能制造基地一期等项目投产` → complete, `启动…等项目
规划研究` → planned). A head written once on the last item is completed on the bare
items before it (`启动后港220KV、杨范110KV变电站建设工程` → 后港220KV变电站, 杨范110KV变电站).
An item is a project when it holds a category keyword (`schemas/vocab/project_categories.csv`)
or stands in a list the report itself calls projects (`…等11个项目`), and is neither generic
(农村公路) nor a quota (新建8条快速路). Stages come from `schemas/vocab/project_stages.csv`.

`quote` is the clause from the governing verb (or the first item) to the end of the list
and its verbs; `name` is an item of it without quote marks and glossary markers, plus a
completed head where the list shares one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from dagster_project.core import project_names as pn
from dagster_project.core.context import DocContext
from dagster_project.core.project_names import project_key
from dagster_project.core.sections import build_sections, lead_kind, section_at

__all__ = ["extract_projects", "project_key"]

PROJECT_KINDS = ("review", "plan", "other")
_SEPARATORS = "，,。；;！？!?：:\n"
_CLAUSE = re.compile(rf"[^{_SEPARATORS}]+")
_SEPARATOR = re.compile(rf"[{_SEPARATORS}]")
# a numbered item or topic opener at the start of a clause: (16)  ①  一是
_OPENER = re.compile(r"\s*(?:[（(]\d{1,2}[)）]|[①-⑳]|[一二三四五六七八九十]是)\s*")
# words before a list or a name that are not part of it
_LEAD = re.compile(r"^(?:(?:力争|确保|争取|全力|积极|大力|全面|加速|加快|推动|今年|全年|重点|先行|高标准|高质量|开展|研究|打通|深入|发展|助力|以及|了|建立|规范)\s*)+")
# the report calling the list projects: 等11个项目, 等一批重点水利工程, 等实践基地, 等建设
_LISTED = re.compile(
    r"等(?:[\d一二三四五六七八九十百]+个|一批)?(?P<hint>[^，。；、等]{0,8}?)(?:项目|工程|设施|基地|建设)"
)
_HINTS = (("水利", "water"), ("交通", "highway"), ("文旅", "tourism"), ("旅游", "tourism"), ("医疗", "public_service"),
          ("教育", "public_service"), ("实践基地", "public_service"), ("物流", "industrial"), ("工业", "industrial"))
# adverbs between a name and its verb: 全线铺轨, 实现一期通车, 建成并投入使用
_ADVERB = (r"(?:并|且|已|将|即将|全面|顺利|基本|全线|正式|相继|同步|快速|有序|稳步|加快|实现|如期|盛大|尽快|"
           r"\d{1,2}月[前底内]?|年[底内]|上半年|下半年|今年)*")
_ADVERBS = re.compile(_ADVERB)
_ADVERBS_AT_END = re.compile(f"{_ADVERB}$")
# a head shared by the whole list that makes none of it a construction (…核酸检测能力建设)
_SHARED_NOT_BUILT = re.compile(r"能力|管理|管控|后花园|体系|机制|水平|创建|创成")
_HONOUR = re.compile(r"入选|获评|荣获|被评为|获批|列入|命名为|授予")
_FALSE_VERBS = ("建成区", "通车里程", "建设用地", "建设者", "开工率", "完成投资", "建设任务")


@dataclass(frozen=True)
class Verb:
    word: str
    stage: str
    pre: bool  # may govern a list after it
    post: bool  # may follow a name or close a list


@lru_cache(maxsize=1)
def verbs() -> dict[str, Verb]:
    with open(pn.VOCAB_DIR / "project_stages.csv", encoding="utf-8", newline="") as fh:
        return {r["verb"]: Verb(r["verb"], r["stage"], r["position"] in ("pre", "any"), r["position"] in ("post", "any"))
                for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _verb_regex() -> re.Pattern[str]:
    """The verbs and the words that only look like one, the longest at a position (a
    prefix tree: every text is searched for them, and `re` drops most words on their
    first character)."""
    return re.compile(pn.prefix_tree([*verbs(), *_FALSE_VERBS]))


@lru_cache(maxsize=1)
def _post_tail() -> re.Pattern[str]:
    words = sorted((v.word for v in verbs().values() if v.post), key=len, reverse=True)
    return re.compile(rf"{_ADVERB}(?:{'|'.join(re.escape(w) for w in words)})$")


@lru_cache(maxsize=1)
def _post_words() -> tuple[str, ...]:
    return tuple(v.word for v in verbs().values() if v.post)


def _post_tail_in(items: str) -> re.Match[str] | None:
    """`_post_tail` searched in a piece of a clause (no line break, so `$` is its end).

    It matches only text ending in a verb: the others are not searched.
    """
    return _post_tail().search(items) if items.endswith(_post_words()) else None


def extract_projects(text: str, doc: DocContext) -> list[dict]:
    """Rows of the named projects of a document (see the module docstring)."""
    sections = build_sections(text)
    before_first = lead_kind(text, sections)
    rows: list[dict] = []
    for c_start, c_end in _verb_clauses(text):
        if not _may_name_a_project(text, c_start, c_end):
            continue  # each list of the clause is a piece of it
        sec = section_at(sections, c_start)
        kind = sec.kind if sec else before_first
        if kind not in PROJECT_KINDS:
            continue
        if sec and c_start < sec.heading_end and sec.start <= c_start:
            continue  # a heading, not a sentence
        found = list(_clause_projects(text, c_start, c_end))
        if not found:
            continue
        period = _period(sec, kind, doc)
        for name, category, stage, q_start, q_end in found:
            rows.append({
                "doc_id": doc.doc_id,
                "name": name,
                "project_key": project_key(name),
                "category": category,
                "stage": stage,
                "period": period,
                "section": sec.path if sec else "",
                "quote": text[q_start:q_end],
                "char_start": q_start,
                "char_end": q_end,
            })
    return rows


def _period(sec, kind: str, doc: DocContext) -> int | None:
    if sec is not None and sec.year:
        return sec.year
    if kind == "review":
        return doc.review_year
    if kind == "plan":
        return doc.plan_year
    return None


def _verb_clauses(text: str):
    """(start, end) of each clause (a `_CLAUSE` match) holding a verb, in text order.

    A clause without a verb holds no project, and most clauses have none: the text is
    searched for the next verb, and the clause around it is cut out. Verbs hold no
    separator, so a search from the end of a clause finds in the next one the words a scan
    of that clause would; none starts with a character of an `_OPENER` either.
    """
    vocabulary = verbs()
    find_verb = _verb_regex().search
    backwards = text[::-1]  # the separator before a verb is the first one after it in here
    pos = 0
    while (m := find_verb(text, pos)) is not None:
        if m.group() not in vocabulary:
            pos = m.end()  # a word that only looks like a verb (建成区)
            continue
        after = _SEPARATOR.search(text, m.end())
        c_end = after.start() if after else len(text)
        before = _SEPARATOR.search(backwards, len(text) - m.start())
        c_start = len(text) - before.start() if before else 0
        yield c_start, c_end
        pos = c_end


# --- one clause --------------------------------------------------------------------------

def _clause_projects(text: str, start: int, end: int):
    """(name, category, stage, quote start, quote end) of each project in a clause."""
    opener = _OPENER.match(text, start, end)
    start = opener.end() if opener else start
    vocabulary = verbs()
    tokens = [(m.start(), m.end(), verb) for m in _verb_regex().finditer(text, start, end)
              if (verb := vocabulary.get(m.group())) is not None]
    if not tokens:
        return
    first = tokens[0]
    # name first: the list ends where its verb starts
    if first[2].post and first[0] > start:
        stage = _stage_after(tokens, 0) or first[2].stage
        names_end = first[0]
        adverbs = _ADVERBS_AT_END.search(text, start, names_end)
        names_end -= len(adverbs.group(0)) if adverbs else 0
        yield from _list_projects(text, start, names_end, stage, start, _verbs_end(text, tokens, 0, end))
    # verb first: the first verb that may govern a list, with the verbs written right after
    # it (加快建成 → complete, 抓紧实施 → ongoing)
    for i, (v_start, v_end, verb) in enumerate(tokens):
        if verb.pre:
            stage, j = verb.stage, i
            while j + 1 < len(tokens) and _ADVERBS.fullmatch(text, tokens[j][1], tokens[j + 1][0]):
                j += 1
                if tokens[j][2].word != "建设":
                    stage = tokens[j][2].stage
            yield from _list_projects(text, tokens[j][1], end, stage, v_start, end)
            break


def _stage_after(tokens, i: int) -> str | None:
    """The most specific stage among the verbs from token i on (建设全面启动 → start)."""
    for _, _, verb in tokens[i:]:
        if verb.word != "建设" and verb.post:
            return verb.stage
    return None


def _verbs_end(text: str, tokens, i: int, end: int) -> int:
    """End of the run of verbs (and adverbs between them) starting at token i."""
    stop = tokens[i][1]
    for s, e, _ in tokens[i + 1:]:
        if _ADVERBS.fullmatch(text, stop, s):
            stop = e
        else:
            break
    return min(stop, end)


def _list_projects(text: str, r_start: int, r_end: int, stage: str, q_start: int, q_end: int):
    """Projects of the list in text[r_start:r_end], governed by `stage`, quoted as text[q_start:q_end]."""
    region = text[r_start:r_end]
    lead = _LEAD.match(region)
    offset = lead.end() if lead else 0
    listed = _LISTED.search(region, offset)
    hint = None
    if listed and pn.NOT_A_PROJECT.search(listed.group("hint")):
        return  # …等“国字号”试点建设: the list is of titles, not of things built
    if listed and not pn.keyword_spans(listed.group("hint")):
        stage = _tail_stage(region[listed.end():]) or stage
        hint = next((c for w, c in _HINTS if w in listed.group(0)), None) or pn.category_of(listed.group(0)[1:])
        items_end = listed.start()
    else:
        listed = None
        items_end = len(region)
        if not _may_name_a_project(text, r_start + offset, r_end):
            return  # the items are pieces of the rest of the region
        m = _post_tail_in(region[offset:items_end])
        if m and m.start() > 0:
            stage = _tail_stage(m.group(0)) or stage
            items_end = offset + m.start()
    if _HONOUR.search(region, offset, items_end):
        return  # 洪岩镇入选…特色小镇: a title won, not a project
    cut = region.find("并", offset, items_end)
    if cut > offset:  # 完成市人民医院综合大楼建设并进行装修: the list ends at 并
        stage = _tail_stage(region[cut:items_end]) or stage
        items_end = cut
    spans = pn.split_items(region[offset:items_end])
    if not spans:
        return
    raw = [region[offset + s: offset + e] for s, e in spans]
    names, listed_items, stages = [], [], []
    for r in raw:
        written = pn.display_name(_LEAD.sub("", r))
        name = pn.strip_tail(written)
        stages.append(_tail_stage(written[len(name):]) or stage)  # …改建项目前期工作 → planned
        counted = pn.counted_item(name)
        if counted:
            name = counted[0] + counted[1]
            if names and pn.is_bare(names[-1]):  # 翡翠城、大连路等2所幼儿园
                names[-1] += counted[1]
        names.append(name)
        listed_items.append(listed is not None or counted is not None)
    if names and _SHARED_NOT_BUILT.search(names[-1]):
        return  # the shared head is not something built (…核酸检测能力建设)
    names = pn.distribute(names, raw)
    q_end = _trim_end(text, q_start, q_end)
    for name, is_listed, item_stage in zip(names, listed_items, stages):
        if pn.is_project_name(name, is_listed) and not _verb_regex().search(name):
            category = pn.category_of(name) or hint or "other"
            yield name, category, item_stage, q_start, q_end


def _may_name_a_project(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may hold a project name, unless a `等…项目` calls it a list of them.

    A name needs a category keyword or a counted kind (`流芳等5座大桥`). Each name is a piece
    of the text, or pieces of it joined where markers and quote marks were dropped or a
    shared head was completed (itself holding a keyword).
    """
    return text.find("等", start, end) >= 0 or pn.may_hold_keyword(text, start, end)


def _tail_stage(tail: str) -> str | None:
    """Stage of the verbs written after a list (前期工作 → planned, 投产 → complete)."""
    if not tail:
        return None
    vocabulary = verbs()
    for m in _verb_regex().finditer(tail):
        verb = vocabulary.get(m.group())
        if verb is not None and verb.word != "建设":
            return verb.stage
    return None


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end
