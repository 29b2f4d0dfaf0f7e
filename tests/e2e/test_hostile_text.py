"""Unpaired surrogates and control characters in a title, an author or JSON-LD, on every path
into the index (JSONL ingest, a crawl, a WARC import, the API): the field is cleaned, the rest
of the batch is stored, nothing ends in a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from dedup.config import Settings
from dedup.engine import Engine
from tests.e2e.test_api import Served, Target
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace_testing import warcs
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts
from wiretrace_testing.stories import story

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
BAD = "\ud800"  # an unpaired surrogate: cannot be encoded as UTF-8


def page(seed: int, where: str) -> str:
    """An article page with a surrogate (as JSON and HTML escapes) and controls in ``where``."""
    ld = {"@type": "NewsArticle", "headline": f"Headline {seed}",
          "author": {"name": f"Author {seed}"}, "isBasedOn": f"https://base.example/{seed}"}
    title, author = f"Story {seed}", f"Writer {seed}"
    if where == "title":
        title += " &#xD800; \x01"
        ld["headline"] += BAD
    elif where == "author":
        author += " &#55296;\x07"
        ld["author"] = {"name": f"Author {seed}{BAD}\x00"}
    else:
        ld["isBasedOn"] += BAD
        ld["description"] = BAD * 3
    script = json.dumps(ld)  # ensure_ascii: the surrogate travels as "\ud800"
    paras = "".join(f"<p>{p}</p>" for p in story(seed).split("\n\n"))
    return (f"<html><head><title>{title}</title><meta name='author' content='{author}'>"
            f"<script type='application/ld+json'>{script}</script></head><body><article>"
            f"<h1>{title}</h1>{paras}</article></body></html>")


WHERE = ["title", "author", "jsonld", "title", "author", "jsonld", "none"]


def stored(env: dict[str, str]) -> list[dict]:
    out = subprocess.run([WIRETRACE, "export"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return {**os.environ, "REDIS_URL": settings.redis_url or "",
            "WIRETRACE_NAMESPACE": settings.namespace, **extra}


def test_jsonl_ingest_cleans_fields_and_keeps_the_batch(settings: Settings,
                                                        tmp_path: Path) -> None:
    lines = [json.dumps({"url": f"https://a.example/{i}", "html": page(i, w)})
             for i, w in enumerate(WHERE)]
    lines += [json.dumps({"url": "https://b.example/t", "text": story(50) + BAD + "\x00",
                          "title": "T" + BAD, "author": BAD + "\x1b",
                          "attribution": ["Source: x" + BAD]}),
              json.dumps({"url": "https://b.example/" + BAD, "text": story(51)})]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    res = subprocess.run([WIRETRACE, "ingest", "--jsonl", str(src)], env=_env(settings),
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "ingested 9 articles: 9 new" in res.stderr and "0 lines skipped" in res.stderr
    rows = stored(_env(settings))
    assert len(rows) == 9
    text = json.dumps(rows, ensure_ascii=False)
    assert BAD not in text and "\x00" not in text and "\x07" not in text
    assert any(r.get("title") == "T\ufffd" for r in rows)


def test_crawl_and_warc_keep_every_article(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    b = SiteBuilder()
    host = "bad.test"
    urls = [f"http://{host}:{port}/news/{i}" for i in range(len(WHERE))]
    b.page(host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    b.page(host, "/sitemap.xml", "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/"
           "schemas/sitemap/0.9'>" + "".join(f"<url><loc>{u}</loc></url>" for u in urls)
           + "</urlset>", "application/xml")
    for i, w in enumerate(WHERE):
        b.page(host, f"/news/{i}", page(100 + i, w))
    b.write(tmp_path / "sites")
    write_hosts(tmp_path / "hosts", [host])
    (tmp_path / "sources.yaml").write_text(
        f"sources:\n  - name: bad\n    sitemaps: ['http://{host}:{port}/sitemap.xml']\n"
        "    allow_private_addresses: true\n"
        "    settings: {AUTOTHROTTLE_ENABLED: false, DOWNLOAD_DELAY: 0}\n")
    env = _env(settings, WIRETRACE_HOSTS_FILE=str(tmp_path / "hosts"),
               WIRETRACE_EXTRACT_WORKERS="1")
    server = start_server(tmp_path / "sites", port)
    try:
        res = subprocess.run([WIRETRACE, "crawl", "--json", "--sources",
                              str(tmp_path / "sources.yaml")], env=env, capture_output=True,
                             text=True, timeout=300)
        assert res.returncode == 0, res.stderr[-3000:]
        summary = json.loads(res.stdout.splitlines()[-1])
        assert summary["articles_indexed"] == len(WHERE), summary
        warc = warcs.write(tmp_path / "bad.warc.gz", b, urls)
    finally:
        server.stop()
    crawled = {r["url"] for r in stored(env)}
    assert crawled == set(urls)
    imported = {**env, "WIRETRACE_NAMESPACE": settings.namespace + "-warc"}
    res = subprocess.run([WIRETRACE, "ingest", "--warc", str(warc), "--json"], env=imported,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    try:
        assert {r["url"] for r in stored(imported)} == set(urls)
    finally:
        client = Engine.from_settings(settings).client
        for key in client.scan_iter(match=imported["WIRETRACE_NAMESPACE"] + ":*", count=1000):
            client.delete(key)



def test_api_cleans_text_html_and_url(settings: Settings) -> None:
    target = Target(page(7, "jsonld").encode("utf-8", "surrogatepass"))
    served = Served(create_app(settings, ApiSettings(fetch_allow_private=True)))
    try:
        with httpx.Client(base_url=served.url, timeout=10) as c:
            for body in ({"text": story(3) + BAD + "\x00"}, {"html": page(4, "title")},
                         {"html": page(5, "author")}, {"html": page(6, "jsonld")},
                         {"url": f"http://127.0.0.1:{target.port}/news/{BAD}"}):
                raw = json.dumps(body)  # "\ud800" as JSON escapes
                r = c.post("/v1/check", content=raw,
                           headers={"Content-Type": "application/json"})
                assert r.status_code == 200, (body.keys(), r.text)
                assert BAD not in r.text
            r = c.post("/v1/check", content=json.dumps({"url": f"https://a{BAD}.example/x"}),
                       headers={"Content-Type": "application/json"})
            assert 400 <= r.status_code < 500 and r.json()["error"]
            r = c.get("/v1/lookup?url=https://a.example/%ED%A0%80" + BAD.encode(
                "utf-8", "surrogatepass").hex())
            assert r.status_code == 200 and r.json()["indexed"] is False
    finally:
        served.stop()
        target.httpd.shutdown()
