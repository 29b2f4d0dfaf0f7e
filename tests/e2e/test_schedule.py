"""`wiretrace schedule`: runs on the cron schedule, never two runs of a source at once."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dedup.config import Settings
from dedup.keys import Keys
from dedup.redisconn import client_from_url
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))

pytestmark = pytest.mark.cluster  # on one Redis and on a cluster


def test_a_run_still_going_is_not_started_again(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    b = SiteBuilder()
    b.page("slow.test", "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    b.trickle("slow.test", "/", 0.5)  # each run takes the download timeout (6 s)
    b.write(tmp_path / "sites")
    write_hosts(tmp_path / "hosts", b.hosts())
    (tmp_path / "sources.yaml").write_text(f"""
sources:
  - name: slow
    start_urls: ["http://slow.test:{port}/"]
    allow_private_addresses: true
    schedule: "* * * * * */1"
    settings: {{DOWNLOAD_TIMEOUT: 6, RETRY_TIMES: 0}}
""")
    server = start_server(tmp_path / "sites", port)
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace,
           "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts")}
    client = client_from_url(settings.redis_url or "", 5.0)

    def runs() -> list[dict[str, Any]]:
        return [json.loads(r) for r in client.lrange(Keys(settings.namespace).crawl_runs, 0, -1)]

    # Stopped once a run has ended and starts were skipped, not after a fixed time: a run is
    # the 6 s timeout plus a crawl's start-up, 2 s idle and over 10 s at a load of 20 (a 16 s
    # window then held no finished run).
    started = time.monotonic()
    proc = subprocess.Popen([WIRETRACE, "schedule", "--sources", str(tmp_path / "sources.yaml"),
                             "--seconds", "120"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        while time.monotonic() - started < 110 and not (
                any(r.get("finish_reason") for r in runs())
                and sum(r.get("skipped") == "previous run still going" for r in runs()) >= 5):
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        server.stop()
    assert proc.returncode == 0, err[-2000:]
    slot = json.loads(out.splitlines()[-1])
    # the schedule fired every second; a run takes 6 s or more, so most starts were skipped
    assert 1 <= slot["runs"] <= 1 + elapsed / 6 and slot["skipped"] >= 5, (slot, elapsed)
    done = [r for r in runs() if r.get("finish_reason") == "finished"]
    assert done and all(r["skipped"].get("timeout") == 1 for r in done), runs()
    assert sum(1 for r in runs() if r.get("skipped") == "previous run still going") >= 5
