"""Prometheus metrics of one app (a registry of its own, so several apps can live in one
process, as in the tests)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

COUNTS = ("articles", "clusters", "copies", "partials", "originals")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.lookups = Counter("wiretrace_lookups_total", "lookups answered", ["endpoint"],
                               registry=self.registry)
        self.latency = Histogram("wiretrace_request_seconds", "request latency", ["endpoint"],
                                 registry=self.registry)
        self.gauges = {name: Gauge(f"wiretrace_{name}", f"indexed {name}",
                                   registry=self.registry) for name in COUNTS}
        self.crawl_runs = Gauge("wiretrace_crawl_runs", "crawl runs recorded",
                                registry=self.registry)

    def observe(self, path: str, seconds: float) -> None:
        """One request's latency, labelled by the first path segment (``page`` for /)."""
        self.latency.labels(path.split("/")[1] or "page").observe(seconds)

    def update(self, counts: dict[str, int], crawl_run_count: int) -> None:
        """The gauges from the index's counters (cheap: no memory estimate)."""
        for name, gauge in self.gauges.items():
            gauge.set(float(counts.get(name, 0)))
        self.crawl_runs.set(float(crawl_run_count))

    def render(self) -> bytes:
        return generate_latest(self.registry)
