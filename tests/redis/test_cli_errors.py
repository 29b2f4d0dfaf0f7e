"""Every error a user can cause is one line on stderr saying what to do, never a traceback:
status 2 for a usage error (a file, a flag, a setting), 1 for a failure (Redis down)."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from dedup.config import Settings

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WIRETRACE, *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


def one_line(res: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    err = res.stderr.strip()
    assert res.returncode == status, (res.returncode, err)
    assert "\n" not in err and "Traceback" not in err and err.startswith("wiretrace: error: "), err
    for w in words:
        assert w in err, err


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    e = dict(os.environ, WIRETRACE_NAMESPACE=settings.namespace,
             WIRETRACE_DATA_DIR=str(tmp_path / "data"))
    e["REDIS_URL"] = settings.redis_url or ""
    return e


@pytest.mark.parametrize("args", [["ingest", "--jsonl", "{missing}"], ["check", "{missing}"],
                                  ["check", "--jsonl", "{missing}"], ["extract", "{missing}"],
                                  ["check", "{dir}"]])
def test_a_missing_input_file_is_one_line(args: list[str], env: dict[str, str],
                                          tmp_path: Path) -> None:
    args = [a.format(missing=tmp_path / "none.jsonl", dir=tmp_path) for a in args]
    one_line(run(args, env), 2, str(tmp_path), "give a file")


def test_a_host_that_does_not_resolve_is_a_warning_not_a_traceback(
        env: dict[str, str], tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: nowhere\n"
                       "    start_urls: [https://no-such-host.invalid/]\n")
    res = run(["crawl", "--sources", str(sources), "--json"],
              dict(env, WIRETRACE_LOG_LEVEL="WARNING"))
    assert "Traceback" not in res.stderr, res.stderr
    assert "no-such-host.invalid" in res.stderr  # said, in a line or two, not hidden
    assert len(res.stderr.strip().splitlines()) <= 3, res.stderr
    assert '"robots_unavailable": 1' in res.stdout


def test_every_option_of_every_command_has_help_that_names_its_default() -> None:
    import argparse

    from wiretrace.cli.parser import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert command.description, name
        formatter = command.formatter_class(prog=name)
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, (name, action.dest)
            shown = formatter._get_help_string(action)  # what --help prints
            if action.option_strings and action.nargs != 0:  # takes a value: say its default
                assert "default" in shown or "required" in shown, (name, action.dest, shown)


def _command_args(tmp_path: Path) -> dict[str, list[str]]:
    """Valid arguments for every subcommand (what fails is the setting or the server)."""
    (tmp_path / "a.jsonl").write_text('{"url": "https://a.example/x", "text": "a b c"}\n')
    (tmp_path / "a.txt").write_text("a short text to check " * 10)
    (tmp_path / "a.html").write_text("<html><body><p>" + "words of a page " * 20 + "</p>")
    (tmp_path / "s.yaml").write_text("sources:\n  - name: a\n    start_urls: [https://a.org/]\n")
    return {"ingest": ["--jsonl", str(tmp_path / "a.jsonl")], "lookup": ["https://a.example/"],
            "check": [str(tmp_path / "a.txt")], "crawl": ["--sources", str(tmp_path / "s.yaml")],
            "schedule": ["--sources", str(tmp_path / "s.yaml"), "--seconds", "1"],
            "serve": ["--port", "1"], "stats": [], "export": [],
            "remove": ["https://a.example/x"], "reindex": [], "fsck": [],
            "extract": [str(tmp_path / "a.html")], "watch": ["list"], "notify": []}


def test_every_command_with_a_bad_redis_url_or_redis_down(env: dict[str, str],
                                                          tmp_path: Path) -> None:
    """REDIS_URL=notaurl: every command, status 2. Redis down: every command that needs it,
    status 1 (serve starts anyway and answers 503 until Redis is back; extract needs none)."""
    import argparse

    from wiretrace.cli.parser import build_parser

    commands = _command_args(tmp_path)
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands) == set(sub.choices)  # a new command joins this test
    runs = [(name, url) for name in commands for url in ("notaurl", DOWN)
            if (name, url) != ("serve", DOWN)]  # it would serve, with 503s, until stopped
    with ThreadPoolExecutor(4) as pool:  # processes: the wait is mostly their start-up
        results = pool.map(lambda r: run([r[0], *commands[r[0]]], dict(env, REDIS_URL=r[1])),
                           runs)
    for (name, url), res in zip(runs, results, strict=True):
        if url == "notaurl":
            one_line(res, 2, "REDIS_URL='notaurl'", "redis://")
        elif name == "extract":
            assert res.returncode == 0, res.stderr
        else:
            one_line(res, 1, "Redis is unavailable", "set REDIS_URL")
            assert res.stderr.count("Redis is unavailable") == 1


@pytest.mark.parametrize("command", ["crawl", "schedule"])
def test_sources_file_errors_for_crawl_and_schedule(command: str, env: dict[str, str],
                                                    tmp_path: Path) -> None:
    """A missing file, a cron with the seconds first, an unset ${VAR}, an unknown source
    name: one line, status 2; several invalid sources: every one named at once."""
    f = tmp_path / "s.yaml"
    env = dict(env, REDIS_URL=DOWN)  # refused before Redis is asked
    one_line(run([command, "--sources", str(tmp_path / "none.yaml")], env), 2,
             "no such sources file")
    f.write_text("sources:\n  - name: a\n    feeds: [https://a.org/rss]\n"
                 "    schedule: '0 */5 * * * *'\n")
    one_line(run([command, "--sources", str(f)], env), 2, "seconds first", "'*/5 * * * * 0'")
    f.write_text("sources:\n  - name: a\n    feeds: ['https://${WT_UNSET_HOST}/rss']\n")
    one_line(run([command, "--sources", str(f)], dict(env)), 2, "WT_UNSET_HOST not set")
    f.write_text("sources:\n  - name: a\n    feeds: [https://a.org/rss]\n")
    one_line(run([command, "--sources", str(f), "nosuch"], env), 2, "'nosuch'")
    f.write_text("sources:\n  - name: a\n    feeds: [ftp://a.org/rss]\n"
                 "  - name: b\n    schedule: every hour\n    feeds: [https://b.org/]\n")
    res = run([command, "--sources", str(f)], env)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert lines[0].startswith("wiretrace: error: ") and "2 problems" in lines[0]
    assert "source 'a'" in lines[1] and "source 'b'" in lines[2], lines


def test_a_wrong_password_says_to_give_the_password_not_to_start_redis(
        settings: Settings, env: dict[str, str]) -> None:
    url = urlsplit(settings.redis_url or "")
    user = f"wt-{settings.namespace}"
    admin = redis.Redis(host=url.hostname, port=url.port or 6379)
    admin.acl_setuser(user, enabled=True, passwords=["+right"], commands=["+@all"], keys=["*"])
    try:
        wrong = f"redis://{user}:wrong@{url.hostname}:{url.port}/0"
        res = run(["lookup", "https://a.example/x"], dict(env, REDIS_URL=wrong))
        one_line(res, 1, "Redis is unavailable", "invalid username-password", "REDIS_PASSWORD")
        assert "start Redis" not in res.stderr and "wrong" not in res.stderr
    finally:
        admin.acl_deluser(user)


def test_a_page_check_cannot_read_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    """Binary read as text got an answer ("unique"); markup trafilatura cannot parse added
    its ERROR log line to ours."""
    binary = tmp_path / "a.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    one_line(run(["check", str(binary)], env), 2, "a.bin is binary")
    html = tmp_path / "a.html"
    html.write_text("…")
    one_line(run(["check", "--html", str(html)], env), 2, "does not parse as HTML")
    one_line(run(["extract", str(binary)], env), 2, "binary")
