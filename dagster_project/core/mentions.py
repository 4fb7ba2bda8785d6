"""From quantities to statements: which indicator each number in a sentence is about.

Shared by the indicators (review) and targets (plan) extractors. A sentence is cut into
clauses (，；：), a clause into items (a 、 right after a quantity ends an item). An item
reads `[filler][name][verb][quantity]`, or `[verb][quantity][name]` (建成582个项目). The
rules the spec asks for live here:

- distributive phrasing: `城镇、农村居民人均可支配收入分别增长6.3%、9.2%` and
  `A、B产值均突破900亿元` give one statement per name; a trailing 左右 applies to all;
- a clause without a name (`，增长3.6%`, `较2015年增长43.4%`, `提高10个百分点`) is about the
  last name of its sentence, and its quote starts at that name;
- `从X增至Y` gives two statements, marked start and end;
- `占…的83.4%` is a share of the last name (ratio);
- declines (下降, 压减 …) make growth rates and point changes negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import Quantity, find_quantities, signed
from .names import PLACES, clean_name, distribute, elided, is_name, noun_after, split_name, split_scope
from .vocabulary import alias_pattern, match_indicator, standardize, strip_filler

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_SEP = re.compile(r"[，：:]|,(?!\d{3})|[（(]\d{1,2}[)）]")
_LIST_SEP = re.compile(r"^(?:、|和|与|及|以及|,|，)$")
_DECLINE = re.compile(r"下降|降低|减少|压减|调减|回落|下滑|压降|压缩|降")
_GROWTH = re.compile(r"增长|增加|增|提高|提升|上升|上涨|下降|降低|减少|压减|调减|回落|下滑|压降|压缩|降")
_TO_LEVEL = re.compile(r"(?:增|提高|提升|上升|扩大|降|下降|减少|增加|增长)(?:至|到)$")
_GROWTH_NAME = re.compile(r"涨幅|增幅|增速|增长率")
_COMMIT = re.compile(r"力争|确保|争取|努力|力求")
_ESTIMATE = re.compile(r"预计|有望|可望")
_GENERIC_HEAD = re.compile(r"^(?:总量|总额|总数|规模|总规模|总投资|投资|人均)$")
_COMPARED = re.compile(r"(?:高于|低于|快于|慢于|超出|超过|超|比)(?:全国|全省|全市|全区|省|市|国家)(?:、(?:省|市))?(?:平均)?(?:水平)?")
_PERSONS = r"人口|群众|居民|人员|人才|劳动力|毕业生|职工|干部|农民|学生|游客|^人"
_STOP_CONTEXT = re.compile(r"奖项|荣誉|称号|表彰|奖")
_COUNT_UNITS = set("个家户名人项所座条套张处栋根台支款场批件") | {"万", "亿", "万人", "万户", "万家", "万个"}


@dataclass(frozen=True)
class Mention:
    """One number's statement: about `name`, supported by text[quote_start:quote_end]."""

    name: str
    quote_start: int
    quote_end: int
    qty: Quantity
    value: float | None
    value_max: float | None
    comparator: str
    measure: str
    qualifier: str
    estimate: bool
    sentence: tuple[int, int]
    from_to: str = ""  # "start" / "end" for 从X增至Y
    scope: str = ""
    verbs: str = ""  # the words between name and number (增长, 达到, 压减 …)
    unit: str = ""


@dataclass
class _Item:
    qty: Quantity
    name: str
    name_start: int
    verbs: str
    lead: str  # text between name start and quantity (for commitment words)


def sentences(text: str, start: int = 0, end: int | None = None):
    """(start, end) spans of sentences in text[start:end]."""
    end = len(text) if end is None else end
    s = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.start() > s:
            yield s, m.start()
        s = m.end()
    if s < end:
        yield s, end


def _measure(unit: str, name: str, verbs: str, to_level: bool) -> str:
    if unit in ("个百分点", "百分点"):
        return "pp_change"
    if unit != "%":
        return "level"
    if _GROWTH_NAME.search(name):
        return "growth_rate"
    if to_level or re.search(r"占", verbs + name[-6:]) and not _GROWTH.search(verbs):
        return "ratio"
    if _GROWTH.search(verbs):
        return "growth_rate"
    return "ratio"


def sentence_mentions(text: str, start: int, end: int, qtys: list[Quantity] | None = None) -> list[Mention]:
    """Statements of the sentence text[start:end]."""
    qtys = [q for q in (qtys if qtys is not None else find_quantities(text, start, end))
            if q.prefix_start >= start and q.end <= end]
    out: list[Mention] = []
    estimate_at = [m.start() for m in _ESTIMATE.finditer(text, start, end)]
    subject: tuple[str, int] | None = None  # last explicit name and where it starts
    subject_unit = ""  # unit of the last amount reported for that name
    last_unit = ""  # unit of the last number of the sentence
    recent: list[tuple[str, int]] = []  # explicit names in order, for 分别 without names
    prev_end = start
    i = 0
    while i < len(qtys):
        q = qtys[i]
        seg_start = max(_last_sep(text, start, q.prefix_start), prev_end)
        clause_end = _next_sep(text, q.end, end)
        pre = text[seg_start:q.prefix_start]
        pre_stripped = re.sub(r"^[、，,；;：:\s和及与或—－\-•·]+", "", pre)
        off = seg_start + (len(pre) - len(pre_stripped))
        later = [k for k in range(i + 1, len(qtys)) if qtys[k].prefix_start < clause_end]
        if _COMPARED.search(text, seg_start, q.start):
            prev_end, i = q.end, i + 1  # 高于全省平均水平2个百分点: a comparison, not a change
            continue
        if _is_threshold(text, q, later):
            i += 1  # 签约2000万元以上项目368个: the 2000万元 belongs to the name of 368个
            continue
        group, j = _value_list(text, qtys, i)
        distrib = _DISTRIB_AT_END.search(pre_stripped)
        if not distrib:
            group, j = [q], i + 1
        commit = "".join(dict.fromkeys(_COMMIT.findall(text[max(start, off - 8):q.prefix_start])))
        estimate = any(e < q.start for e in estimate_at)
        sent = (start, end)

        # value first: 建成582个省大中型项目 / 114.3万农村贫困人口 / 90%以上服务事项
        noun = noun_after(text, group[-1].end, clause_end) if not distrib else ""
        bare_pre = strip_filler(pre_stripped.strip())
        listed = "、" in pre_stripped and not strip_filler(pre_stripped.rsplit("、", 1)[1])
        if q.unit in _COUNT_UNITS and re.match(r"\d", text[q.end:q.end + 1]):
            prev_end, i = q.end, j  # 培育1个5000亿元…集群: the count qualifies the next number
            continue
        if noun and q.unit != "次" and (q.unit in _COUNT_UNITS or q.bare_magnitude or listed or _ACTION_END.search(bare_pre)
                     or not is_name(clean_name(bare_pre))):
            q_end = group[-1].end + len(noun)
            nxt = qtys[j] if j < len(qtys) else None
            if nxt and nxt.prefix_start - q_end <= 2 and text[q_end:nxt.prefix_start] in ("", "均", "都", "分别", "各"):
                if nxt.prefix_start == nxt.start:
                    # the noun names the next number (为510家企业减免社保费6015.2万元): not this one
                    prev_end = group[-1].end
                    i = j
                    continue
                # 4家企业营收超50亿元: a count of entities over a threshold
                noun, q_end, j = noun + text[q_end:nxt.end], nxt.end, j + 1
            if _STOP_CONTEXT.search(text, q_end, clause_end):
                prev_end, i = q_end, j
                continue
            verb = _KEEP_VERB.match(bare_pre)
            keep = verb is not None and verb.group(0) == bare_pre
            name = clean_name((bare_pre if keep else "") + noun)
            if is_name(name):
                out.extend(_emit([name], group, off if keep else q.prefix_start, q_end, "", commit, estimate, sent))
            prev_end = q_end
            i = j
            continue

        name_raw, verbs = split_name(distrib.group(1) if distrib else pre_stripped)
        if distrib:
            verbs = pre_stripped[len(distrib.group(1)):]
        from_to = scope_of = ""
        if re.search(r"(?:从|由)$", name_raw):
            name_raw = name_raw[:-1]
            nxt = qtys[i + 1] if i + 1 < len(qtys) else None
            if nxt and _TO_LEVEL.search(re.sub(r"近|约|超过|突破", "", text[q.end:nxt.start])):
                from_to = "start"
        elif out and out[-1].from_to == "start" and out[-1].qty is qtys[i - 1] and _TO_LEVEL.search(verbs):
            from_to = "end"
        name = clean_name(name_raw)
        name_start = off + max(0, name_raw.find(name)) if name else off
        if from_to == "end":
            name, name_start = out[-1].name, out[-1].quote_start
        elif name.startswith("占") or (not name and verbs.startswith("占")):
            share = (name or verbs).rstrip("的")
            if not subject:
                i = j
                continue
            name = subject[0] + share + ("" if re.search(r"比重|比例|份额", share) else "比重")
            name_start, verbs = subject[1], "占"
        elif _GENERIC_HEAD.match(name) and (subject or _vocab_before(text, start, off)):
            # 总量 / 人均 of the indicator last named in the sentence (GDP增幅…，总量从…);
            # 总投资 / 投资 of the projects just counted (实施项目1963个、完成投资2562亿元)
            named = _vocab_before(text, start, off) if name in ("总量", "人均") or not subject else None
            base = match_indicator(named[0]) if named else match_indicator(subject[0])
            base_name = base.name if base else subject[0]
            name = "人均" + base_name if name == "人均" else (base_name if base else subject[0] + name)
            name_start = min(name_start, named[1]) if named else subject[1]
        elif not is_name(name) and subject is None and _fits_vocab(_vocab_before(text, start, off), q):
            name, name_start = _vocab_before(text, start, off)
            subject = (name, name_start)
        elif subject and PLACES.fullmatch(name) and q.unit == last_unit and re.search(r"达|为|是", verbs):
            # …收集率提高至75%，瑞金、龙南达到70%，各县达到55%: the same indicator for sub-areas
            scope_of, name, name_start = name, subject[0], off
        elif not is_name(name):
            if distrib and len(group) > 1 and len(recent) >= len(group):
                names = [n for n, _ in recent[-len(group):]]
                out.extend(_emit(names, group, recent[-len(group)][1], group[-1].end, verbs, commit, estimate, sent))
                prev_end = group[-1].end
                i = j
                continue
            if subject is None or not (q.unit in ("%", "个百分点") or q.unit == subject_unit):
                # a nameless number is about the last name only when it can be: its rate,
                # or another amount in the same unit (…新增校舍18.3万平方米，14人录取… is not)
                prev_end = q.end
                i = j
                continue
            name, name_start = subject
        else:
            if len(name) <= 2 and subject and not match_indicator(name):
                name = elided(name, subject[0])  # 粮食种植面积…、总产51亿斤 → 粮食总产
            subject = (name, name_start)
            recent.append(subject)
        names = distribute(name) if distrib else [name]
        scope = scope_of or split_scope(names[0])[0]
        out.extend(_emit(names, group, name_start, group[-1].end, verbs, commit, estimate, sent, from_to, scope))
        if subject and name == subject[0] and q.unit not in ("%", "个百分点"):
            subject_unit = q.unit
        last_unit = q.unit
        prev_end = group[-1].end
        i = j
    return out


_DISTRIB_AT_END = re.compile(r"^(.*?)((?:分别|(?<![年平人])均|各(?=[增达为完超突实]))[\u4e00-\u9fff]{0,8})$")
_ACTION_END = re.compile(r"(?:完成|实现|建成|新建|建设|实施|改造|引进|培育|打造|开工|启动|抓好|新增|完成了|建成了|新建了)$")
_KEEP_VERB = re.compile(r"^(?:新增|新建|新改建|新续建|新\(改\)建|改造|新改造|建成|建设|培育|引进|认定|创建|打造|开工|实施)")


def _fits_vocab(named: tuple[str, int] | None, q: Quantity) -> bool:
    """Whether a number without a name can be about the indicator last named (same kind of unit)."""
    if named is None:
        return False
    ind = match_indicator(named[0])
    if q.unit in ("%", "个百分点"):
        return True
    return ind is not None and standardize(1, ind.default_unit)[1] == standardize(1, q.unit)[1] != ""


def _vocab_before(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """The last vocabulary indicator named in text[lo:hi], with its position."""
    found = None
    for m in alias_pattern().finditer(text, lo, hi):
        found = (m.group(0), m.start())
    return found


def _value_list(text: str, qtys: list[Quantity], i: int) -> tuple[list[Quantity], int]:
    """qtys[i] and the quantities listed right after it (6.3%、9.2% / 5%左右,7.5%左右)."""
    group = [qtys[i]]
    j = i + 1
    while j < len(qtys) and _LIST_SEP.match(text[group[-1].end:qtys[j].prefix_start].strip()):
        group.append(qtys[j])
        j += 1
    return group, j


def _is_threshold(text: str, q: Quantity, later: list[int]) -> bool:
    """A bound inside a name rather than a value: 2000万元以上项目368个, 跳闸3次及以上的线路,
    年产1.9万吨高端精细化工 (a plant's capacity in a project name)."""
    after = text[q.end:q.end + 4]
    if q.unit != "%" and re.search(r"(?:以上|以下)$", q.qualifier) and re.match(r"[\u4e00-\u9fff]", after):
        return True  # 25户以上自然村, 2000万元以上项目
    if re.match(r"(?:及以上|及以下|以上的|以下的)", after) or (
            re.search(r"(?:年产|日产|年处理|日处理|日供水|年吞吐|年屠宰|年出栏)$", text[max(0, q.prefix_start - 4):q.prefix_start])
            and re.match(r"[\u4e00-\u9fff“]", after)):
        return True
    if not later or q.unit in _COUNT_UNITS:
        return False
    return bool(re.match(r"[\u4e00-\u9fff]", after)) and "以" in q.qualifier or bool(
        re.match(r"(?:的)?(?:项目|企业|产业|园区|集群)", after))


def _next_sep(text: str, lo: int, hi: int) -> int:
    m = _CLAUSE_SEP.search(text, lo, hi)
    return m.start() if m else hi


def _last_sep(text: str, lo: int, hi: int) -> int:
    """Index after the last clause separator in text[lo:hi] (lo when none)."""
    best = lo
    for m in _CLAUSE_SEP.finditer(text, lo, hi):
        best = m.end()
    return best


def _emit(names, group, quote_start, quote_end, verbs, commit, estimate, sent, from_to="", scope=""):
    """One Mention per (name, quantity) of a possibly distributive statement."""
    if len(names) != len(group):
        if len(group) == 1:
            group = group * len(names)  # 均突破900亿元: one value, many names
        elif len(names) == 1:
            names = names * len(group)
        else:
            return []
    # a qualifier written once after the last value (分别增长8%、9.8%左右) covers every value
    last = group[-1]
    shared = last.comparator if last.comparator in ("~", ">=", "<=") and len(group) > 1 else None
    decline = bool(_DECLINE.search(verbs)) and not _TO_LEVEL.search(verbs)
    to_level = bool(_TO_LEVEL.search(verbs)) or from_to != ""
    out = []
    for name, q in zip(names, group):
        if q.unit == "天" and "天" not in name:
            continue  # 用21天实现…: a duration, not an indicator
        comparator = q.comparator
        qualifier = q.qualifier
        if shared and comparator == "=":
            comparator = shared
            qualifier = last.qualifier
        measure = _measure(q.unit, name, verbs, to_level)
        value, vmax, comparator = signed(q.value, q.value_max, comparator,
                                         decline and measure in ("growth_rate", "pp_change"))
        words = ";".join(w for w in (commit, qualifier) if w)
        qs = min(quote_start, q.prefix_start)
        unit = q.unit
        if unit == "微克" and "每立方米" in verbs:
            unit = "微克/立方米"  # 控制在每立方米26微克以下
        if q.bare_magnitude and re.search(_PERSONS, name):
            unit = q.unit + "人"  # 114.3万农村贫困人口: ten-thousands of persons
        if measure == "ratio" and re.search(r"计划的?$", verbs):
            name += "完成年度计划比例"  # 分别完成年计划的134%: not the indicator itself
        out.append(Mention(name, qs, max(quote_end, q.end), q, value, vmax, comparator, measure,
                           words, estimate, sent, from_to, scope, verbs, unit))
    return out


def mentions(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """All statements in text[start:end]."""
    end = len(text) if end is None else end
    qtys = find_quantities(text, start, end)
    out: list[Mention] = []
    k = 0
    for s, e in sentences(text, start, end):
        sq = []
        while k < len(qtys) and qtys[k].start < e:
            if qtys[k].prefix_start >= s:
                sq.append(qtys[k])
            k += 1
        if sq:
            out.extend(sentence_mentions(text, s, e, sq))
    return out


