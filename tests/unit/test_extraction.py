"""Extraction on pages written here: dates that are not dates, signals of origin."""

from dedup.extraction import extract
from dedup.prepare import iso_utc
from wiretrace_testing.crawlsites import farm_page
from wiretrace_testing.stories import story


def test_a_copyright_year_is_not_a_publication_date() -> None:
    # no date in the markup; htmldate would read "Copyright 2019" as 2019-01-01
    page = farm_page("A story", story(1).split("\n\n"), None, "")
    assert "Copyright 2019" in page
    assert extract(page, "https://farm.example/a").published is None
    dated = farm_page("A story", story(1).split("\n\n"), "2024-05-02T10:00:00Z", "")
    assert extract(dated, "https://farm.example/a").published == "2024-05-02T10:00:00Z"


def test_impossible_dates_are_no_dates() -> None:
    assert iso_utc("0001-01-01T00:00:00Z") is None  # a template default
    assert iso_utc("2999-03-01") is None
    assert iso_utc("2019-11-19T08:16:00-05:00") == "2019-11-19T13:16:00Z"
    assert iso_utc("2019-11-19") == "2019-11-19T00:00:00"
