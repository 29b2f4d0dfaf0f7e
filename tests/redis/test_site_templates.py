"""Site templates in Redis (templates.lua through SiteMemory): when a pool ingest learns them,
and what the cap forgets."""

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
