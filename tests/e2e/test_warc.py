"""`wiretrace ingest --warc`: an archive of a crawl gives the answers the crawl gave."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from wiretrace_testing import warcs
from wiretrace_testing.crawlsites import AGG, FARM, PARTNER, Web, build_web, sources_yaml
from wiretrace_testing.localsites import free_port, start_server, write_hosts

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))


@pytest.fixture(scope="module")
def web(shared_pages: Path, tmp_path_factory: pytest.TempPathFactory,
        redis_url: str) -> Iterator[tuple[Web, Path, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("warcweb")
    port = free_port()
    web = build_web(shared_pages, port, n=8)
    web.builder.write(tmp / "sites")
    write_hosts(tmp / "hosts", web.builder.hosts())
    (tmp / "sources.yaml").write_text(sources_yaml(web))
    env = {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_HOSTS_FILE": str(tmp / "hosts"),
           "WIRETRACE_EXTRACT_WORKERS": "2", "WIRETRACE_INGEST_WORKERS": "2"}
    server = start_server(tmp / "sites", port)
    try:
        yield web, tmp, env
    finally:
        server.stop()


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WIRETRACE, *args], env=env, capture_output=True, text=True,
                          timeout=300)


def crawl_order(web: Web) -> list[str]:
    """The pages in the order the crawl meets them: republishers first, then originals."""
    p = web.port
    copies = [u for u in web.copies if FARM in u] + [u for u in web.copies if PARTNER in u]
    partials = [u for u in web.partials if AGG in u]
    return [f"http://{FARM}:{p}/", *copies[:3], f"http://{FARM}:{p}/tag/world", *copies[3:],
            *partials, *[f"http://{o.host}:{p}{o.path}" for o in web.originals]]


def answers(env: dict[str, str], ns: str, urls: list[str]) -> list[tuple[str | None, ...]]:
    engine = Engine.from_settings(Settings(redis_url=env["REDIS_URL"], namespace=ns))
    return [(r.url, r.role, r.original and r.original["url"], r.attributed_to)
            for r in engine.lookup(urls)]


def test_warc_import_gives_the_crawls_answers_and_goes_on_after_damage(
        web: tuple[Web, Path, dict[str, str]]) -> None:
    w, tmp, env = web
    pages = crawl_order(w)
    crawled = {**env, "WIRETRACE_NAMESPACE": f"wtwarc-crawl-{os.getpid()}"}
    for names in (["farm", "aggregator", "partner"], ["originals"]):
        assert run(crawled, "crawl", "--sources", str(tmp / "sources.yaml"), *names
                   ).returncode == 0

    archive = tmp / "crawl.warc.gz"
    with open(archive, "wb") as fh:
        out = warcs.Writer(fh)
        out.request(pages[0])
        out.pages(w.builder, [f"http://{FARM}:{w.port}/robots.txt"])  # text/plain
        out.pages(w.builder, pages[:5])
        out.revisit(pages[2], of=pages[2])
        out.pages(w.builder, pages[5:])
        out.response(f"http://{FARM}:{w.port}/2019/99/last/", b"<html>" + b"x" * 5000)
    data = archive.read_bytes()
    archive.write_bytes(data[:-200])  # the last gzip member is cut short

    imported = {**env, "WIRETRACE_NAMESPACE": f"wtwarc-import-{os.getpid()}"}
    res = run(imported, "ingest", "--warc", str(archive), "--json")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "damaged record at offset" in res.stderr
    summary = json.loads(res.stdout)
    assert summary["skipped"]["request"] == 1 and summary["skipped"]["revisit"] == 1
    assert summary["skipped"]["not_html"] == 1 and summary["skipped"]["damaged"] == 1
    assert summary["skipped"]["not_article"] == 2, summary["skipped"]  # the farm's home and tag
    assert len(summary["damaged"]) == 1
    assert summary["articles_indexed"] == len(pages) - 2

    assert answers(imported, imported["WIRETRACE_NAMESPACE"], pages) == \
        answers(crawled, crawled["WIRETRACE_NAMESPACE"], pages)

    again = json.loads(run(imported, "ingest", "--warc", str(archive), "--json").stdout)
    assert again["unchanged"] == summary["articles_indexed"]
    assert again["new"] == again["updated"] == 0


def test_missing_archive_is_one_line(tmp_path: Path,
                                     web: tuple[Web, Path, dict[str, str]]) -> None:
    _, _, env = web
    res = run(env, "ingest", "--warc", str(tmp_path / "none.warc.gz"))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "no such file" in res.stderr
