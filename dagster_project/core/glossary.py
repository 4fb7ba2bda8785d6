"""The glossary annex of a report (名词解释 / 名词注释): one row per numbered entry.

An entry is `1.两城两谷两带：新能源汽车科技城、现代家居城…` (also `1．`, `1、`, `（1）`, `①`).
Its definition runs to the next entry, across a page break when the line before the break
does not end a sentence. Besides the definition the row carries:

- `term_key`: the term without quotes, brackets and spaces (NFKC), with a generic head
  outside the quoted label dropped (`“5020”项目` → `5020`, `“市县同权”改革` → `市县同权`), so
  the same slogan joins across documents. A compound entry that defines each of its parts
  (`三大战略、八大行动：“三大战略”即…；“八大行动”即…`) gets the key of each part, `;`-joined.
- `members`: the items the definition enumerates, `;`-joined. The term's count words guide
  the split (`两城两谷两带` → 6 items, `十个清零` → 10 clauses); a compound entry lists the
  items of each part; a shared head written once on the last item is completed on the
  others (`实力、数智、人文、美丽、幸福章贡` → 实力章贡;数智章贡;…).
- `ref_count`, `first_ref_start`: references in the body, by `【n】` markers when the
  document has any, else by occurrences of the term (quotes ignored).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from dagster_project.core.context import DocContext
from dagster_project.core.sections import GLOSSARY_TITLE, build_sections

MARKER = re.compile(r"【\s*(\d{1,3})\s*】")
# an entry number at the start of a line: 1.  1．  1、  （1）  (1)
_ENTRY_AT_LINE = re.compile(r"^[ \t]*(?:[（(](\d{1,3})[)）]|(\d{1,3})[ \t]*[.．、]|([①-⑳]))[ \t]*(?=\S)", re.M)
# the same after a sentence end, for annexes printed as one paragraph
_ENTRY_IN_LINE = re.compile(r"(?<=[。；;])[ \t]*(?:[（(](\d{1,3})[)）]|(\d{1,3})[ \t]*[.．、]|([①-⑳]))[ \t]*(?=\S)")
_TERM_SEP = re.compile(r"[：:]|——")
_MAX_TERM = 40
_SENTENCE_END = tuple("。！？!?")

_QUOTES_BRACKETS = "“”‘’\"'《》〈〉「」『』【】[]()（）*"
# what `bare` drops: quotes, brackets, markup and spaces, in one pass
_NOT_IN_KEY = re.compile(f"[{re.escape(_QUOTES_BRACKETS)}\\s]+")
_OPEN_QUOTE = "“\"「『"
_CLOSE_QUOTE = "”\"」』"
# Generic heads a report may add to or drop from a slogan (“5020”项目 / 5020), dropped from
# the key when written after a quoted label; never when what is left ends in a counter (十大).
_GENERIC_HEADS = ("行动计划", "项目", "工程", "建设", "改革", "行动", "计划", "活动")
_COUNTER_END = tuple("大个项种条类型字")

_NUMERAL = re.compile(r"\d+(?:\.\d+)?|[一二两三四五六七八九十百千双]+")
_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "双": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PART = re.compile(r"^[“\"]?([^“”\"，。；、即：:]{1,12}?)[”\"]?(?:即|是|：|:)")
_LIST_JOIN = re.compile(r"以及|和|及|与")
_ITEM_FORBIDDEN = re.compile(r"[，。；：;:,]")
_AFTER_CLOSE_QUOTE = re.compile(r".*[”\"」』](.+)")
_PIECE_SEP = re.compile(r"[、，,]")
_NOT_COUNTED = re.compile(r"合一$|第[一二三四五六七八九十\d]+")
_TENS = re.compile(r"([二三四五六七八九])?十([一二三四五六七八九])?")
_SHORT_ITEMS = re.compile(r"[^，。；：、“”]{1,30}(?:、[^，。；：、“”]{1,30})+")
_BEFORE_FIRST_ITEM = re.compile(r"[的即为是括]")
_AFTER_LAST_ITEM = re.compile(r"等|的")
_DEFINITION_LEAD = re.compile(r"^(?:即|是|指)")
_QUOTED = re.compile(r"[“\"]([^“”\"]+)[”\"]")
_QUOTED_LABEL = re.compile(r"[“\"「『].+?[”\"」』](.+)")
_COUNTER = re.compile(r"^[个大项种类条]")
_PART_SEP = re.compile(r"[；;]")
_OPENING = "（(《“「『"
_CLOSING = "）)》”」』"


def extract_glossary(text: str, doc: DocContext) -> list[dict]:
    """One row per glossary entry of `text` (see the module docstring for the fields)."""
    regions = _glossary_regions(text)
    if not regions:
        return []
    body = _body_spans(text, regions)
    markers: dict[int, list[int]] = {}  # note number → offsets of its markers, in text order
    for s, e in body:
        for m in MARKER.finditer(text, s, e):
            markers.setdefault(int(m.group(1)), []).append(m.start())
    rows = []
    squeezed_body = None
    for _, start, end in regions:
        for note_no, term, d_start, d_end in _entries(text, start, end):
            definition = text[d_start:d_end]
            if markers:
                refs = markers.get(note_no, [])
            else:
                if squeezed_body is None:  # built once, for the first entry that needs it
                    squeezed_body = _squeeze(text, body)
                refs = _term_refs(text, squeezed_body, term)
            rows.append({
                "doc_id": doc.doc_id,
                "note_no": note_no,
                "term": term,
                "term_key": term_key(term, definition),
                "definition": definition,
                "members": ";".join(members(term, definition)),
                "ref_count": len(refs),
                "first_ref_start": min(refs) if refs else None,
                "char_start": d_start,
                "char_end": d_end,
            })
    return rows


def check_glossary_markers(text: str, rows: list[dict]) -> list[str]:
    """Problems of one document's glossary: body markers with no entry, repeated entry numbers."""
    problems = []
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        key = (str(row.get("doc_id", "")), int(row["note_no"]))
        seen[key] = seen.get(key, 0) + 1
    for (doc_id, note_no), n in sorted(seen.items()):
        if n > 1:
            problems.append(f"{doc_id}: glossary entry {note_no} appears {n} times")
    numbers = {note_no for _, note_no in seen}
    for s, e in _body_spans(text, _glossary_regions(text)):
        for m in MARKER.finditer(text, s, e):
            if int(m.group(1)) not in numbers:
                problems.append(f"marker {m.group(0)} at {m.start()} has no glossary entry")
    return problems


# --- the annex and its entries ----------------------------------------------------------

def _glossary_regions(text: str) -> list[tuple[int, int, int]]:
    """(title start, first entry line, end) of each glossary section of the text."""
    if not GLOSSARY_TITLE.search(text):
        return []  # a glossary section is one whose heading names it (no need to build them all)
    regions = []
    for sec in build_sections(text):
        if sec.kind == "glossary" and sec.level == 1:
            line_end = text.find("\n", sec.start, sec.end)
            regions.append((sec.start, sec.end if line_end < 0 else line_end + 1, sec.end))
    return regions


def _body_spans(text: str, regions: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The text outside the glossary sections, their titles included."""
    spans, pos = [], 0
    for title, _, end in regions:
        spans.append((pos, title))
        pos = end
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _entry_starts(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(number, start of the number, start of the term) of each entry, in order.

    A number opening a line starts an entry; one after a sentence end inside a line only
    when it is the next number (a definition may contain `…。2020年…`).
    """
    found = [(m, True) for m in _ENTRY_AT_LINE.finditer(text, start, end)]
    found += [(m, False) for m in _ENTRY_IN_LINE.finditer(text, start, end)]
    found.sort(key=lambda f: f[0].start())
    kept: list[tuple[int, int, int]] = []
    for m, at_line in found:
        no = int(m.group(1) or m.group(2)) if m.group(3) is None else ord(m.group(3)) - ord("①") + 1
        if not at_line and (not kept or no != kept[-1][0] + 1):
            continue
        if not _TERM_SEP.search(text, m.end(), min(m.end() + _MAX_TERM + 2, end)):
            continue
        kept.append((no, m.start(), m.end()))
    return kept


def _entries(text: str, start: int, end: int):
    """(note_no, term, definition start, definition end) of each entry in the region."""
    starts = _entry_starts(text, start, end)
    for i, (no, _s, t) in enumerate(starts):
        stop = starts[i + 1][1] if i + 1 < len(starts) else end
        sep = _TERM_SEP.search(text, t, min(stop, t + _MAX_TERM + 2))
        if not sep:
            continue
        term = text[t:sep.start()].strip().strip("*").strip()
        if not term:
            continue
        d_start = sep.end()
        while d_start < stop and text[d_start] in " \t*":
            d_start += 1
        d_end = _definition_end(text, d_start, stop)
        if d_end > d_start:
            yield no, term, d_start, d_end


def _definition_end(text: str, start: int, stop: int) -> int:
    """End of a definition: at a line break after a finished sentence, else on to `stop`."""
    pos = start
    while True:
        nl = text.find("\n", pos, stop)
        if nl < 0:
            end = stop
            break
        if text[start:nl].rstrip().endswith(_SENTENCE_END):
            end = nl
            break
        pos = nl + 1  # a page break in mid-sentence: the definition goes on
    while end > start and text[end - 1] in " \t\n*":
        end -= 1
    return end


# --- term_key ----------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def bare(term: str) -> str:
    """The term without quotes, brackets, markup and spaces (NFKC)."""
    return _NOT_IN_KEY.sub("", unicodedata.normalize("NFKC", term))


def _core(term: str) -> str:
    """`bare(term)` less a generic head (项目, 工程, 改革, …) written after a quoted label.

    `“5020”项目` → 5020 and `“市县同权”改革` → 市县同权, while an unquoted `天网工程` keeps
    its head: without the quotes the head may be part of the name.
    """
    t = unicodedata.normalize("NFKC", term).strip()
    key = bare(t)
    m = _AFTER_CLOSE_QUOTE.fullmatch(t)
    tail = bare(m.group(1)) if m else ""
    changed = True
    while changed and tail:
        changed = False
        for head in _GENERIC_HEADS:
            rest = key[: -len(head)]
            if tail.endswith(head) and len(rest) >= 2 and not rest.endswith(_COUNTER_END):
                key, tail = rest, tail[: -len(head)]
                changed = True
                break
    return key


def term_key(term: str, definition: str = "") -> str:
    """Join key of a glossary term (see the module docstring)."""
    pieces = [p for p in _PIECE_SEP.split(bare(term)) if p]
    if len(pieces) > 1:
        labels = sorted({bare(label) for label, _ in _parts(term, definition)}, key=len, reverse=True)
        if labels and all(_made_of(p, labels) for p in pieces):
            return ";".join(pieces)
    return _core(term)


def _made_of(piece: str, labels: list[str]) -> bool:
    """Whether `piece` is a run of part labels (一区四中心 = 一区 + 四中心)."""
    if not piece:
        return True
    return any(piece.startswith(label) and _made_of(piece[len(label):], labels) for label in labels)


# --- members -----------------------------------------------------------------------------

def _count(label: str) -> int | None:
    """How many items a label announces: 两城两谷两带 → 6, 十个清零 → 10, 多网合一 → None."""
    b = bare(label)
    b = _NOT_COUNTED.sub("", b)
    total, found = 0, False
    for m in _NUMERAL.finditer(b):
        n = _number(m.group(0))
        if n is None:
            return None
        total += n
        found = True
    return total if found else None


def _number(s: str) -> int | None:
    if s[0].isdigit():
        return int(s) if s.isdigit() else None
    if all(c in _CN_DIGIT for c in s):
        return _CN_DIGIT[s] if len(s) == 1 else None
    m = _TENS.fullmatch(s)
    if m:
        return (_CN_DIGIT[m.group(1)] if m.group(1) else 1) * 10 + (_CN_DIGIT[m.group(2)] if m.group(2) else 0)
    return None


@lru_cache(maxsize=8)
def _split_marks(seps: str) -> re.Pattern[str]:
    """The characters `_split_top` looks at: brackets, quotes and `seps`."""
    return re.compile(f"[{re.escape(_OPENING + _CLOSING + seps)}]")


def _split_top(text: str, seps: str) -> list[str]:
    """Split on any char of `seps` outside brackets and quotes."""
    items, depth, start = [], 0, 0
    for m in _split_marks(seps).finditer(text):
        ch = m.group()
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            if depth:
                depth -= 1
        elif depth == 0:
            items.append(text[start:m.start()])
            start = m.end()
    items.append(text[start:])
    return [i.strip() for i in items]


def _clean(items: list[str]) -> bool:
    return len(items) >= 2 and all(0 < len(i) <= 30 and not _ITEM_FORBIDDEN.search(i) for i in items)


def _split_joins(items: list[str]) -> list[str]:
    out = []
    for item in items:
        out.extend(p for p in _LIST_JOIN.split(item) if p)
    return out


def _embedded(body: str) -> list[str]:
    """The longest run of 、-separated short items inside a sentence (…的乱建、乱占、乱采等…)."""
    best: list[str] = []
    for m in _SHORT_ITEMS.finditer(body):
        items = m.group(0).split("、")
        items[0] = _BEFORE_FIRST_ITEM.split(items[0])[-1]
        items[-1] = _AFTER_LAST_ITEM.split(items[-1])[0]
        if _clean(items) and len(items) > len(best):
            best = items
    return best


def _candidate_splits(body: str, comma: list[str]):
    """The ways `body` may enumerate its items, in order of preference; `comma` is its 、 split.

    Made one at a time: the first with the announced number of items is taken.
    """
    for q in _QUOTED.finditer(body):
        if "、" in q.group(1):
            yield _split_top(q.group(1), "、")
    yield comma
    yield _split_joins(comma)
    yield _split_top(body, "，,")
    yield _embedded(body)


def _list_items(body: str, n: int | None) -> list[str]:
    """The items `body` enumerates, `n` (when known) telling which split is meant."""
    body = body.strip().rstrip("。.；;").strip()
    body = _DEFINITION_LEAD.sub("", body)
    comma = _split_top(body, "、")
    if n:
        for items in _candidate_splits(body, comma):
            if len(items) == n and _clean(items):
                return items
    if n is None or n != len(comma):
        if _clean(comma) and not any(_LIST_JOIN.search(i) for i in comma):
            return comma
    return []


def _label_head(label: str) -> str:
    """The head noun a label puts after its one count or quoted name: 五个章贡 → 章贡."""
    t = unicodedata.normalize("NFKC", label).strip()
    m = _QUOTED_LABEL.fullmatch(t)
    if m:
        return bare(m.group(1))
    b = bare(t)
    counts = list(_NUMERAL.finditer(b))
    if len(counts) != 1 or counts[0].start() != 0:
        return ""
    return _COUNTER.sub("", b[counts[0].end():])


def _complete_suffix(items: list[str], label: str) -> list[str]:
    """Write the label's head, given once on the last item, on the others too.

    `五个章贡：实力、数智、人文、美丽、幸福章贡` → 实力章贡;数智章贡;…;幸福章贡. Only when the
    label has one count (or one quoted name) followed by that head, and most other items
    lack it (三大中心：胸痛中心、卒中中心… stays as written).
    """
    head = _label_head(label)
    others = items[:-1]
    if (len(head) < 2 or not items[-1].endswith(head) or len(items[-1]) == len(head)
            or sum(o.endswith(head) for o in others) * 2 >= len(others)):
        return items
    return [o if o.endswith(head) else o + head for o in others] + [items[-1]]


def _parts(term: str, definition: str) -> list[tuple[str, str]]:
    """(label, body) of each part of a definition written as `“A”即…；“B”即…`."""
    b = bare(term)
    parts = []
    for seg in _PART_SEP.split(definition):
        seg = seg.strip()
        m = _PART.match(seg)
        label = bare(m.group(1)) if m else ""
        if label and label in b and label != b:
            parts.append((m.group(1), seg[m.end():]))
    return parts if len(parts) >= 2 else []


def members(term: str, definition: str) -> list[str]:
    """Items the definition enumerates (see the module docstring); [] when it does not."""
    parts = _parts(term, definition)
    if parts:
        out = []
        for label, body in parts:
            n = _count(label)
            items = _list_items(body, n) if n != 1 else []
            if items:
                out += _complete_suffix(items, label)
            elif n == 1:
                out.append(body.strip().rstrip("。").strip())
            else:
                out.append(bare(label))
        return out
    items = _list_items(definition, _count(term))
    return _complete_suffix(items, term) if items else []


# --- references --------------------------------------------------------------------------

# A mention may have quote marks or spaces between the characters of the term (“5020”项目
# for 5020项目). The body is searched with those left out; a key (see `bare`) holds none.
_IGNORED_IN_MENTION = "“”‘’\"'《》〈〉「」『』"
_IGNORED_RUN = re.compile(f"([{re.escape(_IGNORED_IN_MENTION)}\\s]+)")
_LATIN = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class _Squeezed:
    """A body span with the characters a mention may have between its own left out."""

    squeezed: str
    run_starts: list[int]  # where each run of kept characters starts in `squeezed`
    run_origins: list[int]  # and in the text
    end: int  # end of the span in the text

    def origin(self, i: int) -> int:
        """Offset in the text of squeezed[i]."""
        run = bisect.bisect_right(self.run_starts, i) - 1
        return self.run_origins[run] + i - self.run_starts[run]


def _squeeze(text: str, body: list[tuple[int, int]]) -> list[_Squeezed]:
    out = []
    for s, e in body:
        pieces = _IGNORED_RUN.split(text[s:e])  # kept, ignored, kept, …, kept
        piece_starts = list(accumulate(map(len, pieces), initial=s))
        kept = pieces[::2]
        run_starts = list(accumulate(map(len, kept), initial=0))[:-1]
        out.append(_Squeezed("".join(kept), run_starts, piece_starts[:-1:2], e))
    return out


def _term_refs(text: str, body: list[_Squeezed], term: str) -> list[int]:
    """Start offsets of the term's mentions in the body (quotes and spaces inside ignored).

    A key starting with a Latin letter or digit is not found after one (or after `.`), one
    ending with one not before one: 5020 is not a mention in 15020 or 50201.
    """
    for key in dict.fromkeys((bare(term), _core(term))):
        if len(key) < 2:
            continue
        latin_start, latin_end = key[0] in _LATIN, key[-1] in _LATIN
        hits = []
        for span in body:
            i = span.squeezed.find(key)
            while i >= 0:
                start = span.origin(i)
                after = span.origin(i + len(key) - 1) + 1
                if ((latin_start and start > 0 and (text[start - 1] in _LATIN or text[start - 1] == "."))
                        or (latin_end and after < span.end and text[after] in _LATIN)):
                    i = span.squeezed.find(key, i + 1)
                    continue
                hits.append(start)
                i = span.squeezed.find(key, i + len(key))
        if hits:
            return hits
    return []
