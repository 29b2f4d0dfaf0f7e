"""What a user would not expect, and no longer gets: markup checked as text, an article called
a listing for want of a URL, an indexed page "not indexed" for its scheme or ``www.``."""

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.stories import story

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]


def page(text: str) -> str:
    """An article page with nothing that says "article" but its content."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (f"<!doctype html><html><head><title>Council votes</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>Council votes</h1>{body}</article>"
            "</body></html>")


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WIRETRACE, *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return dict(os.environ, REDIS_URL=settings.redis_url or "",
                WIRETRACE_NAMESPACE=settings.namespace)


def test_extract_without_url_judges_the_page_by_its_content(tmp_path: Path,
                                                            env: dict[str, str]) -> None:
    f = tmp_path / "page.html"
    f.write_text(page(story(5)))
    res = run(["extract", "--json", str(f)], env)
    assert res.returncode == 0, res.stderr
    assert story(5).split("\n")[0][:40] in json.loads(res.stdout)["text"]


def test_check_detects_an_html_page_without_the_flag(tmp_path: Path, engine: Engine,
                                                     env: dict[str, str]) -> None:
    engine.ingest([ArticleInput(url="https://origin.example/a", text=story(6))])
    f = tmp_path / "page.html"
    f.write_text(page(story(6)))
    guessed = json.loads(run(["check", "--json", str(f)], env).stdout)
    told = json.loads(run(["check", "--json", "--html", str(f)], env).stdout)
    assert guessed["role"] == told["role"] == "copy"
    assert guessed["similarity"] == told["similarity"] > 0.9
    f.write_text(story(6))  # a text stays a text
    assert json.loads(run(["check", "--json", str(f)], env).stdout)["similarity"] > 0.9


@pytest.mark.parametrize("asked", ["http://origin.example/news/a", "https://origin.example/news/a/",
                                   "http://origin.example/news/a/"])
def test_lookup_finds_an_article_written_another_way(asked: str, engine: Engine) -> None:
    engine.ingest([ArticleInput(url="https://www.origin.example/news/a", text=story(7))])
    res = engine.lookup([asked])[0]
    assert res.indexed and res.url == "https://www.origin.example/news/a"


def test_lookup_of_another_page_stays_not_indexed(engine: Engine) -> None:
    engine.ingest([ArticleInput(url="https://www.origin.example/news/a", text=story(8))])
    assert not engine.lookup(["https://origin.example/news/b"])[0].indexed
    assert not engine.lookup(["https://sub.origin.example/news/a"])[0].indexed


@pytest.mark.parametrize("asked", ["http://[::1", "http://a.example:notaport/x", "notaurl", ""])
def test_lookup_of_a_url_that_does_not_parse_is_not_indexed(asked: str, engine: Engine,
                                                             env: dict[str, str]) -> None:
    """An answer (not indexed), not a traceback: `http://[::1` got to urlsplit unchecked."""
    assert not engine.lookup([asked])[0].indexed
    res = run(["lookup", "--json", asked], env)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert json.loads(res.stdout)["indexed"] is False


def test_watch_list_without_watches_says_so(env: dict[str, str]) -> None:
    """It printed nothing at all; JSON lines stay empty (no watch, no line)."""
    res = run(["watch", "list"], env)
    assert res.returncode == 0 and res.stdout == "" and "no watches" in res.stderr, res
    res = run(["watch", "list", "--json"], env)
    assert res.returncode == 0 and res.stdout == "" and res.stderr == "", res


def test_check_of_a_text_names_the_file_not_a_made_up_url(env: dict[str, str],
                                                          tmp_path: Path) -> None:
    """`wiretrace check t.txt` headed its answer https://unknown.invalid/local/article.html."""
    f = tmp_path / "t.txt"
    f.write_text(story(47))
    said = run(["check", str(f)], env)
    assert said.returncode == 0, said.stderr
    assert said.stdout.splitlines()[0] == str(f) and "invalid" not in said.stdout
    assert "role: unique (not indexed)" in said.stdout
