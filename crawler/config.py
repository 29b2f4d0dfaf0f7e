"""The crawler's settings, read once from the environment (``WIRETRACE_*``).

:mod:`crawler.settings` (Scrapy's settings module) takes its values from here; the engine's
settings (Redis, namespace, thresholds, the log level) are :class:`dedup.config.Settings`.
"""

import os
import re
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

USER_AGENT = ("wiretrace/0.1 (+https://github.com/wiretrace/wiretrace; finds where news "
              "articles were first published)")


class CrawlSettings(BaseSettings):
    """Every tunable of the crawler that comes from the environment.

    Example:
        >>> CrawlSettings(extract_workers=2).extract_workers
        2
    """

    model_config = SettingsConfigDict(env_prefix="WIRETRACE_", extra="ignore",
                                      use_attribute_docstrings=True)

    sources: Path = Path("sources.yaml")
    """The sources file of `wiretrace crawl`, `schedule` and the spider when none is given."""
    user_agent: str = USER_AGENT
    """The crawler's `User-Agent` (a source's `settings: {USER_AGENT: …}` overrides it)."""
    hosts_file: str | None = None
    """Extra host-to-address mappings (hosts-file format) for the crawler, for tests and the
    demo."""
    extract_workers: int = Field(default=0, ge=0)
    """Processes that extract crawled pages; 0 = one per CPU."""
    shared_prefetch: int = Field(default=0, ge=0)
    """Pages a process of a shared crawl (`--shared-queue`) holds at once over all its sources
    (being fetched, waiting for or in extraction; 0 = four per extraction worker): it takes
    another from the shared queues only as one finishes, and none while its extraction pool
    is full, so the other processes get the rest."""
    allow_local_sources: bool = True
    """Crawl sources whose hosts only resolve locally (under `.test`, `.example`, `.invalid`,
    `.localhost`) or are literal loopback or private addresses. The compose file sets false:
    `crawl` and `schedule` then refuse such a sources file in one line."""
    heartbeat_file: Path | None = None
    """`wiretrace schedule` touches this file every few seconds while its loop runs (the
    compose healthcheck tests its age); unset: no file."""


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class UnsetVariableError(ValueError):
    """``${VAR}`` without a default names variables that are not set (all of them)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"{', '.join(names)} not set: set {'it' if len(names) == 1 else 'them'}"
                         ", or give a default as ${VAR:-default}")
        self.names = names


def expand_env(text: str) -> str:
    """``${VAR}`` and ``${VAR:-default}`` from the environment (a mounted sources file can
    name hosts and ports of its deployment). An empty variable takes the default; an unset
    one without a default is an error (``${VAR:-}`` says "empty is fine").

    Example:
        >>> expand_env("http://${WT_NO_SUCH_VAR:-news.test}/feed")
        'http://news.test/feed'
    """
    unset = [m.group(1) for m in _VAR.finditer(text)
             if m.group(2) is None and m.group(1) not in os.environ]
    if unset:
        raise UnsetVariableError(list(dict.fromkeys(unset)))
    return _VAR.sub(lambda m: os.environ.get(m.group(1)) or (m.group(2) or ""), text)
