"""Names of indicators as reports write them: where a name stops, what it means.

`split_name` separates a name from the verb words before its number (GDP|增长); `clean_name`
drops words that only say when or where; `distribute` expands a shared head (城镇、农村居民
人均可支配收入 → 城镇居民…, 农村居民…); `noun_after` reads the name that follows a count
(建成|582个|省大中型项目).
"""

from __future__ import annotations

import re

from .vocabulary import match_indicator, strip_filler

# Verb-ish words between a name and its number, stripped from the end of the name.
_VERB_TAIL = re.compile(
    r"(?:同比|同口径|比上年|较上年|比去年|较去年|较\d{4}年|比\d{4}年|较三年前|较五年前|年均|平均|"
    r"分别|均|各|逐年|累计|合计|总计|共|已|已经|全部|大幅|稳步|持续|进一步|"
    r"增长|增加|增|提高|提升|上升|上涨|下降|降低|减少|压减|调减|回落|下滑|压降|压缩|降|"
    r"增至|增加到|提高到|提高至|提升至|提升到|上升到|上升至|扩大到|扩大至|降至|降到|下降到|减少到|减少至|"
    r"达到|达|完成|实现|突破|超过|超|保持|稳定|为|是|在|至|到|有|超额完成|再|可|可以|能|能够|将|向|每立方米|控制|保持|稳定|"
    r"有望|预计|可望)$"
)
# Not the name of an indicator: honours, ranks, counts of indicators, bare time words.
# (In three patterns: one whose every branch starts with a fixed character is searched
# many times faster than one mixing those with anchors and classes, and is_name is hot.)
_NAME_STOP = re.compile(
    r"荣誉|奖项|称号|表彰|表扬|位次|排名|名次|指标$|方面|周年|届|第|倍$|年度$|年$|大关|获评|入选|荣获|"
    r"等$|%|％|之内$|范围内$|距离内$|之中$"  # 南山区等 (examples, not a name), a place, a share
)
_NAME_STOP_WHOLE = re.compile(r"^(?:工作|剩余|最后|其中|现行标准下|仅用|用|全面|先后)$")
_NAME_STOP_LETTER_COUNT = re.compile(r"[A-Za-z]个$")
# Names of a class of things that say nothing on their own: 企业, 项目, 乡镇 … (what is
# counted is what the sentence says about them: 1986家企业启动数字化改造)
GENERIC = re.compile(
    r"^(?:重点|各类|各|相关|其他|其余|一批|这些|新)?"
    r"(?:企业|公司|项目|单位|机构|开发区|园区|乡镇|乡|镇|村|县|县区|社区|线路|道路|居民|群众|人|人员|"
    r"家庭|户|事项|地块|案例|主体|个人|平台|基地|工程|产业集群|集群|资金|问题|任务|目标)$"
)
# An entity followed by one of its attributes: 规上工业企业|产业数字化水平
ENTITY_ATTRIBUTE = re.compile(
    r"^(.*?(?:企业|公司|项目|单位|机构|开发区|园区|乡镇|村|县|社区|学校|医院|户|居民|群众|人口|农户))"
    r"(.{2,}(?:水平|能力|率|收入|营收|产值|规模|效益|面积|总量|总额|额|量|等级|级别|指数))$"
)
# at least two Chinese characters or Latin letters (a name, a noun)
_TWO_CJK = re.compile(r"[\u4e00-\u9fffA-Za-z][^\u4e00-\u9fffA-Za-z]*[\u4e00-\u9fffA-Za-z]")
_VERB_START = re.compile(r"增|提|扩|降|减|到|至|达|为|比|较(?=\d|上年|去年)|同比|分别|均|占|超|突破|以上|以下|左右|的|和|及|与|或|等")
# Where the name after a count stops (582个省大中型项目|超额完成…).
_NOUN_STOP = re.compile(
    r"\d|就|顺利|荣获|实现|完成|全部|均|获|入选|成为|启动|达到|达|建成|纳入|通过|进入|超额|顺利|参保|被|在|得到|基本|已|正在|"
    r"实施|齐聚|投产|开业|竣工|分别|录取|用上|奋战|惠及|提升|转化|进行|，|,|。|、|；|：|（|\(|【|及以上"
)
PLACES = re.compile(r"各[县区市乡镇地]|县城|[\u4e00-\u9fff]{2,3}(?:、[\u4e00-\u9fff]{2,3})+|[\u4e00-\u9fff]{2}[县区市]")
_QUOTES = re.compile("[“”]")
_NOTE_MARK = re.compile(r"【\d+】|\[\d+\]")
_TARGET_YEAR_LEAD = re.compile(r"^(?:力争|确保|争取)?(?:到|至|在|于)?(?:20\d\d年|“?十[一二三四五六]五”?)(?:底|末|前|内|时)?")
_TARGET_YEAR_FIRST_CHARS = frozenset("力确争到至在于2“十")
_TRAILING_DE = re.compile(r"的$")
_REDUPLICATED_END = re.compile(r"(?<=[\u4e00-\u9fff]{2})([\u4e00-\u9fff])\1$")
_NUMBER_IN_NAME = re.compile(r"(?<![A-Za-z])\d+\.\d|\d(?:分钟|小时|年|月|天)")
_DIGIT = re.compile(r"\d")
_CJK_START = re.compile(r"[\u4e00-\u9fff“]")
_NOUN_TAIL = re.compile(r"(?:全面|全部|基本|均|都|已|已经|正在|先后|顺利)$")
_THRESHOLD_VERB_TAIL = re.compile(r"(?:均|都|分别|各)?(?:超过|超|突破|达到|达|过|近|约|逾)$")
_SCOPE_LEAD = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:经开区|高新区|开发区|综保区|新区|工业园区?))(?=[\u4e00-\u9fff]{2})")


def split_name(pre: str) -> tuple[str, str]:
    """Split the text before a number into (name, verb words)."""
    verbs = ""
    name = pre
    while True:
        m = _VERB_TAIL.search(name)
        if not m or m.start() == 0 and len(name) > len(m.group(0)):
            break
        verbs = m.group(0) + verbs
        name = name[: m.start()]
        if not name:
            break
    return name, verbs


def balance_quotes(name: str) -> str:
    """Quote marks in pairs: “X” around the whole name goes, an unpaired “ or ” goes,
    a pair inside stays (“5020”项目, 新增村级“爱心食堂”)."""
    if "“" not in name and "”" not in name:
        return name  # nothing to balance (most names)
    if name.startswith("“") and name.endswith("”") and not _QUOTES.search(name[1:-1]):
        return name[1:-1]
    keep = [True] * len(name)
    opened: list[int] = []
    for i, ch in enumerate(name):
        if ch == "“":
            opened.append(i)
        elif ch == "”":
            if opened:
                opened.pop()
            else:
                keep[i] = False
    for i in opened:
        keep[i] = False
    return "".join(ch for ch, k in zip(name, keep) if k)


def clean_name(name: str) -> str:
    # (each regex only when the characters it needs are there: most names need none)
    if "【" in name or "[" in name:
        name = _NOTE_MARK.sub("", name)
    if name[:1] in _TARGET_YEAR_FIRST_CHARS:
        name = _TARGET_YEAR_LEAD.sub("", name)
    name = name.strip(" 　\"'（(")
    name = strip_filler(balance_quotes(name))
    name = name.strip("、")
    if name.endswith(("的", "的\n")):
        name = _TRAILING_DE.sub("", name)
    # 村集体经济经营性收入村村: a reduplicated word says "every", not what is measured
    if name[-1:] == name[-2:-1] or name.endswith("\n"):
        name = _REDUPLICATED_END.sub("", name)
    return balance_quotes(name)


def is_name(name: str) -> bool:
    return (_TWO_CJK.search(name) is not None and _NAME_STOP.search(name) is None
            and _NAME_STOP_WHOLE.search(name) is None
            and not ("个" in name and _NAME_STOP_LETTER_COUNT.search(name))
            and not (_DIGIT.search(name) and _NUMBER_IN_NAME.search(name)))


_URBAN_RURAL = re.compile(r"^城乡居民")
_AND_RURAL = re.compile(r"(?<=[\u4e00-\u9fff])(?:和|及|与)(?=农村)")
_LIST_ITEM_SEP = re.compile(r"、|和(?=[^、]*$)")
_COUNTED_CLASS = re.compile(r"[一二三四五六七八九十两\d]+(?:大|个|项)(?=[\u4e00-\u9fff])")


def distribute(names_text: str) -> list[str]:
    """`城镇、农村居民人均可支配收入` → [城镇居民人均可支配收入, 农村居民人均可支配收入]."""
    text = _URBAN_RURAL.sub("城镇、农村居民", names_text)
    text = _AND_RURAL.sub("、", text)
    parts = [p for p in _LIST_ITEM_SEP.split(text) if p]
    if len(parts) < 2:
        return [names_text]
    parts = [_COUNTED_CLASS.sub("", p) for p in parts]
    last = parts[-1]
    out = []
    for p in parts[:-1]:
        out.append(_share_head(p, last))
    out.append(parts[-1])
    return out


# the words a name can end with that say what is measured (率, 产值 …) or counted (企业 …)
_MEASURE_HEAD = re.compile(r"(?:率|额|值|量|数|收入|营收|比重|占比|规模|面积|里程|人次|支出|投资)$")
_ENTITY_HEAD = re.compile(r"(?:企业|公司|基地|园区|项目|机构|学校|医院)$")


def _share_head(p: str, last: str) -> str:
    """The name an item of a distributive list stands for, completed from the last item.

    满意和基本满意率 → 满意率; 代表、委员满意率 → 代表满意率; 纺织服装、电子信息产业集群产值 →
    纺织服装产业集群产值; …生猪、…家禽企业各5家 → …生猪企业. An item that is a name on
    its own (接待游客人次、旅游收入, 脐橙、蔬菜、高产油茶林) stays as it is.
    """
    if match_indicator(p) or _MEASURE_HEAD.search(p) or p == last:
        return p
    k = last.find(p)
    if k > 0:  # 满意 in 基本满意率: the item is a part of the last name, before its head
        return p + last[k + len(p):] if k + len(p) < len(last) else p
    if last.startswith(p):
        return last
    head = last[len(p):]
    if len(p) <= len(last) / 2 and len(head) >= 4:
        return p + head  # a short modifier shares the head of the last item
    if len(p) <= len(last) / 2 and len(head) >= 2 and _MEASURE_HEAD.search(head):
        return p + head  # 代表 + (委员)满意率
    m = _ENTITY_HEAD.search(last)
    if m and not _ENTITY_HEAD.search(p) and len(p) >= 4:
        return p + m.group(0)
    return p


def split_scope(name: str) -> tuple[str, str]:
    m = _SCOPE_LEAD.match(name) if "区" in name or "园" in name else None
    if m and not match_indicator(name):
        return m.group(1), name[m.end():]
    return "", name


def elided(name: str, previous: str) -> str:
    """Complete a short name from its sibling when the vocabulary knows the result."""
    for k in range(2, len(previous)):
        if match_indicator(previous[:k] + name):
            return previous[:k] + name
    return name


def noun_after(text: str, pos: int, end: int) -> str:
    """The noun phrase right after a quantity (582个省大中型项目 → 省大中型项目)."""
    if pos >= end or not _CJK_START.match(text, pos) or _VERB_START.match(text, pos):
        return ""
    m = _NOUN_STOP.search(text, pos, min(end, pos + 24))
    if m and m.start() - pos > 16 and not m.group(0).isdigit():
        m = None  # a long phrase without a stop within reach: not one noun
    noun = text[pos: m.start() if m else min(end, pos + 16)]
    noun = _NOUN_TAIL.sub("", noun)
    if m and m.group(0).isdigit():
        noun = _THRESHOLD_VERB_TAIL.sub("", noun)  # 企业营收超|50亿元: a threshold follows
    return noun if _TWO_CJK.search(noun) else ""
