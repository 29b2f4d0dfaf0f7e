"""Site templates in Redis (templates.lua through SiteMemory): when a pool ingest learns them,
and what the cap forgets."""

import random

import pytest

from dedup.boilerplate import line_key
from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput, Draft
from dedup.prepare import draft_article
from wiretrace_testing.stories import story

SITE = "https://hub.example/story/"
FOOTER = ("Hub Daily is published every morning by the staff of the Hub Daily newsroom "
          "in the old harbour building.")


def _line(k: int) -> str:
    return f"Line {k} of the hub's own furniture says something different every time it runs."


def test_a_pool_ingest_learns_each_batch_once_just_before_its_write(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five batches of a site whose pages share a footer, prepared by two workers: each batch
    is counted once, in input order, and answered as if alone (no preview of batches waiting
    to be written); the footer becomes the template, as in an ingest one article at a
    time."""
    engine = Engine.from_settings(settings.model_copy(update={"batch_size": 8}))
    items = [ArticleInput(url=f"{SITE}{k}", text=f"{story(k, paragraphs=2)}\n\n{FOOTER}")
             for k in range(40)]
    calls: list[tuple[str, int]] = []
    real = engine.store.site_templates

    def spy(sites: dict[str, list[list[tuple[bytes, bytes]]]], min_pages: int, cap: int,
            mode: str) -> dict[str, set[bytes]]:
        calls.append((mode, sum(len(g) for groups in sites.values() for g in groups)))
        return real(sites, min_pages, cap, mode)

    monkeypatch.setattr(engine.store, "site_templates", spy)
    report = engine.ingest(items, workers=2)
    assert not report.errors and len(report.outcomes) == 40
    assert calls == [("learn", 8)] * 5
    one = Engine.from_settings(settings.model_copy(
        update={"namespace": settings.namespace + "-one"}))
    try:
        for item in items:
            one.ingest([item], workers=1)
        template = {k: len(v) for k, v in engine.client.hgetall(
            engine.keys.template("hub.example")).items()}
        assert template == {k: len(v) for k, v in one.client.hgetall(
            one.keys.template("hub.example")).items()}
        assert template[line_key(FOOTER)] == 12  # the footer, with three articles' tags
    finally:
        keys = list(one.client.scan_iter(match=f"{settings.namespace}-one:*", count=1000))
        if keys:
            one.client.delete(*keys)


def test_past_the_cap_the_lines_of_one_article_are_forgotten(settings: Settings) -> None:
    """With ``template_cap`` 2: two lines seen twice fill the cap; the next batch first drops
    every field with one tag and clears the bitmap, so its lines are first sightings again."""
    engine = Engine.from_settings(settings.model_copy(update={"template_cap": 2}))

    def draft(k: int, lines: list[int]) -> Draft:
        text = "\n".join([story(k, paragraphs=1), *(_line(j) for j in lines)])
        return draft_article(ArticleInput(url=f"{SITE}{k}", text=text), engine.settings)

    key = engine.keys.template("hub.example")
    engine.sites.learn_templates([draft(1, [1, 2]), draft(2, [1, 2])])
    assert sorted(len(v) for v in engine.client.hgetall(key).values()) == [4, 4]
    engine.sites.learn_templates([draft(3, [1, 3])])
    assert engine.client.hgetall(key) == {}
    engine.sites.learn_templates([draft(4, [1, 3])])  # seen again after the clearing
    assert sorted(len(v) for v in engine.client.hgetall(key).values()) == [4, 4]


def _learn_line_by_line(fields: dict[bytes, bytes], seen: set[int],
                        groups: list[list[tuple[bytes, bytes]]], min_pages: int,
                        cap: int) -> set[bytes]:
    """templates.lua's learning as it was first written, one line at a time (an HGET, a
    GETBIT, then SETBITs), over a dict and the bitmap's set bits: the reference the script's
    batched reads must match."""
    full, size, found = min_pages * 4, len(fields), set()
    for g, group in enumerate(groups, 1):
        if size >= cap:
            for f in [f for f, v in fields.items() if len(v) <= 4]:
                del fields[f]
            seen.clear()
            size = len(fields)
        for tag, lines in group:
            for p in range(0, len(lines) - 7, 8):
                f = lines[p:p + 8]
                first = 32768 + ((f[2] ^ tag[0]) % 128) * 256 + (f[3] ^ tag[1])
                v = fields.get(f)
                if v is None:
                    if (f[0] % 128) * 256 + f[1] not in seen:
                        seen |= {(f[0] % 128) * 256 + f[1], first}
                    elif size < cap and first not in seen:
                        v = fields[f] = tag
                        size += 1
                elif len(v) < full and tag not in {v[q:q + 4] for q in range(0, len(v), 4)} \
                        and first not in seen:
                    v = fields[f] = v + tag
                if g == len(groups) and v is not None and len(v) >= full:
                    found.add(f)
    return found


def test_batched_reads_learn_what_line_by_line_reads_learned(settings: Settings) -> None:
    """Lines drawn from a small pool (repeated inside an article) whose bitmap bits collide
    often, few tags, a cap small enough to prune: every call answers, and leaves the hash
    and the bitmap, as the line-by-line reference (the script before its reads were
    batched) does."""
    engine = Engine.from_settings(settings)
    rng = random.Random(7)
    pool = [bytes([rng.choice([1, 129]), rng.choice([5, 6]), rng.randrange(3), rng.randrange(3)])
            + rng.randbytes(4) for _ in range(40)]
    tags = [rng.randbytes(4) for _ in range(6)]
    key, seen_key = engine.keys.template("t.example"), engine.keys.template_seen("t.example")
    fields: dict[bytes, bytes] = {}
    seen: set[int] = set()
    for _ in range(100):  # now and then an article of 1,200 lines: the reads in chunks
        groups = [[(rng.choice(tags), b"".join(rng.choices(
            pool, k=1200 if rng.random() < 0.05 else rng.randrange(0, 12))))
                   for _ in range(rng.randrange(1, 4))] for _ in range(rng.randrange(1, 3))]
        want = _learn_line_by_line(fields, seen, groups, 3, 12)
        got = engine.store.site_templates({"t.example": groups}, 3, 12, "learn")
        assert got.get("t.example", set()) == want
        assert engine.client.hgetall(key) == fields
        bitmap = engine.client.get(seen_key) or b""
        assert {j for j in range(8 * len(bitmap)) if bitmap[j // 8] >> (7 - j % 8) & 1} == seen


def test_an_article_reads_its_lines_in_one_command(settings: Settings) -> None:
    """One HMGET an article, not an HGET a line; a first sighting costs two SETBITs and no
    GETBIT (SETBIT answers the bit it found)."""
    engine = Engine.from_settings(settings)
    rng = random.Random(3)
    lines = b"".join(bytes([k, 0]) + rng.randbytes(6) for k in range(30))  # 30 bits apart
    engine.client.config_resetstat()
    engine.store.site_templates({"t.example": [[(b"tag1", lines)]]}, 3, 100, "learn")
    stats = engine.client.info("commandstats")
    assert stats["cmdstat_hmget"]["calls"] == 1
    assert "cmdstat_hget" not in stats and "cmdstat_getbit" not in stats
    assert stats["cmdstat_setbit"]["calls"] == 60
