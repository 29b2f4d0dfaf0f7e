"""The extraction pool a crawl forks before its reactor runs: taken by the first indexer
with as many workers, refused while other threads run."""

import threading

from crawler import indexer
from crawler.work import extract_page
from wiretrace_testing.crawlsites import farm_page
from wiretrace_testing.stories import story


def test_a_prestarted_pool_extracts_and_goes_to_one_indexer() -> None:
    assert indexer.prestart_pool(1)
    try:
        assert not indexer.prestart_pool(1)  # one at a time
        assert indexer._take_prestarted(2) is None  # another worker count: not this pool
        pool = indexer._take_prestarted(1)
        assert pool is not None and indexer._take_prestarted(1) is None
        page = farm_page("A story", story(1).split("\n\n"), "2024-05-02T10:00:00Z", "")
        status, draft, _ = pool.submit(extract_page, "https://farm.example/a", page).result()
        assert status == "ok" and draft is not None and draft.meta.title == "A story"
        pool.shutdown()
    finally:
        indexer.discard_prestarted()


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not indexer.prestart_pool(1)
    finally:
        stop.set()
        t.join()
    indexer.discard_prestarted()  # nothing to discard: no error
