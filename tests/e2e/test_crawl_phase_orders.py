"""One generated web (a tuned seed) crawled with `wiretrace crawl` on loopback in three phase
orders: the originals' sites first, the republishers' first, all sites in one crawl. Every
page whose answer rests on evidence (attribution, dates, structure) rather than on the time
wiretrace first saw it gets the same original in each order. Five `wiretrace crawl` runs
(about 20 s unloaded, two minutes on a loaded machine): a soak test (`make soak`)."""

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from wiretrace_testing.webgen import run
from wiretrace_testing.webgen.web import generate

pytestmark = pytest.mark.soak


def test_three_phase_orders_give_the_same_originals(shared_pages: Path, redis_url: str,
                                                    tmp_path: Path) -> None:
    web = generate(11, shared_pages, n_originals=3, n_sites=4)
    answers: list[dict[str, str | None]] = []
    decided: set[int] = set()
    for order in run.PHASE_ORDERS:
        workdir = tmp_path / order
        workdir.mkdir()
        ns = f"wttest-phases-{uuid.uuid4().hex[:10]}"
        try:
            ans = run.crawl(run.in_phase_order(web, order), workdir, redis_url, ns)
        finally:
            client = redis.Redis.from_url(redis_url)
            keys = list(client.scan_iter(match=f"{ns}:*", count=1000))
            if keys:
                client.delete(*keys)
        got: dict[str, str | None] = {}
        for i, r in enumerate(ans.results):
            orig = r.get("original")
            got[web.pages[i].url(None)] = _no_port(str(orig["url"])) if isinstance(
                orig, dict) else None
            evidence = [str(e) for e in r.get("evidence") or []]
            if r.get("role") in ("copy", "partial") and isinstance(orig, dict) and not any(
                    e.startswith(("first_seen", "prior")) for e in evidence):
                decided.add(i)
        answers.append(got)
    assert len(decided) >= len(web.pages) // 3, "too few pages decided by evidence"
    for i in sorted(decided):
        key = web.pages[i].url(None)
        assert answers[0][key] == answers[1][key] == answers[2][key], (
            key, [a[key] for a in answers])


def _no_port(url: str) -> str:
    """A crawled URL without the loopback server's port (each crawl serves on its own)."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.hostname or "").geturl()
