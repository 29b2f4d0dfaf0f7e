"""Every Redis key wiretrace uses, in one place. Namespaced and versioned.

``ns`` is the namespace (setting ``namespace``, default ``wt``); tests use one per run.
Keys that one atomic script touches together share a ``{...}`` hash tag, so a Redis Cluster
keeps them on one node.

| key                      | type   | holds                                                      |
|--------------------------|--------|------------------------------------------------------------|
| ns:v1:meta               | hash   | index parameters fingerprint, schema version               |
| ns:v1:stats              | hash   | counters: articles, clusters, copies, partials             |
| ns:v1:b:<bucket>         | hash   | LSH band entries: field = band byte + 4 hash bytes,        |
|                          |        | value = concatenated 8-byte article ids                    |
| ns:v1:s:<id>             | string | signature: shingle count, text hash, MinHash values        |
| ns:v1:a:<id>             | hash   | u url, m metadata JSON, t zlib text, c cluster id          |
| ns:v1:u:<id>             | string | alias (same-site canonical): the article id it points to   |
| ns:v1:c:{<cid>}          | hash   | cluster: v version, o original id, <id> -> verdict JSON    |
| ns:v1:ids                | zset   | every article id by first-seen time (export, reindex)      |
| ns:v1:epoch              | string | write counter: bumped by every write; a write that finds   |
|                          |        | it unchanged since its read skips re-reading band entries  |
| ns:v1:site:<site>        | hash   | a site's counters: articles, copies (copy or partial),     |
|                          |        | credited (articles that credit another publication)        |
| ns:v1:tpl:<site>         | hash   | a site's repeated lines: field = 8-byte line key, value =  |
|                          |        | 4-byte tags of up to N distinct articles that carry it     |
| ns:v1:tpl:<site>:seen    | string | 4 KB bitmap of the site's lines seen once                  |
| ns:v1:crawl:f:<source>   | hash   | crawler: article URL -> when it was last fetched (unix s)  |
| ns:v1:crawl:shared:<source>:<run>:{q,df,busy} | list, set, zset | a crawl shared by several |
|                          |        | processes (`--shared-queue RUN`): scrapy-redis request     |
|                          |        | queue (MessagePack), duplicate filter, busy workers;       |
|                          |        | expire a day after the run                                 |
| ns:v1:crawl:runs         | list   | crawler: one JSON record per crawl run, newest first       |
| ns:v1:limit:fetch/<client>/<n>/1/minute | list | API: a client's fetch-by-URL requests in   |
|                          |        | the last minute (`limits` moving window); expires          |
"""

from dataclasses import dataclass

SCHEMA = "v1"


class _Named:
    """A key with no variable part: the namespace's prefix and a name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, keys: "Keys", owner: type | None = None) -> str:
        return f"{keys.prefix}{self.name}"


@dataclass(frozen=True, slots=True)
class Keys:
    """Key templates bound to one namespace."""

    ns: str = "wt"

    @property
    def prefix(self) -> str:
        return f"{self.ns}:{SCHEMA}:"

    meta = _Named("meta")
    stats = _Named("stats")
    ids = _Named("ids")
    epoch = _Named("epoch")

    def crawl_fetched(self, source: str) -> str:
        return f"{self.prefix}crawl:f:{source}"

    def site(self, site: str) -> str:
        return f"{self.prefix}site:{site}"

    def crawl_shared(self, source: str, run: str) -> str:
        """Prefix of a shared crawl's keys (scrapy-redis queue and duplicate filter)."""
        return f"{self.prefix}crawl:shared:{source}:{run}:"

    @property
    def crawl_runs(self) -> str:
        return f"{self.prefix}crawl:runs"

    @property
    def rate_limits(self) -> str:
        """Prefix of the API's rate-limit keys (the ``limits`` library adds the rest)."""
        return f"{self.prefix}limit"

    def band(self, bucket: int) -> str:
        return f"{self.prefix}b:{bucket}"

    def sig(self, article_id: str) -> str:
        return f"{self.prefix}s:{article_id}"

    def article(self, article_id: str) -> str:
        return f"{self.prefix}a:{article_id}"

    def alias(self, article_id: str) -> str:
        return f"{self.prefix}u:{article_id}"

    def cluster(self, cluster_id: str) -> str:
        return f"{self.prefix}c:{{{cluster_id}}}"
