"""The same generated web (a tuned seed) ingested in three orders: every cluster decided by
evidence (attribution, dates, structure) rather than by the time wiretrace first saw its
pages gets the same original in each."""

import random
import uuid
from pathlib import Path

import redis

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.webgen.web import generate


def _originals(redis_url: str, items: list[ArticleInput],
               urls: list[str]) -> tuple[dict[str, str | None], set[str]]:
    """Per page, the URL of its original, and the pages whose answer rests on evidence, not
    on first_seen (one page at a time: a batch would hide the order)."""
    ns = f"wttest-order-{uuid.uuid4().hex[:10]}"
    engine = Engine.from_settings(Settings(redis_url=redis_url, namespace=ns))
    try:
        for item in items:
            engine.ingest([item], workers=1)
        out: dict[str, str | None] = {}
        decided = set()
        for url, r in zip(urls, engine.lookup(urls), strict=True):
            out[url] = str(r.original["url"]) if r.original else None
            if r.role in ("copy", "partial") and r.original and not any(
                    e.startswith(("first_seen", "prior")) for e in r.evidence):
                decided.add(url)
        return out, decided
    finally:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{ns}:*", count=1000))
        if keys:
            client.delete(*keys)


def test_three_orders_give_the_same_originals(shared_pages: Path, redis_url: str) -> None:
    web = generate(7, shared_pages, n_originals=4, n_sites=5)
    urls = [p.url(None) for p in web.pages]
    items = [ArticleInput(url=u, html=p.html.decode("utf-8", "replace"))
             for u, p in zip(urls, web.pages, strict=True)]
    runs = []
    for k in range(3):
        order = list(range(len(items)))
        random.Random(k).shuffle(order)
        runs.append(_originals(redis_url, [items[i] for i in order], urls))
    decided = runs[0][1] | runs[1][1] | runs[2][1]  # by evidence in any order
    assert len(decided) >= len(web.pages) // 3
    for url in decided:
        assert runs[0][0][url] == runs[1][0][url] == runs[2][0][url], url
