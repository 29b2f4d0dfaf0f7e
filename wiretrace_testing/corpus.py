"""Bench data: the real article bodies of ../shared (when present) and generated stories."""

import json
import os
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = Path(os.environ.get("WIRETRACE_SHARED_DATA", ROOT.parent / "shared" / "data")) / \
    "article-pages"


def real_texts() -> list[str]:
    gt = PAGES / "ground-truth.json"
    if not gt.exists():
        return []
    return [v["articleBody"] for v in json.loads(gt.read_text()).values()
            if len(v["articleBody"].split()) >= 80]


def texts(n: int, seed: int = 1) -> list[str]:
    """n distinct article texts: real bodies first, then real paragraphs with their words
    shuffled (realistic vocabulary, distinct shingles), else generated stories."""
    from wiretrace_testing.stories import story

    rng = random.Random(seed)
    real = real_texts()
    out = list(real[:n])
    paras = [p for t in real for p in t.split("\n") if len(p.split()) > 15]
    i = 0
    while len(out) < n:
        if paras:
            # real paragraphs with their words shuffled: real vocabulary, new word sequences
            pick = rng.sample(paras, min(len(paras), 6))
            out.append("\n".join(" ".join(rng.sample(p.split(), len(p.split())))
                                  for p in pick))
        else:
            out.append(story(10_000 + i))
        i += 1
    return out


def mutate(text: str, keep: float, rng: random.Random) -> str:
    """Replace about (1-keep) of the words: a near-duplicate of tunable similarity."""
    words = text.split()
    return " ".join(w if rng.random() < keep else f"x{rng.randint(0, 10**9)}" for w in words)
