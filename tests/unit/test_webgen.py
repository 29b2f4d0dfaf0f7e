"""The generated webs: the same seed gives the same web, each seed range draws from its own
half of every pool, and a story is undecidable exactly when nothing points to its original."""

from datetime import UTC, datetime
from pathlib import Path

from wiretrace_testing.webgen.dates import PageDate
from wiretrace_testing.webgen.pools import PUBLISHERS, real_pages
from wiretrace_testing.webgen.truth import decidable
from wiretrace_testing.webgen.web import Page, Web, generate


def test_the_same_seed_gives_the_same_web(shared_pages: Path) -> None:
    a, b = generate(7, shared_pages), generate(7, shared_pages)
    assert [(p.host, p.path, p.html) for p in a.pages] == \
        [(p.host, p.path, p.html) for p in b.pages]
    assert [(p.host, p.path) for p in generate(8, shared_pages).pages] != \
        [(p.host, p.path) for p in a.pages]


def test_each_seed_range_draws_from_its_own_half(shared_pages: Path) -> None:
    pool = real_pages(shared_pages)
    assert not {p.host for p in pool.tuned} & {p.host for p in pool.held_out}
    for seed, half, names in ((3, pool.tuned, PUBLISHERS.tuned),
                              (103, pool.held_out, PUBLISHERS.held_out)):
        web = generate(seed, shared_pages)
        real_hosts = {p.host for p in half}
        urls = {p.url for p in half}
        assert {o.host for o in web.originals.values()} <= real_hosts
        assert {p.host for p in web.pages if p.kind != "original"} <= {h for _, h in names}
        assert {p.layout[5:] for p in web.pages if p.layout.startswith("real:")} <= urls


def _web(copy: Page, original_phase: int, original_date: PageDate | None) -> Web:
    original = Page("news.test", "/a", b"", "original", "original", ("s",),
                    date=original_date, phase=original_phase)
    return Web(0, [original, copy], 3, {"s": original})


def test_a_silent_copy_crawled_first_is_undecidable() -> None:
    day = PageDate(datetime(2021, 3, 1, 9, tzinfo=UTC), "time")
    silent = Page("farm.test", "/b", b"", "silent", "copy", ("s",), "undated", phase=0)
    assert decidable(_web(silent, 1, day)) == {"s": False}
    assert decidable(_web(silent, 0, day)) == {"s": False}  # one phase: order unknown
    later = Page("farm.test", "/b", b"", "verbatim", "copy", ("s",), "minutes", phase=0,
                 date=PageDate(datetime(2021, 3, 1, 9, 20, tzinfo=UTC), "time"))
    assert decidable(_web(later, 1, day)) == {"s": True}  # minutes count on timestamps
    day_only = PageDate(datetime(2021, 3, 1, tzinfo=UTC), "day")
    assert decidable(_web(later, 1, day_only)) == {"s": False}  # a day keeps a margin
    named = Page("farm.test", "/b", b"", "verbatim", "copy", ("s",), "backdated", phase=0,
                 date=PageDate(datetime(2021, 2, 27, tzinfo=UTC), "time"), names=("s",))
    assert decidable(_web(named, 1, day)) == {"s": True}
    assert decidable(_web(silent, 0, day)) != decidable(_web(silent, -1, day))
