"""A Redis call that cannot reach its server makes at most 2 connection attempts (one try, one
retry: README "Guarantees"), whatever the call (a command, a pipeline, a script) and however
the server fails: nothing listening, a listener that accepts and drops every connection, a
server that was there and was killed. redis-py nests retries (its connect retries, and the
health check it runs inside a connect reconnects with a retry of its own): 4 attempts a call
against a listener that drops connections, before the client turned the health check off.

Attempts are counted by the operating system's side of things, not by patching redis-py: a
child process counts its own ``socket.connect`` calls with an audit hook, and the dropping
listener counts the connections it accepted."""

import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import redis

from dedup.redisconn import client_from_url
from tests.conftest import _free_port, wait_for_redis

CALLS = ("command", "pipeline", "script")

CHILD = """
import json, sys
port, calls = int(sys.argv[1]), sys.argv[2:]
count = [0]
def hook(event, args):
    if event == "socket.connect" and isinstance(args[1], tuple) and args[1][1] == port:
        count[0] += 1
sys.addaudithook(hook)
import redis
from dedup.redisconn import client_from_url
client = client_from_url(f"redis://127.0.0.1:{port}/0", 1.0)
if calls and calls[0] == "ping-first":  # a connection in the pool, then the server dies
    client.ping()
    calls = calls[1:]
    print("ready", flush=True)
    sys.stdin.readline()
out = {}
for call in calls:
    count[0] = 0
    try:
        if call == "command":
            client.get("k")
        elif call == "pipeline":
            client.pipeline().get("k").get("j").execute()
        else:
            client.register_script("return 1")()
        out[call] = "answered"
    except redis.ConnectionError:
        out[call] = count[0]
print(json.dumps(out), flush=True)
"""


def attempts(port: int, *calls: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(port), *calls],
                          capture_output=True, text=True, timeout=60, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_nothing_listening_costs_two_attempts_a_call() -> None:
    port = _free_port()
    assert attempts(port, *CALLS) == dict.fromkeys(CALLS, 2)


@pytest.fixture
def dropping_listener() -> Iterator[tuple[int, list[int]]]:
    """A port whose listener accepts every connection and closes it at once (a server at
    maxclients, or a proxy whose backend is down, looks like this); the count it accepted."""
    server = socket.create_server(("127.0.0.1", 0), backlog=64)
    accepted = [0]

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed: the test is over
                return
            accepted[0] += 1
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()


def test_a_listener_that_drops_connections_costs_two_a_call(
        dropping_listener: tuple[int, list[int]]) -> None:
    port, accepted = dropping_listener
    for call in CALLS:
        before = accepted[0]
        assert attempts(port, call) == {call: 2}
        assert accepted[0] - before == 2, call


def test_a_killed_server_costs_two_attempts_a_call() -> None:
    port = _free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        wait_for_redis(redis.Redis(port=port, socket_timeout=1), seconds=30)
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(port), "ping-first", *CALLS],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "ready"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    out, _ = child.communicate("go\n", timeout=60)
    assert json.loads(out.splitlines()[-1]) == dict.fromkeys(CALLS, 2)


def test_a_restarted_server_is_reconnected_to_without_an_error() -> None:
    """What the one retry and the pool's look at a lent connection are for: a server that
    closed the client's connection (a restart) costs the next call nothing visible."""
    port = _free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no"]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    try:
        client = client_from_url(f"redis://127.0.0.1:{port}/0", 1.0)
        wait_for_redis(client, seconds=30)
        client.set("k", "before")
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        wait_for_redis(redis.Redis(port=port, socket_timeout=1), seconds=30)
        assert client.get("k") is None  # the new server, reached on the pooled client
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
