"""What the publisher features cost a write: the same stories and copies written with the
notices step off (the engine as before W2), on with no watch (the per-site copy index alone)
and on with the original site watched (index and events), in fresh namespaces of one Redis.
Written in batches as prepared (signing is outside the timed part), two sizes, best of three
interleaved runs. Every copy or partial of the watched site must give one event.

    REDIS_URL=redis://127.0.0.1:PORT/0 python -m bench.notices_overhead [STORIES ...]
"""

import json
import sys
import time
import uuid

from dedup.config import Settings
from dedup.engine import Engine
from dedup.fetch import FetchPolicy
from dedup.models import ArticleInput, Prepared
from wiretrace_testing.stories import excerpt, story, wrapped_copy


def articles(stories: int) -> list[ArticleInput]:
    out = []
    for n in range(stories):
        text = story(10_000 + n)
        out.append(ArticleInput(url=f"https://origin.example/{n}", text=text,
                                published="2024-01-01T00:00:00Z"))
        out += [ArticleInput(url=f"https://farm{k}.example/{n}", text=wrapped_copy(text))
                for k in range(2)]
        out.append(ArticleInput(url=f"https://brief.example/{n}", text=excerpt(text)))
    return out


def timed(mode: str, prepared: list[Prepared], batch: int) -> tuple[float, int, int]:
    engine = Engine.from_settings(Settings(namespace=f"bench-{uuid.uuid4().hex[:8]}"))
    engine.check_index()
    if mode == "off":
        engine.writer.after_write = None
    if mode == "watched":
        engine.watches.add("origin.example", "https://hooks.example.com/x", None,
                           FetchPolicy(resolver=lambda h, p: ["93.184.216.34"]))
    t = time.perf_counter()
    for i in range(0, len(prepared), batch):
        engine.ingest_prepared(prepared[i:i + batch])
    took = time.perf_counter() - t
    events = sum(len(json.loads(f[b"copies"]))  # copies queued, in messages of several
                 for _, f in engine.client.xrange(engine.keys.watch_events))
    found = engine.lookup_ids([p.id for p in prepared])
    owed = sum(1 for r in found if r.role in ("copy", "partial") and r.original
               and r.original["site"] == "origin.example")
    for key in engine.client.scan_iter(match=f"{engine.settings.namespace}:*", count=1000):
        engine.client.delete(key)
    return took, int(events), owed


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [250, 1000]
    print("| articles | notices off | copy index only | index + events | ratio on/off "
          "| events | copies of origin.example |")
    print("|---|---|---|---|---|---|---|")
    for stories in sizes:
        items = articles(stories)
        engine = Engine.from_settings(Settings(namespace="bench-prep"))
        prepared = [engine.prepare(a) for a in items]
        best: dict[str, tuple[float, int, int]] = {}
        for _ in range(3):  # interleaved, best of three: the machine is shared
            for m in ("off", "index", "watched"):
                run = timed(m, prepared, 64)
                best[m] = min(best.get(m, run), run)
        runs = best
        off = runs["off"][0]
        print(f"| {len(items)} | {len(items) / off:,.0f}/s | "
              f"{len(items) / runs['index'][0]:,.0f}/s | "
              f"{len(items) / runs['watched'][0]:,.0f}/s | "
              f"{runs['watched'][0] / off:.2f} | {runs['watched'][1]} | {runs['watched'][2]} |")


if __name__ == "__main__":
    main()
