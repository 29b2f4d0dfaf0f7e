"""Every error a user can cause is one line on stderr saying what to do, never a traceback:
status 2 for a usage error (a file, a flag, a setting), 1 for a failure (Redis down)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_a_redis_url_that_is_not_one_is_a_usage_error(env: dict[str, str]) -> None:
    one_line(run(["lookup", "https://x.example/"], dict(env, REDIS_URL="notaurl")), 2,
             "REDIS_URL='notaurl'", "redis://")


@pytest.mark.parametrize("args", [["lookup", "https://x.example/"], ["stats"],
                                  ["crawl", "--sources", "{sources}"]])
def test_redis_down_is_a_failure_in_one_line(args: list[str], env: dict[str, str],
                                             tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: a\n    start_urls: [https://a.example/]\n")
    res = run([a.format(sources=sources) for a in args], dict(env, REDIS_URL=DOWN))
    one_line(res, 1, "Redis is unavailable", "set REDIS_URL")
    assert res.stderr.count("Redis is unavailable") == 1


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
