"""Sources a container cannot crawl are named, all at once, unless the setting allows them."""

from pathlib import Path

import pytest

from crawler.reachability import check_sources, local_reason
from crawler.sources import SourcesError

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("host", ["news.test", "a.b.example", "x.invalid", "localhost",
                                  "app.localhost", "www.example.com", "EXAMPLE.ORG.",
                                  "127.0.0.1", "2130706433", "0x7f.1", "[::1]", "10.1.2.3",
                                  "192.168.0.8", "169.254.169.254"])
def test_hosts_a_container_cannot_reach(host: str) -> None:
    assert local_reason(host)


@pytest.mark.parametrize("host", ["www.bbc.co.uk", "apnews.com", "testing.com", "example.co",
                                  "my-example.com", "93.184.215.14", "localhost.news"])
def test_public_hosts_pass(host: str) -> None:
    assert local_reason(host) is None


def test_every_source_of_the_shipped_files_is_named_in_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRETRACE_ALLOW_LOCAL_SOURCES", "false")
    for f, names in ((ROOT / "sources.example.yaml", ["my-paper", "wire-partner", "aggregator"]),
                     (ROOT / "examples" / "sources.yaml", ["eastbrook-gazette", "harbourwire"])):
        with pytest.raises(SourcesError) as err:
            check_sources(f)
        line = str(err.value)
        assert "\n" not in line and "WIRETRACE_ALLOW_LOCAL_SOURCES=true" in line
        assert all(repr(n) in line for n in names), line


def test_the_setting_allows_them_and_public_sources_pass(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRETRACE_ALLOW_LOCAL_SOURCES", "true")
    assert len(check_sources(ROOT / "sources.example.yaml")) == 3
    monkeypatch.setenv("WIRETRACE_ALLOW_LOCAL_SOURCES", "false")
    f = tmp_path / "sources.yaml"
    f.write_text("sources:\n  - name: ap\n    feeds: [https://apnews.com/index.rss]\n"
                 "  - name: lan\n    start_urls: ['http://192.168.1.20/', 'https://apnews.com/']\n")
    with pytest.raises(SourcesError, match=r"1 of 2 sources .*'lan' \(192\.168\.1\.20 is priv"):
        check_sources(f)
