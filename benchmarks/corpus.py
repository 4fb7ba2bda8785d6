"""A deterministic synthetic corpus: N reports made from the seeds with their numbers perturbed.

Document i is seed `i % len(seeds)` with every statistic rewritten digit by digit from a
random generator seeded with `(salt, i)`, so the same N and salt always give the same
bytes, each document is distinct, and each is shaped like a real report: same length,
same sections, same number formats and magnitudes. Years, single digits, numbers glued
to Latin letters (PM2.5, 5G) and percentages of 100 or more are left as they were, so
metadata, plan years and percent rules behave as in the seeds.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d+)(?:\.(\d+))?(?![A-Za-z0-9])")


def seed_texts(seeds: Path = SEEDS) -> list[tuple[str, str]]:
    """(stem, text) of every seed, sorted by name; the seeds are UTF-8."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]


def perturb(text: str, rng: random.Random) -> str:
    """The text with each statistic's digits redrawn, keeping its length and first digit."""

    def repl(m: re.Match[str]) -> str:
        whole, frac = m.group(1), m.group(2)
        after = m.string[m.end() : m.end() + 1]
        if frac is None and (len(whole) == 1 or (len(whole) == 4 and 1900 <= int(whole) <= 2100)):
            return m.group(0)  # an ordinal, a count of one digit, or a year
        if after in ("%", "％") and int(whole) >= 100:
            return m.group(0)
        new_whole = whole[0] + "".join(rng.choice("0123456789") for _ in whole[1:])
        if frac is None:
            return new_whole
        return f"{new_whole}.{''.join(rng.choice('0123456789') for _ in frac[:-1])}{rng.choice('123456789')}"

    return NUMBER.sub(repl, text)


def document(i: int, seeds: list[tuple[str, str]], salt: str = "gwr") -> tuple[str, str]:
    """(file name, text) of document `i`."""
    stem, text = seeds[i % len(seeds)]
    rng = random.Random(f"{salt}:{i}")
    return f"b{i:05d}_{stem[:3]}.txt", perturb(text, rng)


def generate(out: Path, n: int, salt: str = "gwr", seeds: Path = SEEDS) -> list[Path]:
    """Write documents 0..n-1 into `out` (created; existing .txt files there are removed)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    texts = seed_texts(seeds)
    if not texts:
        raise ValueError(f"no seeds in {seeds}")
    paths = []
    for i in range(n):
        name, text = document(i, texts, salt)
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def change_one(corpus: Path, index: int = 0, salt: str = "changed", seeds: Path = SEEDS) -> Path:
    """Rewrite document `index` of a corpus with other numbers (the incremental benchmark)."""
    name, text = document(index, seed_texts(seeds), salt)
    path = corpus / name
    path.write_bytes(text.encode("utf-8"))
    return path


def corpus_digest(corpus: Path) -> str:
    """One sha256 over the names and bytes of a corpus, to show it is reproducible."""
    digest = hashlib.sha256()
    for path in sorted(corpus.glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--salt", default="gwr")
    args = parser.parse_args()
    paths = generate(args.out, args.n, args.salt)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {size / 1e6:.1f} MB, sha256 {corpus_digest(args.out)[:16]}")


if __name__ == "__main__":
    main()
