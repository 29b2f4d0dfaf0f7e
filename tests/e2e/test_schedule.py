"""`wiretrace schedule`: runs on the cron schedule, never two runs of a source at once."""

import json
import os
import subprocess
import sys
from pathlib import Path

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
    try:
        out = subprocess.run([WIRETRACE, "schedule", "--sources", str(tmp_path / "sources.yaml"),
                              "--seconds", "16"], env=env, capture_output=True, text=True,
                             timeout=120)
    finally:
        server.stop()
    assert out.returncode == 0, out.stderr[-2000:]
    slot = json.loads(out.stdout.splitlines()[-1])
    # the schedule fired every second; a run takes longer (the 6 s timeout plus start-up, which
    # takes seconds on a loaded machine), so most starts were skipped, and at least one run
    # ended inside the window
    assert 1 <= slot["runs"] <= 3 and slot["skipped"] >= 8, slot
    client = client_from_url(settings.redis_url or "", 5.0)
    runs = [json.loads(r) for r in client.lrange(Keys(settings.namespace).crawl_runs, 0, -1)]
    done = [r for r in runs if r.get("finish_reason")]
    assert done and all(r["skipped"].get("timeout") == 1 for r in done), done
    assert sum(1 for r in runs if r.get("skipped") == "previous run still going") >= 5
