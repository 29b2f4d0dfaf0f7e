"""Engine settings, read once from the environment (``WIRETRACE_*``, and ``REDIS_URL``).

The crawler (``crawler.config.CrawlSettings``) and the API (``wiretrace.api.config``) have
classes of their own; the README's settings table is generated from all of them
(``python -m wiretrace.settings_table``).
"""

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dedup.errors import WiretraceError

CLUSTER_SCHEME = "redis+cluster://"


def cluster_nodes(url: str) -> tuple[list[tuple[str, int]], str | None]:
    """The (host, port) nodes and the password of a ``redis+cluster://[:password@]host:port
    [,host:port...][/0]`` URL; ValueError saying what is wrong."""
    rest = url.removeprefix(CLUSTER_SCHEME)
    rest, _, db = rest.partition("/")
    if db not in ("", "0"):
        raise ValueError("a Redis Cluster has database 0 only")
    auth, at, hosts = rest.rpartition("@")
    password = auth.partition(":")[2] or None if at else None
    nodes = []
    for part in hosts.split(","):
        host, colon, port = part.strip().rpartition(":")
        host = host.strip("[]")
        if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"bad node {part!r}: give host:port")
        nodes.append((host, int(port)))
    return nodes, password


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "wiretrace"


class Settings(BaseSettings):
    """Every tunable of the engine. Thresholds were chosen on the real-page quality test
    (tests/redis/test_quality_real.py; see README)."""

    model_config = SettingsConfigDict(env_prefix="WIRETRACE_", extra="ignore",
                                      use_attribute_docstrings=True)

    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "WIRETRACE_REDIS_URL")
    )
    """Redis to use: `redis://host:port/0` (one server) or
    `redis+cluster://[:password@]host:port[,host:port]` (a Redis Cluster); unset: an embedded
    redis-server with its data in `DATA_DIR`. A URL without a host (`redis://`) is refused."""
    redis_password: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_PASSWORD", "WIRETRACE_REDIS_PASSWORD"),
        repr=False)
    """Redis password when `REDIS_URL` has none and `REDIS_PASSWORD_FILE` is unset."""
    redis_password_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_PASSWORD_FILE", "WIRETRACE_REDIS_PASSWORD_FILE"))
    """File holding the Redis password (a secret mounted as a file; trailing newlines dropped),
    used when `REDIS_URL` has none; it wins over `REDIS_PASSWORD`."""
    namespace: str = "wt"
    """Prefix of every Redis key: several indexes can share one Redis."""
    data_dir: Path = Field(default_factory=_default_data_dir)
    """The embedded Redis's data (default `$XDG_DATA_HOME/wiretrace`)."""
    redis_timeout: float = 2.0
    """Seconds before a Redis call fails (redis-py would wait about a minute)."""
    redis_failover_wait: float = Field(default=20.0, ge=0, le=600)
    """On a Redis Cluster: seconds a call that meets a master's failover keeps trying (paced,
    about 1 a second) for its replica to be promoted: `cluster-node-timeout` (15 s by default)
    plus an election; 0: fail at once. The API waits 1 s at most."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "WARNING"
    """Log level of the `wiretrace` commands, the crawl included (`-v`: DEBUG)."""

    copy_containment: float = 0.75
    """Share of the original's shingles an article reproduces to be a copy."""
    copy_subset_containment: float = 0.65
    """... or at least this share when it adds (almost) nothing of its own (an original's text
    often carries captions and related stories its copies leave out)."""
    partial_containment: float = 0.2
    """Share reproduced for a partial (an excerpt, a partial rewrite)."""
    min_shared_shingles: int = 12
    """Two texts are related only if they share at least this many shingles (estimated)."""
    same_site_min_similarity: float = 0.5
    """Two articles of one site are linked only when this similar (a shared template is not
    reuse)."""
    date_margin_hours: float = 36.0
    """Published dates closer than this count as unknown order (dates are often wrong)."""
    republisher_min_copies: int = 5
    """A site with at least this many copies, partials or articles crediting another
    publication (wire stories aside) ... 0 = no republisher prior."""
    republisher_share: float = 0.3
    """... making at least this share of its articles mostly republishes: when neither
    attribution nor dates decide, it is not the original of a story another site carries."""
    template_min_pages: int = 3
    """A line this many distinct articles of one site carry after its first sighting is that
    site's template and is left out of its signatures; 0 = do not learn."""
    template_cap: int = 2048
    """Repeated lines remembered per site (about 30 bytes each, plus an 8 KB bitmap)."""

    min_words: int = 25
    """Texts with fewer words are not indexed (`too_short`)."""
    max_text_chars: int = 2_000_000
    """Texts are cut to this many characters."""
    batch_size: int = 64
    """Articles written to Redis per round trip; texts `wiretrace check --jsonl` reads per batch."""
    ingest_workers: int = 0
    """Processes that prepare (extract, sign) a bulk ingest; 0 = one per CPU, 1 = in process."""
    band_bucket_fill: int = Field(default=64, ge=1)
    """Band entries per band hash, on average, before writes add hashes (linear hashing):
    the largest stay well under Redis's `hash-max-listpack-entries` (512), hence compact,
    and short to scan (a listpack is searched entry by entry)."""
    write_retries: int = 30
    """Times a write is retried when concurrent writers changed what it read."""
    lease_wait: float = 600.0
    """Seconds a write waits while `wiretrace reindex` holds the index's write lease."""
    lease_ttl: float = 30.0
    """Seconds a reindex's write lease lasts unless renewed (it renews after every batch): a
    killed reindex blocks writers this long, and a re-run takes over once it lapsed."""

    notify_allow_private: bool = False
    """Tests only: let `watch add` and `wiretrace notify` use webhooks on loopback and private
    addresses (refused otherwise, like fetch-by-URL)."""
    notify_batch: int = Field(default=64, ge=1, le=1000)
    """Events `wiretrace notify` takes from the stream at a time and delivers at once."""
    notify_concurrency: int = Field(default=8, ge=1, le=64)
    """Webhook POSTs `wiretrace notify` has in flight at once."""
    notify_attempts: int = Field(default=3, ge=1, le=20)
    """POSTs of one event in a row before it waits for its next claim (`NOTIFY_RETRY_IDLE`)."""
    notify_backoff: float = Field(default=1.0, gt=0)
    """Seconds before the second POST of an event in a row; doubled each time after."""
    notify_retry_idle: float = Field(default=60.0, gt=0)
    """Seconds an unacknowledged event waits before a notifier claims it again (a failed
    receiver, or a notifier killed before its acknowledgement); doubled per failed claim."""
    notify_max_tries: int = Field(default=50, ge=1)
    """Failed POSTs after which an event is given up (logged as failed)."""
    notify_timeout: float = Field(default=10.0, gt=0)
    """Seconds a webhook POST may take."""
    notify_log_keep: int = Field(default=200, ge=1)
    """Deliveries kept in each watch's log."""

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and value.startswith(CLUSTER_SCHEME):
            cluster_nodes(value)
        elif value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("not a Redis URL: give redis://host:6379/0, rediss://…, "
                             "unix:///path/redis.sock or redis+cluster://host:port[,host:port] "
                             "(unset: an embedded redis-server)")
        elif value:
            try:  # what redis-py would raise at the first command (`redis://h:notaport`)
                parts = urlsplit(value)
                parts.port  # noqa: B018
            except ValueError as exc:
                raise ValueError(f"not a valid Redis URL: {exc}") from None
            if parts.scheme != "unix" and not parts.hostname:
                # redis-py would quietly take localhost:6379, which may be another index's
                raise ValueError("no host in the Redis URL: give redis://host:6379/0 "
                                 "(redis://localhost:6379/0 for this machine's), or unset it "
                                 "for an embedded redis-server")
        return value or None

    def password(self) -> str | None:
        """The file REDIS_PASSWORD_FILE (a mounted secret; trailing newlines dropped, any other
        character kept) when set, else REDIS_PASSWORD (empty counts as unset)."""
        if self.redis_password_file:
            try:
                text = self.redis_password_file.read_text()
            except OSError as exc:
                raise WiretraceError(f"cannot read REDIS_PASSWORD_FILE: {exc}") from exc
            return text.rstrip("\r\n") or None
        return self.redis_password or None

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value
