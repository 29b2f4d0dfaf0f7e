"""The crawler's settings: one class reads the environment, the Scrapy settings follow it."""

from pathlib import Path

import pytest
from pydantic import ValidationError

import crawler.settings
from crawler.config import USER_AGENT, CrawlSettings, expand_env
from crawler.sources import SourcesError, load_sources
from dedup.config import Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("SOURCES", "USER_AGENT", "HOSTS_FILE", "EXTRACT_WORKERS"):
        monkeypatch.delenv(f"WIRETRACE_{name}", raising=False)
    return monkeypatch


def test_defaults_are_the_documented_ones(clean_env: pytest.MonkeyPatch) -> None:
    s = CrawlSettings()
    assert s.sources == Path("sources.yaml")
    assert s.user_agent == USER_AGENT
    assert (s.hosts_file, s.extract_workers) == (None, 0)


def test_each_variable_is_read_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WIRETRACE_SOURCES", "/etc/wiretrace/sources.yaml")
    clean_env.setenv("WIRETRACE_USER_AGENT", "newsroom-bot/1")
    clean_env.setenv("WIRETRACE_HOSTS_FILE", "/tmp/hosts")
    clean_env.setenv("WIRETRACE_EXTRACT_WORKERS", "3")
    s = CrawlSettings()
    assert s.sources == Path("/etc/wiretrace/sources.yaml")
    assert (s.user_agent, s.hosts_file, s.extract_workers) == ("newsroom-bot/1", "/tmp/hosts", 3)


def test_a_bad_value_is_refused_at_start(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WIRETRACE_EXTRACT_WORKERS", "-1")
    with pytest.raises(ValidationError, match="extract_workers"):
        CrawlSettings()


def test_scrapy_settings_module_takes_its_values_from_the_class() -> None:
    s = CrawlSettings()
    expected = {"USER_AGENT": s.user_agent, "LOG_LEVEL": Settings().log_level,
                "WIRETRACE_SOURCES": str(s.sources), "WIRETRACE_HOSTS_FILE": s.hosts_file or "",
                "WIRETRACE_EXTRACT_WORKERS": s.extract_workers}
    assert {name: getattr(crawler.settings, name) for name in expected} == expected


def test_sources_file_defaults_to_wiretrace_sources(clean_env: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("sources:\n  - name: local\n    feeds: ['http://${WT_TEST_HOST:-a.test}/f']\n")
    clean_env.setenv("WIRETRACE_SOURCES", str(path))
    assert load_sources()["local"].feeds == ["http://a.test/f"]
    clean_env.setenv("WT_TEST_HOST", "b.test:8080")
    assert load_sources()["local"].feeds == ["http://b.test:8080/f"]
    clean_env.setenv("WIRETRACE_SOURCES", str(tmp_path / "missing.yaml"))
    with pytest.raises(SourcesError, match="set WIRETRACE_SOURCES"):
        load_sources()


def test_expand_env_leaves_text_without_variables_alone(clean_env: pytest.MonkeyPatch) -> None:
    assert expand_env("price: $5 {not a variable}") == "price: $5 {not a variable}"
    clean_env.setenv("WT_TEST_EMPTY", "")
    assert expand_env("${WT_TEST_EMPTY:-fallback} ${WT_TEST_UNSET_X:-}") == "fallback "


def test_sources_report_every_problem_and_every_unset_variable(
        clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("# ${IN_A_COMMENT} is not expanded\nsources:\n"
                    "  - {name: a, feeds: ['http://${WT_TEST_UNSET_A}/f', '${WT_TEST_UNSET_B}']}\n")
    with pytest.raises(SourcesError, match=r"WT_TEST_UNSET_A, WT_TEST_UNSET_B not set: set "
                       r"them, or give a default"):
        load_sources(path)
    path.write_text("sources:\n  - {name: a, feeds: [ftp://x/f]}\n"
                    "  - {name: b, feeds: ['http://b.example/f'], schedule: '0 */30 * * * *'}\n"
                    "  - {name: c, feeds: ['http://c.example/f'], schedule: '61 * * * *'}\n"
                    "  - {name: d, feeds: ['http://d.example/f'], schedule: '*/30 * * * *'}\n"
                    "  - {name: d, feeds: ['http://d.example/f']}\n")
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    lines = str(info.value).splitlines()
    assert lines[0].endswith("4 problems:"), lines
    assert "source 'a': field 'feeds'" in lines[1]
    assert "source 'b': field 'schedule'" in lines[2] and "seconds go last" in lines[2]
    assert "'*/30 * * * * 0'" in lines[2]  # ... and the expression to write instead
    assert "source 'c': field 'schedule'" in lines[3] and "5 fields" in lines[3]
    assert "source 'd': field 'name': used twice" in lines[4]
