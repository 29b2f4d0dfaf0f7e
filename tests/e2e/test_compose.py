"""docker-compose.yml without a Docker engine: the file is validated against the Compose
Specification's JSON schema (check-jsonschema's vendored copy), its properties are checked,
then each service's command and healthcheck run as local processes with the environment
compose would give them, against a real Redis started by the redis service's own entrypoint
script and arguments, and the API is called."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import redis
import yaml
from dotenv import dotenv_values

from tests.conftest import wait_for_redis
from wiretrace.settings_table import variables
from wiretrace_testing import demo_sites
from wiretrace_testing.localsites import free_port, start_server, write_hosts

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# what `openssl rand -base64` makes (/ + =), what breaks a URL (@ : # %), and what breaks a
# shell or a config file (quotes, backslash, $, a space)
PASSWORD = "a/b+c=@d:e#f%20 'g\" \\h$HOME"
# .env as a user makes it from .env.example, with a maxmemory of their own
ENV = {**{k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()},
       "REDIS_MAXMEMORY": "300mb"}
# what compose sets over .env, and the services that get it
COMPOSE_SETS = {"REDIS_URL": "api scheduler", "REDIS_PASSWORD_FILE": "api scheduler",
                "WIRETRACE_SOURCES": "api scheduler", "WIRETRACE_HEARTBEAT_FILE": "scheduler"}
WIRETRACE_READS_PASSWORD_FILE = any("REDIS_PASSWORD_FILE" in p.read_text()
                                    for p in (ROOT / "dedup").glob("*.py"))


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


def load(env: dict[str, str]) -> dict[str, Any]:
    return interpolate(yaml.safe_load((ROOT / "docker-compose.yml").read_text()), env)


def container_env(compose: dict[str, Any], service: str, dotenv: dict[str, str]) -> dict[str, str]:
    """What compose puts in a container's environment: env_file, then `environment`."""
    s = compose["services"][service]
    assert s["env_file"] == ".env"
    return {**dotenv, **{k: str(v) for k, v in s.get("environment", {}).items()}}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load(ENV)


def test_the_compose_file_passes_the_compose_schema(compose: dict[str, Any],
                                                    tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(yaml.safe_dump(compose))
    for f in (ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml"):
        res = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema",
                              "vendor.compose-spec", str(f)], capture_output=True, text=True)
        assert res.returncode == 0, res.stdout + res.stderr
    broken = dict(compose, services={**compose["services"], "api": {
        **compose["services"]["api"], "healthcheck": {"test": "true", "every": "5s"}}})
    (tmp_path / "broken.yml").write_text(yaml.safe_dump(broken))
    assert subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema",
                           "vendor.compose-spec", str(tmp_path / "broken.yml")],
                          capture_output=True).returncode == 1


def test_compose_properties(compose: dict[str, Any]) -> None:
    s = compose["services"]
    cmd = " ".join(s["redis"]["command"])
    for flag in ("--appendonly yes", "--appendfsync everysec", "--maxmemory 300mb",
                 "--maxmemory-policy noeviction"):
        assert flag in cmd
    assert "pass" not in cmd and "REDIS_PASSWORD" not in str(s["redis"].get("command"))
    assert compose["secrets"]["redis_password"]["file"] == "./secrets/redis_password"
    for name, service in s.items():
        assert service["healthcheck"]["test"], name
        assert service.get("restart") == "unless-stopped", name
    for name in ("api", "scheduler"):
        assert s[name]["secrets"] == ["redis_password"]
        assert s[name]["depends_on"]["redis"]["condition"] == "service_healthy"
        assert "@" not in s[name]["environment"]["REDIS_URL"]  # no password in the URL
    assert "ports" not in s["redis"]
    assert s["redis"]["volumes"][0].split(":")[0] in compose["volumes"]  # a named volume
    assert s["api"]["ports"] == ["127.0.0.1:8000:8000"]  # this machine only, by default
    assert load({})["services"]["api"]["ports"] == ["127.0.0.1:8000:8000"]  # without .env
    assert load({**ENV, "API_ADDRESS": "0.0.0.0"})["services"]["api"]["ports"] == \
        ["0.0.0.0:8000:8000"]
    assert s["scheduler"]["environment"]["WIRETRACE_ALLOW_LOCAL_SOURCES"] == "false"
    assert load({})["services"]["scheduler"]["environment"][
        "WIRETRACE_ALLOW_LOCAL_SOURCES"] == "false"  # also without the line in .env
    mount = s["scheduler"]["volumes"][0]
    assert mount["source"] == "./sources.yaml" and mount["read_only"]
    assert mount["bind"]["create_host_path"] is False  # missing: an error, not a folder
    ignored = (ROOT / ".gitignore").read_text().split()
    assert {".env", "/sources.yaml", "secrets/"} <= set(ignored)
    docker = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", docker, re.M)
    assert re.search(r"^USER (?!root)\w+", docker, re.M)
    assert "requirements.lock" in docker and (ROOT / "requirements.lock").exists()


def test_every_setting_reaches_the_containers(tmp_path: Path) -> None:
    """A .env with every variable of every settings class: each reaches the api and the
    scheduler unchanged, except the few compose sets itself (documented in .env.example)."""
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{v}=probe-{i}\n" for i, v in enumerate(variables())))
    dotenv = {k: v or "" for k, v in dotenv_values(env_file).items()}
    compose = load(dotenv)
    example = (ROOT / ".env.example").read_text()
    for service in ("api", "scheduler"):
        got = container_env(compose, service, dotenv)
        own = compose["services"][service]["environment"]
        for var, value in dotenv.items():
            if var in own and own[var] != value:
                assert service in COMPOSE_SETS[var].split(), (service, var)
                assert var in example, var  # said to the user
            else:
                assert got[var] == value, (service, var)
    # .env.example names only settings and variables the compose file uses
    text = (ROOT / "docker-compose.yml").read_text()
    for var in dotenv_values(ROOT / ".env.example"):
        assert var in variables() or "${" + var in text, var


def test_the_demo_and_example_sources_are_refused_in_one_line(compose: dict[str, Any],
                                                              tmp_path: Path) -> None:
    env = {**os.environ, **container_env(compose, "scheduler", ENV),
           "REDIS_URL": "redis://127.0.0.1:1/0"}  # refused before Redis is asked
    cmd = [str(BIN / c) if c == "wiretrace" else c for c in compose["services"]["scheduler"]
           ["command"]]
    shutil.copy(ROOT / "sources.example.yaml", tmp_path / "sources.yaml")  # as a user does
    for sources, hosts in ((ROOT / "examples" / "sources.yaml", "eastbrook-gazette.test"),
                           (tmp_path / "sources.yaml", "www.my-paper.example")):
        res = subprocess.run([*cmd[:-1], str(sources)], env=env, capture_output=True,
                             text=True, timeout=60)
        err = res.stderr.strip()
        assert res.returncode == 2 and "\n" not in err and "Traceback" not in err, err
        assert hosts in err and "WIRETRACE_ALLOW_LOCAL_SOURCES=true" in err, err
        assert "cannot be crawled from here" in err


def healthy(check: list[str], env: dict[str, str], replace: dict[str, str] | None = None,
            ) -> bool:
    """Runs a compose healthcheck (`CMD` or `CMD-SHELL`) here, with the container's
    addresses replaced by the local ones."""
    kind, *args = check
    for old, new in (replace or {}).items():
        args = [a.replace(old, new) for a in args]
    if kind == "CMD-SHELL":
        args = ["sh", "-c", args[0]]
    args = [sys.executable if a == "python" else a for a in args]
    return subprocess.run(args, env=env, capture_output=True, timeout=30).returncode == 0


def test_services_run_as_local_processes(compose: dict[str, Any], tmp_path: Path) -> None:
    s = compose["services"]
    rport, aport, sport = free_port(), free_port(), free_port()
    secret = tmp_path / "redis_password"
    secret.write_text(PASSWORD + "\n")  # as `openssl rand -base64 32 > FILE` writes it
    data = tmp_path / "data"
    data.mkdir()
    procs: list[subprocess.Popen[bytes]] = []
    server = None
    try:
        # redis: the entrypoint script mounted from the repository, the service's arguments,
        # on a free port with a scratch directory
        script = next(v.split(":")[0] for v in s["redis"]["volumes"]
                      if v.split(":")[1] == s["redis"]["entrypoint"][1])
        renv = {**os.environ, "REDIS_PASSWORD_FILE": str(secret), "TMPDIR": str(tmp_path)}
        procs.append(subprocess.Popen(
            ["sh", str(ROOT / script), *s["redis"]["command"], "--port", str(rport),
             "--bind", "127.0.0.1", "--dir", str(data)], env=renv, stdout=subprocess.DEVNULL))
        client = redis.Redis(port=rport, password=PASSWORD, socket_timeout=1)
        wait_for_redis(client)
        assert client.config_get("appendfsync")["appendfsync"] == "everysec"
        assert client.config_get("maxmemory")["maxmemory"] == str(300 << 20)
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=rport, socket_timeout=1).ping()
        check = s["redis"]["healthcheck"]["test"]
        local = {"redis-cli": f"redis-cli -p {rport}"}
        assert healthy(check, renv, local)
        wrong = tmp_path / "wrong"
        wrong.write_text("not-it")
        assert not healthy(check, {**renv, "REDIS_PASSWORD_FILE": str(wrong)}, local)

        def env_of(service: str) -> dict[str, str]:
            env = container_env(compose, service, ENV)
            env["REDIS_URL"] = env["REDIS_URL"].replace("@redis:6379", f"127.0.0.1:{rport}")
            env["REDIS_URL"] = env["REDIS_URL"].replace("//redis:6379", f"//127.0.0.1:{rport}")
            env["REDIS_PASSWORD_FILE"] = str(secret)
            if not WIRETRACE_READS_PASSWORD_FILE:  # until dedup/redisconn.py reads the file
                env["REDIS_URL"] = env["REDIS_URL"].replace(
                    "//", f"//:{quote(PASSWORD, safe='')}@", 1)
            env["WIRETRACE_NAMESPACE"] = f"compose{rport}"
            env["WIRETRACE_HEARTBEAT_FILE"] = str(tmp_path / "alive")
            return {**os.environ, **env}

        # the demo sites stand in for the mounted sources, allowed by the documented
        # setting; the schedule fires every 3 s
        sites = demo_sites.write(tmp_path / "sites", sport)
        write_hosts(tmp_path / "hosts", sites.hosts())
        server = start_server(tmp_path / "sites", sport)
        sources = tmp_path / "sources.yaml"
        sources.write_text((ROOT / "examples" / "sources.yaml").read_text().replace(
            '"*/30 * * * *"', '"* * * * * */3"'))
        senv = {**env_of("scheduler"), "WIRETRACE_DEMO_PORT": str(sport),
                "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts"), "WIRETRACE_LOG_LEVEL": "ERROR",
                "WIRETRACE_SOURCES": str(sources), "WIRETRACE_ALLOW_LOCAL_SOURCES": "true"}
        cmd = [str(BIN / c) if c == "wiretrace" else c for c in s["scheduler"]["command"]]
        cmd[cmd.index("/config/sources.yaml")] = str(sources)
        procs.append(subprocess.Popen([*cmd, "coastaldigest"], env=senv))

        api_cmd = [str(BIN / c) if c == "wiretrace" else c for c in s["api"]["command"]]
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
        # every healthcheck passes against the running processes
        assert healthy(s["api"]["healthcheck"]["test"], env_of("api"),
                       {"127.0.0.1:8000": f"127.0.0.1:{aport}"})
        assert healthy(s["scheduler"]["healthcheck"]["test"], senv)
        # the password is on no command line, nor in the environment of the redis server
        for p in procs:
            cmdline = Path(f"/proc/{p.pid}/cmdline").read_bytes()
            assert PASSWORD.encode() not in cmdline
        assert PASSWORD.encode() not in Path(f"/proc/{procs[0].pid}/environ").read_bytes()
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
    # a scheduler that stopped is unhealthy (its heartbeat file is gone)
    assert not healthy(s["scheduler"]["healthcheck"]["test"], senv)
