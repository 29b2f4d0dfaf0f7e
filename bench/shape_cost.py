"""What comparing texts costs at ingest (issue 12, sixth pass: dedup.passages): how often a
pair of texts is compared, how often texts are read back from Redis, and the CPU time of a
comparison, on generated webs of TUNED seeds, ingested in this process phase after phase
(the pages in the order `bench.heldout --ingest` gives them).

    REDIS_URL=... python -m bench.shape_cost [--seeds 0-9]

Refuses held-out seeds (100 and up).
"""

import argparse
import os
import random
import statistics
import time
import uuid

from dedup import ingest, reads, shapes
from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.webgen.web import generate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0-9")
    a, _, b = ap.parse_args().seeds.partition("-")
    seeds = range(int(a), int(b or a) + 1)
    if seeds.stop > 100:
        raise SystemExit("held-out seeds: this is for tuned seeds only")
    cpu: list[float] = []
    reads_done = [0, 0]  # round trips, texts read
    measure, read = shapes.shape, reads.read_texts

    def timed(ref: str, page: str) -> shapes.Shape | None:
        t = time.process_time()
        try:
            return measure(ref, page)
        finally:
            cpu.append(time.process_time() - t)

    def counted(store: object, ids: list[str]) -> dict[str, str]:
        reads_done[0] += 1
        reads_done[1] += len(ids)
        return read(store, ids)  # type: ignore[arg-type]

    shapes.shape = timed  # type: ignore[assignment]
    ingest.read_texts = counted  # type: ignore[assignment]
    articles = 0
    t0 = time.process_time()
    for seed in seeds:
        web = generate(seed, PAGES)
        settings = Settings(redis_url=os.environ["REDIS_URL"],
                            namespace=f"shape-cost-{uuid.uuid4().hex[:8]}", ingest_workers=1)
        engine = Engine.from_settings(settings)
        rng = random.Random(web.seed)
        for k in range(web.phases):
            idx = [i for i, p in enumerate(web.pages) if p.phase == k]
            rng.shuffle(idx)
            engine.ingest([ArticleInput(url=web.pages[i].url(None),
                                        html=web.pages[i].html.decode("utf-8", "replace"))
                           for i in idx])
            articles += len(idx)
    total = time.process_time() - t0
    ms = sorted(1000 * c for c in cpu)
    print(f"seeds {seeds.start}-{seeds.stop - 1}: {articles} pages ingested, {total:.1f} s of "
          "CPU in this process (extraction and signing run in a worker)")
    print(f"texts compared: {len(ms)} pairs ({len(ms) / max(1, articles):.2f} a page); "
          f"texts read back: {reads_done[1]} in {reads_done[0]} round trips")
    if ms:
        print(f"CPU a comparison: median {statistics.median(ms):.2f} ms, mean "
              f"{statistics.fmean(ms):.2f} ms, p90 {ms[int(0.9 * len(ms))]:.2f} ms, max "
              f"{ms[-1]:.2f} ms; {sum(ms):.0f} ms in all, "
              f"{sum(ms) / max(1, articles):.2f} ms a page ingested")


if __name__ == "__main__":
    main()
