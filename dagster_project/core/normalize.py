"""Normalize a decoded report into the text every published offset points into (SPEC §5).

Each rule is a named step over a `TrackedText`, so the offset map back to the raw text
survives every rewrite. Corrupted spans are flagged, never repaired: a guess would put
words into a government's mouth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from dagster_project.core.spans import TrackedText

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê"

# Patterns are written so that the regex engine can skip ahead to where a match may start
# (`[ ][ ]*`, not `[ ]+`; a lookbehind after the first character, not before it): it does
# so only for a pattern that starts with a literal or a character class. The matches are
# what the plain way of writing them would match.
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
_LINE_END_STARTS = "\r\u2028\u2029\x0b\x0c\x85"
LINE_ENDS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>")
_CONTINUATION_WORDS = ("上接", "下转", "接上", "转下", "转第", "接第")
CONTINUATION = re.compile(rf"[（(]\s*(?:{'|'.join(_CONTINUATION_WORDS)})[^（）()\n]{{0,12}}[）)]")
MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.M)
MD_EMPHASIS = re.compile(r"\*\*|__")
# A tone-marked syllable in brackets right after a character: 區(qū) → 區. After a `?`
# the bracket of a pinyin annotation may itself have been eaten by corruption (甭?lián)合).
# (Read as: a bracket after a character or `?`, or a letter after a `?`, then the syllable.)
PINYIN = re.compile(
    rf"[(（{_TONED}](?:(?<=[{CJK}?][(（])[{_TONED}]{{1,7}}[)）]|(?<=\?[{_TONED}])[{_TONED}]{{0,6}}[)）])"
)
_SPACE_CHARS = " \t\u3000\xa0" + "".join(map(chr, range(0x2002, 0x200B))) + "\u202f"
_SPACE = f"[{_SPACE_CHARS}]"
SPACES = re.compile(f"{_SPACE}{_SPACE}*")
# Spaces survive only between two ASCII letters or digits (`5G 网络` → `5G网络`). A run of
# them that does not (read as: the run's first space, not after a letter or digit; or all
# of the run, not before one):
_SPACES_DROPPED = re.compile(
    rf"{_SPACE}(?<!{_SPACE}{_SPACE})(?:(?<![A-Za-z0-9]{_SPACE}){_SPACE}*+|{_SPACE}*+(?![A-Za-z0-9]))"
)
_BLANK_LINES = re.compile(r"\n\n+")
# Corruption: U+FFFD, or question marks wedged into Chinese text (a lossy re-encoding).
# A run of `?` is tried once, from its start: trying every position of a long run is quadratic.
# (Read as: a run of U+FFFD, or a `?` after such a character, or a first `?` followed by
# one; the first character is matched before the alternatives, as a class to skip ahead to.)
MOJIBAKE = re.compile(rf"[\ufffd?](?:(?<=\ufffd)\ufffd*|(?<=[{CJK}。，、：；“”]\?)\?*|(?<!\?\?)\?*+(?=[{CJK}“”]))")

_TERMINAL_CHARS = "。！？!?；;：:…”\"）)】」』"
_TERMINAL = tuple(_TERMINAL_CHARS)
# A line break `_line_break` has to look at: one not after the end of a sentence, or one
# before a footnote marker. Any other break ends a paragraph.
_UNCLEAR_BREAK = re.compile(rf"\n(?:(?<![{re.escape(_TERMINAL_CHARS)}]\n)|(?=【))")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、]|"
    r"第[一二三四五六七八九十]+[章部分节篇]|[一二三四五六七八九十]+是)"
)
_INNER_PUNCT = re.compile(r"[，。；、,;：:]")
_NOTE_MARKER = re.compile(r"^【\d{1,3}】")
_DATELINE = re.compile(r"^(?:——|--|—|－－)")
_NUMBER_CUT = re.compile(r"\d[.．]\n\d|\d\n[.．]\d")
_NOT_HAN = re.compile(f"[^{CJK}][^{CJK}]*")
_HAN_RUN = re.compile(f"[{CJK}][{CJK}]*")
_HAN_RUN_SPLIT = re.compile(f"([{CJK}][{CJK}]*)")
_SCRIPT_SAMPLE_CHARS = 200_000  # Chinese characters script detection looks at, at most
_SCRIPT_CHUNK = 5_000
_LONG_LINE = 1_000  # characters of a line kept whole while deciding on line breaks


@dataclass(frozen=True)
class KeptText:
    """A normalized text as stored once its rows are extracted: without the offset map.

    Every row carries its raw span already, and no later step reads the map, which is
    most of a stored document's bytes (two 8-byte offsets a character)."""

    text: str
    flags: tuple[str, ...] = ()
    corrupt_spans: tuple[tuple[int, int], ...] = field(default=())


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

    def kept(self) -> KeptText:
        return KeptText(self.text, self.flags, self.corrupt_spans)


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc  # imported lazily: building the dictionaries costs time at import

    return opencc.OpenCC(config)


def detect_script(raw: str) -> str:
    """simplified / traditional / mixed, from characters that t2s or s2t would change."""
    han = _NOT_HAN.sub("", raw)
    if not han:
        return "simplified"
    chunks = _script_sample(han)
    sample_len = sum(map(len, chunks))
    trad_only = sum(_changed(chunk, _converter("t2s").convert(chunk)) for chunk in chunks)
    # Many characters are shared (范 is also 範's simplified form), so compare the two
    # counts rather than demanding that one of them be zero.
    if trad_only <= 0.005 * sample_len:
        return "simplified"  # decided without s2t, which costs more than all the rest
    simp_only = sum(_changed(chunk, _converter("s2t").convert(chunk)) for chunk in chunks)
    if trad_only >= 10 * simp_only:
        return "traditional"
    return "mixed"


def _changed(text: str, converted: str) -> int:
    """How many positions of `text` hold another character in `converted` (up to the shorter).

    Compared in C rather than character by character in Python: the two strings as UTF-32
    integers XOR to zero exactly where they agree; a character's three low bytes are ORed
    into its lowest one (the fourth byte of a code point is 0), which is 0 where they agree.
    """
    n = min(len(text), len(converted))
    text, converted = text[:n], converted[:n]
    if text == converted:
        return 0
    diff = _utf32_int(text) ^ _utf32_int(converted)
    lowest_bytes = (diff | diff >> 8 | diff >> 16).to_bytes(4 * n, "little")[0::4]
    return n - lowest_bytes.count(0)


def _utf32_int(text: str) -> int:
    return int.from_bytes(text.encode("utf-32-le", "surrogatepass"), "little")


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

    def step(name: str | None, pattern: re.Pattern[str], repl="", needs: Iterable[str] = ()) -> None:
        """Rewrite with `pattern`; `needs` lists strings of which every match contains one,
        so a text without any of them is left alone unsearched (a search costs far more)."""
        nonlocal t
        if needs and not any(needle in t.text for needle in needs):
            return
        new = t.sub(pattern, repl)
        if name and new is not t:
            flags.append(name)
        t = new

    step(None, ZERO_WIDTH, needs=_ZERO_WIDTH_CHARS)
    step(None, LINE_ENDS, "\n", needs=_LINE_END_STARTS)
    step("markup_removed", HTML_TAG)
    step("continuation_markers", CONTINUATION, needs=_CONTINUATION_WORDS)
    step("markup_removed", MD_HEADING, needs="#")
    step("markup_removed", MD_EMPHASIS, needs=("**", "__"))
    step("pinyin_removed", PINYIN)
    script = script or detect_script(raw)
    if script != "simplified":
        before = t
        t = _to_simplified(t)
        if t is not before:
            flags.append("traditional_converted")
    t = t.sub(_SPACES_DROPPED, "")
    step(None, SPACES, " ", needs=_SPACE_CHARS)  # what is left is kept, as one space
    # A run of newlines is one break (a paragraph's end or a page-break split), whatever its length.
    t = t.sub(_BLANK_LINES, "\n")
    joins: list[int] = []
    t = t.sub(_UNCLEAR_BREAK, _line_break(t.text, joins))
    if joins:
        flags.append("lines_joined")
    t = t.strip("\n")
    corrupt = tuple((m.start(), m.end()) for m in MOJIBAKE.finditer(t.text)) if _may_be_corrupt(t.text) else ()
    if corrupt:
        flags.append("mojibake_suspected")
    return NormalizedText(t, tuple(dict.fromkeys(flags)), corrupt)


def _to_simplified(t: TrackedText) -> TrackedText:
    """Each run of Chinese characters in its t2s form.

    All runs go to OpenCC in one call (a call costs as much as converting a few hundred
    characters), joined by newlines: no dictionary entry holds a newline, so each run
    converts exactly as it would alone.
    """
    pieces = _HAN_RUN_SPLIT.split(t.text)  # text between runs, a run, text between runs, …
    runs = pieces[1::2]
    converter = _converter("t2s")
    converted = converter.convert("\n".join(runs)).split("\n")
    if len(converted) != len(runs):  # never expected; converting one by one is always right
        converted = [converter.convert(run) for run in runs]
    if converted == runs:
        return t
    if list(map(len, converted)) == list(map(len, runs)):
        # The usual case: every character converted on its own, so every offset stays.
        pieces[1::2] = converted
        return t.respelled("".join(pieces))
    next_run = iter(converted).__next__
    return t.sub(_HAN_RUN, lambda m: next_run())


def _may_be_corrupt(text: str) -> bool:
    """Whether `text` holds a character every MOJIBAKE match starts with."""
    return "?" in text or "\ufffd" in text


def _line_break(text: str, joins: list[int]):
    """Decide per single newline of `text` matched by `_UNCLEAR_BREAK`: a paragraph break
    (`\\n`) or a page-break split to join. The other newlines are paragraph breaks.

    Positions of joins are appended to `joins`, so the caller can flag them.
    """

    carried = ""  # the output line so far, when the breaks before this one were joined
    decided_to = 0  # where the line after the last break decided here starts

    def repl(m: re.Match[str]) -> str:
        nonlocal carried, decided_to
        line_start = text.rfind("\n", 0, m.start()) + 1  # where the line before this break begins
        if line_start != decided_to:
            carried = ""  # a paragraph break not decided here came in between
        next_end = text.find("\n", m.end())
        prev = _bounded(carried + text[line_start : m.start()])
        nxt = text[m.end() : next_end if next_end >= 0 else len(text)]
        decided_to = m.end()
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
    # A match must straddle the line break, so the two characters each side suffice.
    if _NUMBER_CUT.search(prev[-2:] + "\n" + nxt[:2]):
        return True  # a decimal number cut in two (353.|26亿元) is split whatever precedes it
    # Titles and bylines have no inner punctuation; a sentence cut by a page break does.
    return bool(_INNER_PUNCT.search(prev))
