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
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .names import (
    ENTITY_ATTRIBUTE,
    GENERIC,
    PLACES,
    balance_quotes,
    clean_name,
    distribute,
    elided,
    is_name,
    noun_after,
    split_name,
    split_scope,
)
from .numbers import Quantity, find_quantities, signed
from .vocabulary import alias_pattern, match_indicator, standardize, strip_filler

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# ，：: | , not in 1,234 | （1）. Written to start with the class of all their first
# characters (which the lookbehinds then tell apart): such a pattern is searched faster.
_CLAUSE_SEP = re.compile(r"[，：:,（(](?:(?<=[，：:])|(?<=,)(?!\d{3})|(?<=[（(])\d{1,2}[)）])")
_LIST_SEP = re.compile(r"^(?:、|和|与|及|以及|,|，)$")
_DECLINE = re.compile(r"下降|降低|减少|压减|调减|回落|下滑|压降|压缩|降")
_GROWTH = re.compile(r"增长|增加|增|提高|提升|上升|上涨|下降|降低|减少|压减|调减|回落|下滑|压降|压缩|降")
_TO_LEVEL = re.compile(r"(?:增|提高|提升|上升|扩大|降|下降|减少|增加|增长)(?:至|到)$")
_GROWTH_NAME = re.compile(r"涨幅|增幅|增速|增长率")
_COMMIT = re.compile(r"力争|确保|争取|努力|力求")
_ESTIMATE = re.compile(r"预计|有望|可望")
_GENERIC_HEAD = re.compile(r"^(?:总量|总额|总数|规模|总规模|总投资|投资|人均|总建筑面积|建筑面积|总面积|占地面积|总里程)$")
_PLACE_LEAD = re.compile(r"^(?:中心城区|主城区|城区|市区|全市|全区|全县|县城)")
# the thing a clause is about when it names a project: 启动实施上罗源片区安置房建设 → 上罗源片区安置房
_PROJECT_CLAUSE = re.compile(
    r"^(?:(?:启动实施|加快推进|启动|实施|推进|加快|开工建设|新建|续建|建设|谋划|推动|完成)+)?(?P<thing>.{2,30}?)(?:建设)?$")
_COMPARED = re.compile(r"(?:高于|低于|快于|慢于|超出|超过|超|比)(?:全国|全省|全市|全区|省|市|国家)(?:、(?:省|市))?(?:平均)?(?:水平)?")
_PERSON_NOUN = re.compile(r"人|员|者|工|民|生|众|才|客|士|师|队|干部|儿童|老人|家庭|户|妇女|青年|职工")
_PERSONS = re.compile(r"人口|群众|居民|人员|人才|劳动力|毕业生|职工|干部|农民|学生|游客|^人")
_OF_PLAN_END = re.compile(r"计划的?$")
_STOP_CONTEXT = re.compile(r"奖项|荣誉|称号|表彰|表扬|奖|刊载|刊发|批示|典型发言")
_COUNT_UNITS = set("个家户名人项所座条套张处栋根台支款场批件") | {"万", "亿", "万人", "万户", "万家", "万个"}
_DIGIT = re.compile(r"\d")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_OR_QUOTE = re.compile(r"[\u4e00-\u9fff“]")
_LEADING_JOINERS = re.compile(r"^[、，,；;：:\s和及与或—－\-•·]+")
_EACH = re.compile(r"^(?:均|都|分别|各)")
_EACH_OVER = re.compile(r"(?:均|都|分别|各)?过")
_PER_UNIT_END = re.compile(r"每[\u4e00-\u9fff]{1,4}$")
_FROM_END = re.compile(r"(?:从|由)$")
_APPROX_WORDS = re.compile(r"近|约|超过|突破")
_SHARE_WORD = re.compile(r"比重|比例|份额")
_JOINERS_ONLY = re.compile(r"[，,、；;\s]*")
_PROJECT_ENTITY = re.compile(r"项目|工程|企业")
_NEW_LEAD = re.compile(r"^(?:新增|净增|新建|新引进|引进|新培育|培育|新认定|认定)")
_TOTAL_LEAD = re.compile(r"总|建筑|占地")
_STATE_VERB = re.compile(r"达|为|是")
_FROM_TO_LEVEL = re.compile(r"[由从][^由从至到]*\d[^至到]*?(?:扩建|提高|提升|增加|增|扩大)?[至到]")
_CAUSATIVE = re.compile(r"^使")
_CITY_PART = re.compile(r"中心城区|主城区|城区|市区|县城|老城区")


class Mention(NamedTuple):
    """One number's statement: about `name`, supported by text[quote_start:quote_end].

    (Immutable, as the statements of a text are shared by the extractors; a named tuple
    because thousands are made per report and a frozen dataclass is several times slower
    to create.)
    """

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
    if to_level or "占" in verbs + name[-6:] and not _GROWTH.search(verbs):
        return "ratio"
    if _GROWTH.search(verbs):
        return "growth_rate"
    return "ratio"


def sentence_mentions(text: str, start: int, end: int, qtys: list[Quantity] | None = None) -> list[Mention]:
    """Statements of the sentence text[start:end]."""
    qtys = [q for q in (qtys if qtys is not None else find_quantities(text, start, end))
            if q.prefix_start >= start and q.end <= end]
    out: list[Mention] = []
    first_estimate = _ESTIMATE.search(text, start, end)
    # (a commitment word near a number is one of the sentence: most sentences have none)
    any_commit = _COMMIT.search(text, start, end) is not None
    sent = (start, end)
    subject: tuple[str, int] | None = None  # last explicit name and where it starts
    subject_unit = ""  # unit of the last amount reported for that name
    last_unit = ""  # unit of the last number of the sentence
    recent: list[tuple[str, int]] = []  # explicit names in order, for 分别 without names
    last: tuple[str, int, int] | None = None  # what the last statement counted, where, its end
    prev_end = start
    i = 0
    while i < len(qtys):
        q = qtys[i]
        seg_start = max(_last_sep(text, start, q.prefix_start), prev_end)
        clause_end = _next_sep(text, q.end, end)
        pre = text[seg_start:q.prefix_start]
        pre_stripped = _LEADING_JOINERS.sub("", pre)
        off = seg_start + (len(pre) - len(pre_stripped))
        if _COMPARED.search(text, seg_start, q.start):
            prev_end, i = q.end, i + 1  # 高于全省平均水平2个百分点: a comparison, not a change
            continue
        if _is_threshold(text, q, qtys[i + 1:], clause_end):
            i += 1  # 签约2000万元以上项目368个: the 2000万元 belongs to the name of 368个
            continue
        distrib = _DISTRIB_AT_END.search(pre_stripped) if _may_distribute(pre_stripped) else None
        group, j = _value_list(text, qtys, i) if distrib else ([q], i + 1)
        commit_words = _COMMIT.findall(text, max(start, off - 8), q.prefix_start) if any_commit else None
        commit = "".join(dict.fromkeys(commit_words)) if commit_words else ""
        estimate = first_estimate is not None and first_estimate.start() < q.start

        # value first: 建成582个省大中型项目 / 114.3万农村贫困人口 / 90%以上服务事项
        noun = noun_after(text, group[-1].end, clause_end) if not distrib else ""
        if q.unit in _COUNT_UNITS and _DIGIT.match(text, q.end):
            prev_end, i = q.end, j  # 培育1个5000亿元…集群: the count qualifies the next number
            continue
        bare_pre = strip_filler(pre_stripped.strip()) if noun else ""
        if noun and q.unit != "次" and (q.unit in _COUNT_UNITS or q.bare_magnitude or _listed_before(pre_stripped)
                                        or _ACTION_END.search(bare_pre) or not is_name(clean_name(bare_pre))):
            q_end = group[-1].end + len(noun)
            nxt = qtys[j] if j < len(qtys) else None
            gap = text[q_end:nxt.prefix_start] if nxt else ""
            over = nxt is not None and _EACH_OVER.fullmatch(gap) is not None
            threshold = False
            if nxt and (over or nxt.prefix_start - q_end <= 2 and gap in ("", "均", "都", "分别", "各")):
                if nxt.prefix_start == nxt.start and not over:
                    if nxt.unit in _COUNT_UNITS and _HAN.match(text, nxt.end):
                        # 12个乡镇26个村5000余户群众: counts of nested places, none named here
                        prev_end, i = q_end, j
                        continue
                    # the noun names the next number (为510家企业减免社保费6015.2万元): not this one
                    prev_end = group[-1].end
                    i = j
                    continue
                # 4家企业营收超50亿元: a count of entities over a threshold (均/分别 say "each")
                noun = noun + _EACH.sub("", gap) + text[nxt.prefix_start:nxt.end]
                q_end, j, threshold = nxt.end, j + 1, True
            if _STOP_CONTEXT.search(text, q_end, clause_end) or _PER_UNIT_END.search(bare_pre):
                prev_end, i = q_end, j  # an honour; 每户培养1名…: a norm per unit, not a count
                continue
            verb = _KEEP_VERB.match(bare_pre)
            keep = verb is not None and verb.group(0) == bare_pre
            counted = (noun, q_end, False) if threshold else _counted(text, noun, q_end, clause_end, q.unit, bare_pre)
            if counted is None:
                prev_end, i = q_end, j
                continue
            entity, noun_start = _entity(balance_quotes(noun)), group[-1].end
            built = counted[0] != noun
            noun, q_end, from_verb = counted
            name = balance_quotes(noun) if built and not from_verb else clean_name((bare_pre if keep and not from_verb else "") + noun)
            if is_name(name):
                found = _emit([name], group, off if keep or from_verb else q.prefix_start, q_end, "", commit, estimate, sent)
                out.extend(found)
                if found:
                    last = (entity, noun_start, q_end)
            prev_end = q_end
            i = j
            continue

        name_raw, verbs = split_name(distrib.group(1) if distrib else pre_stripped)
        if distrib:
            verbs = pre_stripped[len(distrib.group(1)):]
        from_to = scope_of = ""
        if _FROM_END.search(name_raw):
            name_raw = name_raw[:-1]
            nxt = qtys[i + 1] if i + 1 < len(qtys) else None
            if nxt and _TO_LEVEL.search(_APPROX_WORDS.sub("", text[q.end:nxt.start])):
                from_to = "start"
        elif out and out[-1].from_to == "start" and out[-1].qty is qtys[i - 1] and _TO_LEVEL.search(verbs):
            from_to = "end"
        name = clean_name(name_raw)
        name_start = off + max(0, name_raw.find(name)) if name else off
        if name and text[name_start - 1:name_start] == "“" and name_start > off:
            name_start -= 1  # “老一小幸福院”112个: the quote keeps both marks
        if from_to == "end":
            name, name_start = out[-1].name, out[-1].quote_start
        elif name.startswith("占") or (not name and verbs.startswith("占")):
            share = (name or verbs).rstrip("的")
            if not subject:
                i = j
                continue
            name = subject[0] + share + ("" if _SHARE_WORD.search(share) else "比重")
            name_start, verbs = subject[1], "占"
        elif name in ("总量", "人均") and (subject or _vocab_before(text, start, off)):
            # 总量 / 人均 of the indicator last named in the sentence (GDP增幅…，总量从…)
            named = _vocab_before(text, start, off)
            base = match_indicator(named[0]) if named else match_indicator(subject[0])
            base_name = base.name if base else subject[0]
            name = "人均" + base_name if name == "人均" else base_name
            name_start = min(name_start, named[1]) if named else subject[1]
        elif _GENERIC_HEAD.match(name):
            # 总投资 / 总数 of what was just counted (实施项目1963个、完成投资2562亿元; 新增上市
            #企业1家、总数达20家); when nothing was, the words as written (累计完成投资97.1亿元)
            whole = _as_written(name_raw)
            if last and _JOINERS_ONLY.fullmatch(text[last[2]:off]) and (
                    "投资" not in name or _PROJECT_ENTITY.search(last[0])):
                base = _NEW_LEAD.sub("", last[0]) if "总" in name else last[0]
                name, name_start = base + whole, last[1]
            else:
                name, name_start = whole, off + max(0, name_raw.find(whole))
                about = _project_before(text, start, off)
                if about and _TOTAL_LEAD.match(whole):
                    name, name_start = about[0] + whole, about[1]  # …安置房建设，总建筑面积13.89万平方米
            if not is_name(name):
                prev_end, i = group[-1].end, j
                continue
        elif not (name_ok := is_name(name)) and subject is None and _fits_vocab(_vocab_before(text, start, off), q):
            name, name_start = _vocab_before(text, start, off)
            subject = (name, name_start)
        elif subject and PLACES.fullmatch(name) and q.unit == last_unit and _STATE_VERB.search(verbs):
            # …收集率提高至75%，瑞金、龙南达到70%，各县达到55%: the same indicator for sub-areas
            scope_of, name, name_start = name, _PLACE_LEAD.sub("", subject[0]) or subject[0], off
        elif not name_ok:
            if distrib and len(group) > 1 and len(recent) >= len(group):
                names = [n for n, _ in recent[-len(group):]]
                out.extend(_emit(names, group, recent[-len(group)][1], group[-1].end, verbs, commit, estimate, sent))
                prev_end = group[-1].end
                i = j
                continue
            if subject is None or not (q.unit in ("%", "个百分点") or q.unit == subject_unit) or _HAN.search(
                    text, group[-1].end, clause_end):
                # a nameless number is about the last name only when it can be: its rate,
                # or another amount in the same unit (…新增校舍18.3万平方米，14人录取… is not),
                # and when nothing else is said of it (…整改25个，1个正在实施之中 is not)
                prev_end = q.end
                i = j
                continue
            name, name_start = subject
        else:
            weak = _weak_name(name, text, group[-1].end, clause_end)
            if weak is None:
                prev_end, i = group[-1].end, j  # 先后举办3次, 向县调整下放105项: not a statistic
                continue
            if weak != name:
                name, obj_end = weak
                name_start = off + max(0, name_raw.find(name[:2]))
            else:
                obj_end = 0
            if len(name) <= 2 and subject and not match_indicator(name):
                name = elided(name, subject[0])  # 粮食种植面积…、总产51亿斤 → 粮食总产
            # 使润泉水厂由日供水5万吨扩建至日供水10万吨 → 润泉水厂日供水 (each regex only when
            # its first word is there)
            if "由" in name or "从" in name:
                name = _FROM_TO_LEVEL.sub("", name)
            if name.startswith("使"):
                name = _CAUSATIVE.sub("", name)
            if q.unit in ("%",) and not verbs and not from_to:
                pred, pred_end = _predicate(text, group[-1].end, clause_end)
                if pred and _HAN.match(text, group[-1].end):
                    name, obj_end = name + pred, pred_end  # 建制村100%通客车
            elif q.unit not in ("%", "个百分点") and not obj_end and not from_to and not _GROWTH.search(verbs):
                obj = noun_after(text, group[-1].end, clause_end)
                if len(obj) >= 3 and not match_indicator(name) and not GENERIC.match(obj) and not _STOP_CONTEXT.search(obj):
                    name, obj_end = name + obj, group[-1].end + len(obj)  # 试点首期20万平方米厂房建设
            if (q.unit.endswith("人") or q.unit == "名") and not _PERSON_NOUN.search(name) and not match_indicator(name) \
                    and not obj_end and len(name) <= 6:
                name += "人数"  # 培训11.4万人以上: how many were trained
            scope_word = _CITY_PART.match(subject[0]) if subject else None
            if scope_word and len(name) <= 3 and not match_indicator(name) and not name.startswith(scope_word.group(0)):
                name = scope_word.group(0) + name  # 中心城区建成区面积…，人口由130万 → 中心城区人口
            name = _topic(text, start, off, name)
            subject = (name, name_start)
            recent.append(subject)
            listed_names = _listed(name) if not distrib else None
            if listed_names:
                out.extend(_emit(listed_names, group, name_start, max(group[-1].end, obj_end), verbs, commit,
                                 estimate, sent, from_to, split_scope(listed_names[0])[0]))
                last_unit, prev_end, i = q.unit, group[-1].end, j
                continue
            if obj_end:
                found = _emit([name], group, name_start, obj_end, verbs, commit, estimate, sent, from_to,
                              split_scope(name)[0])
                out.extend(found)
                last_unit, prev_end, i = q.unit, obj_end, j
                continue
        names = distribute(name) if distrib else [name]
        scope = scope_of or split_scope(names[0])[0]
        found = _emit(names, group, name_start, group[-1].end, verbs, commit, estimate, sent, from_to, scope)
        out.extend(found)
        if found and len(names) == 1:
            last = (names[0], name_start, group[-1].end)
        if subject and name == subject[0] and q.unit not in ("%", "个百分点"):
            subject_unit = q.unit
        last_unit = q.unit
        prev_end = group[-1].end
        i = j
    return out


_DISTRIB_AT_END = re.compile(r"^(.*?)((?:分别|(?<![年平人])均|各(?=[增达为完超突实]))[\u4e00-\u9fff]{0,8}|各)$")


def _may_distribute(pre: str) -> bool:
    """Whether `_DISTRIB_AT_END` can match (it needs 分别, 均 or 各): most clauses have none."""
    return "分别" in pre or "均" in pre or "各" in pre


_ACTION_END = re.compile(r"(?:完成|实现|建成|新建|建设|实施|改造|引进|培育|打造|开工|启动|抓好|新增|完成了|建成了|新建了|安排|投入)$")
# Adverbs between what is counted and what is said of it (126家企业|就全部|复工复产)
_PRED_LEAD = re.compile(r"^(?:[（(][^）)]{1,8}[）)])?(?:就(?!业)|均|都|也|已经|已|全部|全面|先后|相继|陆续|分别|各|正在|进行|得到|基本|顺利)*")
# A verb that says what was done to the things counted: 启动建设…等11个项目 → 启动建设项目
_LEAD_VERB = re.compile(
    r"^(?:启动建设|新续建|新改扩建|新改建|新\(续\)建|新（续）建|新建|续建|新开工|开工建设|开工|实施|建设|建成|推进|完成|"
    r"引进|新签约|签约|打造|培育|改造|谋划|储备|启动)"
)
# A name that ends in a verb of holding or handing over needs its object (向县调整下放105项…权限)
_BARE_VERB_END = re.compile(r"(?:举办|召开|举行|开展|组织|下放|赋予|安排|调整|降低|减少|节约|节省)$")
_PREPOSITION = re.compile(r"^(?:为|向|对|给|帮助|帮)")
_KEEP_VERB = re.compile(r"^(?:新增|新建|新改建|新续建|新\(改\)建|改造|新改造|建成|建设|培育|引进|认定|创建|打造|开工|实施|惠及)")
_PRED_STOP = re.compile(r"[、，,；;：:。（(]")
_PRED_STOP_PAST_BRACKET = re.compile(r"[、，,；;：:。]")
_PERFECTIVE_LE = re.compile(r"(?<=[\u4e00-\u9fff])了")


def _listed_before(pre: str) -> bool:
    """Whether the number is the last item of a list (…、建成582个项目: nothing names it before)."""
    return "、" in pre and not strip_filler(pre.rsplit("、", 1)[1])


def _predicate(text: str, pos: int, clause_end: int) -> tuple[str, int]:
    """What a clause says of the things just counted (…企业|启动数字化改造), and where it ends."""
    stop = _PRED_STOP.search(text, pos, clause_end)
    raw = text[pos:stop.start() if stop and text[stop.start()] not in "（(" else clause_end]
    if stop and text[stop.start()] in "（(":
        nxt = _PRED_STOP_PAST_BRACKET.search(text, pos, clause_end)
        raw = text[pos:nxt.start() if nxt else clause_end]
    lead = _PRED_LEAD.match(raw)
    pred = _PERFECTIVE_LE.sub("", raw[lead.end():])  # 启动了绿色矿山建设
    if find_quantities(raw) or len(pred) > 18 or len(_HAN.findall(pred)) < 2:
        return "", pos
    return pred, pos + len(raw)


def _counted(text: str, noun: str, q_end: int, clause_end: int, unit: str, bare_pre: str):
    """(name, quote end, whether the name starts with the verb before the number) of what a
    value-first number counts, or None when the sentence does not say.

    77家规上工业企业产业数字化水平达L4以上级别 → 产业数字化水平达L4以上级别的规上工业企业 (the
    count is of enterprises, not a level); 1986家企业启动数字化改造 → 启动数字化改造的企业 (企业
    alone says nothing); 启动建设…等11个项目 → 启动建设项目; 90%以上依申请类服务事项纳入大厅办理
    → the share of items that are.
    """
    pred, pred_end = _predicate(text, q_end, clause_end)
    core = balance_quotes(noun)
    if unit == "%":
        return (noun + pred, pred_end, False) if pred else (noun, q_end, False)
    if (unit.endswith("人") or unit == "名") and not _PERSON_NOUN.search(core):
        # 10多万人返岗就业: the persons are the unit, the words after them what they did
        return (noun + pred + "人数", pred_end if pred else q_end, False)
    attr = ENTITY_ATTRIBUTE.match(core)
    if attr and (unit in _COUNT_UNITS or unit.endswith(("户", "家", "个", "人"))):
        if not pred:
            return None
        return f"{attr.group(2)}{pred}的{attr.group(1)}", pred_end, False
    if GENERIC.match(clean_name(core)):
        if pred:
            return f"{pred}的{noun}", pred_end, False
        verb = _LEAD_VERB.match(bare_pre)
        if verb and bare_pre.endswith("等"):
            return verb.group(0) + noun, q_end, True
        return None
    if pred and unit in _COUNT_UNITS and _HAN_OR_QUOTE.match(text, q_end) and not _ACTION_NOUN.search(core):
        # 4422户逾期商品住房竣工交付: the count is of those the clause says something of
        return f"{pred}的{noun}", pred_end, False
    return noun, q_end, False


_ACTION_NOUN = re.compile(r"(?:治理|改造|整治|建设|提升|新建|改建|扩建|整改|修缮|绿化|搬迁)$")


# Measures that name no thing of their own: whose output, whose stock, which cluster's value
_TOPICLESS = re.compile(r"^(?:年)?(?:出栏|存栏|出栏量|存栏量|产量|总产|总产量|种植面积|播种面积)$|^产业集群(?:产值|营收)$")
_PRODUCE = re.compile(r"生猪|家禽|肉牛|牛羊|水产|粮食|油茶|蔬菜|脐橙|茶叶|水果")
_INDUSTRY_TOPIC = re.compile(r"^([\u4e00-\u9fff]{2,8}?)(?:产业带|产业集群|产业)")


def _topic(text: str, lo: int, pos: int, name: str) -> str:
    """A topicless measure completed from its sentence: 推进生猪复产增养，年出栏630万头 → 生猪年出栏;
    电子信息产业带重点引进…，实现产业集群产值1000亿元 → 电子信息产业集群产值."""
    if not _TOPICLESS.match(name) or match_indicator(name):
        return name
    before = text[lo:pos]
    if name.startswith("产业"):
        m = _INDUSTRY_TOPIC.match(before)
        return m.group(1) + name if m else name
    found = _PRODUCE.findall(before)
    return found[-1] + name if found else name


_PROJECT_END = re.compile(r"(?:项目|工程|建设)$")
_ENTITY_HEAD = re.compile(r".*?(?:项目|工程|企业)")
_TIME_PLACE_LEAD = re.compile(r"^(?:全年|今年|全市|全区|全县|全省|我市|其中|同时|此外)+")
_CLASS_LEAD = re.compile(r"重点|各类|各|新")
_EVENT_VERB = re.compile(r"举办|召开|举行|开展|组织")


def _project_before(text: str, lo: int, pos: int) -> tuple[str, int] | None:
    """The project the clause before `pos` names, with where it starts, when it names one."""
    sep = pos - 1
    while sep > lo and text[sep] not in "，,；;":
        sep -= 1
    if sep <= lo:
        return None
    begin = _last_sep(text, lo, sep)
    clause = text[begin:sep]
    if not _PROJECT_END.search(clause) or _DIGIT.search(clause):
        return None
    m = _PROJECT_CLAUSE.match(clause)
    thing = m.group("thing") if m else ""
    return (thing, begin + m.start("thing")) if is_name(thing) else None


def _entity(noun: str) -> str:
    """The things a count is of: 重点项目稳步推进 → 重点项目."""
    m = _ENTITY_HEAD.match(noun)
    return m.group(0) if m else noun


def _as_written(name_raw: str) -> str:
    """A name with its verbs, without words of time or place (全年累计完成投资 → 累计完成投资)."""
    return _TIME_PLACE_LEAD.sub("", name_raw.strip())


def _weak_name(name: str, text: str, pos: int, clause_end: int):
    """The name itself, None to drop the number, or (better name, its end) when the object
    after the number says what is measured (为企业降低30%经济成本 → 企业经济成本)."""
    if GENERIC.fullmatch(name) and not _CLASS_LEAD.match(name):
        return None  # 乡镇26个: a bare class of things
    prep = _PREPOSITION.match(name)
    verb_end = _BARE_VERB_END.search(name)
    if not prep and not verb_end:
        return name
    obj = noun_after(text, pos, clause_end)
    base = name[prep.end():] if prep else name
    if verb_end and (not obj or _EVENT_VERB.search(name)):
        return None
    if not obj:
        return None if GENERIC.fullmatch(base) else name
    return base + obj, pos + len(obj)


_MEASURED_HEAD = re.compile(r"(?:率|额|值|量|收入|营收|比重|占比|面积|里程|产量)$")
_DONE = re.compile(r"全面|基本|顺利|正式|建成|形成|完成|实现|贯通|通车|开通|投用")


def _listed(name: str) -> list[str] | None:
    """Names a list without 分别/均 stands for: 断面水质优良率、饮用水水源地水质达标率稳定在100% →
    both; 快速路网全面形成、通车里程达127公里 → 快速路网通车里程. None when it is one name."""
    if "、" not in name or "（" in name or "(" in name:
        return None
    parts = name.split("、")
    if all(_MEASURED_HEAD.search(p) and len(p) >= 4 for p in parts):
        return parts
    if _MEASURED_HEAD.search(parts[-1]) and all(_DONE.search(p) for p in parts[:-1]):
        subject = parts[0][:_DONE.search(parts[0]).start()]
        return [subject + parts[-1]] if is_name(subject) else [parts[-1]]
    return None


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


_SHARE_OVER_BAR = re.compile(r"[\u4e00-\u9fff]{2,16}?(?:均|都)?(?:过|超过|超|突破|达到|达)\d")
_OF_THING = re.compile(r"的[\u4e00-\u9fff]")
_TO_END = re.compile(r"[至到]$")
_BOUND_END = re.compile(r"(?:以上|以下)$")
_BOUND_OF = re.compile(r"(?:及以上|及以下|以上的|以下的)")
_CAPACITY_END = re.compile(r"(?:年产|日产|年处理|日处理|日供水|年吞吐|年屠宰|年出栏)$")
_OF_ENTITY = re.compile(r"(?:的)?(?:项目|企业|产业|园区|集群)")


def _is_threshold(text: str, q: Quantity, following: list[Quantity], clause_end: int) -> bool:
    """A bound inside a name rather than a value: 2000万元以上项目368个, 跳闸3次及以上的线路,
    年产1.9万吨高端精细化工 (a plant's capacity in a project name). `following`: the numbers
    after q in its sentence."""
    if not _HAN_OR_QUOTE.match(text, q.end):
        return False  # each case below needs a word right after the number: most numbers have none
    after = text[q.end:q.end + 4]
    if q.unit == "%" and _SHARE_OVER_BAR.match(text, q.end, q.end + 24):
        return False  # 90%以上村集体经营性收入过30万元: the share is the value, 30万元 its bar
    if q.unit != "%" and _OF_THING.match(after) and not _TO_END.search(text[max(0, q.prefix_start - 2):q.prefix_start]):
        return True  # 形成营收500亿元的数字产业集群: the size of the thing named after it
    if q.unit != "%" and _BOUND_END.search(q.qualifier) and _HAN.match(after):
        return True  # 25户以上自然村, 2000万元以上项目
    if _BOUND_OF.match(after) or (
            _CAPACITY_END.search(text[max(0, q.prefix_start - 4):q.prefix_start]) and _HAN_OR_QUOTE.match(after)):
        return True
    if q.unit in _COUNT_UNITS or not (_HAN.match(after) and "以" in q.qualifier or _OF_ENTITY.match(after)):
        return False
    return any(n.prefix_start < clause_end for n in following)  # another number in the clause


def _next_sep(text: str, lo: int, hi: int) -> int:
    m = _CLAUSE_SEP.search(text, lo, hi)
    return m.start() if m else hi


# The last separator in one match: .* runs to the end, then backs off to where a separator
# matches. (Separator matches cannot overlap, and none can start inside another, so the
# last place one matches is where the last of a left-to-right scan starts.)
_LAST_CLAUSE_SEP = re.compile(f".*(?:{_CLAUSE_SEP.pattern})", _CLAUSE_SEP.flags | re.DOTALL)


def _last_sep(text: str, lo: int, hi: int) -> int:
    """Index after the last clause separator in text[lo:hi] (lo when none)."""
    m = _LAST_CLAUSE_SEP.match(text, lo, hi)
    return m.end() if m else lo


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
    to_level_verb = verbs != "" and _TO_LEVEL.search(verbs) is not None
    decline = verbs != "" and not to_level_verb and _DECLINE.search(verbs) is not None
    to_level = to_level_verb or from_to != ""
    out = []
    for name, q in zip(names, group):
        if q.unit == "天" and "天" not in name:
            continue  # 用21天实现…: a duration, not an indicator
        if q.unit == "次":
            continue  # 先后举办3次: how often something was held, not a statistic
        comparator = q.comparator
        qualifier = q.qualifier
        if shared and comparator == "=":
            comparator = shared
            qualifier = last.qualifier
        measure = _measure(q.unit, name, verbs, to_level)
        value, vmax, comparator = signed(q.value, q.value_max, comparator,
                                         decline and measure in ("growth_rate", "pp_change"))
        words = f"{commit};{qualifier}" if commit and qualifier else commit or qualifier
        qs = q.prefix_start if q.prefix_start < quote_start else quote_start  # (min() costs more)
        unit = q.unit
        if unit == "微克" and "每立方米" in verbs:
            unit = "微克/立方米"  # 控制在每立方米26微克以下
        if q.bare_magnitude and _PERSONS.search(name):
            unit = q.unit + "人"  # 114.3万农村贫困人口: ten-thousands of persons
        if measure == "ratio" and _OF_PLAN_END.search(verbs):
            name += "完成年度计划比例"  # 分别完成年计划的134%: not the indicator itself
        out.append(Mention(name, qs, q.end if q.end > quote_end else quote_end, q, value, vmax, comparator, measure,
                           words, estimate, sent, from_to, scope, verbs, unit))
    return out


def mentions(text: str, start: int = 0, end: int | None = None) -> tuple[Mention, ...]:
    """All statements in text[start:end].

    Both the indicators and the targets extractor read every statement of a document:
    the last few results are kept, as tuples of frozen objects that callers cannot change.
    """
    return _mentions(text, start, len(text) if end is None else end)


@lru_cache(maxsize=2)
def _mentions(text: str, start: int, end: int) -> tuple[Mention, ...]:
    qtys = find_quantities(text, start, end)
    # most sentences have no number: go from number to sentence, not through every sentence
    # (the sentence of a number lies between the sentence ends, single characters, around it:
    # the spans `sentences` gives)
    stops = [m.start() for m in _SENTENCE_END.finditer(text, start, end)]
    corrupt = "?" in text or "\ufffd" in text  # (the _CORRUPT marks: no quote to check in a clean text)
    out: list[Mention] = []
    k = 0
    while k < len(qtys):
        n = bisect_left(stops, qtys[k].start)
        s = stops[n - 1] + 1 if n else start
        e = stops[n] if n < len(stops) else end
        sq = []
        while k < len(qtys) and qtys[k].start < e:
            if qtys[k].prefix_start >= s:
                sq.append(qtys[k])
            k += 1
        if not sq:
            continue
        out.extend(m for m in sentence_mentions(text, s, e, sq) if not _CORRUPT.search(m.name) and not (
            corrupt and _CORRUPT.search(text, max(0, m.quote_start - 2), m.quote_end)))
    return tuple(out)


# ASCII question marks and replacement characters in Chinese text mark a corrupted span
# (?!坝H清赣商…): a name next to one cannot be trusted
_CORRUPT = re.compile("[?\ufffd]")


