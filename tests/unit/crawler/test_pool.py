"""The extraction pool a crawl forks before its reactor runs: taken by the first indexer
with as many workers, refused while other threads run."""

import subprocess
import sys
import threading
from pathlib import Path

from crawler import indexer
from crawler.work import extract_page
from wiretrace_testing.crawlsites import farm_page
from wiretrace_testing.stories import story


def test_a_prestarted_pool_extracts_and_goes_to_one_indexer() -> None:
    """In a fresh interpreter, as a crawl starts: the test run has threads of its own."""
    root = Path(__file__).resolve().parents[3]
    code = "from tests.unit.crawler.test_pool import prestarted; prestarted()"
    run = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


def prestarted() -> None:
    assert threading.active_count() == 1
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
