"""The engine against a real Redis: roles, originals, updates, removal, round trips."""

import json
import re
from typing import Any

import pytest
import redis
import redis.connection as rc

from dedup import lookup
from dedup.config import Settings
from dedup.engine import Engine
from dedup.errors import IndexMismatchError, InputError, StoreUnavailableError
from dedup.keys import SHARDS
from dedup.models import ArticleInput
from dedup.params import SignatureParams
from dedup.reads import read_texts
from dedup.results import IndexStats, LookupResult
from dedup.urls import article_id, normalize_url
from wiretrace_testing.stories import excerpt, light_edit, story, wrapped_copy

pytestmark = pytest.mark.cluster  # each test runs on one Redis and on a cluster

ORIG = "https://origin.example/news/story-1"
COPY = "https://farm.example/2024/copy-of-story"
EXC = "https://aggregator.example/brief/1"


def art(url: str, text: str, **kw: object) -> ArticleInput:
    return ArticleInput(url=url, text=text, **kw)  # type: ignore[arg-type]


def _counts_of(stats: IndexStats) -> dict[str, int]:
    return stats.counts()


def _counts(engine: Engine) -> dict[str, int]:
    return _counts_of(engine.stats())


def roles(engine: Engine, *urls: str) -> list[str | None]:
    return [r.role for r in engine.lookup(list(urls))]


def test_copy_excerpt_and_unique(engine: Engine) -> None:
    text = story(1)
    engine.ingest([
        art(ORIG, text, published="2024-05-01T10:00:00Z", title="The story"),
        art(COPY, wrapped_copy(text), published="2024-05-02T10:00:00Z"),
        art(EXC, excerpt(text), published="2024-05-02T12:00:00Z"),
        art("https://origin.example/news/other", story(2)),
    ])
    o, c, e, u = engine.lookup([ORIG, COPY, EXC, "https://origin.example/news/other"])
    assert (o.role, c.role, e.role, u.role) == ("original", "copy", "partial", "unique")
    assert c.original and c.original["url"] == ORIG and c.original["title"] == "The story"
    assert c.containment is not None and c.containment > 0.9
    assert e.containment is not None and 0.25 < e.containment < 0.6
    assert {x["url"] for x in o.copies} == {COPY, EXC}
    assert o.original is None and c.copies == []
    assert c.cluster == o.cluster == e.cluster and u.cluster != o.cluster


def test_original_crawled_after_its_copies_takes_its_place(engine: Engine) -> None:
    text = story(3)
    engine.ingest([art(COPY, wrapped_copy(text, "Source: This article originally belongs to "
                                                "Origin.example"))])
    engine.ingest([art(EXC, excerpt(text) + "\nvia origin.example")])
    assert roles(engine, COPY) == ["copy"]  # names a source that is not indexed
    assert engine.lookup([COPY])[0].attributed_to == "origin.example"
    engine.ingest([art(ORIG, text)])
    o, c = engine.lookup([ORIG, COPY])
    assert o.role == "original"
    assert c.role == "copy" and c.original and c.original["url"] == ORIG
    assert any(e.startswith("attribution: origin.example") for e in c.evidence)


def test_wire_story_first_indexed_publication_is_its_original(engine: Engine) -> None:
    text = story(5)
    later = "https://paper-b.example/world/story"
    engine.ingest([art(later, wrapped_copy(text), wire=["AP"],
                       published="2024-03-04T15:00:00Z")])
    engine.ingest([art(ORIG, text, wire=["AP"], published="2024-03-01T09:00:00Z")])
    o, c = engine.lookup([ORIG, later])
    assert o.role == "original" and o.attributed_to == "AP"
    assert any(e.startswith("wire: ") for e in o.evidence)
    assert c.role == "copy" and c.original and c.original["url"] == ORIG
    assert c.attributed_to == "AP"


def test_page_naming_an_outside_source_is_never_the_original_of_its_wire(
        engine: Engine) -> None:
    """A page that says "originally appeared on X" stays a copy of X even when every other
    member only carries a wire byline; an unattributed copy dated after a page that credits an
    outside source is not the original either."""
    text = story(6)
    credited = "https://portal.example/health/story"
    silent = "https://farm.example/2024/silent-copy"
    engine.ingest([art(silent, wrapped_copy(text), published="2024-06-10T00:00:00Z")])
    engine.ingest([art(credited, text, canonical_url="https://elsewhere.example/story",
                       published="2024-06-01T00:00:00Z")])
    cr, si = engine.lookup([credited, silent])
    assert cr.role in ("copy", "partial") and cr.original is None
    assert cr.attributed_to == "https://elsewhere.example/story"
    assert si.role in ("copy", "partial") and si.original is None
    assert si.attributed_to == "https://elsewhere.example/story"
    assert any("the cluster names" in e for e in si.evidence)


def test_backdated_copy_crediting_a_name_wiretrace_cannot_match_does_not_win(
        engine: Engine) -> None:
    """"Originally appeared on The Morning Ledger" may name the original's own site (its
    domain says nothing of that name): the copy's early date does not rule the original out."""
    text = story(9)
    engine.ingest([art(COPY, wrapped_copy(text, "This story originally appeared on The "
                                                "Morning Ledger."),
                       published="2001-01-01T00:00:00Z")])
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z")])
    o, c = engine.lookup([ORIG, COPY])
    assert o.role == "original" and c.original and c.original["url"] == ORIG


def test_backdated_copy_with_canonical_does_not_win(engine: Engine) -> None:
    text = story(4)
    engine.ingest([art(COPY, wrapped_copy(text), published="2020-01-01T00:00:00Z",
                       canonical_url=ORIG)])
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z")])
    o, c = engine.lookup([ORIG, COPY])
    assert (o.role, c.role) == ("original", "copy")
    assert c.confidence and c.confidence >= 0.9
    assert f"canonical: {ORIG}" in c.evidence


def test_dates_decide_without_attribution(engine: Engine) -> None:
    text = story(5)
    engine.ingest([art(COPY, wrapped_copy(text), published="2024-03-09T00:00:00Z")])
    engine.ingest([art(ORIG, text, published="2024-03-01T00:00:00Z")])
    assert roles(engine, ORIG, COPY) == ["original", "copy"]


def test_same_site_articles_sharing_boilerplate_are_not_linked(engine: Engine) -> None:
    block = "\n\n".join(story(90 + i, paragraphs=1) for i in range(3))  # a big shared footer
    a = art("https://site.example/a", story(6, paragraphs=3) + "\n\n" + block)
    b = art("https://site.example/b", story(7, paragraphs=3) + "\n\n" + block)
    engine.ingest([a, b])
    assert roles(engine, a.url, b.url) == ["unique", "unique"]


def test_roundup_is_partial_of_the_story_it_reuses_most_and_merges_nothing(
        engine: Engine) -> None:
    s1, s2 = story(8), story(9)
    engine.ingest([art("https://one.example/s1", s1, published="2024-01-01T00:00:00Z"),
                   art("https://two.example/s2", s2, published="2024-01-01T00:00:00Z")])
    p1, p2 = s1.split("\n\n"), s2.split("\n\n")
    roundup = "\n\n".join(p1[:5] + p2[:3])
    engine.ingest([art("https://roundup.example/r", roundup, published="2024-01-05T00:00:00Z")])
    r, one, two = engine.lookup(["https://roundup.example/r", "https://one.example/s1",
                                 "https://two.example/s2"])
    assert r.role == "partial" and r.original and r.original["url"] == "https://one.example/s1"
    assert one.cluster != two.cluster and two.role == "unique"


def test_a_roundup_seen_first_does_not_chain_two_stories(engine: Engine) -> None:
    """A digest that quotes two stories, crawled before both: each story's copy relates to
    it through its own part only, so neither joins through it; the digest stays a partial
    of one story and the two stories never share a cluster."""
    s1, s2 = story(10), story(11)
    p1, p2 = s1.split("\n\n"), s2.split("\n\n")
    engine.ingest([art("https://roundup.example/r", "\n\n".join(p1[:5] + p2[:4]))])
    engine.ingest([art("https://farm.example/c1", wrapped_copy(s1),
                       published="2024-02-01T00:00:00Z")])
    engine.ingest([art("https://farm2.example/c2", wrapped_copy(s2),
                       published="2024-02-01T00:00:00Z")])
    engine.ingest([art("https://one.example/s1", s1, published="2024-01-01T00:00:00Z"),
                   art("https://two.example/s2", s2, published="2024-01-01T00:00:00Z")])
    r, c1, c2, one, two = engine.lookup([
        "https://roundup.example/r", "https://farm.example/c1", "https://farm2.example/c2",
        "https://one.example/s1", "https://two.example/s2"])
    assert one.cluster != two.cluster and one.role == two.role == "original"
    assert c1.original and c1.original["url"] == "https://one.example/s1"
    assert c2.original and c2.original["url"] == "https://two.example/s2"
    assert r.role == "partial" and r.original and r.original["url"] == "https://one.example/s1"


def test_an_original_arriving_last_joins_the_clusters_of_its_disjoint_excerpts(
        engine: Engine) -> None:
    paras = story(12, paragraphs=10).split("\n\n")
    first, second = "\n\n".join(paras[:4]), "\n\n".join(paras[6:])
    engine.ingest([art("https://a.example/1", first), art("https://b.example/1", first + "\nok"),
                   art("https://c.example/2", second), art("https://d.example/2", second)])
    assert len({r.cluster for r in engine.lookup(["https://a.example/1",
                                                  "https://c.example/2"])}) == 2
    engine.ingest([art(ORIG, "\n\n".join(paras))])
    res = engine.lookup([ORIG, "https://a.example/1", "https://b.example/1",
                         "https://c.example/2", "https://d.example/2"])
    assert res[0].role == "original" and len({r.cluster for r in res}) == 1
    assert all(r.role == "partial" and r.original and r.original["url"] == ORIG
               for r in res[1:])


def test_reingest_same_text_changes_nothing_changed_text_updates(engine: Engine) -> None:
    text = story(10)
    engine.ingest([art(ORIG, text), art(COPY, wrapped_copy(text))])
    before = engine.stats()
    again = engine.ingest([art(ORIG, text)])
    assert [o.status for o in again.outcomes] == ["unchanged"]
    assert _counts(engine) == _counts_of(before)
    changed = engine.ingest([art(COPY, story(11))])
    assert [o.status for o in changed.outcomes] == ["updated"]
    assert roles(engine, ORIG, COPY) == ["unique", "unique"]
    assert engine.stats().clusters == 0


def test_remove_decides_the_cluster_again(engine: Engine) -> None:
    text = story(12)
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z"),
                   art(COPY, wrapped_copy(text), published="2024-01-05T00:00:00Z"),
                   art(EXC, excerpt(text), published="2024-01-06T00:00:00Z")])
    assert engine.remove(ORIG)
    assert not engine.remove(ORIG)
    o, c, e = engine.lookup([ORIG, COPY, EXC])
    assert not o.indexed and o.role is None
    assert c.role == "original" and e.role == "partial"
    assert engine.stats().articles == 2


def test_copy_of_a_copy_points_to_the_root(engine: Engine) -> None:
    text = story(13)
    first = wrapped_copy(text, "Source: origin.example")
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z")])
    engine.ingest([art(COPY, first, published="2024-01-03T00:00:00Z")])
    engine.ingest([art("https://third.example/c", light_edit(first, 3) + "\nSource: farm.example",
                       published="2024-01-04T00:00:00Z")])
    third = engine.lookup(["https://third.example/c"])[0]
    assert third.role == "copy" and third.original and third.original["url"] == ORIG


def test_check_answers_without_writing(engine: Engine) -> None:
    text = story(14)
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z")])
    before = engine.stats()
    res = engine.check(art("https://new.example/x", wrapped_copy(text)))
    assert not res.indexed and res.role == "copy"
    assert res.original and res.original["url"] == ORIG
    assert _counts(engine) == _counts_of(before)
    assert not engine.lookup(["https://new.example/x"])[0].indexed


def _timeless(res: object) -> str:
    """An answer without the clock's part (a checked text is first seen when checked)."""
    assert isinstance(res, LookupResult)
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "T", json.dumps(res.to_dict()))


def test_check_many_answers_each_as_if_alone(engine: Engine) -> None:
    texts = [story(k) for k in (15, 16, 17)]
    engine.ingest([art(f"https://orig.example/{k}", t, published="2024-01-01T00:00:00Z")
                   for k, t in enumerate(texts)])
    engine.ingest([art("https://copier.example/0", wrapped_copy(texts[0]))])
    fresh = story(18)
    items = [art("https://new.example/a", wrapped_copy(texts[1])),
             art("https://new.example/bad", ""),
             art("https://new.example/b", excerpt(texts[2])),
             art("https://new.example/c", fresh),
             art("https://new.example/d", light_edit(fresh, 2)),  # c is not indexed
             art("https://orig.example/0", texts[0]),  # indexed: the answer a lookup gives
             art("https://new.example/e", light_edit(texts[0], 3))]
    before = _counts(engine)
    many = engine.check_many(items)
    assert isinstance(many[1], InputError)
    alone = [engine.check(i) for j, i in enumerate(items) if j != 1]
    assert [_timeless(r) for j, r in enumerate(many) if j != 1] == [_timeless(r) for r in alone]
    assert [r.role for r in alone] == ["copy", "partial", "unique", "unique", "original", "copy"]
    assert alone[4].indexed and alone[4].copies
    assert _counts(engine) == before


DISCLAIMER = ("(This story has not been edited by Hub staff and is auto-generated from a "
              "syndicated feed. Only the headline and picture may have been reworked by our "
              "staff; the rest of the content is auto-generated from the wire.)")
RELATED = [f"Related: {story(300 + k, paragraphs=1)}" for k in range(2)]


def test_a_sites_template_lines_are_learned_and_left_out_of_its_signatures(
        engine: Engine) -> None:
    """A republisher prints the same long disclaimer under every story. Once three of its
    articles carry it after the first, it is left out of the site's signatures: a full copy
    of an original whose extracted text carries a block of related stories (so the copy
    reproduces about 70% of it) is a copy, not a partial, as it adds nothing of its own."""
    hub = "https://hub.example/story/"
    for k in range(3):  # the hub's other stories; each counted once however often it is seen
        for _ in range(2):
            engine.ingest([art(f"{hub}other-{k}", f"{story(200 + k)}\n\n{DISCLAIMER}")])
    text = story(7, paragraphs=6)
    engine.ingest([art(ORIG, "\n\n".join([text, *RELATED]),
                       published="2024-01-01T00:00:00Z")])
    engine.ingest([art(f"{hub}copy", f"{text}\n\n{DISCLAIMER}",
                       published="2024-02-01T00:00:00Z")])
    o, c = engine.lookup([ORIG, f"{hub}copy"])
    assert o.role == "original"
    assert c.role == "copy" and c.containment is not None and c.containment < 0.75, c
    # a check (which writes nothing) of another copy on the hub reads the same template
    checked = engine.check(art(f"{hub}copy-2", f"{text}\n\n{DISCLAIMER}"))
    assert checked.role == "copy" and not checked.indexed
    # lines seen once are a bit in a bitmap, also when their article is ingested again; the
    # disclaimer is the one line with three tags
    tpl = engine.client.hgetall(engine.keys.template("hub.example"))
    assert sorted(len(v) for v in tpl.values()) == [12]


def test_a_site_that_mostly_republishes_is_not_taken_for_an_original(engine: Engine) -> None:
    """A farm's copy with no date and no attribution, crawled before its original, is the
    first seen: without a prior it would be the original. The farm's five other articles
    credit other publications, so it is known to republish, and the original site is
    preferred."""
    farm = "https://farm.example/2024/"
    for k in range(5):  # their originals are not indexed: the farm is known by its credits
        engine.ingest([art(f"{farm}copy-{k}", wrapped_copy(story(500 + k),
                                                        f"Source: news{k}.example"))])
    text = story(8)
    engine.ingest([art(f"{farm}silent", wrapped_copy(text))])
    engine.ingest([art(ORIG, text)])
    o, c = engine.lookup([ORIG, f"{farm}silent"])
    assert o.role == "original" and c.role == "copy", (o, c)
    assert c.original and c.original["url"] == ORIG
    assert any(e.startswith("prior: farm.example") for e in c.evidence)
    counts = engine.client.hgetall(engine.keys.site("farm.example"))
    assert counts == {b"articles": b"6", b"copies": b"1", b"credited": b"5"}
    engine.remove(f"{farm}copy-0")
    engine.ingest([art(f"{farm}copy-1", wrapped_copy(story(501)))])  # the credit is gone
    counts = engine.client.hgetall(engine.keys.site("farm.example"))
    assert counts == {b"articles": b"5", b"copies": b"1", b"credited": b"3"}


def test_round_trips_per_batch_and_per_lookup(engine: Engine,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = engine.client.execute_command
    pipeline_class = type(engine.client.pipeline())  # a cluster's pipeline is another class
    real_pipe = pipeline_class.execute

    def counting(*args: object, **kw: object) -> object:
        calls.append(str(args[0]))
        return real(*args, **kw)

    def counting_pipe(pipe: redis.client.Pipeline, *args: object, **kw: object) -> object:
        if len(pipe):  # commands queued (a cluster's pipeline has no command_stack)
            calls.append("pipeline")
        return real_pipe(pipe, *args, **kw)

    engine.check_index()
    # scripts loaded on every master first (a node without one answers NOSCRIPT once)
    engine.ingest([art("https://warm.example/a", story(19))])
    engine.client.execute_command = counting  # type: ignore[method-assign]
    monkeypatch.setattr(pipeline_class, "execute", counting_pipe)
    engine.ingest([art(f"https://s{i}.example/a", story(20 + i)) for i in range(10)])
    # the site templates script, the band entries script, the records (no candidate, no
    # cluster to read), one guarded write script
    if not engine.keys.sharded:
        assert len(calls) == 4, calls
    else:  # per slot: a templates call a template tag, a write's share a tag it touches
        reads = SHARDS["t"] + 3  # templates, counters, band entries, records
        write = 3 + len(engine.keys.tags()) + 3 + 1  # lease, guards, journal, WAITs, done
        assert 4 < len(calls) <= reads + write, calls
    calls.clear()
    engine.lookup([f"https://s{i}.example/a" for i in range(10)])
    assert len(calls) == 2, calls  # records, clusters (no other member to read)


def _watch_check(monkeypatch: pytest.MonkeyPatch
                 ) -> tuple[list[object], list[dict[str, str]]]:
    """From now on: what redis-py sends, and the texts the passages rule is given."""
    sends: list[object] = []
    orig = rc.AbstractConnection.send_packed_command

    def counted(conn: rc.AbstractConnection, *a: object, **kw: object) -> None:
        sends.append(a[0])
        orig(conn, *a, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr(rc.AbstractConnection, "send_packed_command", counted)
    given: list[dict[str, str]] = []

    def texts(*a: Any, **kw: Any) -> dict[str, str]:
        given.append(read_texts(*a, **kw))
        return given[-1]
    monkeypatch.setattr(lookup, "read_texts", texts)
    return sends, given


def test_round_trips_per_check(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check of a copy of a story with a cluster of three, whose decision asks for the
    republisher prior: on one Redis the band entries, then one script call that compares the
    candidates and reads their records, clusters and site counters (before: band entries,
    candidates, records, clusters, site counters; 4.3 round trips a check at 20k), the
    original's stored text included, on which the copy's shape is measured (dedup/shapes.py;
    before, one more round trip)."""
    text = story(21, paragraphs=6)
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z")])
    engine.ingest([art(COPY, wrapped_copy(text))])
    engine.ingest([art(EXC, excerpt(text))])
    probe = art("https://new.example/copy", light_edit(text, 2))
    first = engine.check(probe)  # the parameters and the site's templates are read once
    assert first.role == "copy" and first.original and first.original["url"] == ORIG
    sends, given = _watch_check(monkeypatch)
    again = engine.check(probe)
    assert _timeless(again) == _timeless(first)
    if not engine.keys.sharded:  # a light edit: its shape is measured on the original's text
        assert len(sends) == 2, sends
        assert [list(t) for t in given] == [[article_id(normalize_url(ORIG))]], given
        verbatim = art("https://new.example/verbatim", wrapped_copy(text))
        engine.check(verbatim)
        sends.clear()
        engine.check(verbatim)
        assert len(sends) == 2, sends
    else:  # counters, band entries, a candidates call per master, records, clusters, prior
        assert len(sends) <= 14, sends  # 12 when written


def test_check_against_an_article_alone_reads_its_text_in_the_same_call(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A light edit of an article no other joined yet: the passages rule compares it with
    that article's stored text, which on one Redis comes with the article's record (two
    round trips, not three)."""
    text = story(22, paragraphs=6)
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z")])
    probe = art("https://new.example/edit", light_edit(text, 2))
    first = engine.check(probe)  # the parameters and the site's templates are read once
    assert first.role == "copy" and first.original and first.original["url"] == ORIG
    sends, given = _watch_check(monkeypatch)
    assert _timeless(engine.check(probe)) == _timeless(first)
    assert [list(t) for t in given] == [[article_id(normalize_url(ORIG))]], given
    if not engine.keys.sharded:
        assert len(sends) == 2, sends


def test_index_written_with_other_parameters_is_refused(settings: Settings,
                                                        engine: Engine) -> None:
    engine.ingest([art(ORIG, story(15))])
    other = Engine(engine.client, settings, SignatureParams(bands=32, rows=4))
    with pytest.raises(IndexMismatchError, match="reindex"):
        other.ingest([art(COPY, story(15))])


def test_reindex_rebuilds_from_stored_texts(engine: Engine) -> None:
    text = story(16)
    engine.ingest([art(ORIG, text, published="2024-01-01T00:00:00Z"),
                   art(COPY, wrapped_copy(text), published="2024-01-04T00:00:00Z")])
    engine.client.hset(engine.keys.meta, "params", b"version=0")
    assert engine.reindex() == 2
    assert roles(engine, ORIG, COPY) == ["original", "copy"]


def test_redis_down_is_a_clear_error() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:1/0", redis_timeout=0.5)
    engine = Engine.from_settings(settings)
    with pytest.raises(StoreUnavailableError, match=r"^Redis is unavailable: "):
        engine.lookup([ORIG])


def test_bulk_ingest_in_worker_processes_decides_like_one_process(redis_url: str) -> None:
    texts = [story(300 + i) for i in range(40)]
    items = [art(f"https://orig{i}.example/s", t, published="2024-01-01T00:00:00Z")
             for i, t in enumerate(texts)]
    items += [art(f"https://farm.example/c{i}", wrapped_copy(t), published="2024-02-01T00:00:00Z")
              for i, t in enumerate(texts)]
    items += [art(f"https://agg.example/e{i}", excerpt(t), published="2024-02-02T00:00:00Z")
              for i, t in enumerate(texts)]
    items.append(art("https://bad.example/x", "too short"))
    answers = []
    for workers in (1, 2):
        s = Settings(redis_url=redis_url, namespace=f"wttest-bulk{workers}-{id(items)}",
                     batch_size=16)
        eng = Engine.from_settings(s)
        try:
            report = eng.ingest(items, workers=workers)
            assert report.errors and report.errors[0][0] == len(items) - 1
            answers.append([(r.role, r.original and r.original["url"])
                            for r in eng.lookup([i.url for i in items])])
        finally:
            keys = list(eng.client.scan_iter(match=f"{s.namespace}:*", count=1000))
            if keys:
                eng.client.delete(*keys)
    assert answers[0] == answers[1]
    assert [a[0] for a in answers[1][:40]] == ["original"] * 40
    assert [a[1] for a in answers[1][40:80]] == [i.url for i in items[:40]]
