"""The CLI contract, run as a user runs it: real processes, a real Redis."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.config import Settings
from wiretrace_testing.stories import story, wrapped_copy

pytestmark = pytest.mark.cluster  # each test runs on one Redis and on a cluster

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]
CONTRACT = {"url", "indexed", "id", "cluster", "role", "original", "attributed_to", "similarity",
            "containment", "confidence", "evidence", "first_seen", "copies"}


def run(args: list[str], env: dict[str, str],
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WIRETRACE, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    e = dict(os.environ)
    e["REDIS_URL"] = settings.redis_url or ""
    e["WIRETRACE_NAMESPACE"] = settings.namespace
    return e


def test_ingest_lookup_json_contract_and_bad_lines(env: dict[str, str]) -> None:
    text = story(40)
    lines = [
        json.dumps({"url": "https://orig.example/a", "text": text, "published": "2024-02-01"}),
        "{not json",
        json.dumps({"text": "no url here"}),
        json.dumps({"url": "https://copy.example/b", "text": wrapped_copy(text),
                    "attribution": "Source: orig.example"}),
        json.dumps({"url": "https://short.example/c", "text": "too short"}),
        json.dumps({"url": "ftp://x.example/", "text": text}),
    ]
    res = run(["ingest", "--jsonl", "-"], env, "\n".join(lines) + "\n")
    assert res.returncode == 0, res.stderr
    for n in (2, 3, 5, 6):
        assert f"line {n}: skipped" in res.stderr
    assert "ingested 2 articles" in res.stderr and "4 lines skipped" in res.stderr
    res = run(["lookup", "--json", "https://copy.example/b", "https://orig.example/a",
               "https://never.example/x"], env)
    assert res.returncode == 0, res.stderr
    copy, orig, never = (json.loads(line) for line in res.stdout.splitlines())
    assert set(copy) >= CONTRACT
    assert copy["role"] == "copy" and copy["original"]["url"] == "https://orig.example/a"
    assert copy["attributed_to"] == "orig.example" and copy["copies"] == []
    assert orig["role"] == "original" and orig["original"] is None
    assert [c["url"] for c in orig["copies"]] == ["https://copy.example/b"]
    assert never["indexed"] is False and never["role"] is None
    res = run(["lookup", "https://copy.example/b"], env)
    assert "role: copy" in res.stdout and "original: https://orig.example/a" in res.stdout


def test_check_export_remove_stats(env: dict[str, str], tmp_path: Path) -> None:
    text = story(41)
    run(["ingest", "--jsonl", "-"], env, json.dumps({"url": "https://o.example/a", "text": text}))
    f = tmp_path / "t.txt"
    f.write_text(wrapped_copy(text))
    res = run(["check", str(f), "--json"], env)
    out = json.loads(res.stdout)
    assert out["indexed"] is False and out["role"] == "copy"
    # many texts: answered in batches (of 2 here), each as if alone, bad lines skipped
    lines = [json.dumps({"url": "https://n.example/1", "text": wrapped_copy(text)}), "{bad",
             json.dumps({"url": "https://n.example/2", "text": ""}),
             json.dumps({"url": "https://n.example/3", "text": story(44)}),
             json.dumps({"url": "https://n.example/4", "text": wrapped_copy(story(44))})]
    res = run(["check", "--jsonl", "-", "--json"], {**env, "WIRETRACE_BATCH_SIZE": "2"},
              "\n".join(lines) + "\n")
    assert [json.loads(x)["role"] for x in res.stdout.splitlines()] == ["copy", "unique",
                                                                        "unique"]
    assert [x.split(":")[0] for x in res.stderr.splitlines()] == ["line 2", "line 3"]
    rows = [json.loads(x) for x in run(["export", "--jsonl"], env).stdout.splitlines()]
    assert [r["url"] for r in rows] == ["https://o.example/a"]
    stats = json.loads(run(["stats", "--json"], env).stdout)
    assert stats["articles"] == 1 and stats["bytes_per_article_text_metadata"] > 0
    assert run(["remove", "https://o.example/a"], env).returncode == 0
    assert run(["remove", "https://o.example/a"], env).returncode == 1


def test_embedded_server_keeps_data_between_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["WIRETRACE_DATA_DIR"] = str(tmp_path / "data")
    line = json.dumps({"url": "https://persist.example/a", "text": story(42)})
    assert run(["ingest", "--jsonl", "-"], env, line).returncode == 0
    res = run(["lookup", "--json", "https://persist.example/a"], env)  # a second process
    assert json.loads(res.stdout)["indexed"] is True
    assert not (tmp_path / "data" / "redis.sock").exists()  # the last user shut it down
    assert (tmp_path / "data" / "appendonlydir").is_dir()


def test_a_second_process_uses_the_embedded_server_another_holds(tmp_path: Path) -> None:
    """What a newcomer does: `wiretrace serve` in one terminal, `wiretrace lookup` in another
    (the lookup waited for the server's holder to exit, forever)."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["WIRETRACE_DATA_DIR"] = str(tmp_path / "data")
    hold = ("import sys; from dedup.config import Settings; from dedup.redisconn import "
            "server_url; print(server_url(Settings()), flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", hold], env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().startswith("unix://")
        line = json.dumps({"url": "https://held.example/a", "text": story(7)})
        assert run(["ingest", "--jsonl", "-"], env, line).returncode == 0
        res = run(["lookup", "--json", "https://held.example/a"], env)
        assert json.loads(res.stdout)["indexed"] is True
        assert (tmp_path / "data" / "redis.sock").exists()  # still the holder's
    finally:
        holder.communicate("", timeout=60)
    assert not (tmp_path / "data" / "redis.sock").exists()  # the last user shut it down


def test_redis_down_gives_a_clear_error_fast(env: dict[str, str]) -> None:
    env = dict(env, REDIS_URL="redis://127.0.0.1:1/0")
    res = run(["lookup", "https://x.example/"], env)
    assert res.returncode == 1 and "Redis is unavailable" in res.stderr


def test_ingest_summary_counts_the_roles_the_run_ends_with(env: dict[str, str]) -> None:
    """A copy ingested in a first batch is the original of its own copy until the real
    original, dated earlier, comes in a later batch: the summary counts the final roles."""
    text = story(42)
    lines = [json.dumps(x) for x in [
        {"url": "https://early.example/a", "text": wrapped_copy(text, "Posted by Early"),
         "published": "2024-02-01"},
        {"url": "https://later.example/b", "text": wrapped_copy(text, "Posted by Later"),
         "published": "2024-03-01"},
        {"url": "https://orig.example/c", "text": text, "published": "2024-01-01"},
        {"url": "https://other.example/d", "text": story(43), "published": "2024-01-01"},
    ]]
    res = run(["ingest", "--jsonl", "-"], {**env, "WIRETRACE_BATCH_SIZE": "2",
                                           "WIRETRACE_INGEST_WORKERS": "1"},
              "\n".join(lines) + "\n")
    assert res.returncode == 0, res.stderr
    # as written, batch by batch, it would be "copy 1, original 2, unique 1"
    assert "roles: copy 2, original 1, unique 1" in res.stderr, res.stderr
    roles = [json.loads(x)["role"] for x in run(
        ["lookup", "--json", "https://early.example/a", "https://orig.example/c"],
        env).stdout.splitlines()]
    assert roles == ["copy", "original"]
