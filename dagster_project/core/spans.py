"""Text that remembers where each of its characters came from.

Every normalization step rewrites a `TrackedText` instead of a plain string, so the
published text keeps, per character, the span of the decoded raw text it stands for.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass

# Offsets are kept in machine arrays, not tuples of ints: a 20 MB report has seven million
# characters, and two tuples of Python ints for them would take over a gigabyte.
_OFFSET = "q"


@dataclass(frozen=True, eq=False)
class TrackedText:
    """A string plus, for each character, the raw span [starts[i], ends[i]) it came from."""

    text: str
    _starts: array
    _ends: array

    @classmethod
    def from_raw(cls, raw: str) -> TrackedText:
        n = len(raw)
        return cls(raw, array(_OFFSET, range(n)), array(_OFFSET, range(1, n + 1)))

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

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> TrackedText:
        """Like `pattern.sub`, keeping the offset map.

        Characters outside a match keep their span. A replacement of the same length keeps
        the spans character by character (t2s conversion); any other replacement takes the
        span of the whole match, so `區(qū)` → `区` maps back to all five raw characters.
        """
        pieces: list[str] = []
        starts = array(_OFFSET)
        ends = array(_OFFSET)
        last = 0
        changed = False
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new == m.group(0):
                continue
            changed = True
            pieces.append(self.text[last : m.start()])
            starts.extend(self._starts[last : m.start()])
            ends.extend(self._ends[last : m.start()])
            if new and len(new) == m.end() - m.start():
                pieces.append(new)
                starts.extend(self._starts[m.start() : m.end()])
                ends.extend(self._ends[m.start() : m.end()])
            elif new:
                s, e = (self._starts[m.start()], self._ends[m.end() - 1]) if m.end() > m.start() else _point(self, m.start())
                pieces.append(new)
                starts.extend(array(_OFFSET, [s]) * len(new))
                ends.extend(array(_OFFSET, [e]) * len(new))
            last = m.end()
        if not changed:
            return self
        pieces.append(self.text[last:])
        starts.extend(self._starts[last:])
        ends.extend(self._ends[last:])
        return TrackedText("".join(pieces), starts, ends)


def _point(t: TrackedText, pos: int) -> tuple[int, int]:
    """The raw position of an insertion point (an empty match) at `pos`."""
    if pos < len(t.text):
        return t._starts[pos], t._starts[pos]
    end = t._ends[-1] if t._ends else 0
    return end, end
