"""A feed or a news sitemap that lists a page makes it an article, whatever its URL looks
like: short real news pages (one paragraph of a corpus page: too little running text to
tell an article by) under a script URL with a ``page=`` query, crawled from a loopback site.
The one only a plain sitemap lists (plain sitemaps list sections and tags too) is judged by
its URL and skipped as a listing; with two paragraphs it would be an article by its text
(tests/unit/test_listing.py)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import redis

from dedup.config import Settings
from dedup.engine import Engine
from wiretrace_testing.extraction_score import load_pages
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts

HOST = "koreanews.test"
NEWS = "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'"


def _page(title: str, paras: list[str]) -> str:
    return (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paras) + "</body></html>")


def test_feed_and_news_sitemap_entries_are_articles_whatever_their_url(
        shared_pages: Path, redis_url: str, tmp_path: Path) -> None:
    paras = [[p for p in body.split("\n") if len(p) > 200][:1] for _, _, body in load_pages()]
    stories = [p for p in paras if len(p) == 1][:3]
    assert len(stories) == 3
    port = free_port()
    urls = [f"http://{HOST}:{port}/news/news_view.php?idx={i}&page=1" for i in range(3)]
    b = SiteBuilder()
    for i, story in enumerate(stories):
        b.page(HOST, f"/news/news_view.php?idx={i}&page=1", _page(f"Story {i}", story))
    b.page(HOST, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    b.page(HOST, "/feed.xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>N"
           f"</title><item><title>S</title><link>{urls[0].replace('&', '&amp;')}</link>"
           "</item></channel></rss>", "application/rss+xml")
    b.page(HOST, "/news-sitemap.xml", "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps"
           f".org/schemas/sitemap/0.9' {NEWS}><url><loc>{urls[1].replace('&', '&amp;')}</loc>"
           "<news:news><news:title>S</news:title></news:news></url></urlset>",
           "application/xml")
    b.page(HOST, "/sitemap.xml", "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/"
           f"schemas/sitemap/0.9'><url><loc>{urls[2].replace('&', '&amp;')}</loc></url>"
           "</urlset>", "application/xml")
    b.write(tmp_path / "sites")
    write_hosts(tmp_path / "hosts", b.hosts())
    base = f"http://{HOST}:{port}"
    (tmp_path / "sources.yaml").write_text(json.dumps({"sources": [{
        "name": "news", "allowed_domains": [HOST], "allow_private_addresses": True,
        "settings": {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0},
        "feeds": [f"{base}/feed.xml"],
        "sitemaps": [f"{base}/news-sitemap.xml", f"{base}/sitemap.xml"]}]}))
    ns = f"wttest-listed-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": ns,
           "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts"),
           "WIRETRACE_DATA_DIR": str(tmp_path / "data")}
    server = start_server(tmp_path / "sites", port)
    try:
        out = subprocess.run([str(Path(sys.executable).with_name("wiretrace")), "crawl",
                              "--json", "--sources", str(tmp_path / "sources.yaml")],
                             env=env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-3000:]
        summary = json.loads(out.stdout.splitlines()[0])
        engine = Engine.from_settings(Settings(redis_url=redis_url, namespace=ns))
        feed, news, plain = engine.lookup(urls)
    finally:
        server.stop()
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{ns}:*", count=1000))
        if keys:
            client.delete(*keys)
    assert feed.indexed and news.indexed, json.dumps(summary)
    assert not plain.indexed
    assert summary["skipped"].get("not_article") == 1, summary
