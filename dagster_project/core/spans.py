"""Text that remembers where each of its characters came from.

Every normalization step rewrites a `TrackedText` instead of a plain string, so the
published text keeps, per character, the span of the decoded raw text it stands for.
"""

from __future__ import annotations

import re
import struct
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat

# Offsets are kept in machine arrays, not tuples of ints: a 20 MB report has seven million
# characters, and two tuples of Python ints for them would take over a gigabyte.
_OFFSET = "q"
_PACK_OFFSET = struct.Struct(_OFFSET).pack  # one offset as the bytes of an array element
# Slices of an offset array joined at a time. Few enough that they are freed before the
# garbage collector looks at them (it does every 700 new objects): millions of them alive at
# once take gigabytes, and make its passes over a huge report quadratic.
_BATCH = 500
# 0, 1, 2 … kept once and sliced: building the identity map of every report from Python
# ints costs more than all the rest of reading it. Only reports up to this many characters
# share it, so one huge report does not pin its size in memory for good.
_IDENTITY_CACHED_UP_TO = 1 << 21
_identity = array(_OFFSET)


def _counting(n: int) -> array:
    """array([0, 1, …, n]) (n + 1 entries)."""
    global _identity
    if n >= _IDENTITY_CACHED_UP_TO:
        return array(_OFFSET, range(n + 1))
    if len(_identity) <= n:
        _identity = array(_OFFSET, range(min(max(2 * n, 1 << 16), _IDENTITY_CACHED_UP_TO) + 1))
    return _identity


@dataclass(frozen=True, eq=False)
class TrackedText:
    """A string plus, for each character, the raw span [starts[i], ends[i]) it came from.

    The arrays are never modified once built, so rewrites that keep every offset share them.
    """

    text: str
    _starts: array
    _ends: array

    @classmethod
    def from_raw(cls, raw: str) -> TrackedText:
        n = len(raw)
        counting = _counting(n)
        return cls(raw, counting[:n], counting[1 : n + 1])

    @property
    def starts(self) -> tuple[int, ...]:
        return tuple(self._starts)

    @property
    def ends(self) -> tuple[int, ...]:
        return tuple(self._ends)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TrackedText):
            return NotImplemented
        return self.text == other.text and self._starts == other._starts and self._ends == other._ends

    __hash__ = None  # type: ignore[assignment]  # equal by value, and mutable arrays inside

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span covering the normalized span [start, end)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}-{end} outside a text of {len(self.text)} characters")
        return self._starts[start], self._ends[end - 1]

    def respelled(self, text: str) -> TrackedText:
        """Another text of the same length whose characters stand for the same raw spans
        (a character-by-character conversion)."""
        if len(text) != len(self.text):
            raise ValueError(f"a respelling has {len(text)} characters, not {len(self.text)}")
        return TrackedText(text, self._starts, self._ends)

    def strip(self, chars: str) -> TrackedText:
        """Like `str.strip(chars)`: the characters left keep their spans."""
        end = len(self.text.rstrip(chars))
        start = min(end, len(self.text) - len(self.text.lstrip(chars)))
        if start == 0 and end == len(self.text):
            return self
        return TrackedText(self.text[start:end], self._starts[start:end], self._ends[start:end])

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> TrackedText:
        """Like `pattern.sub`, keeping the offset map.

        Characters outside a match keep their span. A replacement of the same length keeps
        the spans character by character (t2s conversion); any other replacement takes the
        span of the whole match, so `區(qū)` → `区` maps back to all five raw characters.
        """
        if not callable(repl) and "\\" not in repl:
            return self._sub_string(pattern, repl)
        if not callable(repl):  # a template: group references, escapes
            template = repl
            repl = lambda m: m.expand(template)  # noqa: E731
        edits = [(m.start(), m.end(), new) for m in pattern.finditer(self.text) if (new := repl(m)) != m.group()]
        if not edits:
            return self
        text = self.text
        edit_starts, edit_ends, news = ([edit[k] for edit in edits] for k in range(3))
        pieces = [""] * (2 * len(edits) + 1)  # between, replacement, between, …, between
        pieces[0::2] = [text[a:b] for a, b in zip([0, *edit_ends], [*edit_starts, len(text)])]
        pieces[1::2] = news
        # A replacement of the same length keeps its characters' spans: only the others cut the map.
        resized = [(s, e, len(new)) for s, e, new in edits if len(new) != e - s]
        if not resized:
            return self.respelled("".join(pieces))
        spans = [(self._starts[s], self._ends[e - 1]) if e > s else _point(self, s) for s, e, _ in resized]
        cut_starts, cut_ends, widths = ([edit[k] for edit in resized] for k in range(3))
        return TrackedText(
            "".join(pieces),
            _spliced(self._starts, cut_starts, cut_ends, [a for a, _ in spans], widths),
            _spliced(self._ends, cut_starts, cut_ends, [b for _, b in spans], widths),
        )

    def _sub_string(self, pattern: re.Pattern[str], new: str) -> TrackedText:
        """`sub` with a plain replacement string, without a Python step per match.

        A report has thousands of matches (spaces, blank lines, pinyin). Splitting around a
        group holding the whole match gives, from C, the text between matches and the
        matches in turn, and their running lengths say where each match lies.
        """
        grouped = _whole_match_group(pattern)
        if grouped is None:  # a pattern that cannot be wrapped: one step per match
            return self.sub(pattern, lambda m: new)
        pieces = grouped.split(self.text)  # between, match, between, …, match, between
        matches = pieces[1::2]
        if matches.count(new) == len(matches):
            return self  # no match, or every match already reads `new`
        if new and "" in matches:  # an insertion at an empty match: one step per match
            return self.sub(pattern, lambda m: new)
        # (Positions are kept in arrays, not lists: millions of int objects take gigabytes.)
        bounds = array(_OFFSET, accumulate(map(len, pieces), initial=0))
        cut_starts, cut_ends = bounds[1:-1:2], bounds[2::2]  # where each match lies
        del bounds
        # Only a match of another length than `new` changes the offsets (a same-length one
        # keeps its characters' spans, an unchanged one is not replaced at all).
        some_match_of_new_length = len(new) in map(len, matches)
        pieces[1::2] = [new] * len(matches)
        text = "".join(pieces)
        del pieces, matches
        if some_match_of_new_length:
            resized = [(s, e) for s, e in zip(cut_starts, cut_ends) if e - s != len(new)]
            if not resized:
                return self.respelled(text)
            cut_starts = array(_OFFSET, [s for s, _ in resized])
            cut_ends = array(_OFFSET, [e for _, e in resized])
        if not new:
            return TrackedText(text, _spliced(self._starts, cut_starts, cut_ends),
                               _spliced(self._ends, cut_starts, cut_ends))
        # Each replacement spans its whole match: from its first character's start to its last one's end.
        first_starts = array(_OFFSET, [self._starts[s] for s in cut_starts])
        last_ends = array(_OFFSET, [self._ends[e - 1] for e in cut_ends])
        return TrackedText(
            text,
            _spliced(self._starts, cut_starts, cut_ends, first_starts, len(new)),
            _spliced(self._ends, cut_starts, cut_ends, last_ends, len(new)),
        )


@lru_cache(maxsize=64)
def _whole_match_group(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` as one capturing group (for `re.split`), or None if that cannot be done."""
    if pattern.groups:
        return None  # re.split would return the inner groups too
    try:
        return re.compile(f"({pattern.pattern})", pattern.flags)
    except re.error:  # e.g. global inline flags, which must stay at the very start
        return None


def _spliced(old: array, cut_starts: Sequence[int], cut_ends: Sequence[int],
             values: Sequence[int] | None = None, widths: int | Sequence[int] = 0) -> array:
    """`old` with each stretch [cut_starts[i], cut_ends[i]) replaced by `widths[i]` copies
    of `values[i]` (`widths` may be one number for all; no values: the stretches are cut).

    Joined from slices rather than built element by element, a batch at a time.
    """
    view = memoryview(old)
    kept_starts, kept_ends = array(_OFFSET, [0]), array(_OFFSET)
    kept_starts.extend(cut_ends)
    kept_ends.extend(cut_starts)
    kept_ends.append(len(old))
    joined = array(_OFFSET)
    for i in range(0, len(kept_starts), _BATCH):
        parts = [view[a:b] for a, b in zip(kept_starts[i : i + _BATCH], kept_ends[i : i + _BATCH])]
        if values:
            batch_widths = repeat(widths) if isinstance(widths, int) else widths[i : i + _BATCH]
            inserted = [_PACK_OFFSET(v) * w for v, w in zip(values[i : i + _BATCH], batch_widths)]
            kept, parts = parts, [b""] * (len(parts) + len(inserted))
            parts[0::2] = kept
            parts[1::2] = inserted
        joined.frombytes(b"".join(parts))
    return joined


def _point(t: TrackedText, pos: int) -> tuple[int, int]:
    """The raw position of an insertion point (an empty match) at `pos`."""
    if pos < len(t.text):
        return t._starts[pos], t._starts[pos]
    end = t._ends[-1] if t._ends else 0
    return end, end
