"""Crawl a syndication web with the real crawler, look every page up, and score the answers
(used by bench/syndication.py and the quality gate)."""

import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from dedup.publishers import same_publisher, site_host
from wiretrace_testing.crawlsites import Original
from wiretrace_testing.localsites import free_port, start_server, write_hosts
from wiretrace_testing.syndication_truth import Expected
from wiretrace_testing.syndication_web import build


def credits(result: dict[str, Any], source: str) -> bool:
    """Whether wiretrace's answer names ``source`` as where the text comes from."""
    named = (result.get("attributed_to") or "").lower()
    host = site_host(named) if named.startswith(("http://", "https://")) else named
    return bool(host) and same_publisher(host, source)


def sources(originals: list[Original], republishers: list[str], port: int) -> dict[str, Any]:
    common = {"allow_private_addresses": True, "settings": {
        "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8}}
    hosts = sorted({o.host for o in originals})
    return {"sources": [
        {"name": "republishers", "sitemaps": [f"http://{h}:{port}/sitemap.xml"
                                              for h in republishers], **common},
        {"name": "originals", "sitemaps": [f"http://{h}:{port}/sitemap.xml" for h in hosts],
         "allowed_domains": hosts, **common},
    ]}


def crawl_and_look_up(originals: list[Original], workdir: Path,
                      redis_url: str | None = None) -> tuple[list[Expected], list[dict], float]:
    port = free_port()
    b, truth, republishers = build(originals, port)
    b.write(workdir / "sites")
    write_hosts(workdir / "hosts", b.hosts())
    (workdir / "sources.yaml").write_text(json.dumps(sources(originals, republishers, port)))
    server = start_server(workdir / "sites", port)
    env = {**os.environ, "WIRETRACE_HOSTS_FILE": str(workdir / "hosts"),
           "WIRETRACE_NAMESPACE": f"syndbench-{port}",
           "WIRETRACE_DATA_DIR": str(workdir / "data")}
    if redis_url:
        env["REDIS_URL"] = redis_url
    exe = str(Path(sys.executable).with_name("wiretrace"))
    t = time.perf_counter()
    try:
        for name in ("republishers", "originals"):  # copies are crawled first
            subprocess.run([exe, "crawl", "--sources", str(workdir / "sources.yaml"), name],
                           env=env, check=True, capture_output=True, text=True)
    finally:
        server.stop()
    elapsed = time.perf_counter() - t
    out = subprocess.run([exe, "lookup", "--json", *[e.url for e in truth]], env=env,
                         check=True, capture_output=True, text=True)
    results = [json.loads(line) for line in out.stdout.splitlines()]
    return truth, results, elapsed


def evaluate(truth: list[Expected], results: list[dict]) -> dict[str, Any]:
    """Per copy type and overall: copy and partial precision and recall, right original,
    false links."""
    canon = {}  # real URL of an original -> the URL wiretrace names it by
    story = {}  # the URL wiretrace names a page by -> the story it tells (its original)
    for e, r in zip(truth, results, strict=True):
        if e.kind == "original":
            canon[e.original] = r["url"]
        story[r["url"]] = e.original
    per: dict[str, Counter[str]] = defaultdict(Counter)
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    false_links, misses = [], []
    for e, r in zip(truth, results, strict=True):
        role = r.get("role")
        orig = (r.get("original") or {}).get("url")
        c = per[e.kind]
        c["pages"] += 1
        if role in ("copy", "partial") and e.role != "republished":
            predicted[role] += 1
        if e.role in ("copy", "partial"):
            # the page copied, or, when that page declares itself a republication, "original
            # not indexed" with its declared source named
            right = (orig is not None and orig in (canon.get(e.original or ""),
                                                   canon.get(e.also or ""))) or bool(
                e.source and orig is None and credits(r, e.source))
            c["linked"] += role in ("copy", "partial")
            c["right_original"] += right
            c["role_ok"] += role == e.role and right
            if role == e.role and right:
                correct[role] += 1
            if orig is not None and story.get(orig) not in (e.original, e.also):
                false_links.append((e.url, orig))  # linked to another story
            if not (role == e.role and right):
                misses.append((e.kind, e.url, role, orig, r.get("containment")))
        elif e.role is None:
            if role in ("copy", "partial", "original"):
                false_links.append((e.url, orig or "(as an original)"))
                c["false_link"] += 1
        elif e.role == "original":
            c["role_ok"] += role == "original"
        elif e.role == "republished":  # a copy of its declared source, which is not indexed
            # right: attributed to its declared source, as a copy with no indexed original,
            # or as the original of the copies that name it
            ok = credits(r, e.source or "") and (
                role == "original" or (role in ("copy", "partial") and orig is None))
            c["role_ok"] += ok
            if not ok and role in ("copy", "partial"):
                predicted[role] += 1
            if not ok:
                misses.append((e.kind, e.url, role, orig, r.get("containment")))
    expected = Counter(e.role for e in truth if e.role in ("copy", "partial"))
    linked = [e for e in truth if e.role in ("copy", "partial")]
    return {
        "per_type": {k: dict(v) for k, v in per.items()},
        "copy_recall": correct["copy"] / max(1, expected["copy"]),
        "copy_precision": correct["copy"] / max(1, predicted["copy"]),
        "partial_recall": correct["partial"] / max(1, expected["partial"]),
        "partial_precision": correct["partial"] / max(1, predicted["partial"]),
        "right_original": sum(per[k]["right_original"] for k in per) / max(1, len(linked)),
        "false_links": false_links,
        "misses": misses,
        "republished": [(e.original, e.source) for e in truth if e.role == "republished"],
    }
