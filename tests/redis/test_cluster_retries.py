"""What a Redis Cluster call costs when a node dies (README "Redis Cluster"): a call that meets
a killed master waits, paced, for its replica to be promoted and is answered; a cluster with no
replica to promote fails the call once ``failover_wait`` has passed; a cluster none of whose
nodes answers fails it at once, in one line. While only the one master is down, a try costs at
most 2 connection attempts (its own, and one live node's for the slot map), 3 for a pipeline
(redis-py's pipeline does not ask the node that failed last for the slot map: it may ask it
first).

Attempts are counted as in tests/redis/test_redis_retries.py: a child process counts its own
``socket.connect`` calls to the cluster's ports with an audit hook. Each test starts a cluster
of its own, since it kills nodes of it.
"""

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from dedup.clusterclient import failover_pauses
from wiretrace_testing.rediscluster import LocalCluster, start_cluster

CALLS = ("command", "pipeline", "script")

# The child: a client on the cluster, one key per master ("{tag}"), then, for each line
# "CALL TAG" read, that call on that key, answered by a JSON line: what it gave (or the error's
# type and one-line message), the seconds it took and the connection attempts it made.
CHILD = """
import json, sys, time
url, wait, ports = sys.argv[1], float(sys.argv[2]), {int(p) for p in sys.argv[3].split(",")}
count = [0]
def hook(event, args):
    if event == "socket.connect" and isinstance(args[1], tuple) and args[1][1] in ports:
        count[0] += 1
sys.addaudithook(hook)
from dedup.redisconn import client_from_url
client = client_from_url(url, 2.0, None, wait)
script = client.register_script("return redis.call('get', KEYS[1])")
tags = {}
for i in range(1000):
    tags.setdefault(client.get_node_from_key(f"{{t{i}}}").port, f"t{i}")
for tag in tags.values():
    client.set(f"{{{tag}}}k", tag)
print(json.dumps({str(port): tag for port, tag in tags.items()}), flush=True)
for line in sys.stdin:
    call, tag = line.split()
    key = f"{{{tag}}}k"
    count[0] = 0
    start = time.monotonic()
    try:
        if call == "command":
            got = client.get(key)
        elif call == "pipeline":
            got = client.pipeline().get(key).get(f"{{{tag}}}j").execute()[0]
        else:
            got = script(keys=[key])
        out = {"got": got.decode()}
    except Exception as exc:
        out = {"error": type(exc).__name__, "message": str(exc)}
    out.update(seconds=time.monotonic() - start, attempts=count[0])
    print(json.dumps(out), flush=True)
"""


PER_TRY = {"command": 2, "pipeline": 3, "script": 2}


class Child:
    """The child process on ``cluster``; ``tags``: a hash tag served by each master's port."""

    def __init__(self, cluster: LocalCluster, wait: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, cluster.url, str(wait),
             ",".join(map(str, cluster.ports))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.tags = {int(p): t for p, t in json.loads(self.stdout.readline()).items()}

    def call(self, call: str, port: int) -> dict[str, object]:
        self.stdin.write(f"{call} {self.tags[port]}\n")
        self.stdin.flush()
        return dict(json.loads(self.stdout.readline()))

    def close(self) -> None:
        self.stdin.close()
        self.proc.wait(30)


def tries_within(seconds: float, wait: float) -> int:
    """The most tries a call that took ``seconds`` can have made: one, and one after each
    pause it had time for."""
    done, tries = 0.0, 1
    for pause in failover_pauses(wait):
        done += pause
        if done > seconds:
            break
        tries += 1
    return tries


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> Iterator[LocalCluster]:
    replicas = getattr(request, "param", 1)
    try:
        local = start_cluster(replicas=replicas)
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    try:
        yield local
    finally:
        local.stop()


def test_a_call_that_meets_a_killed_master_waits_for_its_replica(
        cluster: LocalCluster) -> None:
    """Each kind of call meets a master killed just before it (a different master each
    time, each replaced by its replica) and is answered; 2 attempts a try (a pipeline 3), and
    one for the answer. redis-py's own 6 unpaced retries failed every such call (12 to 14
    attempts each, in about 20 ms)."""
    wait = 20.0
    child = Child(cluster, wait)
    try:
        masters = list(child.tags)
        for call, port in zip(CALLS, masters, strict=True):
            cluster.kill(port)
            out = child.call(call, port)
            print("killed master:", call, out)
            assert out.get("got") == child.tags[port], (call, out)
            seconds = float(str(out["seconds"]))
            assert seconds < wait, (call, out)
            tries = tries_within(seconds, wait)
            assert int(str(out["attempts"])) <= PER_TRY[call] * tries + 1, (call, out)
            cluster.wait_failover(port)
    finally:
        child.close()


@pytest.mark.parametrize("cluster", [0], indirect=True)
def test_a_master_with_no_replica_fails_the_call_after_the_wait(cluster: LocalCluster) -> None:
    """No replica to promote: the call tries for ``failover_wait`` seconds, then fails with
    the connection error, in one line; 2 attempts a try (a pipeline 3)."""
    wait = 2.0
    child = Child(cluster, wait)
    try:
        port = next(iter(child.tags))
        cluster.kill(port)
        for call in CALLS:
            out = child.call(call, port)
            print("no replica:", call, out)
            assert out.get("error") == "ConnectionError", (call, out)
            assert "\n" not in str(out["message"]), out
            seconds = float(str(out["seconds"]))
            assert wait - 1.0 <= seconds < wait + 2.0, (call, out)  # the pauses sum to <= wait
            tries = len(failover_pauses(wait)) + 1
            assert int(str(out["attempts"])) <= PER_TRY[call] * tries, (call, out)
    finally:
        child.close()


def test_a_dead_cluster_fails_each_call_at_once_in_one_line(cluster: LocalCluster) -> None:
    """Every node killed after the client found them: no try is repeated; the call's
    attempts are its node's and one to each node it asks for the slot map."""
    child = Child(cluster, 20.0)
    try:
        port = next(iter(child.tags))
        for node in cluster.ports:
            cluster.kill(node)
        for call in CALLS:
            out = child.call(call, port)
            print("dead cluster:", call, out)
            assert out.get("error") == "RedisClusterException", (call, out)
            assert "cannot be connected" in str(out["message"]), out
            assert "\n" not in str(out["message"]), out
            assert float(str(out["seconds"])) < 1.0, (call, out)
            assert int(str(out["attempts"])) <= 1 + len(cluster.ports), (call, out)
    finally:
        child.close()


def test_the_pauses_fit_the_wait() -> None:
    assert failover_pauses(0.0) == []
    assert failover_pauses(2.0) == [0.05, 0.1, 0.2, 0.4, 0.8]
    pauses = failover_pauses(20.0)
    assert sum(pauses) <= 20.0 and max(pauses) == 1.0 and len(pauses) == 23

