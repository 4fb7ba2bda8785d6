"""Project names: split a list into items, clean each, tell a named project from a generic one.

Used by `projects.py`, which finds the lists (the objects of 开工/续建/建成 …). The
category vocabulary lives in `schemas/vocab/project_categories.csv` (keyword → category;
`match` is `text` or `regex`).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parents[2] / "schemas" / "vocab"

MARKER = re.compile(r"【\s*\d{1,3}\s*】")
_QUOTE_CHARS = "“”\"「」『』"
# Work heads a report adds after a name (…变电站建设工程, …灌区建设, …等项目前期工作).
_GENERIC_TAIL_WORDS = ("前期规划研究", "前期工作", "规划研究", "项目前期", "建设工程", "工程建设", "项目建设",
                       "建设项目", "建设", "新建", "项目")
GENERIC_TAIL = re.compile(rf"(?:的)?(?:{'|'.join(_GENERIC_TAIL_WORDS)})$")
# An item that counts things is a quota, not a name (新续建8条快速路, 5G基站200个).
COUNTED = re.compile(r"\d+(?:\.\d+)?\s*[余多]?\s*[万千百]?(?:个|所|座|条|家|处|项|批|张|套|栋|户|公里|千米|平方米|万平方米|亩|万亩|人|台|辆)")
# Words that make a phrase a policy, a zone or a goal rather than something built.
NOT_A_PROJECT = re.compile(
    r"集群|产业链|体系|机制|平台|试验区|示范区|先行区|示范县|示范城市|中心城市|副中心|试点|政策|品牌|全覆盖|"
    r"改革|高地|桥头堡|战略|格局|能力|水平|经济带|大湾区|城市群|都市圈|一体化|走廊|网格|队伍|人才|企业|"
    r"清单|任务|目标|指标|比例|行动|活动(?!中心)|工作|服务业|环境|创建|扩区调区|调区扩区|招商|片区开发|"
    r"实现|推动|打造|加强|完善|提高|促进|形成|确保|力争|争取|支持|鼓励|引导|培育|深化|优化|提升.*水平|"
    r"融合发展|发展$|后花园|创成|创建|获批|入选|获评|荣获|被评为|列入|管控|管理|核酸|沿线|互联网\+|的|清零|社会化|新区$|片区$|专业化|城市$|共建$|共享|对接|路网|"
    r"循环化|绿色化|智能化|数字化|帮扶|对口|实验区|先导区|争创|阵地|试点|强县|强市|强区"
)
# Modifiers that name a kind of thing, not one thing (农村公路, 公办幼儿园, 城市停车场).
GENERIC_WORDS = (
    "农村", "城乡", "乡村", "城市", "县城", "城区", "乡镇", "集镇", "社区", "公办", "民办", "普惠性", "普惠",
    "新型", "智慧", "老旧", "一批", "各类", "各地", "所有", "全部", "重点", "重大", "大型", "大中型", "中小型",
    "小型", "标准化", "高标准", "高水平", "区域性", "区域", "国家级", "省级", "市级", "县级", "国家", "全国",
    "全省", "配套", "基础", "公共", "应急", "备用", "生活", "集中", "污水", "垃圾", "建筑", "停车", "充电",
    "保障性", "租赁", "产业", "特色", "示范", "现代化", "新建", "改造", "提升", "建设", "项目", "工程", "设施",
    "一般", "工业", "低效", "闲置", "护理型", "职业", "中等", "技工", "高职", "二级", "三级", "一级",
    "嵌入式", "综合性", "综合", "标准", "中心", "人民", "中医", "市政", "管网", "小区", "矿山", "废弃", "露天",
    "优质", "保安", "高效", "延伸", "二次", "货车", "公益性", "桥梁", "道路", "通用", "控制性", "处理", "公用",
)
_WORK_END = re.compile(r"(?:改造|治理|修复|整治|提升|保护|利用|处理|设施)$")
# a capacity without a name (建成1.1万吨污水处理设施)
_CAPACITY_FIRST = re.compile(r"^\d+(?:\.\d+)?[万千百]?(?:吨|立方米|千瓦|兆瓦|千伏安|床|张床)")
GENERIC_LEAD = re.compile(r"^(?:县乡|村|区域性|若干|基层|县级|乡级|乡镇|农村|城乡|各|全市|全县|全区|一批|所有|新一轮|中小学|社区|村级)")
OWN_PREFIX = re.compile(r"^市(?![民场政区级域])")


@dataclass(frozen=True)
class Keyword:
    text: str  # the keyword, or a regular expression when `pattern` is set
    category: str
    pattern: re.Pattern[str] | None = None


@lru_cache(maxsize=1)
def keywords() -> tuple[Keyword, ...]:
    """The category vocabulary (`match` is `text` or `regex`)."""
    out = []
    with open(VOCAB_DIR / "project_categories.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kw = row["keyword"]
            out.append(Keyword(kw, row["category"], re.compile(kw) if row.get("match") == "regex" else None))
    return tuple(out)


@lru_cache(maxsize=1)
def _keywords_by_first_char() -> tuple[dict[str, set[int]], set[int]]:
    """Indexes into `keywords()`: by each character a match may start with, and those to
    try on every name (patterns whose first characters are unknown).

    A keyword can only occur in a name holding its first character, so a name is tried
    against a handful of keywords instead of all of them.
    """
    by_char: dict[str, set[int]] = {}
    always = set()
    for i, k in enumerate(keywords()):
        starts = k.text[0] if k.pattern is None else _first_chars(k.text)
        if starts is None:
            always.add(i)
        for ch in starts or ():
            by_char.setdefault(ch, set()).add(i)
    return by_char, always


@lru_cache(maxsize=8192)
def keyword_spans(name: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, category) of every category keyword in `name`, in vocabulary order."""
    by_char, always = _keywords_by_first_char()
    tried = set(always)
    for ch in set(name):
        tried.update(by_char.get(ch, ()))
    vocabulary = keywords()
    spans = []
    for i in sorted(tried):  # vocabulary order: category_of breaks ties by the first keyword found
        k = vocabulary[i]
        if k.pattern is not None:
            spans.extend((m.start(), m.end(), k.category) for m in k.pattern.finditer(name))
            continue
        at = name.find(k.text)
        while at >= 0:
            spans.append((at, at + len(k.text), k.category))
            at = name.find(k.text, at + 1)
    return tuple(spans)


_LEADING_ASSERTIONS = re.compile(r"(?:\^|\(\?<?[!=](?:[^()\\]|\\.)*\))*")
_SIMPLE_CLASS = re.compile(r"\[([^\]\\^-]+)\]")
_METACHARACTERS = set(".^$*+?{}[]\\|()")


def _first_chars(pattern: str) -> str | None:
    """The characters a match of `pattern` may start with, None when unknown.

    Anchors and lookarounds at the front are skipped: they depend on what surrounds a name,
    while the first character a match consumes is in the name whatever surrounds it. Only
    a plain character or a plain class of characters is read; anything else (escapes,
    groups, flags, an optional first item) gives None, and the keyword is always tried.
    """
    rest = pattern[_LEADING_ASSERTIONS.match(pattern).end() :]
    if match := _SIMPLE_CLASS.match(rest):
        chars, after = match.group(1), rest[match.end() :]
    elif rest and rest[0] not in _METACHARACTERS:
        chars, after = rest[0], rest[1:]
    else:
        return None
    if after[:1] in ("*", "?") or after.startswith("{0"):
        return None  # the first item may match nothing
    return chars


@lru_cache(maxsize=1)
def keyword_hint() -> re.Pattern[str] | None:
    """Matches wherever a category keyword may start in a text; None when any text may hold one.

    A text keyword is matched whole, a regular expression by the characters its matches
    start with: a name holds a keyword only if the text it was cut from matches this.
    """
    literal = [k.text for k in keywords() if k.pattern is None]
    pattern_starts = [_first_chars(k.text) for k in keywords() if k.pattern is not None]
    if None in pattern_starts:
        return None
    pattern_classes = [f"[{re.escape(chars)}]" for chars in pattern_starts]
    # the class of all first characters up front lets `re` skip the other positions quickly
    first_chars = "".join(dict.fromkeys("".join(w[0] for w in literal) + "".join(pattern_starts)))
    return re.compile(f"(?=[{re.escape(first_chars)}])(?:{prefix_tree(literal, pattern_classes)})")


def prefix_tree(words: Sequence[str], extra: Sequence[str] = ()) -> str:
    """A regular expression matching any of `words` (longest first at a position), as a tree.

    `re` tries the alternatives of `a|b|c…` one by one at each position; sharing prefixes
    (`高(?:速|铁)`) lets it drop most of them on the first character. `extra` are further
    alternatives, tried after the words.
    """
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(ch) + render(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        alternation = "(?:" + "|".join(branches) + ")"
        return alternation + "?" if "" in node else alternation

    return "|".join([render(tree)] + list(extra)) if tree else "|".join(extra)


_TRAILING_BRACKET = re.compile(r"[（(][^）)]*[）)]$")


def category_of(name: str) -> str | None:
    """The category of the head keyword: the one ending last (ties: the longest)."""
    spans = keyword_spans(_TRAILING_BRACKET.sub("", name) if ")" in name or "）" in name else name)
    if not spans:
        return None
    return max(spans, key=lambda s: (s[1], s[1] - s[0]))[2]


# one pass for both: a marker holds no quote mark, and dropping one joins no marker
# (`【1“】` keeps its 【1】 either way)
_MARKER_OR_QUOTE = re.compile(f"{MARKER.pattern}|[{re.escape(_QUOTE_CHARS)}]")


def display_name(item: str) -> str:
    """An item as a name: without glossary markers and quote marks."""
    return _MARKER_OR_QUOTE.sub("", item).strip()


def may_hold_keyword(text: str, start: int, end: int) -> bool:
    """Whether a name cut from text[start:end] may hold a category keyword.

    The name is a piece of the text, or pieces of it joined where `display_name` dropped
    markers and quote marks: it holds a keyword only if the text does once they are dropped.
    """
    hint = keyword_hint()
    if hint is None or hint.search(text, start, end):
        return True
    if _MARKER_OR_QUOTE.search(text, start, end):
        return hint.search(display_name(text[start:end])) is not None
    return False


def strip_tail(item: str) -> str:
    """Drop generic work heads after the name (变电站建设工程 → 变电站)."""
    prev = None
    while prev != item:
        prev = item
        # (most items end in no such head: they are not searched)
        item = (GENERIC_TAIL.sub("", item) if item.rstrip().endswith(_GENERIC_TAIL_WORDS) else item).rstrip()
    return item


def split_items(region: str) -> list[tuple[int, int]]:
    """Spans of the items of a list: `、` outside brackets and quotes, then 和/及 between items.

    `和` splits when either side is a short bare modifier (石城和龙南通用机场) or both sides
    hold a category keyword; `及`/`以及` only when the left side is a complete item; `与`
    never (济广与厦蓉高速会昌联络线 is one road).
    """
    spans, depth, start = [], 0, 0
    for m in _ITEM_PUNCTUATION.finditer(region):  # other characters change nothing
        i, ch = m.start(), m.group()
        if ch == "“" and i > start and region[i - 1] == "”" and depth == 0:
            spans.append((start, i))  # “赣闽联网”“特高压入赣”: two names
            start = i
        if ch in "（(《“「":
            depth += 1
        elif ch in "）)》”」" and depth:
            depth -= 1
        elif ch == "、" and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(region)))
    out = []
    for s, e in spans:
        out.extend(_split_join(region, s, e))
    return [(s, e) for s, e in out if e > s]


_ITEM_PUNCTUATION = re.compile(r"[（(《“「）)》”」、]")
_JOIN = re.compile(r"以及|和|及")


def _split_join(region: str, s: int, e: int) -> list[tuple[int, int]]:
    text = region[s:e]
    if "和" not in text and "及" not in text:
        return [(s, e)]
    for m in _JOIN.finditer(text):
        left, right = text[: m.start()], text[m.end():]
        if not left or not right or _inside_brackets(text, m.start()):
            continue
        lk, rk = bool(keyword_spans(left)), bool(keyword_spans(right))
        bare_left = not lk and len(display_name(left)) <= 4
        if (m.group(0) == "和" and ((lk and rk) or (bare_left and rk) or (lk and _quoted(right) is False and len(right) <= 4)
                                   or (_quoted(left) and rk))) or (m.group(0) != "和" and lk and rk):
            return [(s, s + m.start())] + _split_join(region, s + m.end(), e)
    return [(s, e)]


def _quoted(text: str) -> bool:
    return text.startswith("“") and text.endswith("”")


def _inside_brackets(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[:pos]:
        if ch in "（(《“":
            depth += 1
        elif ch in "）)》”" and depth:
            depth -= 1
    return depth > 0


_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z]")


def is_bare(name: str) -> bool:
    """A short modifier without a head (寻龙 in 寻龙、信雄高速): it shares the next item's head.

    A place name (up to four characters) or a short code (后港220KV); a longer headless
    item in a `等…项目` list is a name of its own (阿里赣州中心).
    """
    short = len(name) <= 4 or (len(name) <= 10 and _LATIN_OR_DIGIT.search(name) is not None)
    return 0 < len(name) and short and not keyword_spans(name) and not COUNTED.search(name)


_JOIN_WORD = re.compile(r"及|和|与")


def distribute(names: list[str], raw_items: list[str]) -> list[str]:
    """Complete a head written once after a run of bare items.

    `后港220KV、杨范110KV变电站` → 后港220KV变电站, 杨范110KV变电站; `石城和龙南通用机场`
    → 石城通用机场, 龙南通用机场. The head is what follows, in the item after the run, a
    prefix as long as the bare item before it, and must hold a category keyword
    (兴国、于都、宁都垃圾焚烧发电厂 → 垃圾焚烧发电厂); otherwise nothing is completed.
    """
    out = list(names)
    shares_head = [is_bare(names[i]) and "“" not in raw_items[i] for i in range(len(names))]
    if not any(shares_head):
        return out
    i = 0
    while i < len(names):
        if not shares_head[i]:
            i += 1
            continue
        j = i
        while j < len(names) and shares_head[j]:
            j += 1
        if j < len(names):
            head_item, k = names[j], len(names[j - 1])
            suffix = head_item[k:]
            if (0 < k < len(head_item) and keyword_spans(suffix) and not keyword_spans(head_item[:k])
                    and not _JOIN_WORD.search(suffix)):
                for r in range(i, j):
                    out[r] = names[r] + suffix
        i = j + 1
    return out


_COUNTED_HEAD = re.compile(r"^(?P<pre>.+?)等[\d一二三四五六七八九十]+[所座条个家处](?P<head>[^，。；、]+)$")


def counted_item(item: str) -> tuple[str, str] | None:
    """`流芳等5座大桥` → (流芳, 大桥): an example named before a counted kind."""
    m = _COUNTED_HEAD.match(item) if "等" in item else None
    if not m:
        return None
    head = strip_tail(m.group("head"))
    spans = keyword_spans(head)
    pre_category = category_of(m.group("pre"))
    if pre_category and (not spans or pre_category == category_of(head)):
        return m.group("pre"), ""  # 马鞍山路等5条园区道路: the example is complete
    if not spans:
        return None
    return m.group("pre"), head[: max(e for _, e, _ in spans)]


# the generic words longest first, and their ranks in that order by first character:
# removing words only removes characters, so a word whose first character is not in the
# name is never removed
_GENERIC_LONGEST_FIRST = sorted(GENERIC_WORDS, key=len, reverse=True)
_GENERIC_BY_FIRST_CHAR: dict[str, list[int]] = {}
for rank, word in enumerate(_GENERIC_LONGEST_FIRST):
    _GENERIC_BY_FIRST_CHAR.setdefault(word[0], []).append(rank)
del rank, word
_GENERIC_FILLER = re.compile(r"[（()）\s、及和与]")
# two characters that neither a generic word nor the filler between words holds
_GENERIC_CHARS = re.escape("".join(sorted(set("".join(GENERIC_WORDS)) | set("（()）、及和与"))))
_TWO_PROPER_CHARS = re.compile(rf"[^{_GENERIC_CHARS}\s][\s\S]*?[^{_GENERIC_CHARS}\s]")


def is_generic(name: str) -> bool:
    """Whether the name names a kind of thing rather than one thing (农村公路, 污水处理厂)."""
    if OWN_PREFIX.match(name):
        return False  # 市儿童医院: the government's own
    rest = name
    for s, e, _ in sorted(keyword_spans(name), key=lambda x: x[0] - x[1]):
        rest = rest.replace(name[s:e], "")
    if _TWO_PROPER_CHARS.search(rest):
        return False  # no generic word holds them: at least two characters stay
    ranks = [r for ch in set(rest) for r in _GENERIC_BY_FIRST_CHAR.get(ch, ())]
    for rank in sorted(ranks):
        rest = rest.replace(_GENERIC_LONGEST_FIRST[rank], "")
    rest = _GENERIC_FILLER.sub("", rest)
    return len(rest) < 2


_CLAUSE_PUNCTUATION = re.compile(r"[，。；：]")


def is_project_name(name: str, listed: bool) -> bool:
    """A named project: a category keyword (or a place in a `等…项目` list), not generic or counted."""
    if not 2 <= len(name) <= 40 or COUNTED.search(name) or NOT_A_PROJECT.search(name):
        return False
    if "等" in name or _CLAUSE_PUNCTUATION.search(name) or GENERIC_LEAD.match(name) or _CAPACITY_FIRST.match(name):
        return False
    if not keyword_spans(name) and (not listed or _WORK_END.search(name)):
        return False  # a listed item without a keyword must be a thing, not a kind of work
    return not is_generic(name)


# --- project_key -------------------------------------------------------------------------

_KEY_DROP_CHARS = "“”‘’\"'《》〈〉「」『』【】[]()（）*·•　 "
_KEY_DROP = re.compile(f"[{re.escape(_KEY_DROP_CHARS)}]")
# Work done on a thing is not a different thing: G206…段改建 and G206…段改造 are one project.
_WORK_SUFFIX_WORDS = ("提升改造", "升级改造", "改造提升", "改扩建", "扩建", "改建", "改造", "迁建", "新建", "重建", "扩容",
                      "扩能", "除险加固", "节水改造", "建设", "工程", "项目")
_WORK_SUFFIX = re.compile(rf"(?:{'|'.join(_WORK_SUFFIX_WORDS)})$")
_OWNERS = ("华能", "大唐", "华电", "国电", "国家电投", "中广核", "华润")
_RAILWAY = re.compile(r"高速铁路|城际铁路|高铁")
_PHASE_ONE = re.compile(r"一期$")
_ROUTE = re.compile(r"^([\u4e00-\u9fff]{2})至([\u4e00-\u9fff]{2})(?:至([\u4e00-\u9fff]{2}))?(高速|铁路)(.*)$")


def project_key(name: str) -> str:
    """Key that links mentions of one project across documents and stages.

    NFKC, upper-case Latin (220kV = 220KV), quotes, brackets and spaces removed; a leading
    marker of the government's own institution (市儿童医院 → 儿童医院) or a power company
    (华能瑞金电厂 → 瑞金电厂) dropped; 高铁/高速铁路/城际铁路 → 铁路 and 高速公路 → 高速;
    a route written in full shortened as reports do (遂川至大余高速 → 遂大高速); phase 1 is
    the project itself (信丰电厂一期 = 信丰电厂), while 二期, 三期 … stay distinct projects;
    trailing work words (改扩建, 改造, 除险加固, 建设, 工程, 项目 …) are dropped, so the
    project is followed from 启动…改造 to 完成…改建.
    """
    # (each rewrite only when the characters it needs are there: most keys need few of them;
    # dropping 【】 leaves no glossary marker to remove)
    key = _KEY_DROP.sub("", unicodedata.normalize("NFKC", name)).upper()
    if key.startswith("市"):
        key = OWN_PREFIX.sub("", key)
    if key.startswith(_OWNERS):
        for owner in _OWNERS:
            if key.startswith(owner) and len(key) > len(owner) + 2:
                key = key[len(owner):]
    if "铁" in key:
        key = _RAILWAY.sub("铁路", key)
    key = key.replace("高速公路", "高速")
    m = _ROUTE.match(key) if "至" in key else None
    if m:
        key = m.group(1)[0] + m.group(2)[0] + (m.group(3)[0] if m.group(3) else "") + m.group(4) + m.group(5)
    prev = None
    while prev != key:
        prev = key
        if key.rstrip().endswith(_WORK_SUFFIX_WORDS):
            stripped = _WORK_SUFFIX.sub("", key)
            key = stripped if len(stripped) >= 2 else key
    if "一期" in key:
        key = _PHASE_ONE.sub("", key) or key
    return key
