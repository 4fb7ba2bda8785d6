"""Text that remembers where each of its characters came from.

Every normalization step rewrites a `TrackedText` instead of a plain string, so the
published text keeps, per character, the span of the decoded raw text it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TrackedText:
    """A string plus, for each character, the raw span [starts[i], ends[i]) it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def from_raw(cls, raw: str) -> TrackedText:
        n = len(raw)
        return cls(raw, tuple(range(n)), tuple(range(1, n + 1)))

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span covering the normalized span [start, end)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}-{end} outside a text of {len(self.text)} characters")
        return self.starts[start], self.ends[end - 1]

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> TrackedText:
        """Like `pattern.sub`, keeping the offset map.

        Characters outside a match keep their span. A replacement of the same length keeps
        the spans character by character (t2s conversion); any other replacement takes the
        span of the whole match, so `區(qū)` → `区` maps back to all five raw characters.
        """
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        changed = False
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new == m.group(0):
                continue
            changed = True
            pieces.append(self.text[last : m.start()])
            starts.extend(self.starts[last : m.start()])
            ends.extend(self.ends[last : m.start()])
            if new and len(new) == m.end() - m.start():
                pieces.append(new)
                starts.extend(self.starts[m.start() : m.end()])
                ends.extend(self.ends[m.start() : m.end()])
            elif new:
                s, e = (self.starts[m.start()], self.ends[m.end() - 1]) if m.end() > m.start() else _point(self, m.start())
                pieces.append(new)
                starts.extend([s] * len(new))
                ends.extend([e] * len(new))
            last = m.end()
        if not changed:
            return self
        pieces.append(self.text[last:])
        starts.extend(self.starts[last:])
        ends.extend(self.ends[last:])
        return TrackedText("".join(pieces), tuple(starts), tuple(ends))


def _point(t: TrackedText, pos: int) -> tuple[int, int]:
    """The raw position of an insertion point (an empty match) at `pos`."""
    if pos < len(t.text):
        return t.starts[pos], t.starts[pos]
    end = t.ends[-1] if t.ends else 0
    return end, end
