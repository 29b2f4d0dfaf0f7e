"""docker-compose.yml without a Docker engine: its properties are checked, then each
service's command runs as a local process with the compose environment against a real
Redis started with the redis service's own arguments, and the API is called."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import yaml

from tests.conftest import wait_for_redis
from wiretrace_testing import demo_sites
from wiretrace_testing.localsites import free_port, start_server, write_hosts

ROOT = Path(__file__).resolve().parents[2]
WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
ENV = {"REDIS_PASSWORD": "s3cret-test-password", "WIRETRACE_API_KEY": "",
       "WIRETRACE_SOURCES_FILE": "./examples/sources.yaml"}


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?error} and $$."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(m: re.Match[str]) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3) or ""
        got = env.get(name)
        if op == ":?" and not got:
            raise ValueError(f"{name}: {arg}")
        return got if got else (arg if op == ":-" else "")

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:\?|:-)?([^}]*)\}", one,
                  value).replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return interpolate(yaml.safe_load((ROOT / "docker-compose.yml").read_text()), ENV)


def test_compose_properties(compose: dict[str, Any]) -> None:
    s = compose["services"]
    cmd = " ".join(s["redis"]["command"])
    for flag in ("--appendonly yes", "--appendfsync everysec", "--maxmemory-policy noeviction",
                 f"--requirepass {ENV['REDIS_PASSWORD']}"):
        assert flag in cmd
    assert s["redis"]["healthcheck"]["test"]
    assert "ports" not in s["redis"]
    volume = s["redis"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]  # a named volume
    assert s["api"]["ports"] and s["api"]["depends_on"]["redis"]["condition"] == \
        "service_healthy"
    assert s["scheduler"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "schedule" in s["scheduler"]["command"]
    assert s["scheduler"]["volumes"][0].startswith("./examples/sources.yaml:")
    with pytest.raises(ValueError, match="REDIS_PASSWORD"):
        interpolate(yaml.safe_load((ROOT / "docker-compose.yml").read_text()), {})
    docker = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", docker, re.M)
    assert re.search(r"^USER (?!root)\w+", docker, re.M)
    assert "requirements.lock" in docker and (ROOT / "requirements.lock").exists()
    assert "REDIS_PASSWORD=" in (ROOT / ".env.example").read_text()


def test_services_run_as_local_processes(compose: dict[str, Any], tmp_path: Path) -> None:
    s = compose["services"]
    binary = shutil.which("redis-server")
    assert binary
    rport, aport, sport = free_port(), free_port(), free_port()
    data = tempfile.mkdtemp(dir=tmp_path)
    procs: list[subprocess.Popen[bytes]] = []
    server = None
    try:
        # redis: the service's own arguments, on a free port with a scratch directory
        procs.append(subprocess.Popen([binary, *s["redis"]["command"][1:], "--port",
                                       str(rport), "--bind", "127.0.0.1", "--dir", data],
                                      stdout=subprocess.DEVNULL))
        client = redis.Redis(port=rport, password=ENV["REDIS_PASSWORD"], socket_timeout=1)
        wait_for_redis(client)
        assert client.config_get("appendfsync")["appendfsync"] == "everysec"
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=rport, socket_timeout=1).ping()

        def env_of(service: str) -> dict[str, str]:
            env = {k: str(v) for k, v in s[service]["environment"].items()}
            env["REDIS_URL"] = env["REDIS_URL"].replace("@redis:6379", f"@127.0.0.1:{rport}")
            env["WIRETRACE_NAMESPACE"] = f"compose{rport}"
            return {**os.environ, **env}

        # the demo sites stand in for the mounted sources; the schedule fires every 3 s
        sites = demo_sites.write(tmp_path / "sites", sport)
        write_hosts(tmp_path / "hosts", sites.hosts())
        server = start_server(tmp_path / "sites", sport)
        sources = tmp_path / "sources.yaml"
        sources.write_text((ROOT / "examples" / "sources.yaml").read_text().replace(
            '"*/30 * * * *"', '"* * * * * */3"'))
        senv = {**env_of("scheduler"), "WIRETRACE_DEMO_PORT": str(sport),
                "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts"), "WIRETRACE_LOG_LEVEL": "ERROR"}
        cmd = [WIRETRACE if c == "wiretrace" else c for c in s["scheduler"]["command"]]
        cmd[cmd.index("/config/sources.yaml")] = str(sources)
        senv["WIRETRACE_SOURCES"] = str(sources)
        procs.append(subprocess.Popen([*cmd, "coastaldigest"], env=senv))

        api_cmd = [WIRETRACE if c == "wiretrace" else c for c in s["api"]["command"]]
        api_cmd[api_cmd.index("--port") + 1] = str(aport)
        api_cmd[api_cmd.index("--host") + 1] = "127.0.0.1"
        procs.append(subprocess.Popen(api_cmd, env=env_of("api")))
        base = f"http://127.0.0.1:{aport}"
        deadline = time.monotonic() + 60
        runs: list[Any] = []
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(base + "/readyz", timeout=2)
                runs = httpx.get(base + "/v1/stats", timeout=5).json()["crawl_runs"]
                if ready.status_code == 200 and any(r.get("articles_indexed") for r in runs):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert runs and runs[0]["source"] == "coastaldigest", runs
        look = httpx.get(base + "/v1/lookup", params={
            "url": f"http://coastaldigest.test:{sport}/briefs/eastbrook-market"}).json()
        assert look["indexed"] is True
        assert "wiretrace_crawl_runs" in httpx.get(base + "/metrics").text
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
        if server:
            server.stop()
