"""The quality gate: small, fast versions of the syndication and extraction benchmarks, held
to floors pinned from measured results (scores only, never times). A change that makes
wiretrace find fewer copies, name wrong originals, link different articles or extract worse
text fails here. Full runs: `make quality` (bench/syndication.py, bench/extraction.py)."""

from pathlib import Path
from typing import Any

import pytest

from wiretrace_testing import extraction_score as extraction
from wiretrace_testing import syndication_eval as syndication
from wiretrace_testing.crawlsites import load_originals

# Measured on these 16 originals (69 pages; see README, "Quality"): every score 1.0, no false
# link. The floors leave room for one page of a crawl whose order varies from run to run,
# no more.
FLOORS = {"copy_recall": 0.96, "copy_precision": 0.96, "partial_recall": 0.92,
          "right_original": 0.97}


@pytest.fixture(scope="module")
def syndication_eval(shared_pages: Path, redis_url: str,
                     tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    originals = load_originals(shared_pages, 16, min_words=120)
    truth, results, _ = syndication.crawl_and_look_up(
        originals, tmp_path_factory.mktemp("synd"), redis_url)
    return syndication.evaluate(truth, results)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_syndication_floor(syndication_eval: dict[str, Any], metric: str) -> None:
    assert syndication_eval[metric] >= FLOORS[metric], (metric, syndication_eval["misses"])


def test_no_link_between_different_articles(syndication_eval: dict[str, Any]) -> None:
    assert syndication_eval["false_links"] == []


def test_extraction_not_below_trafilatura_defaults(shared_pages: Path) -> None:
    scores = extraction.run()
    ours, theirs = scores["wiretrace"], scores["trafilatura defaults"]
    assert ours.f1 >= theirs.f1, (ours, theirs)
    assert ours.f1 >= 0.965 and ours.recall >= 0.98, ours  # measured: F1 0.970, R 0.989
