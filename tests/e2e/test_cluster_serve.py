"""`wiretrace serve` on a Redis Cluster: a lookup finds what an ingest wrote there."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from tests.conftest import _free_port
from wiretrace_testing.stories import story, wrapped_copy


def test_serve_answers_lookups_from_a_cluster(cluster_settings: Settings) -> None:
    text = story(4242)
    Engine.from_settings(cluster_settings).ingest([
        ArticleInput(url="https://orig.example/a", text=text, published="2024-01-01"),
        ArticleInput(url="https://copy.example/a", text=wrapped_copy(text),
                     published="2024-01-02")], workers=1)
    port = _free_port()
    env = {**os.environ, "REDIS_URL": cluster_settings.redis_url or "",
           "WIRETRACE_NAMESPACE": cluster_settings.namespace}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("wiretrace")), "serve",
                             "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/v1/lookup",
                              params={"url": "https://copy.example/a"})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "no serve"
                time.sleep(0.1)
        assert r.status_code == 200, r.text
        got = r.json()
        assert got["role"] == "copy" and got["original"]["url"] == "https://orig.example/a", got
    finally:
        proc.terminate()
        proc.wait(10)
