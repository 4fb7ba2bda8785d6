"""Normalize a decoded report into the text every published offset points into (SPEC §5).

Each rule is a named step over a `TrackedText`, so the offset map back to the raw text
survives every rewrite. Corrupted spans are flagged, never repaired: a guess would put
words into a government's mouth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from dagster_project.core.spans import TrackedText

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê"

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
LINE_ENDS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>")
CONTINUATION = re.compile(r"[（(]\s*(?:上接|下转|接上|转下|转第|接第)[^（）()\n]{0,12}[）)]")
MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.M)
MD_EMPHASIS = re.compile(r"\*\*|__")
# A tone-marked syllable in brackets right after a character: 區(qū) → 區. After a `?`
# the bracket of a pinyin annotation may itself have been eaten by corruption (甭?lián)合).
PINYIN = re.compile(rf"(?<=[{CJK}?])[(（][{_TONED}]{{1,7}}[)）]|(?<=\?)[{_TONED}]{{1,7}}[)）]")
SPACES = re.compile(r"[ \t\u3000\xa0\u2002-\u200a\u202f]+")
NEWLINES = re.compile(r"\n+")
# Corruption: U+FFFD, or question marks wedged into Chinese text (a lossy re-encoding).
# A run of `?` is tried once, from its start: trying every position of a long run is quadratic.
MOJIBAKE = re.compile(rf"\ufffd+|(?<=[{CJK}。，、：；“”])\?+|(?<!\?)\?++(?=[{CJK}“”])")

_TERMINAL = tuple("。！？!?；;：:…”\"）)】」』")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、]|"
    r"第[一二三四五六七八九十]+[章部分节篇]|[一二三四五六七八九十]+是)"
)
_INNER_PUNCT = re.compile(r"[，。；、,;：:]")
_NOTE_MARKER = re.compile(r"^【\d{1,3}】")
_DATELINE = re.compile(r"^(?:——|--|—|－－)")
_NUMBER_CUT = re.compile(r"\d[.．]\n\d|\d\n[.．]\d")
_NOT_HAN = re.compile(f"[^{CJK}]+")
_SCRIPT_SAMPLE_CHARS = 200_000  # Chinese characters script detection looks at, at most
_SCRIPT_CHUNK = 5_000
_LONG_LINE = 1_000  # characters of a line kept whole while deciding on line breaks


@dataclass(frozen=True)
class NormalizedText:
    """The normalized text, its offset map to the decoded raw text, and what was done."""

    tracked: TrackedText
    flags: tuple[str, ...] = ()
    corrupt_spans: tuple[tuple[int, int], ...] = field(default=())

    @property
    def text(self) -> str:
        return self.tracked.text

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self.tracked.raw_span(start, end)


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc  # imported lazily: building the dictionaries costs time at import

    return opencc.OpenCC(config)


def detect_script(raw: str) -> str:
    """simplified / traditional / mixed, from characters that t2s or s2t would change."""
    han = _NOT_HAN.sub("", raw)
    if not han:
        return "simplified"
    trad_only = simp_only = 0
    chunks = _script_sample(han)
    for sample in chunks:
        trad_only += sum(a != b for a, b in zip(sample, _converter("t2s").convert(sample), strict=False))
        simp_only += sum(a != b for a, b in zip(sample, _converter("s2t").convert(sample), strict=False))
    sample = "".join(chunks)
    # Many characters are shared (范 is also 範's simplified form), so compare the two
    # counts rather than demanding that one of them be zero.
    if trad_only <= 0.005 * len(sample):
        return "simplified"
    if trad_only >= 10 * simp_only:
        return "traditional"
    return "mixed"


def _script_sample(han: str) -> list[str]:
    """All the Chinese characters of a report, or evenly spread chunks of a huge one.

    OpenCC costs about 7 µs a character each way: a whole 20 MB report would take minutes
    to classify, and a few hundred thousand characters from all over it say the same.
    """
    if len(han) <= _SCRIPT_SAMPLE_CHARS:
        return [han]
    n = _SCRIPT_SAMPLE_CHARS // _SCRIPT_CHUNK
    step = (len(han) - _SCRIPT_CHUNK) / (n - 1)
    return [han[round(i * step) : round(i * step) + _SCRIPT_CHUNK] for i in range(n)]


def normalize_text(raw: str, script: str | None = None) -> NormalizedText:
    """Apply the SPEC §5 rules in order; `script` skips detection when already known."""
    flags: list[str] = []
    t = TrackedText.from_raw(raw)

    def step(name: str | None, pattern: re.Pattern[str], repl="") -> None:
        nonlocal t
        new = t.sub(pattern, repl)
        if name and new is not t:
            flags.append(name)
        t = new

    step(None, ZERO_WIDTH)
    step(None, LINE_ENDS, "\n")
    step("markup_removed", HTML_TAG)
    step("continuation_markers", CONTINUATION)
    step("markup_removed", MD_HEADING)
    step("markup_removed", MD_EMPHASIS)
    step("pinyin_removed", PINYIN)
    script = script or detect_script(raw)
    if script != "simplified":
        before = t
        t = t.sub(re.compile(f"[{CJK}]+"), lambda m: _converter("t2s").convert(m.group(0)))
        if t is not before:
            flags.append("traditional_converted")
    t = t.sub(SPACES, _drop_space)
    joins: list[int] = []
    t = t.sub(NEWLINES, _line_break(t.text, joins))
    if joins:
        flags.append("lines_joined")
    t = t.sub(re.compile(r"\A\n+|\n+\Z"), "")
    corrupt = tuple((m.start(), m.end()) for m in MOJIBAKE.finditer(t.text))
    if corrupt:
        flags.append("mojibake_suspected")
    return NormalizedText(t, tuple(dict.fromkeys(flags)), corrupt)


def _drop_space(m: re.Match[str]) -> str:
    """Spaces survive only between two ASCII letters or digits (`5G 网络` → `5G网络`)."""
    s = m.string
    before = s[m.start() - 1] if m.start() else "\n"
    after = s[m.end()] if m.end() < len(s) else "\n"
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return " "
    return ""


def _line_break(text: str, joins: list[int]):
    """Decide per run of newlines: a paragraph break (`\\n`) or a page-break split to join.

    Positions of joins are appended to `joins`, so the caller can flag them.
    """

    carried = ""  # the output line so far, when the runs before this one were joined
    line_start = 0  # where the physical line before this run begins

    def repl(m: re.Match[str]) -> str:
        nonlocal carried, line_start
        next_end = text.find("\n", m.end())
        prev = _bounded(carried + text[line_start : m.start()])
        nxt = text[m.end() : next_end if next_end >= 0 else len(text)]
        line_start = m.end()
        if _is_split(prev, nxt):
            joins.append(m.start())
            carried = prev
            return ""
        carried = ""
        return "\n"

    return repl


def _bounded(line: str) -> str:
    """`line`, or for a very long one a short stand-in that `_is_split` judges the same way.

    `_is_split` looks at a line's start (a heading is at most 50 characters), its last two
    characters and whether it has inner punctuation. Keeping whole lines would make a
    report whose every line is joined to the next (hard-wrapped text) quadratic.
    """
    if len(line) <= _LONG_LINE:
        return line
    inner = "，" if _INNER_PUNCT.search(line, 51, len(line) - 2) else ""
    return line[:51] + inner + line[-2:]


def is_heading(line: str) -> bool:
    """A short numbered line without a full stop inside: 三、…, （二）…, 1. …"""
    body = line.rstrip("。")
    return bool(_HEADING_START.match(line)) and "。" not in body and len(line) <= 50


def _is_split(prev: str, nxt: str) -> bool:
    """True when `prev` stops mid-sentence and `nxt` carries on (a page break in between).

    A very long `prev` comes as its `_bounded` stand-in: judge it by its start, its end
    and its inner punctuation only.
    """
    if not prev or not nxt:
        return False
    if _NOTE_MARKER.match(nxt) and not is_heading(prev):
        return True  # a footnote marker 【9】 belongs to the words before it, never starts a paragraph
    if prev.endswith(_TERMINAL):
        return False
    if is_heading(prev) or is_heading(nxt) or _DATELINE.match(nxt):
        return False
    if _NUMBER_CUT.search(prev + "\n" + nxt):
        return True  # a decimal number cut in two (353.|26亿元) is split whatever precedes it
    # Titles and bylines have no inner punctuation; a sentence cut by a page break does.
    return bool(_INNER_PUNCT.search(prev))
